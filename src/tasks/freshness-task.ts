import { isAbsolute, join } from 'node:path';
import { firstLine, freshnessSql, relationSql } from '../adapters/duckdb/index.js';
import { openSession, type Session } from '../execute/index.js';
import type { SourceNode } from '../manifest/types.js';
import { artifactMetadata, freshnessJson, batchedSink, nullSink, writeFileAtomic, type FreshnessStatus, type FreshnessSubject } from '../report/index.js';
import { invocationFor, loadProject, selectFor, type CommonOptions } from './project.js';

/** dbt's freshness periods, in seconds. */
const PERIOD_SECONDS: Readonly<Record<string, number>> = { minute: 60, hour: 3600, day: 86400 };

export interface FreshnessResult {
  readonly uniqueId: string;
  readonly status: FreshnessStatus;
  /** ISO times, when the query ran. */
  readonly maxLoadedAt?: string;
  readonly snapshottedAt?: string;
  readonly ageSeconds?: number;
  readonly criteria: ReturnType<typeof freshnessJson>;
  readonly error?: string;
  readonly executionTime: number;
  readonly timing: readonly { name: string; started_at: string; completed_at: string }[];
}

export interface FreshnessOutcome {
  readonly exitCode: 0 | 1;
  readonly results: readonly FreshnessResult[];
  /** Where sources.json was written. */
  readonly path: string;
}

/** A threshold (`{count: 12, period: hour}`) in seconds; undefined when not set. */
function seconds(t: unknown): number | undefined {
  if (!t || typeof t !== 'object') return undefined;
  const { count, period } = t as { count?: unknown; period?: unknown };
  if (typeof count !== 'number' || typeof period !== 'string' || !(period in PERIOD_SECONDS)) return undefined;
  return count * PERIOD_SECONDS[period]!;
}

/** The freshness a source is checked against: its own, else its config's (project.yml `sources:`); null turns it off. */
function freshnessOf(s: SourceNode): unknown {
  return s.freshness !== undefined ? s.freshness : s.config['freshness'];
}

/**
 * `bmp source freshness`: for each selected source with a `freshness:` (warn_after / error_after)
 * and a `loaded_at_field`, how old its newest row is: pass, warn, error (stale) or runtime error.
 * Reads only (the database opens read-only); writes target/sources.json (dbt's sources v3).
 * Exit 1 when a source is stale past error_after or cannot be checked.
 */
export async function sourceFreshness(opts: CommonOptions & { readonly output?: string } = {}): Promise<FreshnessOutcome> {
  const t0 = Date.now();
  const emit = batchedSink(opts.emit ?? nullSink);
  try {
    const invocation = invocationFor('freshness', opts);
    const project = await loadProject({ ...opts, emit, invocation });
    const ids = selectFor(project, { ...opts, emit }, ['source']);
    const sources = ids.map((id) => project.manifest.sources.get(id)).filter((s): s is SourceNode => !!s && !!freshnessOf(s));
    const session = await openSession(project, invocation, 'read', { emit, threads: 1 });
    const results: FreshnessResult[] = [];
    try {
      for (const [i, s] of sources.entries()) {
        const subject: FreshnessSubject = { uniqueId: s.uniqueId, sourceName: s.sourceName, name: s.name, path: s.originalFilePath, relationParts: s.relation };
        emit({ code: 'Q005', type: 'freshness.start', index: i + 1, total: sources.length, source: subject });
        const r = await check(session, s);
        results.push(r);
        emit({ code: 'Q006', type: 'freshness.finish', index: i + 1, total: sources.length, source: subject, status: r.status, executionTime: r.executionTime, message: r.error ?? '' });
      }
    } finally {
      await session.close();
    }
    const out = opts.output ? (isAbsolute(opts.output) ? opts.output : join(project.cfg.project.projectDir, opts.output)) : join(project.targetDir, 'sources.json');
    await writeFileAtomic(out, sourcesJson(results, session.invocationId, session.runStartedAt, (Date.now() - t0) / 1000));
    const counts = { pass: 0, warn: 0, error: 0, 'runtime error': 0 } as Record<FreshnessStatus, number>;
    for (const r of results) counts[r.status]++;
    emit({ code: 'Q007', type: 'freshness.done', elapsed: (Date.now() - t0) / 1000, counts });
    return { exitCode: counts.error || counts['runtime error'] ? 1 : 0, results, path: out };
  } finally {
    emit.flush();
  }
}

