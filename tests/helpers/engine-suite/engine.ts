/**
 * What the engine test suite needs of a database engine (docs/ARCHITECTURE.md, "A second engine"):
 * a factory that opens a fresh, empty database and gives its {@link EngineAdapter} plus what a
 * materialization context holds. A second engine adds one file like ./duckdb.ts and one test file
 * like tests/integration/engine-duckdb.test.ts calling `materializationSuite(itsFactory)`.
 */
import type { Catalog } from '../../../src/adapters/duckdb/index.js';
import type { EngineAdapter } from '../../../src/adapters/index.js';
import type { MaterializationContext } from '../../../src/materializations/index.js';

/** One fresh database of the engine under test. */
export interface EngineUnderTest {
  /** The engine's adapter on this database's one connection. */
  readonly adapter: EngineAdapter;
  /** Where the suite's relations go (the engine's default database and a schema the factory created). */
  readonly database: string;
  readonly schema: string;
  /**
   * The connection-level members of a materialization context: the adapter, and optionally the
   * catalog read from the database when the run starts (DuckDB's type; without it the suite builds
   * one from `adapter.listRelations`).
   */
  context(): Promise<Pick<MaterializationContext, 'adapter'> & { readonly catalog?: Catalog }>;
  /** Runs set-up SQL (portable: `create table ... as select`, `create view`, `insert`). */
  exec(sql: string): Promise<void>;
  /** Reads rows (portable SQL); values as the engine's driver gives them, numbers as numbers. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface EngineFactory {
  /** Shown in the suite's title: `materializations on duckdb`. */
  readonly name: string;
  open(): Promise<EngineUnderTest>;
}
