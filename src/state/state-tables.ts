/**
 * bmp's bookkeeping tables, in the schema `_bmp` of the target database. They are created the
 * first time a run needs them (never by a command that fails to start), outside the data
 * transaction that then writes to them, so two worker connections never race on the DDL.
 */
import { createSchema, createStateTableSql, STATE_SCHEMA, type Connection, type StateTable } from '../adapters/duckdb/index.js';

export { STATE_SCHEMA, stateTable, createStateTableSql, type StateTable } from '../adapters/duckdb/index.js';

const ensured = new WeakMap<Connection, Set<string>>();

/**
 * Creates the schema and the tables if missing. Call it before opening the transaction that
 * writes to them. A concurrent creation by another connection (a write-write conflict on the
 * catalog) is retried once.
 */
export async function ensureStateTables(conn: Connection, tables: readonly StateTable[], schema = STATE_SCHEMA): Promise<void> {
  let done = ensured.get(conn);
  if (!done) ensured.set(conn, (done = new Set()));
  const missing = tables.filter((t) => !done.has(`${schema}.${t}`));
  if (!missing.length) return;
  const have = new Set((await conn.adapter.listRelations(schema)).filter((r) => r.kind === 'table' && r.schema === schema).map((r) => r.identifier));
  for (const t of missing) {
    if (!have.has(t)) {
      for (let attempt = 0; ; attempt++) {
        try {
          await conn.run(createSchema(schema));
          await conn.run(createStateTableSql(t, schema));
          break;
        } catch (err) {
          if (attempt >= 2 || !/conflict/i.test(err instanceof Error ? err.message : String(err))) throw err;
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
        }
      }
    }
    done.add(`${schema}.${t}`);
  }
}

/** Whether a state table exists (read-only callers: listing partitions, compile). */
export async function stateTableExists(conn: Connection, name: StateTable, schema = STATE_SCHEMA): Promise<boolean> {
  return (await conn.adapter.relationKind({ database: '', schema, identifier: name })) === 'table';
}

/** The key bmp's state uses for a relation: `schema.identifier`, lower case. */
export function relationKeyOf(rel: { readonly schema: string; readonly identifier: string }): string {
  return `${rel.schema}.${rel.identifier}`.toLowerCase();
}
