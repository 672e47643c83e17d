#!/usr/bin/env node
/**
 * Render time per model with dbt's template context, for comparing builds of bmp (say main's dist/
 * and a branch's) in the same run: a one-model project is parsed, then each round times
 * `contextFor('compile', ...)` (the context of one node) and `engine.render(model, context)` for a
 * few small models. Reports the median over `--rounds` of mean CPU microseconds per model.
 *
 *   node bench/context-render.mjs [--dist dist] [--dist /work/main/dist ...] [--reps 5000] [--rounds 7]
 *
 * The builds take turns on each template within a round, so machine load falls on all alike.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const dists = args.flatMap((a, i) => (a === '--dist' ? [resolve(args[i + 1])] : []));
if (!dists.length) dists.push(join(root, 'dist'));
const reps = Number(opt('--reps', 5000));
const rounds = Number(opt('--rounds', 7));

const TEMPLATES = {
  'ref + var + this': "select {{ var('colour') }} as c, '{{ this }}' as t from {{ ref('m1') }}",
  'loop + filters': "select {% for c in ['A', 'B', 'C', 'D'] %}{{ c | lower }}{{ ',' if not loop.last }}{% endfor %} from {{ ref('m1') }}",
  'config + is_incremental': "{{ config(materialized='incremental') }}select 1 as id{% if is_incremental() %} where id > 0{% endif %}",
};

const dir = mkdtempSync(join(tmpdir(), 'bmp-context-render-'));
const write = (p, text) => (mkdirSync(dirname(join(dir, p)), { recursive: true }), writeFileSync(join(dir, p), text));
write('project.yml', 'name: cr\nprofile: cr\nvars: {colour: blue}\n');
write('profiles.yml', 'cr:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: cr.duckdb}\n');
write('models/m1.sql', 'select 1 as id');
write('models/m2.sql', 'select 2 as id');

async function setup(dist) {
  const imp = (p) => import(pathToFileURL(join(dist, p)).href);
  const { loadConfig } = await imp('config/index.js');
  const { parseProject } = await imp('parse/index.js');
  const { contextFor, InvocationContext, BufferedOutput, makeInvocation } = await imp('compile/context/index.js');
  const { TemplateRelation, jinjaYamlSyntax } = await imp('jinja/index.js');
  const cfg = await loadConfig({ projectDir: dir, yamlSyntax: jinjaYamlSyntax?.() });
  const { manifest, engine } = await parseProject(cfg);
  const shared = new InvocationContext(cfg, engine, makeInvocation('compile', {}, 'bench', new Date()), manifest, ['model.cr.m2']);
  const node = manifest.nodes.get('model.cr.m2');
  const model = shared.dicts.node(node);
  const scope = () => ({ node, model, this: new TemplateRelation('db', 'main', 'm2'), output: new BufferedOutput(), ref: (n) => new TemplateRelation('db', 'main', n), setConfig: () => undefined, isIncremental: () => true });
  return (source) => engine.render({ file: 'models/m2.sql', source }, contextFor('compile', { shared }, scope()));
}

const renderers = [];
for (const d of dists) renderers.push(await setup(d));
for (const r of renderers) for (const t of Object.values(TEMPLATES)) for (let i = 0; i < 500; i++) r(t);
const samples = Object.fromEntries(Object.keys(TEMPLATES).map((n) => [n, dists.map(() => [])]));
for (let k = 0; k < rounds; k++) {
  for (const [name, source] of Object.entries(TEMPLATES)) {
    renderers.forEach((r, i) => {
      const t0 = process.cpuUsage();
      for (let n = 0; n < reps; n++) r(source);
      const t = process.cpuUsage(t0);
      samples[name][i].push((t.user + t.system) / reps);
    });
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const header = ['model template', ...dists.map((d) => `${relative(process.cwd(), d) || d} CPU µs/model`), ...(dists.length === 2 ? ['ratio'] : [])];
console.log(`${reps} renders per round (context + render), median of ${rounds} rounds of process CPU time; 1-min load average ${loadavg()[0].toFixed(2)}`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const [name, per] of Object.entries(samples)) {
  const m = per.map(median);
  console.log(`| ${[name, ...m.map((v) => v.toFixed(1)), ...(m.length === 2 ? [`${(m[1] / m[0]).toFixed(2)}×`] : [])].join(' | ')} |`);
}
