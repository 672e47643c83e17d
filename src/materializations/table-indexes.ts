/**
 * The indexes a table has, as the engine reports them (`EngineAdapter.listIndexes`): enough to drop
 * one, check its keys and create it again exactly as it was. Reading DuckDB's index statements is
 * src/adapters/duckdb/index-keys.ts.
 */
import type { Connection } from '../adapters/duckdb/index.js';
import type { EngineIndex } from '../adapters/index.js';
import type { Relation } from '../manifest/types.js';

export { indexKeyList, splitKeys } from '../adapters/duckdb/index.js';

/** An index as it exists on a table. */
export type TableIndex = EngineIndex;

/** The indexes on a table (the adapter's `listIndexes` intent). */
export function tableIndexes(conn: Connection, rel: Relation): Promise<TableIndex[]> {
  return conn.adapter.listIndexes(rel);
}
