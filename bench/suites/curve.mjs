/**
 * The Biological Memory Pipeline's growth curve: full `bmp build` (models and every data test) of
 * 10k → 100k → 1M → 10M synthetic memories with the default profile (profiles.yml: memory_limit
 * 4GB; DuckDB spills what does not fit to its temp directory, `<database>.tmp` next to the file),
 * each from an empty database in a fresh copy of the project (project.yml, profiles.yml, models,
 * macros, tests/sql).
 *
 * Per size: wall time, CPU time (user + system) and peak RSS of the whole process (GNU time), each
 * model's execution_time (target/run_results.json), the rows of every stage table, the database
 * file's size, the tests' outcome, the recall of related_memories against the exact top k
 * (each sampled cue compared with every long-term memory, no blocking), and an incremental
 * `bmp build` after 1% more memories against the full one. Writes the
 * table into BENCHMARKS.md (this suite's section) and the plot to docs/pipeline-curve.svg.
 *
 *   node bench/run.mjs --suite curve                      # 10k, 100k, 1M, 10M (~1 h on 2 cores)
 *   BMP_CURVE_SIZES=10000,100000 node bench/run.mjs --suite curve --no-write   # a smoke run
 *
 * BMP_CURVE_SIZES: comma-separated sizes. BMP_CURVE_DIR: where the projects and databases go
 * (default /var/tmp/bmp-curve, on disk: 10M memories make a ~5 GB database plus spill files, too
 * much for a shared /dev/shm). BMP_CURVE_SAMPLE: at most this many cues in the recall sample
 * (default 10000: every long-term memory of the 10k build); BMP_CURVE_PAIRS (default 3e8): the
 * exact top k of a cue compares it with every long-term memory, so larger builds sample about
 * BMP_CURVE_PAIRS / long-term memories cues (~4,000 at 100k, ~400 at 1M, ~40 at 10M; the table
 * states the number).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { copyProject, fmtMb, fmtN, HELPER as QUERY_HELPER, QUERIES, SEED_MS, usage } from './pipeline.mjs';

export const name = 'curve';
export const title = 'The Biological Memory Pipeline from 10k to 10M memories';
export const order = 55;
/** About an hour on 2 cores (the 10M build): only when named, `--suite curve`. */
export const explicit = true;

const STAGES = ['raw_memories', 'stm_episodes', 'memory_replay', 'ltm_memories', 'memory_retention', 'concept_associations', 'related_memories', 'wm_active_context'];

