/**
 * "Partitioned" native tables. DuckDB has no declarative partitioning (`PARTITIONED BY` is refused),
 * so a partitioned table here is: rows written sorted by the partition key (each row group then
 * covers few partitions and DuckDB's zone maps skip the rest), partition-level insert_overwrite,
 * and partition metadata (`_bmp.partitions`) that bmp keeps in the same transaction as the data.
 */
import { clusteredSelect, partitionColumn, partitionExpr, partitionLabelExpr, partitionsPredicate, type CatalogColumn } from '../adapters/duckdb/index.js';
import type { Granularity, PartitionBy, PartitionRange } from '../adapters/index.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { relationKeyOf, type PartitionOwner } from '../state/index.js';

export type { Granularity, PartitionBy, PartitionRange };
export { clusteredSelect, partitionColumn, partitionExpr, partitionLabelExpr, partitionsPredicate };

/** `partition_by` config: `{field, granularity}` (granularity defaults to month) or a column name. */
export function partitionOf(config: NodeConfig): PartitionBy | undefined {
  const p = config['partition_by'] as { field: string; granularity?: Granularity } | string | undefined;
  if (!p) return undefined;
  if (typeof p === 'string') return { field: p, granularity: 'month' };
  return { field: p.field, granularity: p.granularity ?? 'month' };
}

export function partitionOwner(rel: Relation, nodeId: string, p: PartitionBy, kind: 'table' | 'external', invocationId: string): PartitionOwner {
  return { relationKey: relationKeyOf(rel), nodeId, kind, field: p.field, granularity: p.granularity, invocationId };
}

export function columnType(columns: readonly CatalogColumn[], name: string): string | undefined {
  return columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
}
