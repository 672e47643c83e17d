/**
 * Incremental steps and DuckDB's indexes: what to drop before a step and build again after it.
 */
import { quoteIdent, relationSql, type CatalogColumn } from '../adapters/duckdb/index.js';
import { CompileError } from '../errors.js';
import { DELETING, uniqueKeyOf, type IncrementalStrategy } from './incremental-config.js';
import { planSchemaChange } from './schema-change.js';
import { indexStatements, tableIndexes, type TableIndex } from './table.js';
import type { MaterializationContext } from './types.js';

/**
 * DuckDB's indexes get in the way of two incremental steps, so bmp works around them before the
 * step's transaction opens:
 * - unique indexes are checked over-eagerly: a transaction that deletes a key and inserts it again
 *   fails with "Duplicate key" on a persisted table (even if the index is dropped inside that
 *   transaction). delete+insert on a table whose unique indexes all lie within unique_key is run as
 *   the equivalent merge (update in place); otherwise (insert_overwrite, microbatch, other unique
 *   indexes) the unique indexes are dropped first and rebuilt after it (see {@link withIndexesDropped});
 * - a column cannot be dropped or retyped (sync_all_columns) while any index exists on the table.
 * Rebuilding an index costs time in proportion to the table, not the batch.
 */
export async function prepareIndexes(
  ctx: MaterializationContext,
  strategy: IncrementalStrategy,
  sql: string,
  targetColumns: readonly CatalogColumn[],
  known?: readonly TableIndex[],
): Promise<{ strategy: IncrementalStrategy; dropped: TableIndex[] }> {
  const indexes = known ?? (await tableIndexes(ctx.conn, ctx.relation));
  if (!indexes.length) return { strategy, dropped: [] };
  const config = ctx.compiled.config;
  const sourceColumns = await ctx.columnsOf(`select * from (\n${sql}\n) as __bmp_src`);
  const schema = planSchemaChange({ target: ctx.relation, config, sourceColumns, targetColumns }, ctx.compiled.node.uniqueId);
  const keys = uniqueKeyOf(config).map((k) => k.toLowerCase());
  const unique = indexes.filter((i) => i.unique);
  let effective = strategy;
  if (strategy === 'delete+insert' && keys.length && unique.length && unique.every((i) => i.columns.every((c) => keys.includes(c)))) effective = 'merge';
  const dropped = indexes.filter((i) => schema.needsIndexDrop || (i.unique && DELETING.has(effective)));
  for (const i of dropped) await ctx.conn.run(i.dropSql);
  return { strategy: effective, dropped };
}

/**
 * Runs the step with some indexes dropped (see {@link prepareIndexes}) and builds them again once
 * it committed (DuckDB refuses to commit a unique index built in the same transaction that deleted
 * and re-inserted its keys) — or once it failed, so a failure leaves the table as it was. A unique
 * index's keys are checked inside the step's transaction, so rows that would break it roll back
 * instead of committing. A kill between the commit and the rebuild leaves the rows right and the
 * index missing; the next run recreates the indexes of the `indexes` config.
 */
export async function withIndexesDropped<T>(ctx: MaterializationContext, dropped: readonly TableIndex[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } finally {
    for (const i of dropped) await ctx.conn.run(i.createSql).catch(() => undefined);
    if (dropped.length) for (const s of indexStatements(ctx.relation, ctx.compiled.config, true)) await ctx.conn.run(s);
  }
}

/** @throws CompileError BMP_UNIQUE_INDEX when the table now holds two rows for a key of a dropped unique index */
export async function checkUniqueIndexes(ctx: MaterializationContext, dropped: readonly TableIndex[]): Promise<void> {
  for (const i of dropped.filter((x) => x.unique && x.columns.every((c) => /^[^()\s]+$/.test(c)))) {
    const cols = i.columns.map(quoteIdent).join(', ');
    const r = await ctx.conn.rows<{ n: number }>(`select count(*) as n from (select 1 from ${relationSql(ctx.relation)} group by ${cols} having count(*) > 1)`);
    if (Number(r[0]?.n ?? 0) > 0) {
      throw new CompileError('BMP_UNIQUE_INDEX', `the incremental step would leave ${Number(r[0]!.n)} duplicate value(s) of unique index ${i.name} (${i.columns.join(', ')})`, { nodeId: ctx.compiled.node.uniqueId });
    }
  }
}
