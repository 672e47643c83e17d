/**
 * Partition metadata: one row per partition of a partitioned native table or external model,
 * with its row count. Materializations write it in the same transaction as the data, so it is
 * never ahead of or behind the table.
 */
import type { Connection } from '../adapters/duckdb/index.js';
import { STATE_SCHEMA, stateTable, stateTableExists } from './state-tables.js';

export interface PartitionRow {
  readonly relation: string;
  readonly nodeId: string | null;
  readonly kind: 'table' | 'external';
  readonly field: string;
  readonly granularity: string;
  /** The partition's label (`2024-05` for a month), as in the hive folder name. */
  readonly partitionKey: string | null;
  readonly partitionStart: string | null;
  readonly rowCount: number;
  readonly updatedAt: string | null;
}

/** What identifies the partitioned relation in the metadata. */
export interface PartitionOwner {
  readonly relationKey: string;
  readonly nodeId: string;
  readonly kind: 'table' | 'external';
  readonly field: string;
  readonly granularity: string;
  readonly invocationId: string;
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

/** The metadata rows of some relations (all when `relationKeys` is empty), ordered by partition. */
export async function readPartitions(conn: Connection, relationKeys: readonly string[] = [], schema = STATE_SCHEMA): Promise<PartitionRow[]> {
  if (!(await stateTableExists(conn, 'partitions', schema))) return [];
  const filter = relationKeys.length ? `where relation in (select unnest(from_json($1, '["VARCHAR"]')))` : '';
  const rows = await conn.rows<Record<string, unknown>>(
    `select relation, node_id, kind, field, granularity, partition_key, strftime(partition_start, '%Y-%m-%d %H:%M:%S') as partition_start, row_count,
            strftime(updated_at, '%Y-%m-%d %H:%M:%S') as updated_at
     from ${stateTable('partitions', schema)} ${filter} order by relation, partition_start nulls last`,
    relationKeys.length ? [JSON.stringify(relationKeys)] : undefined,
  );
  return rows.map((r) => ({
    relation: String(r['relation']),
    nodeId: (r['node_id'] as string | null) ?? null,
    kind: r['kind'] as 'table' | 'external',
    field: String(r['field']),
    granularity: String(r['granularity']),
    partitionKey: (r['partition_key'] as string | null) ?? null,
    partitionStart: (r['partition_start'] as string | null) ?? null,
    rowCount: Number(r['row_count']),
    updatedAt: (r['updated_at'] as string | null) ?? null,
  }));
}
