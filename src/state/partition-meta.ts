/**
 * Partition metadata: one row per partition of a partitioned native table or external model,
 * with its row count. Materializations write it in the same transaction as the data, so it is
 * never ahead of or behind the table.
 */
import { readPartitionsSql, STATE_SCHEMA, type Connection } from '../adapters/duckdb/index.js';
import { stateTableExists } from './state-tables.js';

export { replacePartitionStatements, insertPartitionRowsStatement, deletePartitionRowsStatement, type PartitionOwner, type ParamStatement } from '../adapters/duckdb/index.js';

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

/** The metadata rows of some relations (all when `relationKeys` is empty), ordered by partition. */
export async function readPartitions(conn: Connection, relationKeys: readonly string[] = [], schema = STATE_SCHEMA): Promise<PartitionRow[]> {
  if (!(await stateTableExists(conn, 'partitions', schema))) return [];
  const rows = await conn.rows<Record<string, unknown>>(readPartitionsSql(relationKeys.length > 0, schema), relationKeys.length ? [JSON.stringify(relationKeys)] : undefined);
  return rows.map((r) => ({
    relation: String(r['relation']),
    nodeId: (r['node_id'] as string | null) ?? null,
    kind: r['kind'] === 'external' ? 'external' : 'table',
    field: String(r['field']),
    granularity: String(r['granularity']),
    partitionKey: (r['partition_key'] as string | null) ?? null,
    partitionStart: (r['partition_start'] as string | null) ?? null,
    rowCount: Number(r['row_count']),
    updatedAt: (r['updated_at'] as string | null) ?? null,
  }));
}
