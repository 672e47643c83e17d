import type { Connection } from '../adapters/duckdb/index.js';
import type { CompiledNode } from '../compile/index.js';
import { copyStagedEntries, ensureCache, insertEntries, loadStagedAnswers, recordStagedHits, stagePrompts, stagedMissing, type CacheEntry } from './cache.js';
import { LlmError } from './errors.js';
import { RequestFailed } from './http.js';
import { Limiter } from './limiter.js';
import { createProvider, type LlmProvider } from './provider.js';
import { describeProvider, type LlmSettings } from './settings.js';
import { CACHE_SQL, collectDdl, collectSql, COLLECT_UDF, countCallSites, probeSql, type ScalarFunctionDef } from '../adapters/duckdb/index.js';
import { Collector, type Collected } from './collector.js';
import type { LlmSpecs } from './template.js';

/** Call sites can feed each other (a prompt built from another response); this bounds the passes. */
const MAX_PASSES = 6;

/** What one node's LLM phase did; goes into its adapter_response. */
export interface NodeLlmFigures {
  readonly llm_provider: string;
  /** The provider's base URL (`offline` for the offline provider). */
  readonly llm_endpoint: string;
  /** Row-level evaluations of llm_generate/llm_embed (NULL prompts excluded). */
  readonly llm_lookups: number;
  /** Distinct prompts among them. */
  readonly llm_prompts: number;
  /** Lookups answered without a request of this node (cache, or a request another row or node made). */
  readonly llm_hits: number;
  /** Requests this node sent (distinct prompts missing from the cache). */
  readonly llm_requests: number;
  readonly llm_retries: number;
  /** Wall time of the fetch phase, seconds. */
  readonly llm_seconds: number;
  /** Wall time of the collect passes (evaluating the prompts in DuckDB), seconds. */
  readonly llm_collect_seconds: number;
  readonly llm_passes: number;
}

export interface RunTotals {
  lookups: number;
  hits: number;
  requests: number;
  retries: number;
  failures: number;
  seconds: number;
}

/** A queued request given up because its node already failed (not a provider failure). */
class Cancelled extends Error {}

/**
 * The LLM side of one run: provider, concurrency bound, in-flight requests shared by all nodes
 * (a prompt two models need is requested once), the buffer of responses to store, and one lock
 * that serializes every write to the cache table (so parallel nodes never conflict on it).
 */
export class LlmRuntime {
  readonly provider: LlmProvider;
  readonly limiter: Limiter;
  readonly totals: RunTotals = { lookups: 0, hits: 0, requests: 0, retries: 0, failures: 0, seconds: 0 };
  private readonly collectors = new Map<string, Collector>();
  private nextCollector = 1;
  private readonly inflight = new Map<string, Promise<void>>();
  private pending: CacheEntry[] = [];
  private lock: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;
  /** Connections that hold the collect pass's temp macros (ids repeat across databases: by object). */
  private readonly tempMacros = new WeakSet<Connection>();
  /** Other databases' connections given the cache table, its macros and the collect function. */
  private readonly scratchReady = new WeakSet<Connection>();
  private readonly stop = new AbortController();

  constructor(
    readonly settings: LlmSettings,
    /** The specs templates of this run registered (their ids are in the SQL). */
    private readonly specs: LlmSpecs,
    private readonly isInterrupted: () => boolean = () => false,
    provider?: LlmProvider,
    /** Told once, when the first model needs the LLM (to say which provider answers). */
    private readonly announce?: (message: string) => void,
  ) {
    this.provider = provider ?? createProvider(settings);
    this.limiter = new Limiter(settings.concurrency);
  }

