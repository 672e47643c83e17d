/**
 * DuckDB SQL for bmp's bookkeeping tables in `_bmp` (microbatch intervals, partition metadata,
 * indexes set aside): their DDL, and the statements (values bound) that materializations run in
 * the same transaction as the data. The logic around them (creating the tables once, reading them)
 * is in src/state.
 */
import type { PartitionOwner, StateTable } from '../engine.js';
import { quoteIdent } from './sql.js';

export type { PartitionOwner, StateTable };

/** The schema holding bmp's own tables. */
export const STATE_SCHEMA = '_bmp';

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

export interface ParamStatement {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * Statements that replace the metadata of some (or all) partitions with counts from `fromSql`.
 * `keyExpr`/`startExpr` compute a row's partition label and start in `fromSql`'s rows;
 * `onlyStarts` (a SQL subquery yielding partition starts) limits the replacement to those
 * partitions, null starts included when the subquery yields a null.
 *
 * ### Example (a monthly table, all partitions)
 * ```sql
 * delete from "_bmp"."partitions" where relation = $1;
 * insert into "_bmp"."partitions"
 * select $1, $2, $3, $4, $5, k, s, count(*), $6, now()::timestamp
 * from (select strftime("created_at", '%Y-%m') as k, date_trunc('month', "created_at") as s from "main"."t") group by k, s
 * ```
 */
export function replacePartitionStatements(owner: PartitionOwner, fromSql: string, keyExpr: string, startExpr: string, onlyStarts?: string, schema = STATE_SCHEMA): ParamStatement[] {
  const t = stateTable('partitions', schema);
  const only = onlyStarts ? ` and (partition_start in (${onlyStarts}) or (partition_start is null and exists (select 1 from (${onlyStarts}) as __s(s) where s is null)))` : '';
  return [
    { sql: `delete from ${t} where relation = $1${only}`, params: [owner.relationKey] },
    {
      sql: `insert into ${t}\nselect $1, $2, $3, $4, $5, k, s, count(*), $6, now()::timestamp\nfrom (select ${keyExpr} as k, ${startExpr} as s from ${fromSql}) group by k, s`,
      params: [owner.relationKey, owner.nodeId, owner.kind, owner.field, owner.granularity, owner.invocationId],
    },
  ];
}

/** Inserts metadata rows whose counts are already known (external partitions just written). */
export function insertPartitionRowsStatement(owner: PartitionOwner, rows: readonly { key: string | null; start: string | null; count: number }[], schema = STATE_SCHEMA): ParamStatement[] {
  if (!rows.length) return [];
  const t = stateTable('partitions', schema);
  return [
    {
      sql: `insert into ${t}\nselect $1, $2, $3, $4, $5, r.k, r.s::timestamp, r.n, $6, now()::timestamp\nfrom (select unnest(from_json($7, '[{"k":"VARCHAR","s":"VARCHAR","n":"BIGINT"}]'), recursive := true)) as r`,
      params: [owner.relationKey, owner.nodeId, owner.kind, owner.field, owner.granularity, owner.invocationId, JSON.stringify(rows.map((r) => ({ k: r.key, s: r.start, n: r.count })))],
    },
  ];
}

/** Deletes the metadata of the listed partition labels (external overwrite) or of all partitions. */
export function deletePartitionRowsStatement(relationKey: string, keys?: readonly (string | null)[], schema = STATE_SCHEMA): ParamStatement {
  const t = stateTable('partitions', schema);
  if (!keys) return { sql: `delete from ${t} where relation = $1`, params: [relationKey] };
  const hasNull = keys.includes(null);
  return {
    sql: `delete from ${t} where relation = $1 and (partition_key in (select unnest(from_json($2, '["VARCHAR"]')))${hasNull ? ' or partition_key is null' : ''})`,
    params: [relationKey, JSON.stringify(keys.filter((k) => k !== null))],
  };
}

/**
 * Statements (with their parameters) that record one processed interval, replacing the rows it
 * covers so re-processed intervals (lookback, backfills) do not pile up.
 */
export function recordIntervalStatements(
  relationKey: string,
  nodeId: string,
  interval: { readonly start: string; readonly end: string },
  rowsWritten: number,
  invocationId: string,
  schema = STATE_SCHEMA,
): { sql: string; params: unknown[] }[] {
  const t = stateTable('microbatch_intervals', schema);
  return [
    { sql: `delete from ${t} where relation = $1 and batch_start >= $2::timestamp and batch_end <= $3::timestamp`, params: [relationKey, interval.start, interval.end] },
    {
      sql: `insert into ${t} values ($1, $2, $3::timestamp, $4::timestamp, $5, $6, now()::timestamp)`,
      params: [relationKey, nodeId, interval.start, interval.end, rowsWritten, invocationId],
    },
  ];
}

/** Forgets every interval of a relation (full refresh, or the table was dropped). */
export function clearIntervalsStatement(relationKey: string, schema = STATE_SCHEMA): { sql: string; params: unknown[] } {
  return { sql: `delete from ${stateTable('microbatch_intervals', schema)} where relation = $1`, params: [relationKey] };
}

/** Records an index set aside (dropped) by an incremental step, in the step's transaction. */
export function recordPendingIndexStatement(relationKey: string, indexName: string, createSql: string, invocationId: string, schema = STATE_SCHEMA): ParamStatement {
  return { sql: `insert into ${stateTable('pending_indexes', schema)} values ($1, $2, $3, $4, now()::timestamp)`, params: [relationKey, indexName, createSql, invocationId] };
}

/** Forgets the set-aside indexes of a relation (all of them, or those named). */
export function clearPendingIndexesStatement(relationKey: string, indexNames?: readonly string[], schema = STATE_SCHEMA): ParamStatement {
  const t = stateTable('pending_indexes', schema);
  return indexNames
    ? { sql: `delete from ${t} where relation = $1 and index_name in (select unnest($2::varchar[]))`, params: [relationKey, [...indexNames]] }
    : { sql: `delete from ${t} where relation = $1`, params: [relationKey] };
}

/** The processed intervals of a relation (`$1`), as `YYYY-MM-DD HH:MM:SS`, ordered by start. */
export function readIntervalsSql(schema = STATE_SCHEMA): string {
  return `select strftime(batch_start, '%Y-%m-%d %H:%M:%S') as start, strftime(batch_end, '%Y-%m-%d %H:%M:%S') as "end"
     from ${stateTable('microbatch_intervals', schema)} where relation = $1 order by batch_start, batch_end`;
}

/**
 * The partition rows of some relations (`$1`: a JSON list of relation keys, when `filtered`; else
 * all), times as `YYYY-MM-DD HH:MM:SS`, ordered by relation and partition.
 */
export function readPartitionsSql(filtered: boolean, schema = STATE_SCHEMA): string {
  const filter = filtered ? `where relation in (select unnest(from_json($1, '["VARCHAR"]')))` : '';
  return `select relation, node_id, kind, field, granularity, partition_key, strftime(partition_start, '%Y-%m-%d %H:%M:%S') as partition_start, row_count,
            strftime(updated_at, '%Y-%m-%d %H:%M:%S') as updated_at
     from ${stateTable('partitions', schema)} ${filter} order by relation, partition_start nulls last`;
}

/** The indexes of a relation (`$1`) set aside and not created again yet, by name. */
export function readPendingIndexesSql(schema = STATE_SCHEMA): string {
  return `select distinct index_name, create_sql from ${stateTable('pending_indexes', schema)} where relation = $1 order by 1`;
}

/** Whether a relation (`$1`) has partition rows: one row if so. */
export function hasPartitionRowsSql(schema = STATE_SCHEMA): string {
  return `select 1 from ${stateTable('partitions', schema)} where relation = $1 limit 1`;
}
