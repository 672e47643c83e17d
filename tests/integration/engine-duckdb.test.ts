/**
 * The engine suite (tests/helpers/engine-suite/) on DuckDB: every materialization through
 * DuckDbAdapter on a fresh in-memory database. A second engine's test is this file with its factory.
 *
 * It runs twice: as a run opens DuckDB (the catalog read by DuckDB's reader), and with the adapter
 * alone (the catalog built from `adapter.listRelations`: what a second engine without DuckDB's
 * catalog reader gives). Materializations
 * get no connection in either: every statement they issue goes through the adapter.
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
        const { adapter } = await e.context();
        return { adapter };
      },
    };
  },
};
materializationSuite(adapterOnly);
