/**
 * DuckDB SQL for external models: files written with COPY (hive-partitioned Parquet or CSV) and
 * read back with read_parquet/read_csv. File paths are literals (COPY takes no parameter for them).
 */
import type { ExternalLayout } from '../engine.js';
import { partitionColumn, partitionLabelExpr } from './partition-sql.js';
import { quoteIdent, quoteLiteral } from './sql.js';

/** The table function that reads an external model's files (`paths`: only these partition folders). */
export function filesReader(layout: ExternalLayout, paths?: readonly string[]): string {
  const fn = layout.format === 'parquet' ? 'read_parquet' : 'read_csv';
  if (!layout.partition) return `${fn}(${quoteLiteral(layout.location)})`;
  const pcol = partitionColumn(layout.partition);
  const glob = paths ? `[${paths.map((p) => quoteLiteral(`${p}/*.${layout.format}`)).join(', ')}]` : quoteLiteral(`${layout.location}/*/*.${layout.format}`);
  return `${fn}(${glob}, hive_partitioning = true, hive_types = {${quoteLiteral(pcol)}: VARCHAR}, union_by_name = true)`;
}

/** The SELECT of an external model's view: the files' columns (`columns`, in that order, when given), the partition column last. */
export function filesViewSelect(layout: ExternalLayout, columns?: readonly { readonly name: string }[]): string {
  const pcol = layout.partition ? partitionColumn(layout.partition) : undefined;
  const list = columns ? [...columns.filter((c) => c.name !== pcol).map((c) => quoteIdent(c.name)), ...(pcol ? [quoteIdent(pcol)] : [])].join(', ') : '*';
  return `select ${list} from ${filesReader(layout)}`;
}

/**
 * The COPY that writes the model's rows to `dest`.
 *
 * ### Example
 * ```sql
 * copy (select *, strftime("created_at", '%Y-%m') as "created_at_month" from (<sql>) as __bmp_src order by "created_at")
 * to '/p/data/.events.bmp-staging-<id>' (format parquet, partition_by ("created_at_month"), filename_pattern 'data_{uuid}')
 * ```
 */
export function copySql(sql: string, dest: string, layout: Pick<ExternalLayout, 'format' | 'partition'>, hasPartitionColumn = false): string {
  const fmt = layout.format === 'parquet' ? 'format parquet' : 'format csv, header true';
  if (!layout.partition) return `copy (\n${sql}\n) to ${quoteLiteral(dest)} (${fmt})`;
  const pcol = quoteIdent(partitionColumn(layout.partition));
  const star = hasPartitionColumn ? `* exclude (${pcol})` : '*';
  return `copy (select ${star}, ${partitionLabelExpr(layout.partition)} as ${pcol} from (\n${sql}\n) as __bmp_src order by ${quoteIdent(layout.partition.field)})\nto ${quoteLiteral(dest)} (${fmt}, partition_by (${pcol}), filename_pattern 'data_{uuid}')`;
}
