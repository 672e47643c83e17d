/**
 * Microbatch interval state (SQLMesh's interval tracking): which event-time intervals of a model
 * have been processed. A batch's row is written in the batch's own transaction, so the state says
 * "done" exactly when the batch's rows are committed.
 */
import type { Connection } from '../adapters/duckdb/index.js';
import { STATE_SCHEMA, stateTable, stateTableExists } from './state-tables.js';

/** A half-open interval `[start, end)`, as `YYYY-MM-DD HH:MM:SS` (UTC wall clock). */
export interface Interval {
  readonly start: string;
  readonly end: string;
}

/** The processed intervals of a relation, ordered by start. Empty when the table does not exist yet. */
export async function readIntervals(conn: Connection, relationKey: string, schema = STATE_SCHEMA): Promise<Interval[]> {
  if (!(await stateTableExists(conn, 'microbatch_intervals', schema))) return [];
  return conn.rows<{ start: string; end: string }>(
    `select strftime(batch_start, '%Y-%m-%d %H:%M:%S') as start, strftime(batch_end, '%Y-%m-%d %H:%M:%S') as "end"
     from ${stateTable('microbatch_intervals', schema)} where relation = $1 order by batch_start, batch_end`,
    [relationKey],
  ) as Promise<Interval[]>;
}

/**
 * Statements (with their parameters) that record one processed interval, replacing the rows it
 * covers so re-processed intervals (lookback, backfills) do not pile up.
 */
export function recordIntervalStatements(
  relationKey: string,
  nodeId: string,
  interval: Interval,
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

/** Whether `[start, end)` is covered by the union of `intervals` (all sorted or not). */
export function isCovered(interval: Interval, intervals: readonly Interval[]): boolean {
  const sorted = [...intervals].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let reach = interval.start;
  for (const i of sorted) {
    if (i.start > reach) break;
    if (i.end > reach) reach = i.end;
    if (reach >= interval.end) return true;
  }
  return reach >= interval.end;
}
