/**
 * `materialized='external'`: the model's rows as files under `location` (relative to the project
 * folder; default `<external_root>/<name>` for partitioned models, `<external_root>/<name>.parquet`
 * otherwise), read back through a view of the same name. With `partition_by` the files are
 * hive-partitioned (`COPY ... (FORMAT parquet, PARTITION_BY (...))`): the partition column is
 * `<field>_<granularity>` holding the label (`created_at_month=2024-05`), and filtering on it prunes
 * whole files. With `incremental_strategy: insert_overwrite` (or `append`) later runs only write the
 * partitions in the new batch (`is_incremental()` is true once the view exists); everything else
 * is rebuilt each run. New files go to a staging folder and are moved into place under a journal
 * (see external-files.ts), so a kill leaves each partition old or new.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { copySql, createViewAs, filesViewSelect, quoteIdent, type CatalogColumn } from '../adapters/duckdb/index.js';
import type { EngineAdapter, ExternalFormat, ExternalLayout, PartitionCount } from '../adapters/index.js';
import { CompileError } from '../errors.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { commitFiles, forgetJournal, hasJournal, isDirectory, journalPath, partitionDirs, recoverLocation, stagingPath, trashPath } from './external-files.js';
import { strategyOf } from './incremental.js';
import { partitionColumn, partitionOf, partitionOwner } from './partition.js';
import { diffColumns, onSchemaChangeOf, planSchemaChange } from './schema-change.js';
import type { Materialization, MaterializationContext, MaterializationResult } from './types.js';

export type { ExternalFormat, ExternalLayout };

/** @throws CompileError BMP_EXTERNAL_CONFIG for an unknown format */
export function externalLayout(config: NodeConfig, rel: Relation, projectDir: string, externalRoot?: string, nodeId?: string): ExternalLayout {
  const format = String(config['format'] ?? 'parquet').toLowerCase();
  if (format !== 'parquet' && format !== 'csv') throw new CompileError('BMP_EXTERNAL_CONFIG', `external format must be parquet or csv, got '${format}'`, { nodeId });
  const partition = partitionOf(config);
  const loc = config.location;
  const location = loc ? (isAbsolute(loc) ? loc : resolve(projectDir, loc)) : join(externalRoot ?? projectDir, partition ? rel.identifier : `${rel.identifier}.${format}`);
  return { location, format, partition };
}

/**
 * The view over the files.
 *
 * ### Example
 * ```sql
 * create or replace view "main"."events" as (
 * select * from read_parquet('/p/data/events/*\/*.parquet', hive_partitioning = true, hive_types = {'created_at_month': VARCHAR}, union_by_name = true)
 * )
 * ```
 */
export function externalViewSql(rel: Relation, layout: ExternalLayout, columns?: readonly CatalogColumn[]): string {
  return createViewAs(rel, filesViewSelect(layout, columns));
}

/** Writes files now, outside any transaction (a COPY is not undone by a rollback: files are staged and moved instead). */
async function writeFiles(ctx: MaterializationContext, select: string, dest: string, layout: Pick<ExternalLayout, 'format' | 'partition'>, hasPartitionColumn = false): Promise<number> {
  return (await ctx.adapter.atomically(NO_HOOKS, ctx.adapter.writeFiles(select, dest, layout, { hasPartitionColumn })))();
}

const NO_HOOKS = { preHooks: [], postHooks: [] } as const;

export { copySql };

/** Rows per partition of the files under `root` (default: the model's location), or of the folders `paths` only. */
async function countPartitions(adapter: EngineAdapter, layout: ExternalLayout, paths?: readonly string[], root?: string): Promise<PartitionCount[]> {
  const { partition } = layout;
  if (!partition) return [];
  const location = root ?? layout.location;
  const files = paths ?? partitionDirs(location).map((d) => join(location, d));
  return adapter.countFilePartitions({ ...layout, location, partition }, files);
}

export function isIncrementalExternal(config: NodeConfig): boolean {
  return !!config['incremental_strategy'];
}

