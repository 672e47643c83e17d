/**
 * LLM enrichment: the response cache against a loopback server that speaks Ollama's API with a
 * fixed latency (started by this suite, in this process, so it answers while bmp runs).
 *
 * 1. 10,000 rows whose prompts repeat (2,000 distinct: 80% repeated), cold cache: requests made,
 *    hit rate, wall time of the fetch phase against the floor latency × requests ÷ concurrency.
 * 2. The same build again: requests (should be 0) and time.
 * 3. Lookup overhead with 100,000 cached prompts: a warm build of a 100k-row model that reads
 *    every row's response from the cache, against the same model without the LLM call.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

export const name = 'llm';
export const title = 'LLM enrichment: response cache (loopback Ollama stand-in)';
export const order = 60;

const LATENCY_MS = 20;
const CONCURRENCY = 8;
const ROWS = 10_000;
const DISTINCT = 2_000;
const CACHED = 100_000;

/** The smallest Ollama: fixed latency, request counter, peak concurrency. */
async function startServer(latencyMs) {
  const state = { requests: 0, active: 0, peak: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      state.active++;
      state.peak = Math.max(state.peak, state.active);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      setTimeout(() => {
        state.active--;
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url === '/api/embed') res.end(JSON.stringify({ embeddings: [[0.1, 0.2, 0.3]] }));
        else res.end(JSON.stringify({ response: `gist of ${String(body.prompt).length} chars`, done: true }));
      }, latencyMs);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, state, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

function writeProject(dir, llm, models) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), `name: llm_bench\nprofile: llm_bench\nmodels:\n  llm_bench:\n    +materialized: table\n`);
  const llmYaml = Object.entries(llm).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join('\n');
  writeFileSync(join(dir, 'profiles.yml'), `llm_bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      threads: 1\n      llm:\n${llmYaml}\n`);
  for (const [file, sql] of Object.entries(models)) writeFileSync(join(dir, 'models', `${file}.sql`), sql);
}

function figures(dir, model) {
  const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const r = rr.results.find((x) => x.unique_id === `model.llm_bench.${model}`);
  if (!r) throw new Error(`no run result for ${model}`);
  if (r.status !== 'success') throw new Error(`${model}: ${r.status}: ${r.message}`);
  return { ...r.adapter_response, execution_time: r.execution_time };
}

