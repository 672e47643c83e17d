/**
 * `materialized='incremental'`: the first build (and `--full-refresh`) is a CTAS; later builds put
 * the model's rows into a temp table (the batch), run the on_schema_change step, then apply the
 * batch with the model's strategy — all in one transaction, so a failure or a kill leaves the
 * table exactly as it was. A merge or delete+insert step whose batch holds only new keys is the
 * insert of its rows, and runs as one statement from the model's SELECT that checks so on the way;
 * a merge with updates then runs as one MERGE from the SELECT (see {@link insertNewKeys}).
 *
 * ### NULL keys (merge and delete+insert)
 * `unique_key` columns are compared NULL-safely (`IS NOT DISTINCT FROM`; plain `=` for a column
 * the batch holds no NULL in, which means the same), so a NULL key value equals a NULL
 * key value: a batch row with key `(1, NULL)` replaces (delete+insert) or updates (merge) the
 * target's `(1, NULL)` row instead of adding a second one. This differs from dbt's default merge,
 * which compares with `=` and so inserts a fresh copy of every NULL-keyed row on every run.
 * Rows whose whole key is NULL therefore form one identity: keep keys non-null if that is not
 * what you want. The batch itself must hold one row per key for `merge` (bmp checks and fails
 * with BMP_INCREMENTAL_DUPLICATE_KEY otherwise); `delete+insert` inserts every batch row.
 */
import { DEST, keyIn, keyMatch, SRC, timestampLiteral, windowPredicate, type CatalogColumn } from '../adapters/duckdb/index.js';
import type { EngineDialect, MergeOptions, NewKeysRefusal, Step, TouchedRows } from '../adapters/index.js';
import { CompileError } from '../errors.js';
import type { NodeConfig, Relation } from '../manifest/types.js';
import { relationKeyOf, type StateTable } from '../state/index.js';
import { DELETING, predicatesOf, strategyOf, uniqueKeyOf, type IncrementalStrategy } from './incremental-config.js';
import { checkUniqueIndexes, clearPendingIndexesStatements, prepareIndexes, restorePendingIndexes, withIndexesDropped } from './incremental-indexes.js';
import { columnType, partitionOf, partitionOwner, type PartitionRange } from './partition.js';
import { onSchemaChangeOf, planSchemaChange, type SchemaChangePlan } from './schema-change.js';
import { buildTable, indexesOf } from './table.js';
import type { TableIndex } from './table-indexes.js';
import type { EventTimeWindow, Materialization, MaterializationContext, MaterializationResult } from './types.js';

export { DEST, SRC, keyIn, keyMatch, timestampLiteral, windowPredicate };

export interface IncrementalPlanInput {
  readonly target: Relation;
  /** The temp table holding the new batch. */
  readonly batch: string;
  readonly config: NodeConfig;
  readonly sourceColumns: readonly CatalogColumn[];
  readonly targetColumns: readonly CatalogColumn[];
  /** Microbatch: the window whose target rows the batch replaces. */
  readonly window?: EventTimeWindow;
  /** Lower-case key columns that hold a NULL in the batch (unknown: all are treated as nullable). */
  readonly nullableKeys?: ReadonlySet<string>;
  /** Partitioned insert_overwrite: the span of the batch's partitions, so the delete can skip other row groups. */
  readonly partitionRange?: PartitionRange;
}

/**
 * Which intent applies a batch to the target for one strategy (after the schema-change step), with
 * what the node's config says: the key, the columns a merge updates, the predicates, the partition.
 * The engine says it in SQL (src/adapters/duckdb/incremental-sql.ts has DuckDB's, with examples);
 * every statement runs in the same transaction as the batch's creation. Without a unique_key,
 * merge and delete+insert append.
 */