  /**
   * Before `compiled` materializes: evaluate its prompts in DuckDB (collect pass), fetch the
   * missing ones within the concurrency bound, store them, count hits. Nothing to do (undefined)
   * when the SQL has no LLM call.
   *
   * `scratch`: the statement runs in another database (a unit test's own, whose inputs are the
   * test's fixtures). The collect passes run there; the prompts are looked up, fetched and stored
   * in the cache of `conn` (the user's database, so a second run asks for nothing), and the
   * entries the statement will read are then copied into a cache of the scratch database.
   * @throws LlmError BMP_LLM_PROVIDER when the provider fails past its retries (after storing
   * every response that did arrive).
   */
  async prepare(compiled: CompiledNode, conn: Connection, scratch?: Connection): Promise<NodeLlmFigures | undefined> {
    const sql = compiled.compiledSql;
    const sites = countCallSites(sql);
    if (!sites) return undefined;
    await this.ensureReady(conn);
    // where the statement runs: the collect passes evaluate its prompts there
    const runsOn = scratch ?? conn;
    if (scratch && scratch !== conn && !this.scratchReady.has(scratch)) {
      await ensureCache(scratch);
      await scratch.registerScalarFunction(this.collectFunction());
      this.scratchReady.add(scratch);
    }
    if (!this.tempMacros.has(runsOn)) {
      for (const stmt of collectDdl()) await runsOn.run(stmt);
      this.tempMacros.add(runsOn);
    }
    const requested = new Set<string>();
    const retries = { n: 0 };
    const answers = new Map<string, Map<string, string>>();
    let collectMs = 0;
    let fetchMs = 0;
    let passes = 0;
    let collector: Collector;
    // pairs already resolved by an earlier pass, by spec and prompt (a new pass makes new objects)
    const resolved = new Map<string, Set<string>>();
    for (;;) {
      passes++;
      const t0 = performance.now();
      collector = await this.collect(runsOn, sql, answers);
      collectMs += performance.now() - t0;
      // a pass in which every lookup got its real answer is what the build will see: done
      const staged: (readonly [string, string, number, boolean])[] = [];
      let freshCount = 0;
      for (const c of collector.all()) {
        const isFresh = !resolved.get(c.specId)?.has(c.prompt);
        if (isFresh) freshCount++;
        staged.push([c.specId, c.prompt, c.uses, isFresh]);
      }
      await stagePrompts(conn, staged);
      if (passes > 1 && !freshCount) break;
      const missing = await stagedMissing(conn);
      if (missing.length) {
        const t1 = performance.now();
        const items = missing.map((m) => [m.key, collector.get(m.spec, m.prompt)!] as const);
        try {
          await this.fetchAll(conn, items, requested, retries, compiled.node.uniqueId);
        } finally {
          fetchMs += performance.now() - t1;
          this.totals.seconds += (performance.now() - t1) / 1000;
        }
      }
      // one call site cannot feed its own prompts: its first pass saw them all
      if (sites <= 1) break;
      if (passes >= MAX_PASSES) {
        this.announce?.(`${compiled.node.name}: LLM prompts still depended on new responses after ${MAX_PASSES} passes; some lookups may be NULL`);
        break;
      }
      await loadStagedAnswers(conn, answers);
      for (const [spec, prompt, , isFresh] of staged) {
        if (!isFresh) continue;
        let set = resolved.get(spec);
        if (!set) resolved.set(spec, (set = new Set()));
        set.add(prompt);
      }
    }
    // the last pass is staged: its uses, less the rows that caused a request, are hits
    await this.locked(() => recordStagedHits(conn, [...requested]));
    // the last pass saw every lookup the statement makes: their entries, where it runs
    if (scratch && scratch !== conn) await copyStagedEntries(conn, scratch);
    const hits = Math.max(0, collector.lookups - requested.size);
    this.totals.lookups += collector.lookups;
    this.totals.hits += hits;
    return {
      llm_provider: this.provider.name,
      llm_endpoint: this.provider.endpoint,
      llm_lookups: collector.lookups,
      llm_prompts: collector.distinct,
      llm_hits: hits,
      llm_requests: requested.size,
      llm_retries: retries.n,
      llm_seconds: round(fetchMs / 1000),
      llm_collect_seconds: round(collectMs / 1000),
      llm_passes: passes,
    };
  }

  /** Runs the statement with every lookup reporting its prompt to a fresh collector. */
  private async collect(conn: Connection, sql: string, answers: ReadonlyMap<string, ReadonlyMap<string, string>>): Promise<Collector> {
    const id = this.nextCollector++;
    const collector = new Collector(answers);
    this.collectors.set(String(id), collector);
    try {
      await conn.query(probeSql(collectSql(sql, id)));
    } finally {
      this.collectors.delete(String(id));
    }
    return collector;
  }

  /** The cache table and macros (once per run, under the write lock) and the collect function. */
  private ensureReady(conn: Connection): Promise<void> {
    this.ready ??= this.locked(async () => {
      this.announce?.(`LLM provider: ${describeProvider(this.settings)}; responses cached in ${CACHE_SQL}`);
      await ensureCache(conn);
      await conn.registerScalarFunction(this.collectFunction());
    });
    return this.ready;
  }

  /** The JS function of the collect pass: hands each prompt to the collector its call names. */
  private collectFunction(): ScalarFunctionDef {
    return {
      name: COLLECT_UDF,
      parameters: ['VARCHAR', 'VARCHAR', 'VARCHAR'],
      returns: 'VARCHAR',
      fn: ([cids, specs, prompts], n) => {
        const out = new Array<string | null>(n).fill(null);
        // the collector id and the spec are literals: the same on every row of a call
        const collector = this.collectors.get(cids!.get(0) as string);
        if (!collector) return out;
        const spec = specs!.get(0) as string;
        for (let i = 0; i < n; i++) {
          const prompt = prompts!.get(i) as string | null;
          if (prompt !== null) out[i] = collector.add(spec, prompt);
        }
        return out;
      },
    };
  }

