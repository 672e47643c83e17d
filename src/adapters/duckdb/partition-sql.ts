/**
 * DuckDB SQL for partitioned tables. DuckDB has no declarative partitioning, so a partition is a
 * `date_trunc` of the partition field: rows are written in that order (zone maps then skip other
 * partitions' row groups), and statements name partitions by it.
 */
import type { Granularity, PartitionBy } from '../engine.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { stateTable, type PartitionOwner } from './state-sql.js';

/** `date_trunc('month', "consolidated_at")`: a row's partition start. */
export function partitionExpr(p: PartitionBy, alias?: string): string {
  return `date_trunc('${p.granularity}', ${alias ? `${alias}.` : ''}${quoteIdent(p.field)})`;
}

const LABEL_FORMAT: Readonly<Record<Granularity, string>> = { year: '%Y', month: '%Y-%m', day: '%Y-%m-%d', hour: '%Y-%m-%dT%H' };

/** `strftime("consolidated_at", '%Y-%m')`: a row's partition label (`2024-05`), the hive folder value. */
export function partitionLabelExpr(p: PartitionBy, alias?: string): string {
  return `strftime(${alias ? `${alias}.` : ''}${quoteIdent(p.field)}, '${LABEL_FORMAT[p.granularity]}')`;
}

/** The name of the hive partition column of an external model: `consolidated_at_month`. */
export function partitionColumn(p: PartitionBy): string {
  return `${p.field}_${p.granularity}`;
}

/**
 * Rows of a partitioned table are written sorted by their partition field, so each row group covers
 * few partitions and DuckDB's zone maps skip the rest. The partition (`date_trunc` of the field) never
 * decreases as the field grows, so the field alone puts the rows in partition order too (one sort
 * key instead of two; the time is the same within noise: moving the rows is the sort's cost).
 *
 * ### Example
 * ```sql
 * select * from (<model sql>) as __bmp_src order by "created_at"
 * ```
 */
export function clusteredSelect(sql: string, p: PartitionBy | undefined): string {
  if (!p) return sql;
  return `select * from (\n${sql}\n) as __bmp_src order by ${quoteIdent(p.field)}`;
}

export const AFFECTED = '__bmp_affected_partitions';

const COUNTS = '__bmp_partition_counts';

/**
 * Metadata after an append or a whole-partition overwrite, from the batch alone (no scan of the
 * table): the batch's per-partition counts replace (overwrite) or add to (append) the recorded ones.
 */
export function batchPartitionsMetaStatements(owner: PartitionOwner, batch: string, p: PartitionBy, stateSchema: string, additive: boolean): string[] {
  const t = stateTable('partitions', stateSchema);
  const c = quoteIdent(COUNTS);
  // bmp's own values as literals: the statements then go in one round trip
  const rel = quoteLiteral(owner.relationKey);
  const ownerValues = [owner.relationKey, owner.nodeId, owner.kind, owner.field, owner.granularity].map(quoteLiteral).join(', ');
  return [
    `create or replace temp table ${c} as select ${partitionLabelExpr(p)} as k, min(${partitionExpr(p)}) as s, count(*) as n from ${quoteIdent(batch)} group by 1`,
    ...(additive ? [`update ${c} set n = ${c}.n + m.row_count from ${t} as m where m.relation = ${rel} and m.partition_key is not distinct from ${c}.k`] : []),
    `delete from ${t} where relation = ${rel} and (partition_key in (select k from ${c}) or (partition_key is null and exists (select 1 from ${c} where k is null)))`,
    `insert into ${t} select ${ownerValues}, k, s, n, ${quoteLiteral(owner.invocationId)}, now()::timestamp from ${c}`,
    `drop table if exists temp.main.${c}`,
  ];
}
