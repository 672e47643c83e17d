/**
 * Incremental steps and DuckDB's indexes: what to set aside before a step and create again after it,
 * without ever losing an index to a failure, Ctrl-C or a kill.
 */
import { firstLine, quoteIdent, type CatalogColumn } from '../adapters/duckdb/index.js';
import { statementSql, type Statement } from '../adapters/index.js';
import { BmpError, CompileError } from '../errors.js';
import { relationKeyOf } from '../state/index.js';
import { DELETING, uniqueKeyOf, type IncrementalStrategy } from './incremental-config.js';
import { planSchemaChange } from './schema-change.js';
import { indexesOf, indexName } from './table.js';
import { splitKeys, type TableIndex } from './table-indexes.js';
import type { MaterializationContext } from './types.js';

/** An index set aside for a step: dropped (with a record in `_bmp.pending_indexes`), or configured but absent. */
export interface SetAsideIndex extends TableIndex {
  /** Configured in `indexes` but not on the table: nothing to drop, created after the step. */
  readonly absent?: boolean;
}

/**
 * DuckDB's indexes get in the way of two incremental steps, so bmp sets them aside before the
 * step's transaction opens:
 * - unique indexes are checked over-eagerly: a transaction that deletes a key and inserts it again
 *   fails with "Duplicate key" on a persisted table, even if the index is dropped inside that
 *   transaction (it stays in force until the drop commits). delete+insert on a table whose unique
 *   indexes all lie within unique_key is run as the equivalent merge (update in place); otherwise
 *   (insert_overwrite, microbatch, other unique indexes) the unique indexes are dropped first and
 *   created again after it (see {@link withIndexesDropped});
 * - a column cannot be dropped or retyped (sync_all_columns) while any index exists on the table.
 * The drop commits together with a row in `_bmp.pending_indexes` saying how to create the index
 * again, so a kill before it is back leaves that row, and the model's next run restores the index
 * ({@link restorePendingIndexes}). Rebuilding an index costs time in proportion to the table.
 */
export async function prepareIndexes(
  ctx: MaterializationContext,
  strategy: IncrementalStrategy,
  sql: string,
  targetColumns: readonly CatalogColumn[],
  known?: readonly TableIndex[],
): Promise<{ strategy: IncrementalStrategy; dropped: SetAsideIndex[] }> {
  const indexes = known ?? (await ctx.adapter.listIndexes(ctx.relation));
  const config = ctx.compiled.config;
  const keys = uniqueKeyOf(config).map((k) => k.toLowerCase());
  const unique = indexes.filter((i) => i.unique);
  // configured unique indexes the table lacks (dropped by hand, or lost before bmp kept records):
  // built inside a deleting step's transaction they would make its commit fail, so after it
  const absent = absentUniqueIndexes(ctx, indexes);
  if (!indexes.length && !absent.length) return { strategy, dropped: [] };
  let effective = strategy;
  if (strategy === 'delete+insert' && keys.length && unique.length && [...unique, ...absent].every((i) => i.columns.every((c) => keys.includes(c)))) effective = 'merge';
  let needsIndexDrop = false;
  if (indexes.length) {
    const sourceColumns = await ctx.adapter.describe({ query: `select * from (\n${sql}\n) as __bmp_src` });
    needsIndexDrop = planSchemaChange({ target: ctx.relation, config, sourceColumns, targetColumns }, ctx.compiled.node.uniqueId).needsIndexDrop;
  }
  const dropped = indexes.filter((i) => needsIndexDrop || (i.unique && DELETING.has(effective)));
  await setAside(ctx, dropped);
  return { strategy: effective, dropped: [...dropped, ...(DELETING.has(effective) ? absent : [])] };
}

function absentUniqueIndexes(ctx: MaterializationContext, existing: readonly TableIndex[]): SetAsideIndex[] {
  const have = new Set(existing.map((i) => i.name.toLowerCase()));
  const specs = indexesOf(ctx.compiled.config);
  const statements = ctx.adapter.createIndexes(ctx.relation, specs, { ifNotExists: true }).statements.map(statementSql);
  return specs.flatMap((spec, n) => {
    const name = indexName(ctx.relation, spec);
    if (!spec.unique || have.has(name.toLowerCase())) return [];
    return [{ name, unique: true, columns: spec.columns.map((c) => c.toLowerCase()), keySql: spec.columns.map(quoteIdent), createSql: statements[n]!, dropSql: '', absent: true }];
  });
}

/** Drops `indexes` in one transaction with their records in `_bmp.pending_indexes`. */
async function setAside(ctx: MaterializationContext, indexes: readonly TableIndex[]): Promise<void> {
  if (!indexes.length) return;
  await ctx.adapter.ensureStateTables(['pending_indexes'], ctx.stateSchema);
  const owner = { relationKey: relationKeyOf(ctx.relation), nodeId: ctx.compiled.node.uniqueId, invocationId: ctx.invocationId ?? '' };
  await ctx.adapter.atomically(NO_HOOKS, ctx.adapter.setIndexesAside(ctx.relation, indexes, owner, ctx.stateSchema));
}

const NO_HOOKS = { preHooks: [], postHooks: [] } as const;

/** The lower-case names of the table's columns now. */
async function columnNames(ctx: MaterializationContext): Promise<Set<string>> {
  return new Set((await ctx.adapter.describe(ctx.relation)).map((c) => c.name.toLowerCase()));
}