  private async fetchAll(conn: Connection, all: readonly (readonly [string, Collected])[], requested: Set<string>, retries: { n: number }, nodeId: string): Promise<void> {
    // a provider that answers without I/O (offline) skips the queue: same results, no promise per prompt
    const sync = this.provider.completeSync?.bind(this.provider);
    let items = all;
    if (sync) {
      items = [];
      for (const item of all) {
        const [key, c] = item;
        const spec = this.specs.byId(c.specId);
        if (this.inflight.has(key) || !spec) {
          (items as (readonly [string, Collected])[]).push(item);
          continue;
        }
        const r = sync(spec, c.prompt);
        this.totals.requests++;
        requested.add(key);
        this.pending.push({ key, spec, specId: c.specId, prompt: c.prompt, response: r.response, embedding: r.embedding, durationMs: r.durationMs, attempts: r.attempts });
        this.inflight.set(key, Promise.resolve());
      }
      if (!items.length) return this.flush(conn);
    }
    const queue = new AbortController();
    const signal = AbortSignal.any([queue.signal, this.stop.signal]);
    const watch = setInterval(() => {
      if (this.isInterrupted()) this.stop.abort(new Cancelled('interrupted'));
    }, 200);
    let failure: { reason: string; attempts: number; model: string } | undefined;
    const obtain = async (key: string, c: Collected): Promise<void> => {
      for (let round = 0; ; round++) {
        let p = this.inflight.get(key);
        if (!p) {
          p = this.request(key, c, signal, retries);
          requested.add(key);
          this.inflight.set(key, p);
          p.catch((err: unknown) => {
            if (err instanceof Cancelled) this.inflight.delete(key);
          });
        }
        try {
          return await p;
        } catch (err) {
          // queued by a node that failed meanwhile: ask again, once
          if (err instanceof Cancelled && !queue.signal.aborted && !this.stop.signal.aborted && round === 0) continue;
          if (err instanceof RequestFailed && !err.aborted && !failure) {
            failure = { reason: err.reason, attempts: err.attempts, model: this.specs.byId(c.specId)?.model ?? '?' };
            queue.abort(new Cancelled('another request of this node failed'));
          }
          throw err;
        }
      }
    };
    let results: PromiseSettledResult<void>[];
    try {
      results = await Promise.allSettled(items.map(([k, c]) => obtain(k, c)));
    } finally {
      clearInterval(watch);
      await this.flush(conn);
    }
    const failed = results.filter((r) => r.status === 'rejected');
    if (!failed.length) return;
    if (this.stop.signal.aborted) throw new LlmError('BMP_LLM_INTERRUPTED', 'interrupted while fetching LLM responses', { nodeId });
    const done = items.length - failed.length;
    const f = failure ?? { reason: String((failed[0] as PromiseRejectedResult).reason?.message ?? 'failed'), attempts: 0, model: '?' };
    this.totals.failures++;
    throw new LlmError(
      'BMP_LLM_PROVIDER',
      `LLM provider '${this.provider.name}' at ${this.provider.endpoint} failed for model '${f.model}': ${f.reason}` +
        `${f.attempts ? ` (${f.attempts} attempt${f.attempts === 1 ? '' : 's'})` : ''}; ${done} of ${items.length} missing responses fetched and cached`,
      { nodeId },
      this.provider.name === 'ollama' ? 'is Ollama running and the model pulled? cached responses are kept; rerun to fetch the rest, or build with --llm-offline' : undefined,
    );
  }

  /**
   * One request within the bound; its response goes to the store buffer.
   * @param signal aborts while queued: the node gave up (or the run was interrupted).
   */
  private request(key: string, c: Collected, signal: AbortSignal, retries: { n: number }): Promise<void> {
    const spec = this.specs.byId(c.specId);
    if (!spec) return Promise.reject(new Error(`unknown LLM spec ${c.specId}`));
    return this.limiter.run(async () => {
      if (this.stop.signal.aborted) throw new Cancelled('interrupted');
      this.totals.requests++;
      try {
        const r = await this.provider.complete(spec, c.prompt, {
          signal: this.stop.signal,
          onRetry: () => {
            retries.n++;
            this.totals.retries++;
          },
        });
        this.pending.push({ key, spec, specId: c.specId, prompt: c.prompt, response: r.response, embedding: r.embedding, durationMs: r.durationMs, attempts: r.attempts });
      } catch (err) {
        if (err instanceof RequestFailed && err.aborted) throw new Cancelled('interrupted');
        throw err;
      }
    }, signal).catch((err: unknown) => {
      // never started: the queue was given up
      if (signal.aborted && !(err instanceof RequestFailed)) throw err instanceof Cancelled ? err : new Cancelled('cancelled');
      throw err;
    });
  }

  /** Ends the run: releases the provider's connections. */
  close(): void {
    this.provider.close?.();
  }

  /** Stores every buffered response (from any node) under the write lock. */
  private async flush(conn: Connection): Promise<void> {
    await this.locked(async () => {
      const batch = this.pending;
      this.pending = [];
      try {
        await insertEntries(conn, batch);
      } catch (err) {
        this.pending.unshift(...batch);
        throw err;
      }
    });
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