const HELPER = (repoDir) => `// written by bench/suites/curve.mjs: rows per stage and related-memories recall
import { DuckDBInstance } from ${JSON.stringify(pathToFileURL(join(repoDir, 'node_modules/@duckdb/node-api/lib/index.js')).href)};
const [db, sampleArg, k, stagesArg] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY', threads: '2', memory_limit: '4GB' });
const c = await inst.connect();
const one = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS()[0];
const out = { rows: {} };
for (const t of stagesArg.split(',')) out.rows[t] = Number((await one(\`select count(*) as n from main.\${t}\`)).n);
// exact top k of a sample of cues: every long-term memory against the cue (no blocking), the same
// similarity as the pipeline (offline embeddings: cosine of the hashed feature sets), ties on the
// smaller id; recall = share of the exact top k the pipeline's related_memories holds
const sample = Number(sampleArg);
const t0 = Date.now();
const sim = (a, b) => \`sqrt(cast((bit_count(\${a}.w1 & \${b}.w1)::int + bit_count(\${a}.w2 & \${b}.w2)::int) ** 2 as double) / nullif(cast((bit_count(\${a}.w1)::int + bit_count(\${a}.w2)::int) * (bit_count(\${b}.w1)::int + bit_count(\${b}.w2)::int) as double), 0))\`;
const key = \`cast(floor(\${sim('c.embedding', 'm.embedding')} ** 2 * 8589934592.0) as bigint) * 536870912 + (536870911 - m.memory_id)\`;
const r = await one(\`
  with cues as (
    select memory_id, embedding from main.ltm_memories order by hash(memory_id, 'recall-sample') limit \${sample}
  ),
  -- the k best of every long-term memory for each cue: one BIGINT key per pair (the squared
  -- similarity in the high bits, the id reversed in the low 29: ties go to the smaller id), the
  -- k largest per cue by max(key, k); no sort of the pairs
  best as (
    select c.memory_id, max(\${key}, \${k}) as keys
    from cues as c, main.ltm_memories as m
    where m.memory_id <> c.memory_id and \${sim('c.embedding', 'm.embedding')} > 0
    group by c.memory_id
  ),
  exact as (
    select memory_id, 536870911 - (unnest(keys) & 536870911) as related_memory_id from best
  ),
  exact_scored as (
    select e.*, \${sim('c.embedding', 'm.embedding')} as similarity
    from exact as e join main.ltm_memories as c on c.memory_id = e.memory_id join main.ltm_memories as m on m.memory_id = e.related_memory_id
  ),
  -- tie-aware: a related memory at least as similar as the exact k-th is an exact answer (among
  -- equal similarities the ids are arbitrary); its similarity recomputed here like the exact
  -- ones (the pipeline's column is read back from its top-k key, ~1e-10 off)
  kth as (
    select memory_id, min(similarity) as kth from exact_scored group by memory_id
  )
  select count(*)::bigint as exact_pairs,
         count(r.memory_id)::bigint as found,
         (select count(*) from main.related_memories as r3 join kth on kth.memory_id = r3.memory_id join main.ltm_memories as c3 on c3.memory_id = r3.memory_id join main.ltm_memories as m3 on m3.memory_id = r3.related_memory_id where \${sim('c3.embedding', 'm3.embedding')} >= kth.kth - 1e-12)::bigint as found_tie_aware,
         (select count(*) from cues)::bigint as cues,
         avg(e.similarity) as exact_mean_similarity,
         (select avg(r2.similarity) from main.related_memories as r2 where r2.memory_id in (select memory_id from cues)) as pipeline_mean_similarity
  from exact_scored as e
  left join main.related_memories as r on r.memory_id = e.memory_id and r.related_memory_id = e.related_memory_id\`);
out.recall = { cues: Number(r.cues), exactPairs: Number(r.exact_pairs), found: Number(r.found), foundTieAware: Number(r.found_tie_aware), exactMean: r.exact_mean_similarity, pipelineMean: r.pipeline_mean_similarity, seconds: (Date.now() - t0) / 1000 };
c.closeSync();
inst.closeSync();
console.log(JSON.stringify(out));
`;

function runResults(file) {
  const rr = JSON.parse(readFileSync(file, 'utf8'));
  const models = {};
  let tests = 0;
  let testSeconds = 0;
  const bad = [];
  for (const r of rr.results ?? []) {
    const id = String(r.unique_id);
    if (!['success', 'pass'].includes(r.status)) bad.push(`${id}: ${r.status}${r.status === 'skipped' ? '' : ` (${String(r.message ?? '').slice(0, 120)})`}`);
    if (id.startsWith('model.')) models[id.split('.').pop()] = Number(r.execution_time);
    else { tests++; testSeconds += Number(r.execution_time); }
  }
  // failures and errors first, then what they made skip
  bad.sort((a, c) => Number(a.endsWith(': skipped')) - Number(c.endsWith(': skipped')));
  const modelSeconds = Object.values(models).reduce((a, c) => a + c, 0);
  return { models, modelSeconds, tests, testSeconds, bad, total: (rr.results ?? []).length };
}

const fmtS = (s) => (s < 10 ? s.toFixed(2) : s.toFixed(1)) + ' s';

