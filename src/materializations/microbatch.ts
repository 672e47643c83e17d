/**
 * `incremental_strategy='microbatch'`: the model is built in event-time batches (`batch_size`
 * hour|day|month|year, from `begin`), each batch in its own transaction: the inputs that
 * configure `event_time` are filtered to the batch window, the model's own rows are kept to the
 * window, the target's rows in the window are replaced. bmp records each completed batch in
 * `_bmp.microbatch_intervals` in the batch's transaction (SQLMesh's interval tracking), so a run
 * only fills the intervals that are missing, plus the `lookback` last complete batches and the
 * current partial one; a failed batch is retried by the next run without redoing the others.
 * A table with no recorded batch at all (built by dbt, by another strategy, or before its
 * bookkeeping was lost) is adopted as dbt runs it: only the `lookback` last batches and the current
 * one are processed, and the batches before them are recorded as done, as the table holds them —
 * replacing them from inputs that may no longer hold their rows would lose data.
 *
 * Backfills: `--event-time-start S --event-time-end E` reprocesses exactly the batches of
 * `[S, E)`, done or not; `--event-time-start S` alone reprocesses from S to now; `--event-time-end E`
 * alone runs as if now were E. Batch bounds are UTC wall-clock timestamps.
 */
import type { CatalogColumn } from '../adapters/duckdb/index.js';
import { BmpError, CompileError } from '../errors.js';
import type { NodeConfig } from '../manifest/types.js';
import { isCovered, relationKeyOf, type Interval } from '../state/index.js';
import { applyBatch, clearPendingIndexesStatements, needsFullBuild, prepareIndexes, restorePendingIndexes, stateTablesFor, windowPredicate, withIndexesDropped } from './incremental.js';
import { buildTable } from './table.js';
import type { TableIndex } from './table-indexes.js';
import type { EventTimeWindow, MaterializationContext, MaterializationResult } from './types.js';

export type BatchSize = 'hour' | 'day' | 'month' | 'year';

/** Batches one run may plan before bmp asks for a narrower window. */
export const MAX_BATCHES = 100_000;

export interface PlannedBatch extends Interval {
  /** `20240501` (day), `2024050113` (hour), `202405` (month), `2024` (year). */
  readonly id: string;
  /** The batch ended before "now": it is recorded as done once committed. */
  readonly complete: boolean;
  readonly reason: 'full' | 'missing' | 'lookback' | 'current' | 'backfill';
}

export interface MicrobatchPlanInput {
  readonly begin: Date;
  readonly batchSize: BatchSize;
  readonly lookback: number;
  /** The run's start time. */
  readonly now: Date;
  /** `--event-time-start` / `--event-time-end`. */
  readonly start?: Date;
  readonly end?: Date;
  /** Intervals already processed. */
  readonly done: readonly Interval[];
  /** First build or full refresh: every batch from begin. */
  readonly full: boolean;
}

/**
 * Parses `2024-05-01`, `2024-05-01 10:00[:00[.000]]` or ISO 8601; without a zone it is UTC.
 * @throws CompileError BMP_EVENT_TIME_INVALID
 */