export function planIncrementalApply(strategy: IncrementalStrategy, input: IncrementalPlanInput, columns: readonly string[], dialect: EngineDialect): Step {
  const { target, batch, config } = input;
  const uniqueKey = uniqueKeyOf(config);
  const clusterBy = partitionOf(config);
  const predicates = predicatesOf(config);
  const base = { columns, clusterBy, predicates };
  switch (strategy) {
    case 'append':
      return dialect.append(target, batch, base);
    case 'merge': {
      if (!uniqueKey.length) return dialect.append(target, batch, base);
      return dialect.merge(target, batch, { ...base, uniqueKey, nullableKeys: input.nullableKeys, update: mergeUpdateColumns(config, columns), ...mergeClauses(config) });
    }
    case 'delete+insert':
      if (!uniqueKey.length) return dialect.append(target, batch, base);
      return dialect.deleteInsert(target, batch, { ...base, uniqueKey, nullableKeys: input.nullableKeys });
    case 'insert_overwrite':
      return dialect.insertOverwrite(target, batch, { ...base, partitionRange: input.partitionRange, partitionFieldType: clusterBy && input.partitionRange ? columnType(input.targetColumns, clusterBy.field) : undefined });
    case 'microbatch': {
      const eventTime = config.event_time;
      if (!eventTime || !input.window) throw new CompileError('BMP_STRATEGY_INVALID', 'microbatch needs event_time and a batch window');
      return dialect.replaceWindow(target, batch, { ...base, eventTime, window: input.window });
    }
  }
}

/** The columns a merge sets on a matched row: merge_update_columns, less merge_exclude_columns, never the key. */
function mergeUpdateColumns(config: NodeConfig, columns: readonly string[]): string[] {
  const include = (config['merge_update_columns'] as string[] | undefined)?.map((c) => c.toLowerCase());
  const exclude = new Set(((config['merge_exclude_columns'] as string[] | undefined) ?? []).map((c) => c.toLowerCase()));
  // key columns are equal on a match: never rewrite them (it would also churn their indexes)
  const keySet = new Set(uniqueKeyOf(config).map((k) => k.toLowerCase()));
  return columns.filter((c) => !keySet.has(c.toLowerCase()) && (!include || include.includes(c.toLowerCase())) && !exclude.has(c.toLowerCase()));
}

/** Which target rows a strategy may delete or update (for the partitions it touches). */
function touchedRows(strategy: IncrementalStrategy, input: IncrementalPlanInput): TouchedRows | undefined {
  const keys = uniqueKeyOf(input.config);
  // incremental_predicates bound what the step may touch, and let zone maps skip the rest
  const predicates = predicatesOf(input.config);
  if ((strategy === 'merge' || strategy === 'delete+insert') && keys.length) return { uniqueKey: keys, nullableKeys: input.nullableKeys, predicates };
  if (strategy === 'microbatch' && input.window) return { window: { eventTime: String(input.config['event_time']), window: input.window }, predicates };
  return undefined;
}

/** The columns of the model's SELECT, without running it. */
export function describeSelect(ctx: Pick<MaterializationContext, 'adapter'>, sql: string): Promise<CatalogColumn[]> {
  return ctx.adapter.describe({ query: `select * from (\n${sql}\n) as __bmp_src` });
}

export function batchTableName(rel: Relation): string {
  return `__bmp_batch_${rel.identifier}`;
}

/** First build, `--full-refresh`, or the relation is a view: rebuild with CTAS. */
export function needsFullBuild(ctx: Pick<MaterializationContext, 'existing' | 'fullRefresh' | 'compiled'>): boolean {
  const config = ctx.compiled.config;
  if (config['full_refresh'] === true) return true;
  return !ctx.existing || ctx.existing.kind !== 'table' || (ctx.fullRefresh && config['full_refresh'] !== false);
}

