#!/usr/bin/env node
/**
 * Switches each mechanism of the Biological Memory Pipeline off in turn (one var each) and shows
 * which behavioural tests (tests/sql/behaviour) then fail: the evidence that every test checks a
 * mechanism, not a constant.
 *
 *   node scripts/behaviour-ablation.mjs [--memories 10000] [--only name,name] [--keep DIR]
 *
 * Each case copies the project (project.yml, profiles.yml, models, macros, tests/sql) into a temp
 * folder, runs `bmp run` and `bmp test -s path:tests/sql/behaviour` with the case's vars, and reads
 * target/run_results.json. Prints a Markdown table. Needs `npm run build` first (dist/cli/bin.js).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist/cli/bin.js');

/** Each mechanism, the vars that switch it off, and the tests that should then fail (shared with CI). */
const CASES = JSON.parse(readFileSync(join(root, 'scripts/behaviour-ablations.json'), 'utf8')).cases;

function args() {
  const a = process.argv.slice(2);
  const get = (k) => {
    const i = a.indexOf(k);
    return i >= 0 ? a[i + 1] : undefined;
  };
  return { memories: Number(get('--memories') ?? 10000), only: get('--only')?.split(','), keep: get('--keep') };
}

function copyProject(dir) {
  mkdirSync(join(dir, 'tests'), { recursive: true });
  for (const f of ['project.yml', 'profiles.yml']) cpSync(join(root, f), join(dir, f));
  for (const d of ['models', 'macros']) cpSync(join(root, d), join(dir, d), { recursive: true });
  cpSync(join(root, 'tests/sql'), join(dir, 'tests/sql'), { recursive: true });
}

function bmp(dir, db, cmd, vars) {
  const r = spawnSync(process.execPath, [bin, ...cmd, '--project-dir', dir, '--vars', JSON.stringify(vars)], {
    cwd: dir,
    env: { ...process.env, BMP_DB_PATH: db },
    encoding: 'utf8',
  });
  return r.status;
}

const { memories, only, keep } = args();
const work = keep ?? mkdtempSync(join(tmpdir(), 'bmp-ablation-'));
const rows = [];
try {
  for (const c of CASES) {
    if (only && !only.some((o) => c.name.includes(o))) continue;
    const dir = join(work, `case-${rows.length}`);
    rmSync(dir, { recursive: true, force: true });
    copyProject(dir);
    const db = join(dir, 'ablation.duckdb');
    const vars = { synthetic_memories: memories, ...c.vars };
    const run = bmp(dir, db, ['run'], vars);
    if (run !== 0) {
      rows.push({ c, failing: [`bmp run exited ${run}`] });
      continue;
    }
    bmp(dir, db, ['test', '-s', 'path:tests/sql/behaviour'], vars);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results;
    const failing = results
      .filter((r) => r.status !== 'pass')
      .map((r) => `${String(r.unique_id).split('.').pop()} (${r.failures ?? r.status})`);
    rows.push({ c, failing, total: results.length });
    console.error(`${c.name}: ${failing.length ? failing.join(', ') : 'all pass'}`);
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

console.log(`| switched off (${memories.toLocaleString('en')} memories) | behavioural tests failing (rows returned) | expected to fail | as expected |`);
console.log('| --- | --- | --- | --- |');
for (const { c, failing } of rows) {
  const names = failing.map((f) => f.split(' ')[0]);
  const expected = c.expect;
  // every expected test fails; where none is expected, none fails (other tests may fail beside an expected one)
  const ok = expected.every((e) => names.includes(e)) && (expected.length > 0 || names.length === 0);
  console.log(`| ${c.name} | ${failing.length ? failing.join(', ') : 'none'} | ${expected.length ? expected.join(', ') : 'none'} | ${ok ? 'yes' : '**no**'} |`);
}
