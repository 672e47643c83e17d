import { createIndex, createTableAs, dropRelation } from '../adapters/duckdb/index.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { ensureStateTables } from '../state/index.js';
import { allPartitionsMetaStatements, clusteredSelect, partitionOf, partitionOwner } from './partition.js';
import type { Materialization, MaterializationContext } from './types.js';

export { tableIndexes, type TableIndex } from './table-indexes.js';

/**
 * `indexes: [{columns: [...], unique: bool}]`. DuckDB's indexes are ART indexes: they speed up
 * point and IN lookups (and enforce uniqueness), must fit in memory, are not used for range scans
 * or joins, and block `ALTER TABLE ... DROP/ALTER COLUMN` and `RENAME` while they exist. bmp
 * creates them after the load (bulk-building an ART is much faster than maintaining it row by row).
 */
export interface IndexSpec {
  readonly columns: readonly string[];
  readonly unique?: boolean;
}

export function indexesOf(config: NodeConfig): IndexSpec[] {
  return ((config['indexes'] as IndexSpec[] | undefined) ?? []).map((s) => ({ columns: s.columns.map(String), unique: !!s.unique }));
}

export function indexName(rel: Relation, s: IndexSpec): string {
  return `${rel.identifier}__${s.columns.join('_')}${s.unique ? '__uniq' : ''}__idx`;
}

/**
 * ### Example
 * ```sql
 * create unique index "memories__id__uniq__idx" on "main"."memories" ("id")
 * ```
 */
export function indexStatements(rel: Relation, config: NodeConfig, ifNotExists = false): string[] {
  return indexesOf(config).map((s) => {
    const sql = createIndex(rel, indexName(rel, s), s.columns, !!s.unique);
    return ifNotExists ? sql.replace(/^create (unique )?index /, (m) => `${m}if not exists `) : sql;
  });
}

/**
 * Statements for a table: CTAS (replacing a view of the same name), clustered by the partition
 * key when there is one, then its indexes.
 *
 * ### Example (`partition_by: {field: created_at, granularity: month}`)
 * ```sql
 * create or replace table "main"."memories" as (
 * select * from (
 * <model sql>
 * ) as __bmp_src order by date_trunc('month', "created_at"), "created_at"
 * )
 * ```
 */
export function planTable(rel: Relation, sql: string, config: NodeConfig, existingKind: 'table' | 'view' | undefined): string[] {
  return [
    ...(existingKind === 'view' ? [dropRelation(rel, 'view')] : []),
    createTableAs(rel, clusteredSelect(sql, partitionOf(config))),
    ...indexStatements(rel, config),
  ];
}

/**
 * Builds a table in one transaction: hooks, CTAS, indexes, and for a partitioned table its
 * partition metadata. Returns the rows written.
 */
export async function buildTable(ctx: MaterializationContext, sql: string, extra: readonly { sql: string; params?: unknown[] }[] = []): Promise<number> {
  return (await buildTableCounted(ctx, sql, extra))();
}

/** {@link buildTable}, answering with a function that reads the rows written (read it later). */
export async function buildTableCounted(ctx: MaterializationContext, sql: string, extra: readonly { sql: string; params?: unknown[] }[] = []): Promise<() => number> {
  const config = ctx.compiled.config;
  const p = partitionOf(config);
  const stmts = planTable(ctx.relation, sql, config, ctx.existing?.kind);
  const meta = p ? allPartitionsMetaStatements(ctx.relation, partitionOwner(ctx.relation, ctx.compiled.node.uniqueId, p, 'table', ctx.invocationId ?? ''), p, ctx.stateSchema) : [];
  if (p) await ensureStateTables(ctx.conn, ['partitions'], ctx.stateSchema);
  let rows: () => number = () => 0;
  const single = stmts.length === 1 && !meta.length && !extra.length && !ctx.preHooks.length && !ctx.postHooks.length;
  const body = async () => {
    for (const h of ctx.preHooks) await ctx.conn.run(h);
    for (const s of stmts) {
      const counted = await ctx.conn.runCounted(s);
      if (s.startsWith('create or replace table')) rows = counted;
    }
    for (const m of meta) await ctx.conn.run(m.sql, m.params);
    for (const m of extra) await ctx.conn.run(m.sql, m.params);
    for (const h of ctx.postHooks) await ctx.conn.run(h);
  };
  // one statement in autocommit is its own transaction: no BEGIN/COMMIT round trips
  if (single) await body();
  else await ctx.conn.transaction(body);
  return rows;
}

export const table: Materialization = async (ctx) => {
  const rows = await buildTableCounted(ctx, ctx.compiled.compiledSql);
  // read when the result is reported, after the next node has started
  return {
    get rowsAffected() {
      return rows();
    },
    get message() {
      return `OK ${rows()}`;
    },
  };
};


