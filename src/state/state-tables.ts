/**
 * bmp's bookkeeping tables, in the schema `_bmp` of the target database. They are created the
 * first time a run needs them (never by a command that fails to start), outside the data
 * transaction that then writes to them, so two worker connections never race on the DDL.
 */
import { STATE_SCHEMA, type Connection, type StateTable } from '../adapters/duckdb/index.js';

export { STATE_SCHEMA, stateTable, createStateTableSql, type StateTable } from '../adapters/duckdb/index.js';

/**
 * Creates the schema and the tables if missing (the adapter's `ensureStateTables`: once per
 * connection). Call it before opening the transaction that writes to them.
 */
export function ensureStateTables(conn: Connection, tables: readonly StateTable[], schema = STATE_SCHEMA): Promise<void> {
  return conn.adapter.ensureStateTables(tables, schema);
}

/** Whether a state table exists (read-only callers: listing partitions, compile). */
export async function stateTableExists(conn: Connection, name: StateTable, schema = STATE_SCHEMA): Promise<boolean> {
  return (await conn.adapter.relationKind({ database: '', schema, identifier: name })) === 'table';
}

/** The key bmp's state uses for a relation: `schema.identifier`, lower case. */
export function relationKeyOf(rel: { readonly schema: string; readonly identifier: string }): string {
  return `${rel.schema}.${rel.identifier}`.toLowerCase();
}