/** The incremental materialization for every strategy but microbatch (which runs batch by batch, microbatch.ts; index.ts picks). */
export const incremental: Materialization = async (ctx) => {
  const config = ctx.compiled.config;
  const strategy = strategyOf(config);
  if (needsFullBuild(ctx)) {
    const rows = await buildTable(ctx, ctx.compiled.compiledSql, clearPendingIndexesStatements(ctx));
    return { rowsAffected: rows, message: `OK created ${rows}` };
  }
  await restorePendingIndexes(ctx);
  const tables = stateTablesFor(config, strategy, ctx);
  if (tables.length) await ctx.adapter.ensureStateTables(tables, ctx.stateSchema);
  const sql = ctx.compiled.compiledSql;
  const message = (rows: number) => ({ rowsAffected: rows, message: `${strategy === 'merge' ? 'MERGE' : 'INSERT'} ${rows}` });
  if (mayBeNewKeysOnly(ctx, strategy)) {
    const rows = insertFirst(config) ? await insertNewKeys(ctx, strategy, sql) : strategy === 'merge' ? await mergeDirect(ctx, sql) : undefined;
    if (rows !== undefined) return message(rows);
  }
  const sync = onSchemaChangeOf(config) === 'sync_all_columns';
  if (DELETING.has(strategy) && !insertsOnly(strategy, config) && !sync && !ctx.preHooks.length && !ctx.postHooks.length && !indexesOf(config).some((i) => i.unique)) {
    // Only a unique index on the table would need setting aside (prepareIndexes): the batch's
    // inspection asks whether there is one, in the step's transaction. If there is, that
    // transaction rolls back (nothing was written; no hook ran) and the step runs as below.
    try {
      return message(await applyStep(ctx, strategy, sql, [], { noUniqueIndexes: true }));
    } catch (err) {
      if (!(err instanceof UniqueIndexesPresent)) throw err;
    }
  }
  // indexes only get in the way of deleting strategies and of dropping/retyping columns
  const prep = DELETING.has(strategy) || sync ? await prepareIndexes(ctx, strategy, sql, ctx.existing!.columns) : { strategy, dropped: [] };
  return message(await withIndexesDropped(ctx, prep.dropped, () => applyStep(ctx, prep.strategy, sql, prep.dropped)));
};

/**
 * `incremental_insert_first` (default true): whether a merge or delete+insert step is first tried
 * as the plain insert of new keys ({@link insertNewKeys}). A model whose every run updates stored
 * rows sets it to false: that try would compute its SELECT only to be refused, so a merge runs as
 * one MERGE from the SELECT straight away ({@link mergeDirect}) and a delete+insert takes the
 * keyed step with its batch table.
 */
function insertFirst(config: NodeConfig): boolean {
  return config['incremental_insert_first'] !== false;
}

/**
 * Whether a keyed step may be tried as one insert from the model's SELECT ({@link insertNewKeys}):
 * merge or delete+insert with a unique_key, on a table without partition metadata, configured
 * indexes or hooks (which need a transaction around the step).
 */
function mayBeNewKeysOnly(ctx: MaterializationContext, strategy: IncrementalStrategy): boolean {
  const config = ctx.compiled.config;
  // (a merge_insert_condition may refuse new keys: the MERGE decides)
  return (strategy === 'merge' || strategy === 'delete+insert') && uniqueKeyOf(config).length > 0 && !partitionOf(config) && !indexesOf(config).length && !ctx.preHooks.length && !ctx.postHooks.length && !(strategy === 'merge' && config['merge_insert_condition']);
}

/** dbt-duckdb's MERGE clauses from the config: merge_update_condition, merge_insert_condition, merge_update_set_expressions. */
function mergeClauses(config: NodeConfig): Pick<MergeOptions, 'updateCondition' | 'insertCondition' | 'updateSet'> {
  const updateCondition = config['merge_update_condition'];
  const insertCondition = config['merge_insert_condition'];
  const updateSet = config['merge_update_set_expressions'];
  return {
    ...(typeof updateCondition === 'string' && updateCondition.trim() && { updateCondition }),
    ...(typeof insertCondition === 'string' && insertCondition.trim() && { insertCondition }),
    ...(updateSet !== null && typeof updateSet === 'object' ? { updateSet: Object.fromEntries(Object.entries(updateSet as Record<string, unknown>).map(([k, v]) => [k, String(v)])) } : {}),
  };
}