export async function run(ctx) {
  const rows = [];
  const notes = [];
  const commands = [];
  if (!ctx.bmp.available) return { rows, notes: ['bmp is not built; nothing to measure (the suite has no baseline of its own).'] };
  const bmp = (dir, ...args) => [...ctx.bmp.args, 'build', '--project-dir', dir, ...args];
  const rowsN = ctx.quick ? ROWS / 5 : ROWS;
  const distinct = ctx.quick ? DISTINCT / 5 : DISTINCT;
  const cachedN = ctx.quick ? CACHED / 5 : CACHED;

  // --- 1 and 2: repeated prompts against the server ---------------------------------------------
  const server = await startServer(LATENCY_MS);
  try {
    const dir = join(ctx.workDir, 'llm-repeated');
    writeProject(dir, { provider: 'ollama', base_url: server.url, model: 'bench', concurrency: CONCURRENCY, retries: 0, timeout: 30 }, {
      enriched: `-- ${rowsN} rows, ${distinct} distinct prompts (row i asks about note i % ${distinct})\nselect i, {{ llm_generate("'Summarise note ' || (i % ${distinct}) || ': a day at the lab with colleagues'") }} as gist\nfrom range(${rowsN}) t(i)\n`,
    });
    commands.push(ctx.show(ctx.bmp.cmd, bmp(dir)));
    const cold = await ctx.time('llm-cold', ctx.bmp.cmd, bmp(dir));
    if (!cold.ok) throw new Error(`cold build failed: ${ctx.describeFailure(cold)}`);
    const f1 = figures(dir, 'enriched');
    const floorS = (LATENCY_MS / 1000) * server.state.requests / CONCURRENCY;
    const hitRate = f1.llm_lookups ? f1.llm_hits / f1.llm_lookups : 0;
    rows.push(
      { measure: `cold build, ${rowsN.toLocaleString('en-US')} rows / ${distinct.toLocaleString('en-US')} distinct prompts: requests`, value: String(server.state.requests), baseline: `${distinct} distinct prompts`, ratio: `${ctx.fmt.ratio(server.state.requests / distinct)}`, goal: '= distinct prompts', met: server.state.requests === distinct },
      { measure: 'cold build: hit rate (rows answered without a request)', value: `${(100 * hitRate).toFixed(1)}%`, baseline: `${(100 * (1 - distinct / rowsN)).toFixed(0)}% of rows repeat a prompt`, ratio: '—', goal: '≥ 80% (seed target)', met: hitRate >= 0.8 - 1e-9 },
      { measure: `cold build: fetch phase wall time (concurrency ${CONCURRENCY}, peak seen ${server.state.peak})`, value: `${f1.llm_seconds.toFixed(2)} s`, baseline: `floor ${LATENCY_MS} ms × ${server.state.requests} ÷ ${CONCURRENCY} = ${floorS.toFixed(2)} s`, ratio: `${ctx.fmt.ratio(f1.llm_seconds / floorS)}`, goal: '≤ 1.2×', met: f1.llm_seconds / floorS <= 1.2 },
      { measure: 'cold build: whole process', value: ctx.fmt.ms(cold.ms), baseline: `model ${f1.execution_time.toFixed(2)} s, of which collect ${f1.llm_collect_seconds.toFixed(2)} s`, ratio: '—', goal: '—', met: null },
    );
    const before = server.state.requests;
    const warm = await ctx.time('llm-warm', ctx.bmp.cmd, bmp(dir));
    if (!warm.ok) throw new Error(`warm build failed: ${ctx.describeFailure(warm)}`);
    const f2 = figures(dir, 'enriched');
    rows.push({ measure: 'second build: requests', value: String(server.state.requests - before), baseline: '0', ratio: '—', goal: '0', met: server.state.requests === before });
    rows.push({ measure: 'second build: whole process', value: ctx.fmt.ms(warm.ms), baseline: `cold: ${ctx.fmt.ms(cold.ms)}`, ratio: ctx.fmt.ratio(warm.ms / cold.ms), goal: '—', met: null });
    notes.push(`Server: node:http on 127.0.0.1, ${LATENCY_MS} ms per request; profile concurrency ${CONCURRENCY}; peak concurrent requests seen ${server.state.peak}.`);
    notes.push(`Second build: ${f2.llm_lookups} lookups, ${f2.llm_hits} hits, collect pass ${f2.llm_collect_seconds.toFixed(3)} s, model ${f2.execution_time.toFixed(2)} s.`);
  } finally {
    await server.close();
  }

  // --- 3: lookup overhead with 100k cached prompts (offline provider fills the cache) ------------
  const dir = join(ctx.workDir, 'llm-lookup');
  const prompt = `'note ' || i || ': met a colleague, talked about memory consolidation'`;
  writeProject(dir, { provider: 'offline' }, {
    with_llm: `select i, {{ llm_generate("${prompt.replaceAll('"', '\\"')}") }} as r from range(${cachedN}) t(i)\n`,
    without_llm: `select i, ${prompt} as r from range(${cachedN}) t(i)\n`,
  });
  const fill = await ctx.time('llm-fill', ctx.bmp.cmd, bmp(dir));
  if (!fill.ok) throw new Error(`filling the cache failed: ${ctx.describeFailure(fill)}`);
  const filled = figures(dir, 'with_llm');
  const reps = ctx.reps(5);
  const withRuns = [];
  const withoutRuns = [];
  const collect = [];
  for (let k = 0; k < reps; k++) {
    const a = await ctx.time('llm-lookup', ctx.bmp.cmd, bmp(dir, '--select', 'with_llm'));
    if (!a.ok) throw new Error(ctx.describeFailure(a));
    const fa = figures(dir, 'with_llm');
    withRuns.push(fa.execution_time * 1000);
    collect.push(fa.llm_collect_seconds * 1000);
    const b = await ctx.time('llm-nolookup', ctx.bmp.cmd, bmp(dir, '--select', 'without_llm'));
    if (!b.ok) throw new Error(ctx.describeFailure(b));
    withoutRuns.push(figures(dir, 'without_llm').execution_time * 1000);
    ctx.log(`    with llm_generate ${ctx.fmt.ms(withRuns.at(-1))} (collect ${ctx.fmt.ms(collect.at(-1))}), without ${ctx.fmt.ms(withoutRuns.at(-1))}`);
  }
  const w = ctx.summarize(withRuns);
  const wo = ctx.summarize(withoutRuns);
  const c = ctx.summarize(collect);
  rows.push(
    { measure: `warm model build, ${cachedN.toLocaleString('en-US')} rows, every response cached`, value: ctx.fmt.stats(w), baseline: `same rows without llm_generate: ${ctx.fmt.stats(wo)}`, ratio: ctx.fmt.ratio(w.median / wo.median), goal: '—', met: null },
    { measure: 'lookup overhead per row (collect pass + cache join)', value: `${(((w.median - wo.median) * 1000) / cachedN).toFixed(2)} µs`, baseline: `collect pass alone: ${ctx.fmt.stats(c)}`, ratio: '—', goal: '—', met: null },
  );
  notes.push(`Cache filled once by the offline provider (${filled.llm_requests} responses in ${ctx.fmt.ms(fill.ms)} for the whole process); timings are the model's execution_time from run_results.json, median of ${reps}.`);
  commands.push(ctx.show(ctx.bmp.cmd, bmp(dir, '--select', 'with_llm')), ctx.show(ctx.bmp.cmd, bmp(dir, '--select', 'without_llm')));
  return {
    description:
      'Requests, hit rate and fetch time of `llm_generate` against a loopback server with a fixed latency, and the cost of reading 100k cached responses. ' +
      'A model that calls the LLM is evaluated once more before it is built (the collect pass that finds missing prompts); that pass is part of the overhead.',
    rows,
    notes,
    commands,
  };
}
