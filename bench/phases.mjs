#!/usr/bin/env node
/**
 * Where the overhead suite's difference goes: `bmp run` of the chain and the strict floor
 * (baseline-raw.mjs --chain --require) run interleaved under bench/lib/statement-probe.cjs, which
 * splits each process into start-up (to the first model's statement), statements in flight,
 * gaps between statements, and the end (last statement to exit), with the main thread's CPU to the
 * first statement and while statements are in flight. Medians of N rounds; a same-run comparison,
 * so it is meaningful on a loaded machine only as far as both sides saw the same load.
 *
 *   node bench/phases.mjs [--models 1000] [--reps 8] [--dir /dev/shm/bmp-phases] [--bmp dist/cli/bin.js]...
 *
 * `--bmp` more than once compares builds (an A/B of a change: `--bmp ../a/dist/cli/bin.js --bmp
 * dist/cli/bin.js`), each against the floor, all interleaved.
 *
 * Not part of `npm run bench` (it reports no goal): a tool for work on the overhead goal.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChain } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = { models: 1000, reps: 8, dir: '/dev/shm/bmp-phases', bmp: [] };
const argv = process.argv.slice(2);
for (let k = 0; k < argv.length; k++) {
  const a = argv[k];
  if (a === '--models') opts.models = Number(argv[++k]);
  else if (a === '--reps') opts.reps = Number(argv[++k]);
  else if (a === '--dir') opts.dir = resolve(argv[++k]);
  else if (a === '--bmp') opts.bmp.push(resolve(argv[++k]));
  else {
    console.error(`phases: unexpected argument ${a}`);
    process.exit(2);
  }
}

const project = join(opts.dir, `chain-${opts.models}`);
generateChain(project, { models: opts.models });
const db = join(project, 'chain.duckdb');
const probe = join(here, 'lib', 'statement-probe.cjs');
const sides = [
  { name: 'floor', args: [join(here, 'baseline-raw.mjs'), '--db', db, '--chain', String(opts.models), '--require'], rows: [] },
  ...(opts.bmp.length ? opts.bmp : [join(here, '..', 'dist', 'cli', 'bin.js')]).map((bin, i, all) => ({ name: all.length > 1 ? `bmp ${String.fromCharCode(65 + i)}` : 'bmp', args: [bin, 'run', '--project-dir', project, '--profiles-dir', project], rows: [] })),
];
if (opts.bmp.length > 1) opts.bmp.forEach((bin, i) => console.log(`bmp ${String.fromCharCode(65 + i)}: ${bin}`));

for (let round = 0; round < opts.reps; round++) {
  for (const side of sides) {
    for (const f of [db, `${db}.wal`, join(project, 'target')]) rmSync(f, { recursive: true, force: true });
    const r = spawnSync(process.execPath, ['--require', probe, ...side.args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const line = r.stderr.toString().split('\n').find((l) => l.startsWith('PROBE '));
    if (r.status !== 0 || !line) {
      console.error(`phases: ${side.name} failed (exit ${r.status}): ${r.stderr.toString().slice(-2000)}`);
      process.exit(1);
    }
    const p = JSON.parse(line.slice(6));
    if (p.n !== opts.models) console.error(`phases: ${side.name} issued ${p.n} chain statements, expected ${opts.models}`);
    side.rows.push({ ...p, end: p.exitMs - p.firstMs - p.stmtPhaseMs });
  }
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const columns = [
  ['firstMs', 'to 1st statement'],
  ['firstCpu', 'main CPU to 1st'],
  ['inflight', 'in flight'],
  ['gaps', 'gaps'],
  ['during', 'main CPU in flight'],
  ['end', 'last stmt -> exit'],
  ['mainCpu', 'main CPU'],
  ['exitMs', 'whole process'],
];
console.log(`chain of ${opts.models} models, ${opts.reps} interleaved rounds, medians in ms`);
console.log(''.padEnd(10) + columns.map(([, label]) => label.padStart(19)).join(''));
for (const side of sides) console.log(side.name.padEnd(10) + columns.map(([k]) => median(side.rows.map((r) => r[k])).toFixed(1).padStart(19)).join(''));
const [floor, ...builds] = sides;
// per-round differences (both sides of a round saw about the same load), then their median
for (const bmp of builds) console.log(`${bmp.name}-floor`.padEnd(10) + columns.map(([k]) => median(bmp.rows.map((r, i) => r[k] - floor.rows[i][k])).toFixed(1).padStart(19)).join(''));
if (builds.length > 1) for (const bmp of builds.slice(1)) console.log(`${bmp.name}-A`.padEnd(10) + columns.map(([k]) => median(bmp.rows.map((r, i) => r[k] - builds[0].rows[i][k])).toFixed(1).padStart(19)).join(''));
console.log(`whole process ÷ floor (median of per-round ratios): ${builds.map((b) => `${b.name} ${median(b.rows.map((r, i) => r.exitMs / floor.rows[i].exitMs)).toFixed(3)}×`).join(', ')}`);