/**
 * A keyed step whose batch holds new keys only (no NULL key; for merge no repeated key; no target
 * row matched; for delete+insert no unique index on the table) is exactly the insert of its rows:
 * that insert, from the model's SELECT, in one statement that checks those conditions on the batch
 * it computes once and writes nothing if one fails (the engine's {@link EngineDialect.insertNewKeys}).
 * A merge refused for matching target rows runs as one MERGE from the SELECT
 * ({@link EngineDialect.mergeFromSelect}), which pays for a second computation of the SELECT but
 * not for a batch table and its inspection. Otherwise, or when the columns need an ALTER first, the
 * step runs the keyed way (undefined).
 * @throws CompileError BMP_SCHEMA_CHANGE (on_schema_change: fail)
 */
async function insertNewKeys(ctx: MaterializationContext, strategy: IncrementalStrategy, sql: string): Promise<number | undefined> {
  const config = ctx.compiled.config;
  const uniqueKey = uniqueKeyOf(config);
  const predicates = predicatesOf(config);
  const o = { uniqueKey, predicates, duplicates: strategy === 'merge', uniqueIndexes: strategy === 'delete+insert' };
  let bound: readonly string[] | undefined;
  try {
    return await insertDirect(ctx, sql, async (columns) => {
      bound = columns;
      return (await ctx.adapter.atomically(ctx, ctx.adapter.insertNewKeys(ctx.relation, sql, { ...o, columns })))();
    });
  } catch (err) {
    const why = refusalOf(ctx, err);
    if (!why) throw err;
    if (why !== 'matching target row' || strategy !== 'merge' || !bound) return undefined;
  }
  // a merge that updates rows: the merge itself from the SELECT, still one statement
  return mergeFromSelect(ctx, sql, bound);
}

/**
 * A merge step as one MERGE from the model's SELECT (no new-keys insert tried first: the model
 * said its runs update rows), with the columns an insert from the SELECT would write; undefined
 * when the keyed step must run instead (the columns need an ALTER first, or a key is NULL or repeats).
 * @throws CompileError BMP_SCHEMA_CHANGE (on_schema_change: fail)
 */
async function mergeDirect(ctx: MaterializationContext, sql: string): Promise<number | undefined> {
  return insertDirect(ctx, sql, (columns) => mergeFromSelect(ctx, sql, columns));
}

/** One MERGE from the SELECT (refused, for the keyed step to say so or to compare NULLs, if a key is NULL or repeats: then undefined). */
async function mergeFromSelect(ctx: MaterializationContext, sql: string, columns: readonly string[]): Promise<number | undefined> {
  const config = ctx.compiled.config;
  const step = ctx.adapter.mergeFromSelect(ctx.relation, sql, { columns, uniqueKey: uniqueKeyOf(config), predicates: predicatesOf(config), update: mergeUpdateColumns(config, columns), ...mergeClauses(config) });
  try {
    return (await ctx.adapter.atomically(ctx, step))();
  } catch (err) {
    if (refusalOf(ctx, err)) return undefined;
    throw err;
  }
}

/** The one-statement path's refusal `err` is (the keyed step then runs), unless the run is being cancelled. */
function refusalOf(ctx: MaterializationContext, err: unknown): NewKeysRefusal | undefined {
  return ctx.isCancelled?.() ? undefined : ctx.adapter.newKeysRefusal(err);
}

/**
 * Runs `insert` (one statement, outside a transaction: a failed statement would end one) with the
 * columns an insert straight from the model's SELECT writes. Under on_schema_change ignore those
 * are the target's columns (the catalog read at start names them: no describe), unless the insert
 * cannot bind one (it ran nothing then), and the SELECT is described as under the other modes.
 * Undefined when the step must ALTER the table first.
 * @throws CompileError BMP_SCHEMA_CHANGE (on_schema_change: fail)
 */
