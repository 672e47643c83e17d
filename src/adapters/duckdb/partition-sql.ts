/**
 * DuckDB SQL for partitioned tables. DuckDB has no declarative partitioning, so a partition is a
 * `date_trunc` of the partition field: rows are written in that order (zone maps then skip other
 * partitions' row groups), and statements name partitions by it.
 */
import type { Granularity, PartitionBy } from '../engine.js';
import { quoteIdent } from './sql.js';

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
 * Rows of a partitioned table are written sorted by partition key (then the key itself), so each
 * row group covers few partitions and DuckDB's zone maps skip the rest.
 *
 * ### Example
 * ```sql
 * select * from (<model sql>) as __bmp_src order by date_trunc('month', "created_at"), "created_at"
 * ```
 */
export function clusteredSelect(sql: string, p: PartitionBy | undefined): string {
  if (!p) return sql;
  return `select * from (\n${sql}\n) as __bmp_src order by ${partitionExpr(p)}, ${quoteIdent(p.field)}`;
}
