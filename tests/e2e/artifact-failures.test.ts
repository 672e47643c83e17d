/**
 * target/ that cannot be written. Checked before the first statement: a read-only target folder or
 * project stops the command with one line and exit 2, the database untouched. A disk that fills up
 * after the build is a failure of the run (exit 1) that names what was built, removes its temp files
 * and leaves no stale run_results.json; so is a final checkpoint that cannot update the database
 * file. A full disk under an external model's files leaves no staging folder. The file systems are real: a tmpfs mounted read-only or
 * nearly full, in a private mount namespace of the test's own (`unshare -m`, root only), so nothing
 * outlives the test.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, bmp, query, removeDir } from '../helpers/project.js';

const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs /mnt'], { encoding: 'utf8' }).status === 0;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-artifacts-'));
  dirs.push(dir);
  const files: Record<string, string> = {
    'project.yml': 'name: art\nprofile: art\nmodels:\n  art:\n    +materialized: table\n',
    'profiles.yml': 'art:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: art.duckdb\n',
    // 24 KB of compiled SQL: run_results.json and target/compiled need room
    'models/wide.sql': `select 1 as id -- ${'x'.repeat(24 * 1024)}\n`,
    'models/narrow.sql': "select id, 'v{{ var(\"v\", 1) }}' as v from {{ ref('wide') }}\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Runs `setup` (shell, as root) then the CLI, in a private mount namespace; the CLI's output and what `after` printed. */