async function insertDirect<T>(ctx: MaterializationContext, sql: string, insert: (columns: readonly string[]) => Promise<T>): Promise<T | undefined> {
  if (onSchemaChangeOf(ctx.compiled.config) === 'ignore') {
    try {
      return await insert(ctx.existing!.columns.map((c) => c.name));
    } catch (err) {
      if (!ctx.adapter.isMissingColumn(err) || ctx.isCancelled?.()) throw err;
    }
  }
  const columns = await directColumns(ctx, sql);
  return columns ? insert(columns) : undefined;
}

/** The target has a unique index after all (see {@link incremental}): the step's transaction rolls back and it runs the careful way. */
class UniqueIndexesPresent extends Error {}

/**
 * One incremental step, atomically. A step that only inserts (append, or merge/delete+insert
 * without unique_key) into an unpartitioned table whose columns need no ALTER skips the batch table:
 * the model's SELECT is described, then inserted by one INSERT, which is atomic on its own (no
 * transaction unless hooks or index statements run beside it). Every other step puts the batch in a
 * temp table first ({@link applyBatch}).
 */
async function applyStep(ctx: MaterializationContext, strategy: IncrementalStrategy, sql: string, dropped: readonly TableIndex[], o: { noUniqueIndexes?: boolean } = {}): Promise<number> {
  const config = ctx.compiled.config;
  const batched = () => applyBatch(ctx, strategy, sql, { droppedIndexes: dropped, noUniqueIndexes: o.noUniqueIndexes });
  if (!insertsOnly(strategy, config) || partitionOf(config)) return ctx.adapter.atomically(ctx, batched);
  const indexes = dropped.length ? [] : indexesOf(config);
  if (!ctx.preHooks.length && !ctx.postHooks.length && !indexes.length) {
    // no hooks: the columns need no transaction, and one INSERT is atomic by itself
    const rows = await insertDirect(ctx, sql, async (columns) => (await ctx.adapter.atomically(ctx, ctx.adapter.insertInto(ctx.relation, columns, sql)))());
    return rows ?? ctx.adapter.atomically(ctx, batched);
  }
  // pre-hooks first: the model's SELECT may read what they create
  return ctx.adapter.atomically(ctx, async () => {
    const columns = await directColumns(ctx, sql);
    if (!columns) return batched();
    const rows = await ctx.adapter.run(ctx.adapter.insertInto(ctx.relation, columns, sql));
    await ctx.adapter.run(ctx.adapter.createIndexes(ctx.relation, indexes, { ifNotExists: true }));
    return rows();
  });
}

/** Whether a strategy's step is a plain insert of the batch. */
function insertsOnly(strategy: IncrementalStrategy, config: NodeConfig): boolean {
  return strategy === 'append' || ((strategy === 'merge' || strategy === 'delete+insert') && !uniqueKeyOf(config).length);
}

/**
 * The columns an insert straight from the model's SELECT writes (on_schema_change applied to its
 * described columns), or undefined when the step must ALTER the table first (then the batch is
 * computed before the ALTERs, as the SELECT may read the target).
 * @throws CompileError BMP_SCHEMA_CHANGE (on_schema_change: fail)
 */
async function directColumns(ctx: MaterializationContext, sql: string): Promise<string[] | undefined> {
  const sourceColumns = await describeSelect(ctx, sql);
  const plan = planSchemaChange({ target: ctx.relation, config: ctx.compiled.config, sourceColumns, targetColumns: ctx.existing!.columns }, ctx.compiled.node.uniqueId);
  return plan.statements.length ? undefined : plan.columns;
}

/**
 * Tables the incremental step writes besides the target; with `known`, only those its catalog (read
 * when the run started) does not hold yet, which need no look-up.
 */
export function stateTablesFor(config: NodeConfig, strategy: IncrementalStrategy, known?: Pick<MaterializationContext, 'catalog' | 'stateSchema'>): StateTable[] {
  const all: StateTable[] = [...(partitionOf(config) ? (['partitions'] as const) : []), ...(strategy === 'microbatch' ? (['microbatch_intervals'] as const) : [])];
  return known ? all.filter((t) => !known.catalog.get(known.stateSchema, t)) : all;
}

