import { createIndex, createTableAs, dropRelation, quoteIdent } from '../adapters/duckdb/index.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import type { Materialization } from './types.js';
import { runInTransaction } from './view.js';

export interface PartitionBy {
  readonly field: string;
  readonly granularity: 'hour' | 'day' | 'month' | 'year';
}

export interface IndexSpec {
  readonly columns: readonly string[];
  readonly unique?: boolean;
}

export function partitionOf(config: NodeConfig): PartitionBy | undefined {
  const p = config['partition_by'] as { field: string; granularity?: PartitionBy['granularity'] } | string | undefined;
  if (!p) return undefined;
  if (typeof p === 'string') return { field: p, granularity: 'month' };
  return { field: p.field, granularity: p.granularity ?? 'month' };
}

/** `date_trunc('month', "consolidated_at")`: the partition key expression. */
export function partitionExpr(p: PartitionBy, alias?: string): string {
  return `date_trunc('${p.granularity}', ${alias ? `${alias}.` : ''}${quoteIdent(p.field)})`;
}

/**
 * Rows of a partitioned table are written sorted by partition key (then the key itself), so each
 * row group covers few partitions and DuckDB's zone maps skip the rest.
 */
export function clusteredSelect(sql: string, p: PartitionBy | undefined): string {
  if (!p) return sql;
  return `select * from (\n${sql}\n) as __bmp_src order by ${partitionExpr(p)}, ${quoteIdent(p.field)}`;
}

export function indexStatements(rel: Relation, config: NodeConfig): string[] {
  const specs = (config['indexes'] as IndexSpec[] | undefined) ?? [];
  return specs.map((s) => createIndex(rel, `${rel.identifier}__${s.columns.join('_')}${s.unique ? '__uniq' : ''}__idx`, s.columns, !!s.unique));
}

/** Statements for a table: CTAS (replacing a view of the same name), clustered, then its indexes. */
export function planTable(rel: Relation, sql: string, config: NodeConfig, existingKind: 'table' | 'view' | undefined): string[] {
  return [
    ...(existingKind === 'view' ? [dropRelation(rel, 'view')] : []),
    createTableAs(rel, clusteredSelect(sql, partitionOf(config))),
    ...indexStatements(rel, config),
  ];
}

export const table: Materialization = async (ctx) => {
  const stmts = planTable(ctx.relation, ctx.compiled.compiledSql, ctx.compiled.config, ctx.existing?.kind);
  const ctas = stmts.findIndex((s) => s.startsWith('create or replace table'));
  const rows = await runInTransaction(ctx, stmts, ctas);
  return { rowsAffected: rows, message: `OK ${rows}` };
};
