/**
 * Ctrl-C and kills during real runs. SIGINT/SIGTERM interrupt the running query, roll back the
 * transaction in flight (the previous table stays, row for row), record what finished in
 * run_results.json and exit 130; a second signal exits at once. SIGKILL at any moment leaves every
 * relation as it was before its own build started, and the next run succeeds.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bmp, bmpAsync, query, removeDir, ROOT } from '../helpers/project.js';

const dirs: string[] = [];
const running: ReturnType<typeof bmpAsync>[] = [];
afterEach(() => {
  // a test that failed must not leave a bmp burning CPU
  for (const r of running.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

/**
 * keep (table), slow (table with a pre-hook writing to an audit table, so it builds in a transaction)
 * and slow2 (table, one CTAS in autocommit) are independent; zafter (table) and zview (view) depend on
 * slow. Two threads: slow and slow2 build at the same time. `version` says which run built a
 * relation; `slow: true` makes both slow queries take minutes.
 */
const FILES: Record<string, string> = {
  'project.yml': [
    'name: intr',
    'profile: intr',
    'on-run-start: "create table if not exists main.audit (msg varchar, version varchar)"',
    'models:',
    '  intr:',
    '    +materialized: table',
    '',
  ].join('\n'),
  'profiles.yml': 'intr:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: intr.duckdb\n      threads: 2\n',
  'models/keep.sql': "select range as k, '{{ var('version') }}' as version from range(10)\n",
  'models/slow.sql': [
    "{{ config(pre_hook=\"insert into main.audit values ('slow started', '\" ~ var('version') ~ \"')\") }}",
    "{% if var('slow', false) %}",
    "select a.range as n, '{{ var('version') }}' as version from range(200000) a, range(200000) b where a.range * b.range = -1",
    '{% else %}',
    "select range as n, '{{ var('version') }}' as version from range(5)",
    '{% endif %}',
    '',
  ].join('\n'),
  'models/slow2.sql': [
    "{% if var('slow', false) %}",
    "select a.range as n, '{{ var('version') }}' as version from range(200000) a, range(200000) b where a.range + b.range = -1",
    '{% else %}',
    "select range as n, '{{ var('version') }}' as version from range(7)",
    '{% endif %}',
    '',
  ].join('\n'),
  'models/zafter.sql': "select n, '{{ var('version') }}' as version from {{ ref('slow') }}\n",
  'models/zview.sql': "{{ config(materialized='view') }}\nselect n, '{{ var('version') }}' as version from {{ ref('slow') }}\n",
};

let built: string;
beforeAll(() => {
  built = mkdtempSync(join(tmpdir(), 'bmp-intr-base-'));
  dirs.push(built);
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(join(built, path, '..'), { recursive: true });
    writeFileSync(join(built, path), text);
  }
  const r = bmp(['run', '--project-dir', built, '--vars', '{version: v1}']);
  if (r.code !== 0) throw new Error(`first build failed: ${r.stdout}${r.stderr}`);
});

/** A copy of the project as built by the first run (version v1 everywhere). */
function builtProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-intr-'));
  dirs.push(dir);
  cpSync(built, dir, { recursive: true });
  return dir;
}

type Row = Record<string, unknown>;
async function snapshot(db: string): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const t of ['keep', 'slow', 'slow2', 'zafter', 'zview', 'audit']) out[t] = await query(db, `select * from main.${t} order by all`);
  return out;
}

function startSlowRun(dir: string, version = 'v2') {
  const r = bmpAsync(['run', '--project-dir', dir, '--vars', `{version: ${version}, slow: true}`]);
  running.push(r);
  return r;
}

