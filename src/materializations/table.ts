import type { IndexSpec, RowCount, Statement, Step } from '../adapters/index.js';
import type { NodeConfig } from '../manifest/types.js';
import { partitionOf, partitionOwner } from './partition.js';
import type { Materialization, MaterializationContext } from './types.js';

export type { TableIndex } from './table-indexes.js';
export { indexName, type IndexSpec } from '../adapters/index.js';

/**
 * `indexes: [{columns: [...], unique: bool}]`. DuckDB's indexes are ART indexes: they speed up
 * point and IN lookups (and enforce uniqueness), must fit in memory, are not used for range scans
 * or joins, and block `ALTER TABLE ... DROP/ALTER COLUMN` and `RENAME` while they exist. bmp
 * creates them after the load (bulk-building an ART is much faster than maintaining it row by row).
 */
export function indexesOf(config: NodeConfig): IndexSpec[] {
  return ((config['indexes'] as IndexSpec[] | undefined) ?? []).map((s) => ({ columns: s.columns.map(String), unique: !!s.unique }));
}

/**
 * Builds a table in one transaction with the node's hooks: the adapter's replaceTable (clustered
 * by the partition key when there is one, then the indexes), for a partitioned table its partition
 * metadata, then `extra` bookkeeping. Returns the rows written.
 */
export async function buildTable(ctx: MaterializationContext, sql: string, extra: readonly Statement[] = []): Promise<number> {
  return (await buildTableCounted(ctx, sql, extra))();
}

/**
 * {@link buildTable}, answering with a function that reads the rows written (read it later). Not
 * an async function: a model's one statement goes to DuckDB without extra turns of the microtask
 * queue (which every node of a chain would wait for).
 */
export function buildTableCounted(ctx: MaterializationContext, sql: string, extra: readonly Statement[] = []): Promise<RowCount> {
  const config = ctx.compiled.config;
  const p = partitionOf(config);
  const indexes = config['indexes'] ? indexesOf(config) : undefined;
  const build = ctx.adapter.replaceTable(ctx.relation, sql, { existingKind: ctx.existing?.kind, clusterBy: p, indexes });
  if (!p && !extra.length) return ctx.adapter.atomically(ctx, build);
  if (!p) return ctx.adapter.atomically(ctx, [build, ctx.adapter.statements(extra)]);
  return buildPartitioned(ctx, build, p, extra);
}

async function buildPartitioned(ctx: MaterializationContext, build: Step, p: NonNullable<ReturnType<typeof partitionOf>>, extra: readonly Statement[]): Promise<RowCount> {
  await ctx.adapter.ensureStateTables(['partitions'], ctx.stateSchema);
  const owner = partitionOwner(ctx.relation, ctx.compiled.node.uniqueId, p, 'table', ctx.invocationId ?? '');
  return ctx.adapter.atomically(ctx, [build, ctx.adapter.recordPartitions(ctx.relation, owner, p, ctx.stateSchema), ...(extra.length ? [ctx.adapter.statements(extra)] : [])]);
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


