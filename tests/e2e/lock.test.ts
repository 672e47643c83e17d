/**
 * DuckDB allows one writing process per file. When another process holds it, bmp says which one in one
 * line and exits 2 without touching anything; `--wait-for-lock SECONDS` waits for the holder instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, bmpAsync, query, removeDir, ROOT, type CliResult } from '../helpers/project.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) removeDir(d);
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-lock-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'project.yml'), 'name: locks\nprofile: locks\nmodels:\n  locks:\n    +materialized: table\n');
  writeFileSync(join(dir, 'profiles.yml'), 'locks:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: locks.duckdb\n      threads: 1\n');
  writeFileSync(join(dir, 'models/orders.sql'), 'select range as id from range(3)\n');
  // long only when asked: a second bmp can hold the file while this runs
  writeFileSync(join(dir, 'models/slow.sql'), "{% if var('slow', false) %}select count(*) as n from range(100000) a, range(100000) b{% else %}select 1 as n{% endif %}\n");
  return dir;
}

/** A plain @duckdb/node-api process that opens the file, says `held`, and lets go after `holdMs` (or when killed). */
async function holdDatabase(path: string, holdMs: number): Promise<{ child: ChildProcess; released: Promise<void> }> {
  const code = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const inst = await DuckDBInstance.create(process.env.DB);
    const conn = await inst.connect();
    await conn.run('create table if not exists holder_was_here as select 1 as x');
    process.stdout.write('held\\n');
    setTimeout(() => { conn.closeSync(); inst.closeSync(); process.stdout.write('released\\n'); }, Number(process.env.HOLD_MS));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, env: { ...process.env, DB: path, HOLD_MS: String(holdMs) } });
  children.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('held')) resolve();
    });
    child.on('exit', () => reject(new Error(`holder exited early: ${out}`)));
  });
  const released = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, released };
}

const oneLine = (r: CliResult) => r.stderr.split('\n').filter(Boolean);

describe('a locked database', () => {
  it('held by another process: one line naming the process, exit 2, nothing built', async () => {
    const dir = project();
    const db = join(dir, 'locks.duckdb');
    const holder = await holdDatabase(db, 60_000);
    for (const cmd of ['run', 'build', 'seed', 'compile']) {
      const r = bmp([cmd, '--project-dir', dir]);
      expect(r.code, `${cmd}: ${r.stdout}${r.stderr}`).toBe(2);
      const lines = oneLine(r);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Database Error \(.*locks\.duckdb\): database .*locks\.duckdb is locked by process (\d+) .*\(wait for it to finish, or pass --wait-for-lock SECONDS\) \[BMP_DB_LOCKED\]$/);
      expect(Number(/process (\d+)/.exec(lines[0]!)![1])).toBe(holder.child.pid);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
    holder.child.kill('SIGTERM');
    await holder.released;
    expect(await query(db, "select table_name from duckdb_tables() order by 1")).toEqual([{ table_name: 'holder_was_here' }]);
  });

  it('held by a second bmp: the second says so and exits 2; the first is unaffected', async () => {
    const dir = project();
    const first = bmpAsync(['run', '--project-dir', dir, '--vars', '{slow: true}']);
    children.push(first.child);
    await waitFor(() => /START sql table model main\.slow/.test(first.output()), 30_000);
    const second = bmp(['run', '--project-dir', dir]);
    expect(second.code).toBe(2);
    expect(oneLine(second)).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`database .*locks\\.duckdb is locked by process ${first.child.pid} `));
    first.child.kill('SIGINT');
    const r = await first.done;
    expect(r.code).toBe(130);
    // the first run's finished model is there; the second run left no trace
    expect(await query(join(dir, 'locks.duckdb'), 'select count(*) as n from main.orders')).toEqual([{ n: 3 }]);
  });

  it('--wait-for-lock waits for the holder to let go, then runs', async () => {
    const dir = project();
    const db = join(dir, 'locks.duckdb');
    const holder = await holdDatabase(db, 2500);
    const t0 = Date.now();
    const r = await bmpAsync(['run', '--project-dir', dir, '--wait-for-lock', '60']).done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(Date.now() - t0).toBeGreaterThan(1500);
    await holder.released;
    expect(await query(db, 'select count(*) as n from main.orders')).toEqual([{ n: 3 }]);
  });

  it('--wait-for-lock gives up after its time and says it waited', async () => {
    const dir = project();
    const holder = await holdDatabase(join(dir, 'locks.duckdb'), 60_000);
    const t0 = Date.now();
    const r = await bmpAsync(['run', '--project-dir', dir, '--wait-for-lock', '2']).done;
    const waited = Date.now() - t0;
    expect(r.code).toBe(2);
    expect(oneLine(r)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`is locked by process ${holder.child.pid} .*\\(still, after waiting 2s\\).*\\[BMP_DB_LOCKED\\]`));
    expect(waited).toBeGreaterThan(1900);
    expect(waited).toBeLessThan(20_000);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
