/**
 * LLM enrichment end to end: real builds of tests/fixtures/llm-basic against a real HTTP server on
 * 127.0.0.1 that speaks Ollama's API (tests/helpers/ollama-server.ts), counting its requests.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeReporter, type BmpEvent } from '../../src/report/index.js';
import { execute } from '../../src/tasks/index.js';
import { bmpAsync, copyFixture, query, removeDir } from '../helpers/project.js';
import { fakeEmbedding, startFakeOllama, type FakeOllama } from '../helpers/ollama-server.js';

let server: FakeOllama;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startFakeOllama();
});
afterAll(() => server.close());
afterEach(() => {
  server.reset();
  for (const d of dirs.splice(0)) removeDir(d);
});

function fixture(): { dir: string; db: string } {
  const dir = copyFixture('llm-basic');
  dirs.push(dir);
  return { dir, db: join(dir, 'llm.duckdb') };
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { BMP_TEST_LLM_PROVIDER: 'ollama', BMP_TEST_OLLAMA_URL: server.url, BMP_TEST_LLM_CONCURRENCY: '4', BMP_TEST_LLM_RETRIES: '2', BMP_TEST_LLM_TIMEOUT: '5', ...extra };
}

/** A build through the library, in this process (the server answers while it runs). */
async function build(dir: string, opts: { env?: Record<string, string>; llmOffline?: boolean; select?: string[] } = {}) {
  const vars = env(opts.env);
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  const lines: string[] = [];
  const text = makeReporter('text', { write: (l) => lines.push(l), debug: false, color: false });
  const events: BmpEvent[] = [];
  try {
    const outcome = await execute('build', { projectDir: dir, llmOffline: opts.llmOffline, select: opts.select, emit: (e) => (events.push(e), text(e)) });
    return { outcome, output: lines.join('\n'), events };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function runResults(dir: string): { unique_id: string; status: string; message: string; adapter_response: Record<string, unknown> }[] {
  return JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results;
}

function figures(dir: string, model: string): Record<string, unknown> {
  return runResults(dir).find((r) => r.unique_id === `model.llm_basic.${model}`)!.adapter_response;
}

const INJECTION = "'); drop table x; --";
const GRACE = 'Grace said "it\'s easier to ask forgiveness"; she laughed';
const ADA = 'Met Ada at the cafe. We talked about analytical engines and poetry.';
/** The distinct bodies of notes.csv once whitespace is normalized (rows 1, 2 and 5 are one prompt). */
const BODIES = [ADA, GRACE, INJECTION, 'Lunch with Linus: kernels; git; and coffee'];

describe('LLM enrichment against a loopback Ollama', () => {
  it('requests each distinct prompt once per run, nothing on the second build, and round-trips hostile prompts', async () => {
    const { dir, db } = fixture();
    const first = await build(dir);
    expect(first.outcome.exitCode).toBe(0);

    // gists + gists_again share 4 prompts; facts (JSON mode) 4; embeddings 4; titles 4 (inner prompts shared with gists)
    const prompts = server.prompts();
    expect(new Set(prompts).size).toBe(prompts.length);
    expect(prompts.filter((p) => p.startsWith('Summarise: ')).sort()).toEqual(BODIES.map((b) => `Summarise: ${b}`).sort());
    expect(prompts.filter((p) => p.startsWith('Facts as JSON: '))).toHaveLength(4);
    expect(prompts.filter((p) => p.startsWith('Title for: echo: Summarise: '))).toHaveLength(4);
    expect(server.requests.filter((r) => r.path === '/api/embed')).toHaveLength(4);
    expect(server.count()).toBe(16);

    // the injection prompt reached the server and came back intact, and x is still there
    expect(prompts).toContain(`Summarise: ${INJECTION}`);
    const gists = await query(db, 'select id, gist from main.gists order by id');
    expect(gists.find((r) => r['id'] === 4)!['gist']).toBe(`echo: Summarise: ${INJECTION}`);
    expect(gists.find((r) => r['id'] === 3)!['gist']).toBe(`echo: Summarise: ${GRACE}`);
    expect(gists.find((r) => r['id'] === 5)!['gist']).toBe(`echo: Summarise: ${ADA}`);
    expect(await query(db, 'select keep from main.x')).toEqual([{ keep: 'still here' }]);
    expect(await query(db, `select prompt, response from _bmp.llm_cache where prompt = 'Summarise: ' || $$${INJECTION}$$`)).toEqual([{ prompt: `Summarise: ${INJECTION}`, response: `echo: Summarise: ${INJECTION}` }]);
    const facts = await query(db, "select json_extract_string(facts, '$.echo') as echo from main.facts where id = 3");
    expect(facts[0]!['echo']).toBe(`Facts as JSON: ${GRACE}`);
    const titles = await query(db, 'select title from main.titles where id = 6');
    expect(titles[0]!['title']).toBe('echo: Title for: echo: Summarise: Lunch with Linus: kernels; git; and coffee');
    const emb = await query(db, 'select embedding from main.embeddings where id = 1');
    expect((emb[0]!['embedding'] as number[]).map((x) => Math.round(x * 1000) / 1000)).toEqual(fakeEmbedding(ADA, 8));

    // figures per node and in the summary
    expect(figures(dir, 'facts')).toMatchObject({ llm_provider: 'ollama', llm_endpoint: server.url, llm_lookups: 6, llm_prompts: 4, llm_requests: 4, llm_hits: 2 });
    expect(figures(dir, 'titles')['llm_passes']).toBe(3);
    const requested = ['gists', 'gists_again', 'facts', 'embeddings', 'titles'].reduce((s, m) => s + Number(figures(dir, m)['llm_requests']), 0);
    expect(requested).toBe(16);
    expect(first.output).toMatch(new RegExp(`LLM ollama at ${server.url.replaceAll('.', '\\.')}: 36 lookups, 20 hits \\(55\\.6%\\), 16 requests, 0 retries`));
    expect(first.output).toContain(`LLM provider: ollama at ${server.url}`);

    // second build: everything from the cache
    server.reset();
    const second = await build(dir);
    expect(second.outcome.exitCode).toBe(0);
    expect(server.count()).toBe(0);
    expect(second.output).toMatch(/36 lookups, 36 hits \(100\.0%\), 0 requests/);
    expect(await query(db, 'select id, gist from main.gists order by id')).toEqual(gists);
    expect(figures(dir, 'titles')['llm_passes']).toBe(3);
    expect((await query(db, 'select count(*) as n, sum(hit_count) as hits from _bmp.llm_cache'))[0]).toEqual({ n: 16, hits: 20 + 36 });
  });

  it('answers the LLM calls of a unit test on its given rows, through the project cache (nothing asked twice)', async () => {
    const { dir, db } = fixture();
    // titles: a prompt built from another response (two call sites, three passes) on fixture rows
    writeFileSync(
      join(dir, 'models/_unit_tests.yml'),
      [
        'unit_tests:',
        '  - name: titles_of_given_notes',
        '    model: titles',
        '    given:',
        "      - input: ref('notes')",
        '        rows:',
        "          - {id: 1, body: 'A   note only the unit test has'}",
        '    expect:',
        '      rows:',
        "        - {id: 1, title: 'echo: Title for: echo: Summarise: A note only the unit test has'}",
        '  - name: gists_of_given_notes',
        '    model: gists',
        '    given:',
        "      - input: ref('notes')",
        '        rows:',
        "          - {id: 7, body: 'Another note of the unit test'}",
        '    expect:',
        '      rows:',
        "        - {id: 7, gist: 'echo: Summarise: Another note of the unit test'}",
        '',
      ].join('\n'),
    );
    const first = await build(dir);
    const unit = runResults(dir).filter((r) => r.unique_id.startsWith('unit_test.'));
    expect(unit.map((r) => [r.unique_id.split('.').pop(), r.status, r.status === 'pass' ? '' : r.message]).sort()).toEqual([
      ['gists_of_given_notes', 'pass', ''],
      ['titles_of_given_notes', 'pass', ''],
    ]);
    expect(first.outcome.exitCode).toBe(0);
    // the unit tests' prompts reached the provider once each, and are in the user's cache
    const prompts = server.prompts();
    expect(prompts.filter((p) => p.includes('unit test'))).toEqual(
      expect.arrayContaining(['Summarise: A note only the unit test has', 'Title for: echo: Summarise: A note only the unit test has', 'Summarise: Another note of the unit test']),
    );
    expect(prompts.filter((p) => p.includes('unit test'))).toHaveLength(3);
    expect(await query(db, "select count(*) as n from _bmp.llm_cache where prompt like '%unit test%'")).toEqual([{ n: 3 }]);
    // nothing of the unit tests' rows reached the user's tables
    expect(await query(db, "select count(*) as n from main.gists where gist like '%unit test%'")).toEqual([{ n: 0 }]);

    // a second build asks for nothing: the unit tests' answers come from the cache too
    server.reset();
    const second = await build(dir);
    expect(second.outcome.exitCode).toBe(0);
    expect(server.count()).toBe(0);
    expect(runResults(dir).filter((r) => r.unique_id.startsWith('unit_test.')).map((r) => r.status)).toEqual(['pass', 'pass']);

    // a provider failure on a unit test's new prompt fails that unit test, in one line naming the provider
    const yml = join(dir, 'models/_unit_tests.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('Another note of the unit test', 'A changed note of the unit test').replace('Another note of the unit test', 'A changed note of the unit test'));
    server.reset();
    server.switches.fail500Always = true;
    const failed = await build(dir, { env: { BMP_TEST_LLM_RETRIES: '0' } });
    expect(failed.outcome.exitCode).toBe(1);
    const byName = Object.fromEntries(runResults(dir).map((r) => [r.unique_id.split('.').pop(), r]));
    expect(byName['gists_of_given_notes']!.status).toBe('error');
    expect(byName['gists_of_given_notes']!.message).toBe(
      `unit test 'gists_of_given_notes': model 'gists' could not be prepared: LLM provider 'ollama' at ${server.url} failed for model 'test-model': HTTP 500: fake failure (1 attempt); 0 of 1 missing responses fetched and cached`,
    );
    expect(byName['titles_of_given_notes']!.status).toBe('pass');
    expect(server.prompts()).toEqual(['Summarise: A changed note of the unit test']);
  });

  it('never has more requests in flight than the concurrency bound, across parallel models', async () => {
    const { dir } = fixture();
    const rows = Array.from({ length: 24 }, (_, i) => `${100 + i},distinct note number ${i}`).join('\n');
    appendFileSync(join(dir, 'seeds/notes.csv'), `${rows}\n`);
    server.switches.delayMs = 40;
    const r = await build(dir, { env: { BMP_TEST_LLM_CONCURRENCY: '3' }, select: ['notes', 'gists', 'facts', 'embeddings'] });
    expect(r.outcome.exitCode).toBe(0);
    expect(server.count()).toBe(3 * 28);
    expect(server.peakConcurrency()).toBe(3);
  });

  it('fails only the model whose provider failed, names provider and URL, and keeps the cache', async () => {
    const { dir, db } = fixture();
    expect((await build(dir)).outcome.exitCode).toBe(0);
    const cacheRows = () => query(db, 'select key, prompt, response, embedding, hit_count, created_at, last_used_at from _bmp.llm_cache order by key');
    const before = await cacheRows();
    const gistsBefore = await query(db, 'select * from main.gists order by id');

    // new prompts, and a provider that answers 500 to everything
    appendFileSync(join(dir, 'seeds/notes.csv'), '7,A brand new note about the sea\n');
    server.reset();
    server.switches.fail500Always = true;
    const failed = await build(dir, { env: { BMP_TEST_LLM_RETRIES: '1' } });
    expect(failed.outcome.exitCode).toBe(1);
    const byId = Object.fromEntries(runResults(dir).map((r) => [r.unique_id.split('.').slice(0, 3).join('.'), r]));
    expect(byId['model.llm_basic.plain']!.status).toBe('success');
    expect(byId['model.llm_basic.gists']!.status).toBe('error');
    expect(byId['model.llm_basic.gists']!.message).toContain(`LLM provider 'ollama' at ${server.url} failed for model 'test-model': HTTP 500: fake failure (2 attempts)`);
    expect(byId['model.llm_basic.embeddings']!.message).toContain(`failed for model 'test-embed'`);
    // bounded: 2 attempts for each new prompt (summary, facts, embedding); the three models that
    // share the summary prompt get the first one's failure without asking again
    expect(server.count()).toBe(3 * 2);
    expect(new Set(server.prompts())).toEqual(new Set(['Summarise: A brand new note about the sea', 'Facts as JSON: A brand new note about the sea', 'A brand new note about the sea']));
    expect(await cacheRows()).toEqual(before);
    expect(await query(db, 'select * from main.gists order by id')).toEqual(gistsBefore);

    // provider back: only the missing prompts are requested
    server.reset();
    const healed = await build(dir);
    expect(healed.outcome.exitCode).toBe(0);
    expect(server.count()).toBe(4);
    expect(await query(db, 'select gist from main.gists where id = 7')).toEqual([{ gist: 'echo: Summarise: A brand new note about the sea' }]);
  });

  it('keeps what arrived when a provider fails part-way (malformed JSON), and never asks for it again', async () => {
    const { dir, db } = fixture();
    server.switches.garbageFor = 'Grace';
    const r = await build(dir, { env: { BMP_TEST_LLM_RETRIES: '0', BMP_TEST_LLM_CONCURRENCY: '1' }, select: ['notes', 'x', 'gists'] });
    expect(r.outcome.exitCode).toBe(1);
    expect(r.output).toMatch(/failed for model 'test-model': malformed JSON in the response/);
    const stored = (await query(db, 'select prompt from _bmp.llm_cache')).map((x) => String(x['prompt']));
    // every answer that arrived was kept; the failed prompt was asked once; the rest of the queue was dropped unasked
    expect(stored).not.toContain(`Summarise: ${GRACE}`);
    expect(server.count()).toBe(stored.length + 1);
    expect(server.count()).toBeLessThanOrEqual(4);

    server.reset();
    expect((await build(dir, { select: ['notes', 'x', 'gists'] })).outcome.exitCode).toBe(0);
    expect(server.count()).toBe(4 - stored.length);
    for (const p of stored) expect(server.prompts()).not.toContain(p);
    expect((await query(db, 'select count(*) as n from _bmp.llm_cache'))[0]!['n']).toBe(4);
  });

  it('gives a slow provider its timeout and bounded retries, then fails the model', async () => {
    const { dir, db } = fixture();
    server.switches.hang = true;
    const t0 = Date.now();
    const r = await build(dir, { env: { BMP_TEST_LLM_TIMEOUT: '0.3', BMP_TEST_LLM_RETRIES: '1' }, select: ['notes', 'gists'] });
    expect(r.outcome.exitCode).toBe(1);
    expect(r.output).toContain(`LLM provider 'ollama' at ${server.url} failed for model 'test-model': timed out after 300ms (2 attempts)`);
    expect(Date.now() - t0).toBeLessThan(20_000);
    // 4 prompts, concurrency 4: each asked twice at most, and nothing stored
    expect(server.count()).toBeLessThanOrEqual(8);
    expect((await query(db, 'select count(*) as n from _bmp.llm_cache'))[0]!['n']).toBe(0);
  });

  it('rejects a bad llm block before touching the database (exit 2)', async () => {
    const { dir, db } = fixture();
    await expect(build(dir, { env: { BMP_TEST_LLM_PROVIDER: 'olama' } })).rejects.toMatchObject({ code: 'BMP_LLM_CONFIG', hint: "did you mean 'ollama'?" });
    expect(existsSync(db)).toBe(false);
    const cli = await bmpAsync(['build', '--project-dir', dir], { env: env({ BMP_TEST_LLM_CONCURRENCY: 'four' }) }).done;
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("llm: 'concurrency' must be an integer >= 1");
    expect(existsSync(db)).toBe(false);
  });

  it('--llm-offline answers without the network, labeled as offline', async () => {
    const { dir, db } = fixture();
    const r = await build(dir, { llmOffline: true });
    expect(r.outcome.exitCode).toBe(0);
    expect(server.count()).toBe(0);
    expect(r.output).toContain('LLM provider: offline (deterministic stand-in, not a language model; ollama disabled by --llm-offline)');
    const g = await query(db, 'select gist from main.gists where id = 6');
    expect(g[0]!['gist']).toBe('[offline] Lunch with Linus: kernels; git; and coffee');
    expect((await query(db, "select count(*) as n from _bmp.llm_cache where provider <> 'offline'"))[0]!['n']).toBe(0);
    // the offline answers never stand in for the model's: going online requests everything
    expect((await build(dir)).outcome.exitCode).toBe(0);
    expect(server.count()).toBe(16);
  });

  it('the CLI exits 1 naming provider and URL, prints the LLM line, and manages the cache', async () => {
    const { dir, db } = fixture();
    const ok = await bmpAsync(['build', '--project-dir', dir], { env: env() }).done;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/LLM ollama at http:\/\/127\.0\.0\.1:\d+: 36 lookups, 20 hits \(55\.6%\), 16 requests/);

    const stats = await bmpAsync(['llm', 'cache', 'stats', '--project-dir', dir, '--output', 'json'], { env: env() }).done;
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ exists: true, entries: 16, hits: 20 });

    writeFileSync(join(dir, 'seeds/notes.csv'), 'id,body\n1,something never asked before\n');
    server.reset();
    server.switches.fail500Always = true;
    const bad = await bmpAsync(['build', '--project-dir', dir, '--select', 'notes', 'gists', 'plain', 'x'], { env: env({ BMP_TEST_LLM_RETRIES: '0' }) }).done;
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`LLM provider 'ollama' at ${server.url} failed`);
    expect(bad.stdout).toMatch(/OK created sql table model main\.plain/);

    const pruned = await bmpAsync(['llm', 'cache', 'prune', '--project-dir', dir, '--kind', 'embed'], { env: env() }).done;
    expect(pruned.stdout).toContain('Deleted 4 LLM cache entries');
    const noCriteria = await bmpAsync(['llm', 'cache', 'prune', '--project-dir', dir], { env: env() }).done;
    expect(noCriteria.code).toBe(2);
    expect(noCriteria.stderr).toContain('BMP_LLM_PRUNE_CRITERIA');
    const cleared = await bmpAsync(['llm', 'cache', 'clear', '--project-dir', dir], { env: env() }).done;
    expect(cleared.stdout).toContain('Deleted 12 LLM cache entries');
    expect((await query(db, 'select count(*) as n from _bmp.llm_cache'))[0]!['n']).toBe(0);
  });
});
