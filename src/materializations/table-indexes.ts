/**
 * The indexes a table has, as the engine reports them (`EngineAdapter.listIndexes`): enough to drop
 * one, check its keys and create it again exactly as it was. Reading DuckDB's index statements is
 * src/adapters/duckdb/index-keys.ts.
 */
import type { EngineIndex } from '../adapters/index.js';

export { indexKeyList, splitKeys } from '../adapters/duckdb/index.js';

/** An index as it exists on a table. */
export type TableIndex = EngineIndex;
