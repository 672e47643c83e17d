/**
 * "Partitioned" native tables. DuckDB has no declarative partitioning (`PARTITIONED BY` is refused),
 * so a partitioned table here is: rows written sorted by the partition key (each row group then
 * covers few partitions and DuckDB's zone maps skip the rest), partition-level insert_overwrite,
 * and partition metadata (`_bmp.partitions`) that bmp keeps in the same transaction as the data.
 */
import { clusteredSelect, partitionColumn, partitionExpr, partitionLabelExpr, partitionsPredicate, quoteIdent, relationSql, type CatalogColumn } from '../adapters/duckdb/index.js';
import type { Granularity, PartitionBy, PartitionRange } from '../adapters/index.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { relationKeyOf, replacePartitionStatements, stateTable, type ParamStatement, type PartitionOwner } from '../state/index.js';

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

/** Metadata statements after a full build: every partition of the table, recounted. */
export function allPartitionsMetaStatements(rel: Relation, owner: PartitionOwner, p: PartitionBy, stateSchema: string): ParamStatement[] {
  return replacePartitionStatements(owner, relationSql(rel), partitionLabelExpr(p), partitionExpr(p), undefined, stateSchema);
}

export const AFFECTED = '__bmp_affected_partitions';

/**
 * Before an incremental step: the partitions it can change, i.e. those of the batch, plus those
 * of target rows the step may delete or update (`targetFilter`, over `DBT_INTERNAL_DEST`).
 */
export function affectedPartitionsSql(target: Relation, batch: string, p: PartitionBy, targetFilter?: string): string {
  const fromBatch = `select distinct ${partitionExpr(p)} as p from ${quoteIdent(batch)}`;
  const fromTarget = targetFilter ? `\nunion\nselect distinct ${partitionExpr(p, 'DBT_INTERNAL_DEST')} from ${relationSql(target)} as DBT_INTERNAL_DEST where ${targetFilter}` : '';
  return `create or replace temp table ${quoteIdent(AFFECTED)} as\n${fromBatch}${fromTarget}`;
}

/**
 * After an incremental step: recount only the affected partitions (see {@link partitionsPredicate}).
 */
export function affectedPartitionsMetaStatements(rel: Relation, owner: PartitionOwner, p: PartitionBy, stateSchema: string, range: PartitionRange, fieldType: string | undefined): ParamStatement[] {
  const only = `select p from ${quoteIdent(AFFECTED)}`;
  const from = `(select * from ${relationSql(rel)} where ${partitionsPredicate(p, range, only, fieldType)})`;
  return replacePartitionStatements(owner, from, partitionLabelExpr(p), partitionExpr(p), only, stateSchema);
}

/** The query that reads the affected range back (`lo`, `hi` as plain timestamps). */
export function affectedRangeSql(p: PartitionBy): string {
  return `select strftime(min(p), '%Y-%m-%d %H:%M:%S') as lo, strftime(max(p) + interval 1 ${p.granularity}, '%Y-%m-%d %H:%M:%S') as hi, count(*) filter (where p is null) > 0 as has_null from ${quoteIdent(AFFECTED)}`;
}

export function columnType(columns: readonly CatalogColumn[], name: string): string | undefined {
  return columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
}

const COUNTS = '__bmp_partition_counts';

/**
 * Metadata after an append or a whole-partition overwrite, from the batch alone (no scan of the
 * table): the batch's per-partition counts replace (overwrite) or add to (append) the recorded ones.
 */
export function batchPartitionsMetaStatements(owner: PartitionOwner, batch: string, p: PartitionBy, stateSchema: string, additive: boolean): ParamStatement[] {
  const t = stateTable('partitions', stateSchema);
  const c = quoteIdent(COUNTS);
  return [
    { sql: `create or replace temp table ${c} as select ${partitionLabelExpr(p)} as k, min(${partitionExpr(p)}) as s, count(*) as n from ${quoteIdent(batch)} group by 1`, params: [] },
    ...(additive
      ? [{ sql: `update ${c} set n = ${c}.n + m.row_count from ${t} as m where m.relation = $1 and m.partition_key is not distinct from ${c}.k`, params: [owner.relationKey] }]
      : []),
    { sql: `delete from ${t} where relation = $1 and (partition_key in (select k from ${c}) or (partition_key is null and exists (select 1 from ${c} where k is null)))`, params: [owner.relationKey] },
    {
      sql: `insert into ${t} select $1, $2, $3, $4, $5, k, s, n, $6, now()::timestamp from ${c}`,
      params: [owner.relationKey, owner.nodeId, owner.kind, owner.field, owner.granularity, owner.invocationId],
    },
    { sql: `drop table if exists temp.main.${c}`, params: [] },
  ];
}
