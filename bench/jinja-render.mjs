#!/usr/bin/env node
/**
 * Render time per template, for comparing two builds of bmp's template engine (say main's dist/ and
 * a branch's) in the same run on the same machine: the flagship pipeline's models (with its macros,
 * a compile-like context and its project.yml vars) and a few dbt-style templates (loops, filters,
 * macros, methods) with dbt's compile context (contextFor, made per render as a compile makes it per
 * node). Each template is compiled once, then rendered `--reps` times; the report is
 * the median of `--rounds` rounds of mean CPU microseconds per render, per template and in total.
 *
 *   node bench/jinja-render.mjs [--dist dist] [--dist /work/main/dist ...] [--reps 2000] [--rounds 7]
 *
 * Both builds are loaded in one process and take turns on each template, so both see the same load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const dists = args.flatMap((a, i) => (a === '--dist' ? [resolve(args[i + 1])] : []));
const reps = Number(opt('--reps', 2000));
const rounds = Number(opt('--rounds', 7));

/** dbt-style templates beyond the flagship's (no database needed). */
const SAMPLES = {
  'loop + filters': `select
{%- for c in columns %}
  {{ c.name | lower }}{{ ',' if not loop.last }}
{%- endfor %}
from {{ ref('orders') }}
where status in ('{{ statuses | join("', '") | upper }}')`,
  'macro + set + methods': `{% macro cols(prefix, n) -%}
{%- set out = [] -%}
{%- for i in range(n) %}{% do out.append(prefix ~ '_' ~ i) %}{% endfor -%}
{{ out | join(', ') }}
{%- endmacro %}
select {{ cols('a', 20) }}, {{ 'x_id' | upper if 'x_id' | length > 3 else 'x' }} from {{ ref('t') }}`,
  'plain text + 3 expressions': `select id, name, amount from {{ ref('orders') }} where amount > {{ var('min_amount') }} and region = '{{ var('region') }}'`,
};

function sqlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sqlFiles(p));
    else if (name.endsWith('.sql')) out.push(p);
  }
  return out;
}

/**
 * An engine of one dist with the flagship's macros, and the render context: the flagship project
 * parsed by that dist, and dbt's compile context for one of its models (ref/source answer by name).
 */
async function setup(dist) {
  const imp = (p) => import(pathToFileURL(join(dist, p)).href);
  const { loadConfig } = await imp('config/index.js');
  const { parseProject } = await imp('parse/index.js');
  const { contextFor, InvocationContext, BufferedOutput, makeInvocation } = await imp('compile/context/index.js');
  const { TemplateRelation, jinjaYamlSyntax } = await imp('jinja/index.js');
  const cfg = await loadConfig({ projectDir: root, vars: { min_amount: 10, region: 'eu' }, yamlSyntax: jinjaYamlSyntax?.() });
  const { manifest, engine } = await parseProject(cfg);
  const shared = new InvocationContext(cfg, engine, makeInvocation('compile', {}, 'bench', new Date()), manifest, []);
  const node = [...manifest.nodes.values()].find((n) => n.resourceType === 'model');
  const rel = (n) => new TemplateRelation('db', 'main', n, 'table');
  const extra = { columns: Array.from({ length: 12 }, (_, i) => ({ name: `Col_${i}` })), statuses: ['new', 'paid', 'shipped'] };
  const globals = () =>
    contextFor('compile', { shared, extraGlobals: extra }, { node, model: shared.dicts.node(node), this: rel('this_model'), ref: (n) => rel(n), source: (s, t) => new TemplateRelation('db', s, t, 'table'), setConfig: () => undefined, isIncremental: () => true, output: new BufferedOutput() });
  return { engine, globals };
}

if (!dists.length) dists.push(join(root, 'dist'));
const templates = Object.fromEntries([...sqlFiles(join(root, 'models')).map((f) => [relative(root, f), readFileSync(f, 'utf8')]), ...Object.entries(SAMPLES)]);
const engines = [];
for (const d of dists) engines.push(await setup(d));
// compile every template and warm each engine up on all of them before timing any
for (const { engine, globals } of engines) for (const [name, source] of Object.entries(templates)) for (let i = 0; i < 200; i++) engine.render({ file: name, source }, globals());
const samples = Object.fromEntries(Object.keys(templates).map((n) => [n, engines.map(() => [])]));
for (let r = 0; r < rounds; r++) {
  for (const [name, source] of Object.entries(templates)) {
    // the builds take turns on each template, so machine load falls on both alike
    engines.forEach(({ engine, globals }, i) => {
      const input = { file: name, source };
      // CPU time of this process (user + system): other processes on a loaded machine barely move it
      const t0 = process.cpuUsage();
      // each render gets its node's context, as a compile does (the context is part of the cost)
      for (let k = 0; k < reps; k++) engine.render(input, globals());
      const t = process.cpuUsage(t0);
      samples[name][i].push((t.user + t.system) / reps);
    });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = Object.entries(samples).map(([n, per]) => [n, ...per.map(median)]);
const total = ['total (sum of medians)', ...dists.map((_, i) => rows.reduce((a, r) => a + r[i + 1], 0))];
const header = ['template', ...dists.map((d) => `${relative(process.cwd(), d) || d} CPU µs/render`), ...(dists.length === 2 ? ['ratio'] : [])];
console.log(`${reps} renders per round, median of ${rounds} rounds of process CPU time, builds alternating per template; 1-min load average ${(await import('node:os')).loadavg()[0].toFixed(2)}`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const r of [...rows, total]) {
  const ratio = dists.length === 2 ? [`${(r[2] / r[1]).toFixed(2)}×`] : [];
  console.log(`| ${[r[0], ...r.slice(1).map((v) => v.toFixed(1)), ...ratio].join(' | ')} |`);
}