/** A log-log plot of the curve: whole-build wall and CPU time, the slowest stages, peak RSS. */
export function curveSvg(points, stages) {
  const W = 760, H = 420, L = 70, R = 200, T = 40, B = 50;
  const xs = points.map((p) => p.n);
  const ys = points.flatMap((p) => [p.wallS, p.cpuS, ...stages.map((s) => p.models[s] ?? 0)]).filter((y) => y > 0);
  const x0 = Math.log10(Math.min(...xs)), x1 = Math.log10(Math.max(...xs));
  const y0 = Math.floor(Math.log10(Math.min(...ys))), y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (n) => L + ((Math.log10(n) - x0) / Math.max(1e-9, x1 - x0)) * (W - L - R);
  const py = (y) => T + (1 - (Math.log10(y) - y0) / Math.max(1e-9, y1 - y0)) * (H - T - B);
  const colors = ['#000000', '#666666', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];
  const series = [
    { label: 'build, wall', get: (p) => p.wallS, dash: '' },
    { label: 'build, CPU', get: (p) => p.cpuS, dash: '6 3' },
    ...stages.map((s) => ({ label: s, get: (p) => p.models[s], dash: '' })),
  ];
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="${W}" height="${H}" fill="white"/>\n`;
  svg += `<text x="${L}" y="22" font-size="14">Biological Memory Pipeline: full bmp build time vs memories (log-log; dotted: linear growth from the first point)</text>\n`;
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    svg += `<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${L - 6}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)} s</text>\n`;
  }
  for (const n of xs) {
    const x = px(n);
    svg += `<line x1="${x}" x2="${x}" y1="${T}" y2="${H - B}" stroke="#eee"/><text x="${x}" y="${H - B + 18}" text-anchor="middle">${fmtN(n)}</text>\n`;
  }
  svg += `<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">synthetic memories</text>\n`;
  // linear reference through the first wall-time point
  const first = points[0];
  const last = points[points.length - 1];
  svg += `<line x1="${px(first.n)}" y1="${py(first.wallS)}" x2="${px(last.n)}" y2="${py(first.wallS * (last.n / first.n))}" stroke="#999" stroke-dasharray="2 3"/>\n`;
  series.forEach((s, i) => {
    const pts = points.filter((p) => (s.get(p) ?? 0) > 0).map((p) => `${px(p.n).toFixed(1)},${py(s.get(p)).toFixed(1)}`);
    if (!pts.length) return;
    const color = colors[i % colors.length];
    svg += `<polyline fill="none" stroke="${color}" stroke-width="${i < 2 ? 2.5 : 1.5}" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} points="${pts.join(' ')}"/>\n`;
    for (const pt of pts) svg += `<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="2.5" fill="${color}"/>\n`;
    const y = T + 10 + i * 18;
    svg += `<line x1="${W - R + 12}" x2="${W - R + 36}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/><text x="${W - R + 42}" y="${y + 4}">${esc(s.label)}</text>\n`;
  });
  const rssY = T + 10 + series.length * 18 + 10;
  svg += `<text x="${W - R + 12}" y="${rssY}">peak RSS:</text>\n`;
  points.forEach((p, i) => { svg += `<text x="${W - R + 12}" y="${rssY + 16 * (i + 1)}">${fmtN(p.n)}: ${fmtMb(p.peakMb)}</text>\n`; });
  svg += '</svg>\n';
  return svg;
}