/** 0001-01-01T00:00:00Z in seconds: dbt's load time of a source with no loaded_at value. */
const EARLIEST_EPOCH = -62_135_596_800;

async function check(session: Session, s: SourceNode): Promise<FreshnessResult> {
  const started = new Date();
  const criteria = freshnessJson(freshnessOf(s));
  const finish = (r: Omit<FreshnessResult, 'executionTime' | 'timing' | 'criteria' | 'uniqueId'>): FreshnessResult => {
    const done = new Date();
    const timing = [{ name: 'execute', started_at: started.toISOString(), completed_at: done.toISOString() }];
    return { uniqueId: s.uniqueId, criteria, executionTime: (done.getTime() - started.getTime()) / 1000, timing, ...r };
  };
  const field = s.loadedAtField ?? (s.config['loaded_at_field'] as string | undefined);
  if (!field) return finish({ status: 'runtime error', error: `source ${s.sourceName}.${s.name} has a freshness but no loaded_at_field: bmp cannot read a DuckDB table's load time otherwise` });
  const conn = session.conns[0];
  if (!conn) return finish({ status: 'runtime error', error: `the database ${session.cfg.target.path} does not exist yet` });
  const from = s.externalLocation ? `read_${/\.parquet$/i.test(s.externalLocation) ? 'parquet' : 'csv'}('${s.externalLocation.replaceAll("'", "''")}')` : relationSql(s.relation!);
  try {
    const [row] = await conn.rows<{ max_loaded_epoch: number | null; now_epoch: number; loaded: number | bigint }>(freshnessSql(from, field, criteria?.filter ?? undefined));
    if (!row) return finish({ status: 'runtime error', error: `source ${s.sourceName}.${s.name}: the freshness query returned no row` });
    // no row with a loaded_at value (an empty table, or a filter that keeps none): as dbt, loaded
    // at 0001-01-01, so the source is as stale as it can be and its thresholds decide
    const max = row.max_loaded_epoch === null || row.max_loaded_epoch === undefined ? EARLIEST_EPOCH : Number(row.max_loaded_epoch);
    const now = Number(row.now_epoch);
    const age = now - max;
    const errorAfter = seconds(criteria?.error_after);
    const warnAfter = seconds(criteria?.warn_after);
    const status: FreshnessStatus = errorAfter !== undefined && age > errorAfter ? 'error' : warnAfter !== undefined && age > warnAfter ? 'warn' : 'pass';
    return finish({ status, maxLoadedAt: new Date(max * 1000).toISOString(), snapshottedAt: new Date(now * 1000).toISOString(), ageSeconds: age });
  } catch (err) {
    return finish({ status: 'runtime error', error: `source ${s.sourceName}.${s.name}: ${firstLine((err as Error)?.message ?? String(err))}` });
  }
}

/** target/sources.json in dbt's sources v3 layout. */
function sourcesJson(results: readonly FreshnessResult[], invocationId: string, startedAt: string, elapsed: number): string {
  return JSON.stringify({
    metadata: artifactMetadata('sources', 'v3', invocationId, startedAt),
    results: results.map((r) =>
      r.status === 'runtime error'
        ? { unique_id: r.uniqueId, error: r.error ?? 'error', status: 'runtime error' }
        : {
            unique_id: r.uniqueId,
            max_loaded_at: r.maxLoadedAt,
            snapshotted_at: r.snapshottedAt,
            max_loaded_at_time_ago_in_s: r.ageSeconds,
            status: r.status,
            criteria: r.criteria ?? { warn_after: null, error_after: null, filter: null },
            adapter_response: {},
            timing: r.timing,
            thread_id: 'Thread-1',
            execution_time: r.executionTime,
          },
    ),
    elapsed_time: elapsed,
  });
}