/**
 * Applies one batch inside the caller's transaction: the batch as a temp table, the schema-change
 * step, the strategy, partition metadata, indexes. Returns the rows the strategy wrote.
 * Call `adapter.ensureStateTables` (see {@link stateTablesFor}) before opening the transaction.
 */
export async function applyBatch(
  ctx: MaterializationContext,
  strategy: IncrementalStrategy,
  batchSql: string,
  opts: {
    window?: EventTimeWindow;
    targetColumns?: readonly CatalogColumn[];
    droppedIndexes?: readonly TableIndex[];
    onSchemaChange?: () => void;
    /** Fail with {@link UniqueIndexesPresent} (before writing anything) if the target has a unique index. */
    noUniqueIndexes?: boolean;
  } = {},
): Promise<number> {
  const batch = batchTableName(ctx.relation);
  const config = ctx.compiled.config;
  const partition = partitionOf(config);
  const nodeId = ctx.compiled.node.uniqueId;
  await ctx.adapter.run(ctx.adapter.createTempTable(batch, batchSql));
  const keys = strategy === 'merge' || strategy === 'delete+insert' ? uniqueKeyOf(config) : [];
  const inspected = await inspectBatch(ctx, batch, keys, { unique: strategy === 'merge', uniqueIndexes: !!opts.noUniqueIndexes, matches: strategy === 'merge' }, nodeId);
  if (inspected.uniqueIndexes) throw new UniqueIndexesPresent();
  const sourceColumns = inspected.columns;
  const targetColumns = opts.targetColumns ?? ctx.existing!.columns;
  const nullableKeys = keys.length ? inspected.nullableKeys : undefined;
  const input: IncrementalPlanInput = { target: ctx.relation, batch, config, sourceColumns, targetColumns, window: opts.window, nullableKeys };
  const schema: SchemaChangePlan = planSchemaChange(input, nodeId);
  if (schema.statements.length) await ctx.adapter.run(ctx.adapter.statements(schema.statements));
  if (schema.statements.length) opts.onSchemaChange?.();
  // a merge whose batch matches no target row inserts every batch row: the plain insert is that,
  // without the merge's join (asked once the columns are as the merge would see them)
  const matched = () => (!schema.statements.length && inspected.matched !== undefined ? inspected.matched : mergeMatches(ctx, batch, keys));
  const effective = strategy === 'merge' && keys.length && !nullableKeys?.size && !(await matched()) ? 'append' : strategy;
  let range: PartitionRange | undefined;
  const owner = partition && partitionOwner(ctx.relation, nodeId, partition, 'table', ctx.invocationId ?? '');
  // append and whole-partition overwrite: the batch alone gives the new counts (if counts were recorded)
  const fromBatch = !!owner && (effective === 'append' || (effective === 'insert_overwrite' && !predicatesOf(config).length)) && (inspected.recordedPartitions ?? (await ctx.adapter.hasPartitionRows(owner.relationKey, ctx.stateSchema)));
  if (partition && !(fromBatch && effective === 'append')) {
    // before the step: which partitions it can change (for the metadata, unless the batch gives
    // it), and their span (where an overwrite deletes)
    range = await ctx.adapter.affectedPartitions(ctx.relation, batch, partition, touchedRows(effective, input));
  }
  const applyInput = effective === 'insert_overwrite' && range ? { ...input, partitionRange: range } : input;
  const rows = (await ctx.adapter.run(planIncrementalApply(effective, applyInput, schema.columns, ctx.adapter)))();
  if (partition && owner) {
    const fieldType = columnType(targetColumns, partition.field) ?? columnType(sourceColumns, partition.field);
    if (fromBatch) await ctx.adapter.run(ctx.adapter.recordBatchPartitions(owner, batch, partition, ctx.stateSchema, effective === 'append'));
    else if (range) await ctx.adapter.run(ctx.adapter.recordAffectedPartitions(ctx.relation, owner, partition, range, fieldType, ctx.stateSchema));
  }
  if (opts.droppedIndexes?.length) await checkUniqueIndexes(ctx, opts.droppedIndexes);
  else await ctx.adapter.run(ctx.adapter.createIndexes(ctx.relation, indexesOf(config), { ifNotExists: true }));
  await ctx.adapter.run(ctx.adapter.dropTempTable(batch));
  return rows;
}

