/**
 * bmp's bookkeeping tables, in the schema `_bmp` of the target database. They are created the
 * first time a run needs them (never by a command that fails to start), outside the data
 * transaction that then writes to them, so two worker connections never race on the DDL.
 */
import { quoteIdent, type Connection } from '../adapters/duckdb/index.js';

/** The schema holding bmp's own tables. */
export const STATE_SCHEMA = '_bmp';

export type StateTable = 'microbatch_intervals' | 'partitions' | 'pending_indexes';

const DDL: Readonly<Record<StateTable, string>> = {
  // One row per event-time interval a microbatch model has processed, committed with the batch.
  microbatch_intervals: `(
  relation varchar not null,
  node_id varchar not null,
  batch_start timestamp not null,
  batch_end timestamp not null,
  rows_written bigint,
  invocation_id varchar,
  completed_at timestamp
)`,
  // One row per index an incremental step set aside (dropped, committed with this row) and has not
  // created again yet: a kill in between leaves the row, and the model's next run restores the index.
  pending_indexes: `(
  relation varchar not null,
  index_name varchar not null,
  create_sql varchar not null,
  invocation_id varchar,
  dropped_at timestamp
)`,
  // One row per partition of a partitioned table or external model, committed with the data.
  partitions: `(
  relation varchar not null,
  node_id varchar,
  kind varchar not null,
  field varchar not null,
  granularity varchar not null,
  partition_key varchar,
  partition_start timestamp,
  row_count bigint not null,
  invocation_id varchar,
  updated_at timestamp
)`,
};

/** `"_bmp"."partitions"`. */
export function stateTable(name: StateTable, schema = STATE_SCHEMA): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** The DDL for one state table (`create table if not exists`). */
export function createStateTableSql(name: StateTable, schema = STATE_SCHEMA): string {
  return `create table if not exists ${stateTable(name, schema)} ${DDL[name]}`;
}

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
  const existing = await conn.rows<{ table_name: string }>(
    `select table_name from duckdb_tables() where schema_name = $1 and not temporary`,
    [schema],
  );
  const have = new Set(existing.map((r) => r.table_name));
  for (const t of missing) {
    if (!have.has(t)) {
      for (let attempt = 0; ; attempt++) {
        try {
          await conn.run(`create schema if not exists ${quoteIdent(schema)}`);
          await conn.run(createStateTableSql(t, schema));
          break;
        } catch (err) {
          if (attempt >= 2 || !/conflict/i.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
        }
      }
    }
    done.add(`${schema}.${t}`);
  }
}

/** Whether a state table exists (read-only callers: listing partitions, compile). */
export async function stateTableExists(conn: Connection, name: StateTable, schema = STATE_SCHEMA): Promise<boolean> {
  const rows = await conn.rows(`select 1 from duckdb_tables() where schema_name = $1 and table_name = $2`, [schema, name]);
  return rows.length > 0;
}

/** The key bmp's state uses for a relation: `schema.identifier`, lower case. */
export function relationKeyOf(rel: { readonly schema: string; readonly identifier: string }): string {
  return `${rel.schema}.${rel.identifier}`.toLowerCase();
}