export const external: Materialization = async (ctx) => {
  const config = ctx.compiled.config;
  const nodeId = ctx.compiled.node.uniqueId;
  const layout = externalLayout(config, ctx.relation, ctx.projectDir, ctx.externalRoot, nodeId);
  const strategy = isIncrementalExternal(config) ? strategyOf(config) : undefined;
  if (strategy && strategy !== 'insert_overwrite' && strategy !== 'append') {
    throw new CompileError('BMP_STRATEGY_INVALID', `external models support incremental_strategy insert_overwrite or append, not '${strategy}'`, { nodeId });
  }
  if (strategy && !layout.partition) {
    throw new CompileError('BMP_STRATEGY_INVALID', `an incremental external model needs partition_by (it overwrites or appends partitions)`, { nodeId });
  }
  mkdirSync(dirname(layout.location), { recursive: true });
  const replayed = recoverLocation(layout.location);
  if (layout.partition) await ctx.adapter.ensureStateTables(['partitions'], ctx.stateSchema);
  const exists = ctx.existing?.kind === 'view' && existsSync(layout.location);
  const full = !strategy || !exists || (ctx.fullRefresh && config['full_refresh'] !== false) || config['full_refresh'] === true;
  if (full && strategy && ctx.existing?.kind === 'view' && !exists && !ctx.fullRefresh && config['full_refresh'] !== true) {
    // the SQL was compiled with is_incremental() true (the view exists): writing it as a full build would lose rows
    throw new CompileError('BMP_EXTERNAL_MISSING', `the files of ${ctx.relation.schema}.${ctx.relation.identifier} are gone from ${layout.location}`, { nodeId }, 'run with --full-refresh to rebuild them');
  }
  return full ? fullBuild(ctx, layout) : incrementalBuild(ctx, layout, strategy!, replayed);
};

/**
 * Writes the new files to `staging` and moves them into place. A failure before the journal exists
 * (a full disk during COPY) removes the staging folder at once instead of leaving it for the next
 * run; once the journal is written, staging belongs to it (the next run replays the moves).
 */
async function staged<T>(layout: ExternalLayout, staging: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!journalNames(layout.location, staging)) rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Whether the journal of `location` is the one that commits `staging`. */
function journalNames(location: string, staging: string): boolean {
  try {
    return (JSON.parse(readFileSync(journalPath(location), 'utf8')) as { staging?: string }).staging === staging;
  } catch {
    return false;
  }
}

/**
 * Puts an external model's partition counts right after a run was killed between moving its files
 * into place (the journal) and committing their bookkeeping: finishes the moves, counts every
 * partition from the files, commits the counts, then forgets the journal. Nothing to do (false)
 * when no journal waits.
 */
export async function reconcileExternal(
  adapter: EngineAdapter,
  node: { readonly uniqueId: string; readonly relation: Relation; readonly config: NodeConfig },
  env: { readonly projectDir: string; readonly externalRoot?: string; readonly stateSchema: string; readonly invocationId: string },
): Promise<boolean> {
  const layout = layoutOrUndefined(node, env.projectDir, env.externalRoot);
  if (!layout || !hasJournal(layout.location)) return false;
  recoverLocation(layout.location);
  if (layout.partition) {
    await adapter.ensureStateTables(['partitions'], env.stateSchema);
    const counts = await countPartitions(adapter, layout);
    const owner = partitionOwner(node.relation, node.uniqueId, layout.partition, 'external', env.invocationId);
    await adapter.atomically(NO_HOOKS, adapter.replacePartitionCounts(owner, counts, undefined, env.stateSchema));
  }
  forgetJournal(layout.location);
  return true;
}

/** Whether an external model has a journal waiting (its partition counts may be stale); finishes its file moves. */
export function finishPendingFiles(node: { readonly uniqueId: string; readonly relation: Relation; readonly config: NodeConfig }, projectDir: string, externalRoot?: string): boolean {
  const layout = layoutOrUndefined(node, projectDir, externalRoot);
  return !!layout && hasJournal(layout.location) && recoverLocation(layout.location);
}

/** The layout, or undefined for a config the model's own build will report. */
function layoutOrUndefined(node: { readonly uniqueId: string; readonly relation: Relation; readonly config: NodeConfig }, projectDir: string, externalRoot?: string): ExternalLayout | undefined {
  try {
    return externalLayout(node.config, node.relation, projectDir, externalRoot, node.uniqueId);
  } catch {
    return undefined;
  }
}

async function fullBuild(ctx: MaterializationContext, layout: ExternalLayout): Promise<MaterializationResult> {
  const id = randomUUID().slice(0, 8);
  const staging = stagingPath(layout.location, id);
  const sql = ctx.compiled.compiledSql;
  const cols = await ctx.adapter.describe({ query: sql });
  const pcol = layout.partition ? partitionColumn(layout.partition) : undefined;
  const { rows, counts } = await staged(layout, staging, async () => {
    const rows = await writeFiles(ctx, sql, staging, layout, cols.some((c) => c.name === pcol));
    if (layout.partition && !rows) await writeEmptyPartition(ctx, layout, staging, sql);
    const counts = layout.partition ? await countPartitions(ctx.adapter, layout, undefined, staging) : [];
    // the files are in place whatever happens to the bookkeeping below
    await ctx.adapter.commitOutside(() => {
      if (!layout.partition && !isDirectory(layout.location)) renameSync(staging, layout.location); // a file replaced by rename is atomic
      else commitFiles({ op: 'swap-location', location: layout.location, staging, trash: trashPath(layout.location, id) });
    });
    return { rows, counts };
  });
  const owner = layout.partition ? partitionOwner(ctx.relation, ctx.compiled.node.uniqueId, layout.partition, 'external', ctx.invocationId ?? '') : undefined;
  await ctx.adapter.atomically(ctx, [
    ctx.adapter.replaceFilesView(ctx.relation, layout, { existingKind: ctx.existing?.kind }),
    ...(owner ? [ctx.adapter.replacePartitionCounts(owner, counts, undefined, ctx.stateSchema)] : []),
  ]);
  forgetJournal(layout.location);
  return { rowsAffected: rows, message: `OK wrote ${rows} rows to ${layout.location}`, kind: 'view' };
}

