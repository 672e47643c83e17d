/**
 * The Biological Memory Pipeline with `llm_enrichment: true`, built by the real CLI on a copy of the
 * project at a small size, with the profile's LLM provider (offline: deterministic, no network).
 * The enrichment goes through the response cache in the target database (`_bmp.llm_cache`): the
 * build must be green (unit tests and behavioural tests included), the LLM columns must hold the
 * cached answers, and a rebuild (incremental, then full) must ask the provider for nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmpAsync, copyPipeline, query, removeDir } from '../helpers/project.js';

interface Result {
  readonly unique_id: string;
  readonly status: string;
  readonly message: string | null;
  readonly adapter_response: Record<string, unknown>;
}

let dir: string;
let db: string;
beforeAll(() => {
  dir = copyPipeline('bmp-pipeline-llm-');
  db = join(dir, 'llm.duckdb');
});
afterAll(() => removeDir(dir));

const VARS = '{llm_enrichment: true, synthetic_memories: 2000}';

async function build(...extra: string[]) {
  const out = await bmpAsync(['build', '--vars', VARS, ...extra], { cwd: dir, env: { BMP_DB_PATH: db } }).done;
  const results = (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Result[] }).results;
  const llm = results.filter((r) => r.adapter_response['llm_lookups'] !== undefined);
  const sum = (k: string) => llm.reduce((s, r) => s + Number(r.adapter_response[k]), 0);
  return { ...out, results, lookups: sum('llm_lookups'), requests: sum('llm_requests'), hits: sum('llm_hits') };
}

/** What did not pass, as `id: status message` lines (empty when the build is green). */
function notGreen(results: readonly Result[]): string[] {
  return results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.unique_id}: ${r.status} ${r.message ?? ''}`);
}

const count = async (sql: string) => Number((await query(db, sql))[0]!['n']);

describe('the pipeline with llm_enrichment', () => {
  it('builds green from the LLM cache, and a rebuild asks the provider for nothing', async () => {
    const first = await build();
    expect(notGreen(first.results)).toEqual([]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    // the two nodes that broke under llm_enrichment: a unit test of an LLM-calling model, and the
    // topicality of related memories (the LLM embedding must weigh concepts as the offline one does)
    const status = (suffix: string) => first.results.find((r) => r.unique_id.endsWith(suffix))?.status;
    expect(status('.replay_fates_follow_readiness_and_strength')).toBe('pass');
    expect(status('.related_memories_are_topical')).toBe('pass');
    expect(first.stdout).toContain('LLM offline');

    // every LLM column is filled, from the cache
    const entries = await count('select count(*) as n from _bmp.llm_cache');
    expect(first.requests).toBe(entries);
    expect(await count("select count(*) as n from _bmp.llm_cache where kind = 'embed'")).toBeGreaterThan(0);
    expect(await count("select count(*) as n from _bmp.llm_cache where kind = 'generate'")).toBeGreaterThan(0);
    expect(await count('select count(*) as n from main.ltm_memories')).toBeGreaterThan(100);
    expect(await count("select count(*) as n from main.ltm_memories l where l.embedding is null or not exists (select 1 from _bmp.llm_cache c where c.kind = 'embed' and c.embedding = l.embedding::float[])")).toBe(0);
    const replayed = await count('select count(*) as n from main.memory_replay where replayed');
    expect(replayed).toBeGreaterThan(100);
    expect(await count("select count(*) as n from main.memory_replay r where r.replayed and (r.episode_gist not like '[offline] %' or not exists (select 1 from _bmp.llm_cache c where c.kind = 'generate' and c.response = r.episode_gist))")).toBe(0);

    // a second build (incremental) and a full refresh: every lookup is a hit, no request, same cache
    const second = await build();
    expect(notGreen(second.results)).toEqual([]);
    expect(second.code).toBe(0);
    expect(second.requests).toBe(0);
    expect(second.stdout).toMatch(/LLM offline .*: [\d,]+ lookups, [\d,]+ hits \(100\.0%\), 0 requests/);
    const full = await build('--full-refresh');
    expect(notGreen(full.results)).toEqual([]);
    expect(full.code).toBe(0);
    expect(full.requests).toBe(0);
    expect(full.lookups).toBeGreaterThanOrEqual(first.lookups);
    expect(full.hits).toBe(full.lookups);
    expect(await count('select count(*) as n from _bmp.llm_cache')).toBe(entries);
  });
});