async function waitFor(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const slowStarted = (r: ReturnType<typeof bmpAsync>) => () => /START sql table model main\.slow /.test(r.output()) && /START sql table model main\.slow2 /.test(r.output());

interface Result {
  unique_id: string;
  status: string;
  message: string;
}

describe('SIGINT and SIGTERM', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a long model: query interrupted, transaction rolled back, run_results written, exit 130`, async () => {
      const dir = builtProject();
      const db = join(dir, 'intr.duckdb');
      const before = await snapshot(db);
      expect(before['slow']).toHaveLength(5);
      expect(before['audit']).toEqual([{ msg: 'slow started', version: 'v1' }]);

      const run = startSlowRun(dir);
      await waitFor(slowStarted(run));
      await new Promise((r) => setTimeout(r, 700)); // well inside the query
      const t0 = Date.now();
      run.child.kill(signal);
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(r.stderr).toMatch(/^Interrupted: cancelling running queries and rolling back/);
      expect(r.stdout).toMatch(/Finished running 5 nodes in .*\(interrupted\)/);
      expect(r.stderr + r.stdout).not.toMatch(/^\s+at /m);

      // keep finished before the signal; slow's build (pre-hook insert + CTAS) was rolled back whole
      const after = await snapshot(db);
      expect(after['keep']!.every((x) => x['version'] === 'v2')).toBe(true);
      expect(after['slow']).toEqual(before['slow']);
      expect(after['slow2']).toEqual(before['slow2']);
      expect(after['zafter']).toEqual(before['zafter']);
      expect(after['zview']).toEqual(before['zview']);
      expect(after['audit']).toEqual(before['audit']);

      const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Result[] };
      const byId = Object.fromEntries(results.results.map((x) => [x.unique_id, x]));
      expect(byId['model.intr.keep']!.status).toBe('success');
      expect(byId['model.intr.slow']!.status).toBe('error');
      expect(byId['model.intr.slow']!.message).toMatch(/interrupted/i);
      expect(byId['model.intr.slow2']!.status).toBe('error');
      expect(byId['model.intr.slow2']!.message).toMatch(/interrupted/i);
      expect(byId['model.intr.zafter']!.status).toBe('skipped');
      expect(byId['model.intr.zview']!.status).toBe('skipped');

      // the next run succeeds and builds everything
      const next = bmp(['run', '--project-dir', dir, '--vars', '{version: v3}']);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      const last = await snapshot(db);
      expect(last['slow']!.map((x) => x['version'])).toEqual(['v3', 'v3', 'v3', 'v3', 'v3']);
      expect(last['slow2']).toHaveLength(7);
      expect(last['audit']).toEqual([...before['audit']!, { msg: 'slow started', version: 'v3' }]);
    });
  }

  it('a second signal exits at once; the database stays consistent and the next run succeeds', async () => {
    const dir = builtProject();
    const db = join(dir, 'intr.duckdb');
    const before = await snapshot(db);
    const run = startSlowRun(dir);
    await waitFor(slowStarted(run));
    await new Promise((r) => setTimeout(r, 500));
    // two different signals queued while stopped arrive together on SIGCONT: the first starts the
    // graceful interrupt, the second must exit before it can finish
    run.child.kill('SIGSTOP');
    run.child.kill('SIGINT');
    run.child.kill('SIGTERM');
    const t0 = Date.now();
    run.child.kill('SIGCONT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.stderr).toMatch(/^Interrupted: .*press Ctrl-C again to exit now/);
    expect(r.stdout).not.toMatch(/Finished running/);
    const after = await snapshot(db);
    expect(after['slow']).toEqual(before['slow']);
    expect(after['slow2']).toEqual(before['slow2']);
    expect(after['audit']).toEqual(before['audit']);
    const next = bmp(['run', '--project-dir', dir, '--vars', '{version: v3}']);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect((await snapshot(db))['slow']!.map((x) => x['version'])).toEqual(['v3', 'v3', 'v3', 'v3', 'v3']);
  });

  it('SIGINT during an on-run-start hook: exit 130, no internal error, every node recorded as skipped', async () => {
    const dir = builtProject();
    const db = join(dir, 'intr.duckdb');
    const before = await snapshot(db);
    const slowHook = 'create or replace table main.hook_table as select a.range as r from range(200000) a, range(200000) b where a.range * b.range = -1';
    writeFileSync(join(dir, 'project.yml'), FILES['project.yml']!.replace(/^on-run-start: .*$/m, `on-run-start: ["create table if not exists main.audit (msg varchar, version varchar)", "${slowHook}"]`));
    const run = bmpAsync(['run', '--project-dir', dir, '--vars', '{version: v2}']);
    running.push(run);
    await waitFor(() => /Concurrency/.test(run.output()));
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toMatch(/^Interrupted: [^\n]*$/);
    expect(r.stdout).not.toMatch(/START/);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Result[] };
    expect(results.results.map((x) => x.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(await snapshot(db)).toEqual(before);
    expect(await query(db, "select count(*) as n from duckdb_tables() where table_name = 'hook_table'")).toEqual([{ n: 0 }]);
  });

  it('a signal while waiting for a locked database exits 130 at once, nothing built', async () => {
    const dir = builtProject();
    const db = join(dir, 'intr.duckdb');
    // another process holds the file; bmp waits for it (before any session exists)
    const code = `import { DuckDBInstance } from '@duckdb/node-api';
      const inst = await DuckDBInstance.create(process.env.DB); await inst.connect(); process.stdout.write('held\\n');
      setTimeout(() => {}, 60000);`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, env: { ...process.env, DB: db } });
    try {
      let held = '';
      holder.stdout.on('data', (d) => (held += d));
      await waitFor(() => held.includes('held'));
      const run = bmpAsync(['run', '--project-dir', dir, '--vars', '{version: v2}', '--wait-for-lock', '60']);
      running.push(run);
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = Date.now();
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.stdout).not.toMatch(/START/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    expect((await snapshot(db))['keep']!.every((x) => x['version'] === 'v1')).toBe(true);
  });
});

describe('commands with nothing to roll back', () => {
  it('show: the first Ctrl-C stops the query and exits 130 (process.exit alone would wait for it)', async () => {
    const dir = builtProject();
    const run = bmpAsync(['show', '--project-dir', dir, '--vars', '{version: v2}', '--inline', 'select count(*) as n from range(200000) a, range(200000) b where a.range * b.range = -1']);
    running.push(run);
    await new Promise((r) => setTimeout(r, 2500));
    expect(run.child.exitCode).toBe(null);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('compile: Ctrl-C during a long run_query exits 130 at once', async () => {
    const dir = builtProject();
    writeFileSync(join(dir, 'models/probe.sql'), "{% set r = run_query('select count(*) from range(200000) a, range(200000) b where a.range * b.range = -1') %}select 1 as x\n");
    const run = bmpAsync(['compile', '--project-dir', dir, '--vars', '{version: v2}']);
    running.push(run);
    await new Promise((r) => setTimeout(r, 2500));
    expect(run.child.exitCode).toBe(null);
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('SIGKILL at any moment', () => {
  // delays after the run starts: before the database opens, while quick models build, during the long CTAS
  for (const delayMs of [150, 600, 1200, 2000, 3500]) {
    it(`killed ${delayMs} ms in: every relation is whole (as before its build, or as built), the next run succeeds`, async () => {
      const dir = builtProject();
      const db = join(dir, 'intr.duckdb');
      const before = await snapshot(db);
      const run = startSlowRun(dir);
      await new Promise((r) => setTimeout(r, delayMs));
      run.child.kill('SIGKILL');
      const r = await run.done;
      expect(r.code).toBe(null);

      const after = await snapshot(db);
      // slow, slow2 (and what depends on them) never finish within the kill: exactly as before
      expect(after['slow']).toEqual(before['slow']);
      expect(after['slow2']).toEqual(before['slow2']);
      expect(after['zafter']).toEqual(before['zafter']);
      expect(after['zview']).toEqual(before['zview']);
      expect(after['audit']).toEqual(before['audit']);
      // keep is the old table or the new one, never a mix
      const versions = new Set(after['keep']!.map((x) => x['version']));
      expect(after['keep']).toHaveLength(10);
      expect(versions.size).toBe(1);
      expect(['v1', 'v2']).toContain([...versions][0]);

      const next = bmp(['run', '--project-dir', dir, '--vars', '{version: v3}']);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      const last = await snapshot(db);
      for (const t of ['keep', 'slow', 'slow2', 'zafter', 'zview']) expect(new Set(last[t]!.map((x) => x['version']))).toEqual(new Set(['v3']));
      expect(last['slow']).toHaveLength(5);
      expect(last['audit']).toEqual([...before['audit']!, { msg: 'slow started', version: 'v3' }]);
    });
  }
});
