import { existsSync } from 'node:fs';
import { Database } from '../adapters/duckdb/index.js';
import { loadConfig, type ConfigOptions } from '../config/index.js';
import { UsageError } from '../errors.js';
import { cacheExists, cacheStats, pruneCache, type CacheStatsRow, type PruneOptions } from './cache.js';
import { CACHE_SQL } from '../adapters/duckdb/index.js';
import { jinjaYamlSyntax } from '../jinja/index.js';

export interface CacheTaskOptions extends ConfigOptions {
  readonly waitForLockSeconds?: number;
}

export interface CacheStatsReport {
  readonly database: string;
  /** False when the database or the cache table does not exist yet. */
  readonly exists: boolean;
  readonly table: string;
  readonly groups: readonly CacheStatsRow[];
  readonly entries: number;
  readonly hits: number;
  /** hits / (hits + entries): the share of lookups answered without a request (each entry cost one). */
  readonly hitRate: number | null;
  readonly fetchSeconds: number;
}

/**
 * `bmp llm cache stats`: entries, hits and provider time per (kind, provider, model). Opens the
 * database read-only; a missing file or table is an empty cache.
 * @throws ConfigError (project/profile), DatabaseError BMP_DB_LOCKED
 */
export async function llmCacheStats(opts: CacheTaskOptions = {}): Promise<CacheStatsReport> {
  const cfg = await loadConfig({ ...opts, yamlSyntax: jinjaYamlSyntax() });
  const path = cfg.target.path;
  const empty: CacheStatsReport = { database: path, exists: false, table: CACHE_SQL, groups: [], entries: 0, hits: 0, hitRate: null, fetchSeconds: 0 };
  if (path !== ':memory:' && !existsSync(path)) return empty;
  const db = await Database.open({ path, readOnly: true, settings: cfg.target.settings, waitForLockSeconds: opts.waitForLockSeconds });
  try {
    const conn = await db.connect();
    if (!(await cacheExists(conn))) return empty;
    const groups = await cacheStats(conn);
    const entries = groups.reduce((s, g) => s + g.entries, 0);
    const hits = groups.reduce((s, g) => s + g.hits, 0);
    return { database: path, exists: true, table: CACHE_SQL, groups, entries, hits, hitRate: entries + hits ? hits / (entries + hits) : null, fetchSeconds: groups.reduce((s, g) => s + g.fetchSeconds, 0) };
  } finally {
    db.close();
  }
}

/**
 * `bmp llm cache prune|clear`: deletes the entries matching every criterion (`clear`: all, or all of
 * a provider/model). Returns how many were deleted.
 * @throws UsageError BMP_LLM_PRUNE_CRITERIA when prune gets no criterion (use clear).
 */
export async function llmCachePrune(opts: CacheTaskOptions & PruneOptions & { readonly all?: boolean } = {}): Promise<{ database: string; deleted: number }> {
  const criteria = [opts.olderThanDays, opts.provider, opts.model, opts.kind, opts.maxEntries, opts.unused || undefined].filter((x) => x !== undefined);
  if (!criteria.length && !opts.all) {
    throw new UsageError('BMP_LLM_PRUNE_CRITERIA', 'prune needs a criterion', {}, 'give --older-than DAYS, --max-entries N, --unused, --provider, --model or --kind; `bmp llm cache clear` empties the cache');
  }
  const cfg = await loadConfig({ ...opts, yamlSyntax: jinjaYamlSyntax() });
  const path = cfg.target.path;
  if (path !== ':memory:' && !existsSync(path)) return { database: path, deleted: 0 };
  const db = await Database.open({ path, settings: cfg.target.settings, waitForLockSeconds: opts.waitForLockSeconds });
  try {
    const conn = await db.connect();
    const deleted = await pruneCache(conn, opts);
    if (deleted) await conn.adapter.checkpoint();
    return { database: path, deleted };
  } finally {
    db.close();
  }
}