export function parseEventTime(value: unknown, what: string): Date {
  if (value instanceof Date) return value;
  const s = String(value).trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) throw new CompileError('BMP_EVENT_TIME_INVALID', `${what} must be a date or timestamp like 2024-05-01 or 2024-05-01 13:00:00, got '${s}'`);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? `.${m[7].slice(0, 3).padEnd(3, '0')}` : ''}${m[8] ?? 'Z'}`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new CompileError('BMP_EVENT_TIME_INVALID', `${what} is not a valid date: '${s}'`);
  return d;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatEventTime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function truncateTo(d: Date, size: BatchSize): Date {
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (size) {
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
    case 'month':
      return new Date(Date.UTC(y, mo, 1));
    case 'day':
      return new Date(Date.UTC(y, mo, d.getUTCDate()));
    case 'hour':
      return new Date(Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours()));
  }
}

export function addBatches(d: Date, size: BatchSize, n = 1): Date {
  switch (size) {
    case 'year':
      return new Date(Date.UTC(d.getUTCFullYear() + n, d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()));
    case 'month':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate(), d.getUTCHours()));
    case 'day':
      return new Date(d.getTime() + n * 86_400_000);
    case 'hour':
      return new Date(d.getTime() + n * 3_600_000);
  }
}

/** dbt's `model.batch.id`: the batch's start as `2024`, `202409`, `20240917` or `20240917T16` (hourly). */
function batchId(d: Date, size: BatchSize): string {
  const ymd = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  return size === 'year' ? ymd.slice(0, 4) : size === 'month' ? ymd.slice(0, 6) : size === 'day' ? ymd : `${ymd}T${pad(d.getUTCHours())}`;
}

/**
 * Which batches a run processes, oldest first (pure: unit-tested without a database).
 * @throws CompileError BMP_MICROBATCH_TOO_MANY when the window holds more than {@link MAX_BATCHES}
 */
export function planMicrobatch(input: MicrobatchPlanInput): PlannedBatch[] {
  const { batchSize: size } = input;
  const { all, complete, completeIdx } = batchWindows(input);
  const backfill = input.start !== undefined && !input.full;
  const lookback = new Set(completeIdx.slice(Math.max(0, completeIdx.length - input.lookback)));
  const adopted = adoptedInterval(input);
  const done = adopted ? [adopted] : input.done;
  const out: PlannedBatch[] = [];
  all.forEach((b, i) => {
    const iv = { start: formatEventTime(b.start), end: formatEventTime(b.end) };
    let reason: PlannedBatch['reason'] | undefined;
    if (input.full) reason = 'full';
    else if (backfill) reason = 'backfill';
    else if (!complete(b)) reason = 'current';
    else if (!isCovered(iv, done)) reason = 'missing';
    else if (lookback.has(i)) reason = 'lookback';
    if (reason) out.push({ ...iv, id: batchId(b.start, size), complete: complete(b), reason });
  });
  return out;
}

/** The run's batch windows from begin (or --event-time-start) to the horizon, and which are complete. */
function batchWindows(input: MicrobatchPlanInput) {
  const size = input.batchSize;
  const horizon = input.end ?? input.now;
  const asOf = horizon.getTime() < input.now.getTime() ? horizon : input.now;
  const all: { start: Date; end: Date }[] = [];
  for (let t = truncateTo(input.start ?? input.begin, size); t.getTime() < horizon.getTime(); t = addBatches(t, size)) {
    all.push({ start: t, end: addBatches(t, size) });
    if (all.length > MAX_BATCHES) {
      throw new CompileError('BMP_MICROBATCH_TOO_MANY', `more than ${MAX_BATCHES} ${size} batches between ${formatEventTime(all[0]!.start)} and ${formatEventTime(horizon)}`, {}, 'use a larger batch_size, a later begin, or --event-time-start/--event-time-end');
    }
  }
  const complete = (b: { end: Date }) => b.end.getTime() <= asOf.getTime();
  const completeIdx = all.map((b, i) => (complete(b) ? i : -1)).filter((i) => i >= 0);
  return { all, complete, completeIdx };
}

/**
 * An existing table with no recorded batch (built by dbt, by another strategy, or its bookkeeping
 * lost): the complete batches before the `lookback` last ones, which the run keeps as the table
 * holds them (dbt's incremental start: now minus `lookback` batches) and records as done.
 * Undefined on a full build, a backfill, or when some batch is recorded.
 */
export function adoptedInterval(input: MicrobatchPlanInput): Interval | undefined {
  if (input.full || input.start !== undefined || input.done.length > 0) return undefined;
  const { all, completeIdx } = batchWindows(input);
  const first = input.lookback > 0 ? completeIdx[Math.max(0, completeIdx.length - input.lookback)] : completeIdx.length;
  if (first === undefined || first === 0) return undefined;
  // (lookback 0 with every batch complete: all of them are adopted)
  return { start: formatEventTime(all[0]!.start), end: formatEventTime(first < all.length ? all[first]!.start : all[all.length - 1]!.end) };
}

interface MicrobatchConfig {
  readonly eventTime: string;
  readonly batchSize: BatchSize;
  readonly begin: Date;
  readonly lookback: number;
}

/** @throws CompileError BMP_MICROBATCH_CONFIG when event_time, batch_size or begin is missing */
export function microbatchConfigOf(config: NodeConfig, nodeId?: string): MicrobatchConfig {
  const missing = ['event_time', 'batch_size', 'begin'].filter((k) => config[k] === undefined || config[k] === null || config[k] === '');
  if (missing.length) {
    throw new CompileError('BMP_MICROBATCH_CONFIG', `microbatch needs ${missing.join(', ')} in the model's config`, { nodeId }, "e.g. config(incremental_strategy='microbatch', event_time='created_at', batch_size='day', begin='2024-01-01')");
  }
  const size = String(config['batch_size']).toLowerCase();
  if (!['hour', 'day', 'month', 'year'].includes(size)) throw new CompileError('BMP_MICROBATCH_CONFIG', `batch_size must be hour, day, month or year, got '${size}'`, { nodeId });
  const lookback = config['lookback'] === undefined ? 1 : Number(config['lookback']);
  if (!Number.isInteger(lookback) || lookback < 0) throw new CompileError('BMP_MICROBATCH_CONFIG', `lookback must be a non-negative integer`, { nodeId });
  return { eventTime: String(config['event_time']), batchSize: size as BatchSize, begin: parseEventTime(config['begin'], 'begin'), lookback };
}