interface BatchInspection {
  /** The batch's columns, as `describe` gives them (with on_schema_change ignore only their names count: then as the query's result names them). */
  readonly columns: CatalogColumn[];
  /** Whether a batch row matches a target row on the keys (asked with `matches`, before any schema change). */
  readonly matched?: boolean;
  /** Lower-case key columns that hold a NULL in the batch. */
  readonly nullableKeys: Set<string>;
  /** Unique indexes on the target (asked only with `uniqueIndexes`). */
  readonly uniqueIndexes: number;
  /** Whether the target's partition counts are recorded (asked of a partitioned target, when the query ran). */
  readonly recordedPartitions?: boolean;
}

/**
 * The batch's columns, then in one query which key columns hold a NULL in it, (for merge) that no
 * two batch rows share a key, and (with `uniqueIndexes`) whether the target has a unique index.
 * @throws CompileError BMP_INCREMENTAL_DUPLICATE_KEY when two batch rows share a unique_key (merge).
 */
async function inspectBatch(ctx: MaterializationContext, batch: string, keys: readonly string[], o: { unique: boolean; uniqueIndexes: boolean; matches: boolean }, nodeId: string): Promise<BatchInspection> {
  // on_schema_change ignore needs only the batch's column names: the inspection query gives them
  const namesOnly = onSchemaChangeOf(ctx.compiled.config) === 'ignore';
  if (!keys.length && !o.uniqueIndexes && !namesOnly) return { columns: await ctx.adapter.describe({ temp: batch }), nullableKeys: new Set(), uniqueIndexes: 0 };
  const matches = o.matches && keys.length ? { target: ctx.relation, predicates: predicatesOf(ctx.compiled.config) } : undefined;
  const recordedPartitionsOf = partitionOf(ctx.compiled.config) ? { relationKey: relationKeyOf(ctx.relation), stateSchema: ctx.stateSchema } : undefined;
  const r = await ctx.adapter.inspectBatch(batch, { keys, duplicates: o.unique, uniqueIndexesOf: o.uniqueIndexes ? ctx.relation : undefined, matches, columns: namesOnly, recordedPartitionsOf });
  const columns = r.columns ? [...r.columns] : await ctx.adapter.describe({ temp: batch });
  if (o.unique && r.duplicates > 0) {
    const dup = await ctx.adapter.duplicateKeys({ temp: batch }, keys);
    const n = dup.count;
    throw new CompileError(
      'BMP_INCREMENTAL_DUPLICATE_KEY',
      `the new batch has ${n} unique_key value${n === 1 ? '' : 's'} (${keys.join(', ')}) on more than one row, e.g. (${dup.example ?? 'NULL'}); merge needs one row per key`,
      { nodeId },
      'deduplicate in the model (e.g. qualify row_number() over (partition by <key> order by <updated_at> desc) = 1)',
    );
  }
  return { columns, nullableKeys: new Set(keys.filter((_, i) => (r.nullCounts[i] ?? 0) > 0).map((k) => k.toLowerCase())), uniqueIndexes: r.uniqueIndexes, matched: r.matched, recordedPartitions: r.recordedPartitions };
}

/** Whether a batch row matches a target row as the merge's `on` would (keys without NULLs in the batch). */
function mergeMatches(ctx: MaterializationContext, batch: string, keys: readonly string[]): Promise<boolean> {
  return ctx.adapter.mergeMatches(ctx.relation, batch, { uniqueKey: keys, predicates: predicatesOf(ctx.compiled.config) });
}

export type { MaterializationResult };
export { uniqueKeyOf, strategyOf, predicatesOf, type IncrementalStrategy } from './incremental-config.js';
export { prepareIndexes, restorePendingIndexes, clearPendingIndexesStatements, withIndexesDropped } from './incremental-indexes.js';