function inNamespace(setup: string, args: readonly string[], after = ''): { code: number; out: string; err: string; after: string } {
  const script = `set -e\n${setup}\nset +e\n"${process.execPath}" "${BIN}" ${args.map((a) => `'${a}'`).join(' ')} > "$OUT" 2> "$ERR"\ncode=$?\n${after}\nexit $code`;
  const scratch = mkdtempSync(join(tmpdir(), 'bmp-ns-'));
  dirs.push(scratch);
  const env = { ...process.env, NO_COLOR: '1', OUT: join(scratch, 'out'), ERR: join(scratch, 'err') };
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', env });
  return { code: r.status ?? -1, out: readFileSync(env.OUT, 'utf8'), err: readFileSync(env.ERR, 'utf8'), after: r.stdout + r.stderr };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(!canMount)('target/ that cannot be written', () => {
  it('a read-only target folder: exit 2 before the first statement, one line, the database untouched', () => {
    const dir = project();
    expect(bmp(['run', '--project-dir', dir]).code).toBe(0);
    const db = join(dir, 'art.duckdb');
    const before = sha256(db);
    const r = inNamespace(`mount -t tmpfs -o ro,size=64k tmpfs "${dir}/target"`, ['run', '--project-dir', dir, '--vars', '{v: 2}']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^Config Error \(project\.yml\): cannot write to the target folder 'target': EROFS: read-only file system.* \[BMP_TARGET_NOT_WRITABLE\]$/)]);
    expect(r.out).not.toMatch(/START/);
    expect(sha256(db)).toBe(before);
    expect(existsSync(`${db}.wal`)).toBe(false);
  });

  it('a read-only project folder: exit 2, one line, nothing changed', () => {
    const dir = project();
    expect(bmp(['run', '--project-dir', dir]).code).toBe(0);
    const db = join(dir, 'art.duckdb');
    const before = sha256(db);
    const r = inNamespace(`mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}"`, ['run', '--project-dir', dir, '--vars', '{v: 2}']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^Config Error \(project\.yml\): cannot write to the target folder 'target': EROFS: .*\[BMP_TARGET_NOT_WRITABLE\]$/)]);
    expect(sha256(db)).toBe(before);
  });

  it('a disk that fills up after the build: exit 1 naming what was built, no temp files, no stale run_results.json', async () => {
    const dir = project();
    const db = join(dir, 'art.duckdb');
    // target/ on a 256 KB tmpfs holding an old run_results.json and a filler that leaves 12 KB
    const setup = [
      `mkdir -p "${dir}/target"`,
      `mount -t tmpfs -o size=256k tmpfs "${dir}/target"`,
      `echo '{"stale": true}' > "${dir}/target/run_results.json"`,
      `head -c ${256 * 1024 - 16 * 1024} /dev/zero > "${dir}/target/filler"`,
    ].join('\n');
    const r = inNamespace(setup, ['run', '--project-dir', dir], `ls -A "${dir}/target"`);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/OK created sql table model main\.wide/);
    expect(r.out).toMatch(/OK created sql table model main\.narrow/);
    expect(r.out).toMatch(/^.*Error: the run's artifacts could not be written under target\/: ENOSPC: no space left on device.*; the database holds what this run built: model\.art\.wide, model\.art\.narrow$/m);
    expect(r.out).not.toMatch(/Internal Error|Completed successfully|^\s+at /m);
    // what is left in target/: no temp files, no stale results
    const left = r.after.split('\n').filter(Boolean);
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(left).not.toContain('run_results.json');
    // the database has the build
    expect(await query(db, 'select v from main.narrow')).toEqual([{ v: 'v1' }]);
  });

  it('a final checkpoint that fails (the database disk full): exit 1 saying the changes are in the WAL, not "Completed successfully"', async () => {
    const dir = project();
    writeFileSync(join(dir, 'models/wide.sql'), 'select 1 as id\n');
    writeFileSync(join(dir, 'models/narrow.sql'), "{{ config(materialized='incremental') }}\nselect range + {{ var('off', 0) }} as id, md5(range::varchar) as payload from range({{ var('n', 10) }})\n");
    writeFileSync(join(dir, 'profiles.yml'), 'art:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: db/art.duckdb\n');
    mkdirSync(join(dir, 'db'));
    // the database on a 40 MB tmpfs: a first run, then a filler leaving 5 MB, enough for the WAL of
    // 100,000 appended rows but not for the checkpoint that writes them into the file
    const setup = [
      `mount -t tmpfs -o size=40m tmpfs "${dir}/db"`,
      `"${process.execPath}" "${BIN}" run --project-dir "${dir}" > /dev/null`,
      `used=$(du -k "${dir}/db" | cut -f1)`,
      `head -c $(( (40960 - used - 5000) * 1024 )) /dev/zero > "${dir}/db/filler"`,
    ].join('\n');
    const after = `ls -A "${dir}/db"; rm "${dir}/db/filler"; "${process.execPath}" "${BIN}" run --project-dir "${dir}" -s wide > /dev/null; echo "next=$?"; ls -A "${dir}/db"; "${process.execPath}" "${BIN}" show --project-dir "${dir}" --inline 'select count(*) as n from narrow'`;
    const r = inNamespace(setup, ['run', '--project-dir', dir, '--vars', '{n: 100000, off: 10}'], after);
    expect(r.code, r.out + r.err + r.after).toBe(1);
    expect(r.out).toMatch(/OK created sql incremental model main\.narrow/);
    expect(r.out).toMatch(/Error: the database file could not be updated at the end of the run \(checkpoint failed: .*\); the changes this run committed are kept in .*art\.duckdb\.wal \([\d.]+ MB\), which DuckDB applies the next time it opens the database/);
    expect(r.out).not.toMatch(/Completed successfully/);
    expect(r.after.split('\n')).toContain('art.duckdb.wal');
    // with room again, the next open applies the WAL: every row is there
    expect(r.after).toMatch(/next=0/);
    expect(r.after).toMatch(/\| 100010 \|/);
  });

  it('a full disk under an external model: the node fails, no staging folder is left behind', () => {
    const dir = project();
    writeFileSync(join(dir, 'models/wide.sql'), "{{ config(materialized='external', location='out/wide', partition_by={'field': 'created_at', 'granularity': 'day'}) }}\nselect range as id, md5(range::varchar) as payload, timestamp '2024-01-01' + to_hours(range % 240) as created_at from range(200000)\n");
    writeFileSync(join(dir, 'models/narrow.sql'), 'select 1 as id\n');
    mkdirSync(join(dir, 'out'));
    const r = inNamespace(`mount -t tmpfs -o size=256k tmpfs "${dir}/out"`, ['run', '--project-dir', dir], `ls -A "${dir}/out"; echo listed`);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/ERROR creating sql external model main\.wide/);
    expect(r.out).toMatch(/OK created sql table model main\.narrow/);
    expect(r.after.trim()).toBe('listed');
  });
});