export async function run(ctx) {
  const sizes = (process.env.BMP_CURVE_SIZES ?? (ctx.quick ? '10000,100000' : '10000,100000,1000000,10000000')).split(',').map(Number);
  const base = process.env.BMP_CURVE_DIR ?? '/var/tmp/bmp-curve';
  const sampleSmall = Number(process.env.BMP_CURVE_SAMPLE ?? 10000);
  const pairBudget = Number(process.env.BMP_CURVE_PAIRS ?? 3e8);
  mkdirSync(base, { recursive: true });
  const helperFile = join(base, 'curve-helper.mjs');
  writeFileSync(helperFile, HELPER(ctx.repoDir));
  const queryFile = join(base, 'pipeline-queries.mjs');
  writeFileSync(queryFile, QUERY_HELPER(ctx.repoDir));
  const qruns = ctx.reps(7);
  const k = 5;
  const b = ctx.bmp.display;
  const points = [];
  let stageTable = '';
  const rows = [];
  const notes = [];
  const commands = [`D=${base}/pipeline-N; export BMP_DB_PATH=$D/biological_memory.duckdb   # fresh copy of project.yml profiles.yml models macros tests/sql, empty database`];
  for (const n of sizes) {
    const dir = join(base, `pipeline-${fmtN(n)}`);
    const db = join(dir, 'biological_memory.duckdb');
    // the exact top k is quadratic: about `pairBudget` similarity computations per size (the
    // 10k build's ~7k long-term memories are all cues)
    const sample = Math.max(50, Math.min(sampleSmall, Math.round(pairBudget / (0.75 * n))));
    commands.push(
      `/usr/bin/time -f '%M %U %S' ${b} build --project-dir $D --vars '{synthetic_memories: ${n}}'   # N = ${n}`,
      `node ${helperFile} $BMP_DB_PATH ${sample} ${k} ${STAGES.join(',')}   # rows per stage, recall on ${sample} cues`,
      `node --expose-gc ${queryFile} $BMP_DB_PATH $D/scratch_plain.duckdb ${qruns}   # the seed's queries vs plain copies (bench/suites/pipeline.mjs)`,
      `/usr/bin/time -f '%M %U %S' ${b} build --project-dir $D --vars '{synthetic_memories: ${Math.round(n * 1.01)}}'   # +1%, incremental`,
    );
    if (!ctx.bmp.available) continue;
    copyProject(ctx.repoDir, dir);
    const label = fmtN(n);
    ctx.log(`  ${label}: full build`);
    const mem = join(dir, 'usage.txt');
    const full = await ctx.time(`curve-${label}-build`, '/usr/bin/time', ['-f', '%M %U %S', '-o', mem, ctx.bmp.cmd, ...ctx.bmp.args, 'build', '--project-dir', dir, '--vars', `{synthetic_memories: ${n}}`], { cwd: dir, env: { ...process.env, BMP_DB_PATH: db }, timeoutMs: 4 * 3600 * 1000 });
    if (!existsSync(join(dir, 'target/run_results.json'))) throw new Error(`bmp build (${label}) wrote no run_results: ${ctx.describeFailure(full)}`);
    const rr = runResults(join(dir, 'target/run_results.json'));
    const u = usage(mem);
    const dbBytes = statSync(db).size;
    ctx.log(`  ${label}: rows per stage and recall (${sample} cues)`);
    const h = await ctx.time(`curve-${label}-helper`, ctx.node, [helperFile, db, String(sample), String(k), STAGES.join(',')], { cwd: dir, timeoutMs: 3600 * 1000 });
    const fig = h.ok ? JSON.parse(readFileSync(h.stdoutFile, 'utf8').trim().split('\n').pop()) : { rows: {}, recall: null };
    const p = { n, wallS: full.ms / 1000, cpuS: u.cpuS, peakMb: u.peakMb, models: rr.models, rows: fig.rows, recall: fig.recall, ok: full.ok && rr.bad.length === 0, rr, dbBytes };
    points.push(p);
    const prev = points.length > 1 ? points[points.length - 2] : null;
    const grow = prev ? ` (×${(p.cpuS / prev.cpuS).toFixed(1)} CPU for ×${(n / prev.n).toFixed(0)} memories)` : '';
    const top = Object.entries(rr.models).sort((a, c) => c[1] - a[1]).slice(0, 4);
    rows.push({
      measure: `${label}: full \`bmp build\` (${rr.total} nodes: ${Object.keys(rr.models).length} models, ${rr.tests} data tests${rr.bad.length ? `, **${rr.bad.length} not success/pass**` : ', all pass'})`,
      value: `${fmtS(p.wallS)} wall; CPU ${fmtS(p.cpuS)}; peak RSS ${fmtMb(p.peakMb)}`,
      baseline: prev ? `${fmtN(prev.n)}: ${fmtS(prev.wallS)} wall; CPU ${fmtS(prev.cpuS)}` : '—',
      ratio: prev ? `×${(p.wallS / prev.wallS).toFixed(1)} wall, ×${(p.cpuS / prev.cpuS).toFixed(1)} CPU${grow ? '' : ''}` : '—',
      goal: n === 1_000_000 ? '≤ 15 s wall, ≤ 2 GB' : n === 10_000_000 ? '≤ 12× the 1M time, within memory_limit (4 GB)' : '—',
      met: n === 1_000_000 ? p.wallS <= 15 && p.peakMb <= 2048 : n === 10_000_000 && points.find((q) => q.n === 1_000_000) ? p.wallS <= 12 * points.find((q) => q.n === 1_000_000).wallS && p.ok : null,
    });
    notes.push(`${label}: per model (execution_time): ${top.map(([m, t]) => `${m} ${fmtS(t)}`).join(', ')}, …; tests ${fmtS(rr.testSeconds)} (sum); rows ${Object.entries(fig.rows).map(([t, c]) => `${t} ${c.toLocaleString('en-US')}`).join(', ')}; database ${fmtMb(dbBytes / 1048576)}${rr.bad.length ? `; not success/pass: ${rr.bad.slice(0, 5).join('; ')}` : ''}.`);
    ctx.log(`  ${label}: the seed's queries (${qruns} runs each)`);
    const scratch = join(dir, 'scratch_plain.duckdb');
    const q = await ctx.time(`curve-${label}-queries`, ctx.node, ['--expose-gc', queryFile, db, scratch, String(qruns)], { cwd: dir, timeoutMs: 3600 * 1000 });
    rmSync(scratch, { force: true });
    rmSync(scratch + '.wal', { force: true });
    if (q.ok) {
      const qf = JSON.parse(readFileSync(q.stdoutFile, 'utf8').trim().split('\n').pop());
      const parts = Object.entries(qf.queries).map(([id, r]) => `${id} ${(r.pipeline / r.plain).toFixed(2)}× (${r.pipeline.toFixed(2)} vs ${r.plain.toFixed(2)} ms)`);
      const worst = Math.max(...Object.values(qf.queries).map((r) => r.pipeline / r.plain));
      rows.push({
        measure: `${label}: the seed's queries on the pipeline's tables (bench/suites/pipeline.mjs; median of ${qruns}) ÷ a plain random-order copy`,
        value: parts.join('; '),
        baseline: `plain copy of the same rows in random order (same run); the seed claimed ${SEED_MS.wm}–${SEED_MS.concurrent} ms at 10k`,
        ratio: `worst ${worst.toFixed(2)}×`,
        goal: '≤ 1.5× plain',
        met: worst <= 1.5,
      });
    } else {
      rows.push({
        measure: `${label}: the seed's queries on the pipeline's tables ÷ a plain random-order copy`,
        value: `not measured: the query helper failed (${ctx.describeFailure(q)})`,
        baseline: '—',
        ratio: '—',
        goal: '≤ 1.5× plain',
        met: false,
      });
    }
    // last, since it changes the database: the same project after 1% more memories, built
    // incrementally (the pipeline suite's +1% at 1M, here at every size: its fixed part is
    // spread over more memories as the stream grows)
    ctx.log(`  ${label}: incremental build (+1%)`);
    const incMem = join(dir, 'incremental-usage.txt');
    const inc = await ctx.time(`curve-${label}-incremental`, '/usr/bin/time', ['-f', '%M %U %S', '-o', incMem, ctx.bmp.cmd, ...ctx.bmp.args, 'build', '--project-dir', dir, '--vars', `{synthetic_memories: ${Math.round(n * 1.01)}}`], { cwd: dir, env: { ...process.env, BMP_DB_PATH: db }, timeoutMs: 3600 * 1000 });
    const incRr = existsSync(join(dir, 'target/run_results.json')) ? runResults(join(dir, 'target/run_results.json')) : null;
    if (inc.ok && incRr) {
      const incU = usage(incMem);
      rows.push({
        measure: `${label}: +1% memories, incremental \`bmp build\` (sum of the models' execution_time; whole process wall, CPU and peak RSS)`,
        value: `${fmtS(incRr.modelSeconds)}; process ${fmtS(inc.ms / 1000)}, CPU ${fmtS(incU.cpuS)}, ${fmtMb(incU.peakMb)}${incRr.bad.length ? `; **${incRr.bad.length} not success/pass**: ${incRr.bad.slice(0, 3).join('; ')}` : ''}`,
        baseline: `full: ${fmtS(rr.modelSeconds)}; process ${fmtS(p.wallS)}`,
        ratio: `${((incRr.modelSeconds / rr.modelSeconds) * 100).toFixed(1)}% of full (process ${((inc.ms / 1000 / p.wallS) * 100).toFixed(1)}%)`,
        goal: n === 1_000_000 ? '≤ 5%' : '—',
        met: n === 1_000_000 ? incRr.modelSeconds / rr.modelSeconds <= 0.05 && incRr.bad.length === 0 : null,
      });
    } else {
      rows.push({ measure: `${label}: +1% memories, incremental \`bmp build\``, value: `failed: ${ctx.describeFailure(inc)}`, baseline: '—', ratio: '—', goal: '—', met: false });
    }
    if (fig.recall) {
      const rc = fig.recall;
      rows.push({
        measure: `${label}: related_memories recall of the exact top ${k} (${rc.cues.toLocaleString('en-US')} sampled cues, every long-term memory compared)`,
        value: `${(rc.found / Math.max(1, rc.exactPairs)).toFixed(3)} (${rc.found} of ${rc.exactPairs}); tie-aware ${(rc.foundTieAware / Math.max(1, rc.exactPairs)).toFixed(3)}`,
        baseline: `mean similarity of the top ${k}: exact ${Number(rc.exactMean).toFixed(3)}, pipeline ${Number(rc.pipelineMean).toFixed(3)}`,
        ratio: '—',
        goal: 'measured',
        met: null,
      });
    }
  }
  if (points.length) {
    const stageNames = [...new Set(points.flatMap((p) => Object.entries(p.models).sort((a, c) => c[1] - a[1]).slice(0, 5).map(([m]) => m)))].slice(0, 7);
    if (ctx.write) writeFileSync(join(ctx.repoDir, 'docs/pipeline-curve.svg'), curveSvg(points, stageNames));
    const per = ['model', ...points.map((p) => fmtN(p.n))];
    const allModels = [...new Set(points.flatMap((p) => Object.keys(p.models)))].sort((a, c) => (points[points.length - 1].models[c] ?? 0) - (points[points.length - 1].models[a] ?? 0));
    stageTable =
      'Time per stage (execution_time, s; rows) — the curve: ![growth curve](pipeline-curve.svg) (docs/pipeline-curve.svg, written by this suite)\n\n' +
      `| ${per.join(' | ')} |\n| ${per.map(() => '---').join(' | ')} |\n` +
      allModels.map((m) => `| ${m} | ${points.map((p) => (p.models[m] ?? 0).toFixed(2) + (p.rows[m] != null ? ` (${p.rows[m].toLocaleString('en-US')} rows)` : '')).join(' | ')} |`).join('\n');
    notes.push(
      'The recall sample: cues drawn by hash(memory_id) among the long-term memories; the exact top k compares each with every other long-term memory by the same similarity (no blocking, ties on the smaller id), so it is quadratic and sampled. Tie-aware recall counts a related memory at least as similar as the exact k-th as exact (among equal similarities the ids are arbitrary). related_memories only compares memories that share a block (a concept and an LSH bucket of the embedding, memory_postings) within related_candidate_window places on that block\'s timeline (linear cost): what it misses are similar memories in other buckets or farther along the block.',
    );
  }
  return {
    description: `Full \`bmp build\` (models and every data test) of growing synthetic streams with the default profile (memory_limit 4GB, DuckDB spilling to \`<database>.tmp\`), each from an empty database; wall and CPU time and peak RSS of the whole process (GNU time), in projects under ${base}. After the queries, the same project with 1% more memories is built again incrementally (\`bmp build\`), against the full build: the sum of the models' execution_time and the whole process.` + (stageTable ? `\n\n${stageTable}` : ''),
    rows,
    notes,
    commands,
  };
}
