import type { Connection } from '../adapters/duckdb/index.js';
import type { LlmSpec } from './spec.js';
import { CACHE_ROW_COLUMNS, CACHE_ROW_TYPES, CACHE_STATS_SQL, CACHE_TABLE, cacheDdl, DISCOUNT_REQUESTED_SQL, PROMPT_STAGE, pruneCacheSql, RECORD_STAGED_HITS_SQL, STAGED_ANSWERS_SQL, STAGED_ENTRIES_SQL, STAGED_MISSING_SQL, stagePromptsDdl, STATE_SCHEMA } from '../adapters/duckdb/index.js';

/** One response to store. */
export interface CacheEntry {
  readonly key: string;
  readonly spec: LlmSpec;
  readonly specId: string;
  /** The normalized prompt (what the key hashes and what the provider was sent). */
  readonly prompt: string;
  readonly response?: string;
  readonly embedding?: readonly number[];
  readonly durationMs: number;
  readonly attempts: number;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC: every timestamp in the cache is UTC. */
export function utcTimestamp(d = new Date()): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Creates `_bmp.llm_cache` and its lookup macros when missing (macros are refreshed). */
export async function ensureCache(conn: Connection): Promise<void> {
  for (const stmt of cacheDdl()) await conn.run(stmt);
}

/** Whether the cache table exists (without creating it). */
export async function cacheExists(conn: Connection): Promise<boolean> {
  return (await conn.adapter.relationKind({ database: '', schema: STATE_SCHEMA, identifier: CACHE_TABLE })) === 'table';
}


/**
 * Loads the distinct (spec, normalized prompt) pairs one collect pass saw into this connection's
 * scratch table, with their row-level `uses` and whether an earlier pass saw them (`fresh` if
 * not). Later steps join it with the cache, so no key list travels through SQL parameters and the
 * keys are hashed by DuckDB.
 */
export async function stagePrompts(conn: Connection, rows: readonly (readonly [spec: string, prompt: string, uses: number, fresh: boolean])[]): Promise<void> {
  await conn.run(stagePromptsDdl());
  await conn.appendRows(PROMPT_STAGE, rows, ['VARCHAR', 'VARCHAR', 'BIGINT', 'BOOLEAN']);
}

/** The fresh staged prompts the cache does not hold, with their keys (only misses travel back). */
export async function stagedMissing(conn: Connection): Promise<{ key: string; spec: string; prompt: string }[]> {
  return conn.rows(STAGED_MISSING_SQL);
}

/**
 * Adds the staged row-level uses to each entry's hit count (less one for each key in `requested`:
 * the row that caused the request was not a hit) and marks them used now.
 */
export async function recordStagedHits(conn: Connection, requested: readonly string[]): Promise<void> {
  if (requested.length) await conn.run(DISCOUNT_REQUESTED_SQL, [[...requested]]);
  await conn.run(RECORD_STAGED_HITS_SQL, [utcTimestamp()]);
}

/**
 * The stored answers of the fresh staged prompts as text, by spec then prompt: the response, or an
 * embedding as JSON (what the collect pass hands back to SQL for prompts built from other answers).
 */
export async function loadStagedAnswers(conn: Connection, into: Map<string, Map<string, string>>): Promise<void> {
  const rows = await conn.rows<{ spec: string; prompt: string; response: string | null; embedding: number[] | null }>(STAGED_ANSWERS_SQL);
  for (const r of rows) {
    const answer = r.response ?? (r.embedding ? JSON.stringify(r.embedding) : null);
    if (answer === null) continue;
    let bySpec = into.get(r.spec);
    if (!bySpec) into.set(r.spec, (bySpec = new Map()));
    bySpec.set(r.prompt, answer);
  }
}

/**
 * Copies the cache entries of the prompts staged on `from` (the user's database) into the cache of
 * `to`, another database whose statement will look them up (a unit test's own database). Values
 * travel through the appender, never through SQL text.
 */
export async function copyStagedEntries(from: Connection, to: Connection): Promise<void> {
  const rows = await from.rows<Record<string, unknown>>(STAGED_ENTRIES_SQL);
  if (!rows.length) return;
  await to.appendRows({ database: '', schema: STATE_SCHEMA, identifier: CACHE_TABLE }, rows.map((r) => CACHE_ROW_COLUMNS.map((n) => r[n] ?? null)), CACHE_ROW_TYPES);
}

/** Appends responses (the appender binds every value; nothing is pasted into SQL). */
export async function insertEntries(conn: Connection, entries: readonly CacheEntry[]): Promise<void> {
  if (!entries.length) return;
  const now = utcTimestamp();
  await conn.appendRows(
    { database: '', schema: STATE_SCHEMA, identifier: CACHE_TABLE },
    entries.map((e) => [
      e.key,
      e.spec.kind,
      e.spec.provider,
      e.spec.model,
      JSON.stringify(e.spec.options),
      e.specId,
      e.prompt,
      e.response ?? null,
      e.embedding ? JSON.stringify(e.embedding) : null,
      Math.round(e.durationMs * 1000) / 1000,
      e.attempts,
      now,
      now,
      0,
    ]),
    CACHE_ROW_TYPES,
  );
}

export interface CacheStatsRow {
  readonly kind: string;
  readonly provider: string;
  readonly model: string;
  readonly entries: number;
  readonly hits: number;
  /** Provider time that filled these entries, seconds. */
  readonly fetchSeconds: number;
  readonly firstCreated: string | null;
  readonly lastUsed: string | null;
}

/** Entries, hits and provider time per (kind, provider, model). */
export async function cacheStats(conn: Connection): Promise<CacheStatsRow[]> {
  if (!(await cacheExists(conn))) return [];
  const rows = await conn.rows(CACHE_STATS_SQL);
  return rows.map((r) => ({
    kind: String(r['kind']),
    provider: String(r['provider']),
    model: String(r['model']),
    entries: Number(r['entries']),
    hits: Number(r['hits']),
    fetchSeconds: Number(r['fetch_seconds']),
    firstCreated: (r['first_created'] as string | null) ?? null,
    lastUsed: (r['last_used'] as string | null) ?? null,
  }));
}

export interface PruneOptions {
  /** Entries not used for this many days. */
  readonly olderThanDays?: number;
  readonly provider?: string;
  readonly model?: string;
  readonly kind?: string;
  /** Keep at most this many entries (the most recently used). */
  readonly maxEntries?: number;
  /** Entries never read from the cache after they were fetched. */
  readonly unused?: boolean;
}

/** Deletes the entries matching every given criterion; returns how many. `clear` is prune with none. */
export async function pruneCache(conn: Connection, o: PruneOptions = {}): Promise<number> {
  if (!(await cacheExists(conn))) return 0;
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (o.olderThanDays !== undefined) where.push(`last_used_at < cast(${bind(utcTimestamp(new Date(Date.now() - o.olderThanDays * 86_400_000)))} as timestamp)`);
  if (o.provider !== undefined) where.push(`provider = ${bind(o.provider)}`);
  if (o.model !== undefined) where.push(`model = ${bind(o.model)}`);
  if (o.kind !== undefined) where.push(`kind = ${bind(o.kind)}`);
  if (o.unused) where.push('hit_count = 0');
  const filter = where.length ? ` where ${where.map((w) => `(${w})`).join(' and ')}` : '';
  if (o.maxEntries !== undefined) {
    // among the entries the other criteria match, all but the most recently used maxEntries
    return conn.run(pruneCacheSql(filter, bind(Math.max(0, Math.floor(o.maxEntries)))), params);
  }
  return conn.run(pruneCacheSql(filter), params);
}