/**
 * Runs the step with some indexes set aside (see {@link prepareIndexes}) and creates them again
 * once it committed (DuckDB refuses to commit a unique index built in the same transaction that
 * deleted and re-inserted its keys), or once it failed, so a failure leaves the table as it was. A
 * unique index's keys are checked inside the step's transaction ({@link checkUniqueIndexes}), so rows
 * that would break it roll back instead of committing.
 * @throws CompileError BMP_INDEX_REBUILD when the step committed but an index cannot be created again
 *   (its record stays: the next run tries again); BmpError BMP_INDEX_PENDING when Ctrl-C stopped that
 */
export async function withIndexesDropped<T>(ctx: MaterializationContext, dropped: readonly SetAsideIndex[], step: () => Promise<T>): Promise<T> {
  if (!dropped.length) return step();
  let out: T;
  try {
    out = await step();
  } catch (err) {
    // the table is as it was: its indexes come back (after Ctrl-C the record does it next run)
    if (!ctx.isCancelled?.()) await restoreIndexes(ctx, dropped).catch(() => undefined);
    throw err;
  }
  try {
    await restoreIndexes(ctx, dropped);
  } catch (err) {
    const names = dropped.map((i) => `${i.unique ? 'unique ' : ''}index ${i.name}`).join(', ');
    const nodeId = ctx.compiled.node.uniqueId;
    if (ctx.isCancelled?.()) throw new BmpError('BMP_INDEX_PENDING', `${names} was not re-created yet (the next run of this model re-creates it)`, { nodeId });
    throw new CompileError('BMP_INDEX_REBUILD', `the new rows are committed, but ${names} could not be created again: ${firstLine((err as Error).message)}`, { nodeId }, 'the next run of this model tries again');
  }
  return out;
}

/** Creates the set-aside indexes (those whose columns still exist) and the configured ones, and clears their records, in one transaction. */
async function restoreIndexes(ctx: MaterializationContext, indexes: readonly SetAsideIndex[]): Promise<void> {
  const columns = await columnNames(ctx);
  const recorded = indexes.filter((i) => !i.absent).map((i) => i.name);
  // an index on a column sync_all_columns dropped is gone with the column
  await ctx.adapter.atomically(NO_HOOKS, [
    ctx.adapter.recreateIndexes(indexes.filter((i) => keysExist(i.keySql, columns))),
    ctx.adapter.createIndexes(ctx.relation, indexesOf(ctx.compiled.config), { ifNotExists: true }),
    ...(recorded.length ? [ctx.adapter.clearPendingIndexes(ctx.relation, recorded, ctx.stateSchema)] : []),
  ]);
}

/** True unless a key is a column the table no longer has (expression keys are left to DuckDB). */
function keysExist(keySql: readonly string[], columns: ReadonlySet<string>): boolean {
  return splitKeys(keySql.join(', ')).every((k) => k.column === undefined || columns.has(k.column.toLowerCase()));
}

/**
 * Restores the indexes an interrupted, killed or failed run left set aside (recorded in
 * `_bmp.pending_indexes`), before this run's step. Records for columns the table no longer has are
 * dropped.
 * @throws CompileError BMP_INDEX_RESTORE when an index cannot be created again (duplicate keys)
 */
export async function restorePendingIndexes(ctx: MaterializationContext): Promise<void> {
  // the catalog was read when the session opened: no bookkeeping table, nothing pending
  if (!ctx.catalog.get(ctx.stateSchema, 'pending_indexes')) return;
  const rows = await ctx.adapter.pendingIndexes(ctx.relation, ctx.stateSchema);
  if (!rows.length) return;
  const columns = await columnNames(ctx);
  try {
    await ctx.adapter.atomically(NO_HOOKS, [
      ctx.adapter.recreateIndexes(rows.filter((r) => r.createSql && keysExist(r.keySql, columns))),
      ctx.adapter.clearPendingIndexes(ctx.relation, undefined, ctx.stateSchema),
    ]);
  } catch (err) {
    if (ctx.isCancelled?.()) throw err;
    throw new CompileError(
      'BMP_INDEX_RESTORE',
      `index ${rows.map((r) => r.name).join(', ')} was set aside by an earlier run and cannot be created again: ${firstLine((err as Error).message)}`,
      { nodeId: ctx.compiled.node.uniqueId },
      'the next run tries again; --full-refresh rebuilds the table with its indexes',
    );
  }
  ctx.log?.(`restored index ${rows.map((r) => r.name).join(', ')}, which an earlier run set aside and could not create again`);
}

/** For a full rebuild (CTAS creates the configured indexes): forget what was set aside for the old table. */
export function clearPendingIndexesStatements(ctx: MaterializationContext): Statement[] {
  if (!ctx.catalog.get(ctx.stateSchema, 'pending_indexes')) return [];
  return [...ctx.adapter.clearPendingIndexes(ctx.relation, undefined, ctx.stateSchema).statements];
}

/** @throws CompileError BMP_UNIQUE_INDEX when the table now holds two rows for a key of a set-aside unique index */
export async function checkUniqueIndexes(ctx: MaterializationContext, dropped: readonly TableIndex[]): Promise<void> {
  for (const i of dropped.filter((x) => x.unique)) {
    // as the index itself: a key with a NULL in it equals no other key
    const n = await ctx.adapter.countIndexViolations(ctx.relation, i);
    if (n > 0) {
      throw new CompileError('BMP_UNIQUE_INDEX', `the incremental step would leave ${n} duplicate value(s) of unique index ${i.name} (${i.columns.join(', ')})`, { nodeId: ctx.compiled.node.uniqueId });
    }
  }
}
