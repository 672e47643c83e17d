/**
 * The engine suite (tests/helpers/engine-suite/) on DuckDB: every materialization through
 * DuckDbAdapter on a fresh in-memory database. A second engine's test is this file with its factory.
 *
 * It runs twice: as DuckDB is, and with the context's DuckDB connection taken away (a connection
 * that throws when used), which is what a second engine's materializations get. The second run
 * shows which materializations need nothing but the adapter: the cases it skips are the ones still
 * reaching past it (docs/ARCHITECTURE.md, "SQL outside the adapter").
 */
import { duckdbEngine } from '../helpers/engine-suite/duckdb.js';
import type { EngineFactory } from '../helpers/engine-suite/engine.js';
import { materializationSuite } from '../helpers/engine-suite/materializations.js';

materializationSuite(duckdbEngine);

const adapterOnly: EngineFactory = {
  name: 'duckdb, adapter only',
  async open() {
    const e = await duckdbEngine.open();
    return {
      ...e,
      context: async () => {
        const { adapter, columnsOf } = await e.context();
        return { adapter, columnsOf };
      },
    };
  },
};
materializationSuite(adapterOnly);