/** Zero rows write no partition folder; an empty file keeps the view's columns readable. */
async function writeEmptyPartition(ctx: MaterializationContext, layout: ExternalLayout, staging: string, sql: string): Promise<void> {
  const pcol = partitionColumn(layout.partition!);
  const dir = join(staging, `${pcol}=__HIVE_DEFAULT_PARTITION__`);
  mkdirSync(dir, { recursive: true });
  await writeFiles(ctx, `select * from (\n${sql}\n) as __bmp_empty limit 0`, join(dir, `empty.${layout.format}`), { ...layout, partition: undefined });
}

async function incrementalBuild(ctx: MaterializationContext, layout: ExternalLayout, strategy: 'insert_overwrite' | 'append', replayed: boolean): Promise<MaterializationResult> {
  const p = layout.partition!;
  const pcol = partitionColumn(p);
  const config = ctx.compiled.config;
  const nodeId = ctx.compiled.node.uniqueId;
  const id = randomUUID().slice(0, 8);
  const staging = stagingPath(layout.location, id);
  let sql = ctx.compiled.compiledSql;
  const sourceColumns = (await ctx.adapter.describe({ query: sql })).filter((c) => c.name !== pcol);
  const targetColumns = (ctx.existing?.columns ?? []).filter((c) => c.name !== pcol);
  const mode = onSchemaChangeOf(config);
  const plan = planSchemaChange({ target: ctx.relation, config, sourceColumns, targetColumns }, nodeId);
  const diff = diffColumns(sourceColumns, targetColumns);
  const schemaChanged = diff.added.length + diff.removed.length + diff.changed.length > 0;
  let viewColumns: CatalogColumn[] | undefined;
  if (mode === 'ignore' || mode === 'fail' || (mode === 'append_new_columns' && schemaChanged)) {
    // write the target's columns (NULL for those the batch lacks), plus new ones when appending
    const keep = new Set(plan.columns.map((c) => c.toLowerCase()));
    const cols = [
      ...targetColumns.map((c) => (keep.has(c.name.toLowerCase()) ? quoteIdent(c.name) : `cast(null as ${c.type}) as ${quoteIdent(c.name)}`)),
      ...(mode === 'append_new_columns' ? diff.added.map((c) => quoteIdent(c.name)) : []),
    ];
    sql = `select ${cols.join(', ')} from (\n${sql}\n) as __bmp_src`;
  } else if (mode === 'sync_all_columns' && schemaChanged) {
    viewColumns = sourceColumns;
  }
  const { rows, written, counts } = await staged(layout, staging, async () => {
    const rows = await writeFiles(ctx, sql, staging, layout);
    const written = partitionDirs(staging);
    const counts = strategy === 'insert_overwrite' ? await countPartitions(ctx.adapter, layout, undefined, staging) : [];
    await ctx.adapter.commitOutside(() => commitFiles({ op: strategy === 'insert_overwrite' ? 'swap-partitions' : 'append-files', location: layout.location, staging, trash: trashPath(layout.location, id), partitions: written }));
    return { rows, written, counts };
  });
  const owner = partitionOwner(ctx.relation, nodeId, p, 'external', ctx.invocationId ?? '');
  // after a replayed journal (a killed run) or an append, recount from the files in place
  const recount = replayed ? await countPartitions(ctx.adapter, layout) : strategy === 'append' ? await countPartitions(ctx.adapter, layout, written.map((d) => join(layout.location, d))) : counts;
  const keys = replayed ? undefined : recount.map((c) => c.key);
  await ctx.adapter.atomically(ctx, [
    ...(schemaChanged && mode !== 'ignore' ? [ctx.adapter.replaceFilesView(ctx.relation, layout, { columns: viewColumns })] : []),
    ctx.adapter.replacePartitionCounts(owner, recount, keys, ctx.stateSchema),
  ]);
  forgetJournal(layout.location);
  rmSync(staging, { recursive: true, force: true });
  return { rowsAffected: rows, message: `${strategy === 'append' ? 'APPEND' : 'OVERWRITE'} ${rows} rows in ${written.length} partition${written.length === 1 ? '' : 's'}`, kind: 'view' };
}