/** The model's rows for one batch, kept to the window (so rows outside it are never written twice). */
export function windowedSelect(sql: string, eventTime: string, w: EventTimeWindow): string {
  return `select * from (\n${sql}\n) as __bmp_microbatch where ${windowPredicate(eventTime, w)}`;
}

export async function microbatch(ctx: MaterializationContext): Promise<MaterializationResult> {
  const config = ctx.compiled.config;
  const nodeId = ctx.compiled.node.uniqueId;
  const mb = microbatchConfigOf(config, nodeId);
  const relKey = relationKeyOf(ctx.relation);
  await ctx.adapter.ensureStateTables(stateTablesFor(config, 'microbatch', ctx), ctx.stateSchema);
  let full = needsFullBuild(ctx);
  const done = full ? [] : await ctx.adapter.processedIntervals(relKey, ctx.stateSchema);
  const owner = { relationKey: relKey, nodeId, invocationId: ctx.invocationId ?? '' };
  const now = ctx.runStartedAt ? new Date(ctx.runStartedAt) : new Date();
  const plan: MicrobatchPlanInput = {
    begin: mb.begin,
    batchSize: mb.batchSize,
    lookback: mb.lookback,
    now,
    start: ctx.eventTimeStart ? parseEventTime(ctx.eventTimeStart, '--event-time-start') : undefined,
    end: ctx.eventTimeEnd ? parseEventTime(ctx.eventTimeEnd, '--event-time-end') : undefined,
    done,
    full,
  };
  const batches = planMicrobatch(plan);
  const adopted = adoptedInterval(plan);
  if (adopted) {
    await ctx.adapter.run(ctx.adapter.statements(ctx.adapter.recordInterval(owner, adopted, null, ctx.stateSchema).statements));
    ctx.log?.(`no batch of this table is recorded: its rows in [${adopted.start}, ${adopted.end}) are kept as they are (recorded as done), the run processes the lookback and current batches`);
  }
  if (!batches.length && full) {
    // nothing in the window yet: still create the (empty) table so downstream models can build
    const empty = { start: formatEventTime(mb.begin), end: formatEventTime(mb.begin), id: 'empty', complete: false, reason: 'full' as const };
    batches.push(empty);
  }
  if (!full) await restorePendingIndexes(ctx);
  let rows = 0;
  let committed = 0;
  // Ctrl-C stops between batches (or rolls the current one back): say what is kept
  const interrupted = (i: number, also = '') =>
    new BmpError('BMP_INTERRUPTED', `interrupted at batch ${i + 1} of ${batches.length}; ${committed ? `${committed} batch${committed === 1 ? ' is' : 'es are'} committed, the next run processes the rest` : 'no batch was committed, the table is as it was'}${also}`, { nodeId });
  let targetColumns: CatalogColumn[] | undefined;
  let indexes: TableIndex[] | undefined;
  const failed: { batch: PlannedBatch; message: string }[] = [];
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    if (ctx.isCancelled?.()) throw interrupted(i);
    const t0 = Date.now();
    try {
      const sql = ctx.compileForWindow ? await ctx.compileForWindow(b, b.id) : ctx.compiled.compiledSql;
      const batchSql = windowedSelect(sql, mb.eventTime, b);
      const record = (rows: number | null) => (b.complete ? ctx.adapter.recordInterval(owner, b, rows, ctx.stateSchema).statements : []);
      const hooks = { preHooks: i === 0 ? ctx.preHooks : [], postHooks: i === batches.length - 1 ? ctx.postHooks : [] };
      let n: number;
      if (full) {
        // a zero-length interval at begin marks the table as bmp's microbatch table even before a
        // batch completes, so a later run never takes it for a table to adopt (adoptedInterval)
        const owned = ctx.adapter.recordInterval(owner, { start: formatEventTime(mb.begin), end: formatEventTime(mb.begin) }, 0, ctx.stateSchema).statements;
        n = await buildTable({ ...ctx, ...hooks }, batchSql, [...ctx.adapter.clearIntervals(relKey, ctx.stateSchema).statements, ...clearPendingIndexesStatements(ctx), ...owned, ...record(null)]);
        full = false;
        targetColumns = undefined;
        indexes = undefined;
      } else {
        const bctx: MaterializationContext = { ...ctx, ...hooks, existing: ctx.existing ?? { ...ctx.relation, kind: 'table', columns: [] } };
        // read once per run (and again after a batch altered the table)
        targetColumns ??= await ctx.adapter.describe(ctx.relation);
        indexes ??= await ctx.adapter.listIndexes(ctx.relation);
        const prep = await prepareIndexes(bctx, 'microbatch', batchSql, targetColumns, indexes);
        n = await withIndexesDropped(bctx, prep.dropped, () =>
          ctx.adapter.atomically(bctx, async () => {
            const written = await applyBatch(bctx, 'microbatch', batchSql, { window: b, targetColumns, droppedIndexes: prep.dropped, onSchemaChange: () => ((targetColumns = undefined), (indexes = undefined)) });
            if (b.complete) await ctx.adapter.run(ctx.adapter.statements(record(written)));
            return written;
          }),
        );
        // configured indexes the table lacked exist now: read them again for the next batch
        if (prep.dropped.some((x) => x.absent)) indexes = undefined;
      }
      rows += n;
      committed++;
      ctx.log?.(`batch ${i + 1} of ${batches.length} [${b.start}, ${b.end}) (${b.reason}): OK ${n} rows in ${((Date.now() - t0) / 1000).toFixed(2)}s`);
    } catch (err) {
      if (ctx.isCancelled?.()) {
        // interrupted after the batch committed, while its indexes were being created again
        if (err instanceof BmpError && err.code === 'BMP_INDEX_PENDING') throw (committed++, interrupted(i, `; ${err.message}`));
        throw interrupted(i);
      }
      const message = (err as Error).message.split('\n')[0]!;
      failed.push({ batch: b, message });
      ctx.log?.(`batch ${i + 1} of ${batches.length} [${b.start}, ${b.end}) failed: ${message}`);
    }
  }
  if (failed.length) {
    const first = failed[0]!;
    throw new BmpError(
      'BMP_MICROBATCH_FAILED',
      `${failed.length} of ${batches.length} batches failed (first: [${first.batch.start}, ${first.batch.end}): ${first.message}); the ${batches.length - failed.length} others are committed`,
      { nodeId },
      'the next run retries only the failed batches',
    );
  }
  return { rowsAffected: rows, message: `OK ${batches.length} batch${batches.length === 1 ? '' : 'es'}, ${rows} rows`, kind: 'table' };
}
