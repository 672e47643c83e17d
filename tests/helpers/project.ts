/**
 * What the test suites share: the one temporary-project builder (a fixture copy and/or files, with a
 * generated project.yml and profiles.yml), the real CLI, and reads of a DuckDB file.
 * DuckDB and the library are imported on first use, so unit tests can import this file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BmpError } from '../../src/errors.js';
import type { NodeResult } from '../../src/report/index.js';
import type { RunCommand, RunOptions } from '../../src/tasks/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/bin.js');

export interface TempProjectOptions {
  /** Start from a copy of `tests/fixtures/<fixture>` (e.g. `basic`, `bad/cycle`) instead of a generated project.yml and profiles.yml. */
  readonly fixture?: string;
  /** Project and profile name of the generated files; the database is `<dir>/<name>.duckdb` (default `p`). */
  readonly name?: string;
  /** Threads of the generated profile (default 1). */
  readonly threads?: number;
}

export interface TempProject {
  readonly dir: string;
  /** `<dir>/<name>.duckdb`. */
  readonly db: string;
  /** Writes a file (path relative to the project folder), creating folders. */
  write(path: string, text: string): void;
  /** Runs a command in-process through the library (no CLI, no build). */
  run(command: RunCommand, opts?: RunOptions): Promise<{ exitCode: number; results: readonly NodeResult[]; byName: (name: string) => NodeResult }>;
  /** Rows of a query on {@link db} (opened and closed per call). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  runResults(): { results: { unique_id: string; status: string; failures: number | null; message: string }[] };
  /** Deletes the folder (a plain function: `cleanups.push(p.remove)` works). */
  remove(): void;
}

/**
 * A throw-away project in a fresh temp folder (each test gets its own DuckDB file): a copy of a
 * fixture, or a generated project.yml and profiles.yml for project `name`; then `files` (paths
 * relative to the project folder, which may replace the generated ones).
 *
 * @example
 * const p = tempProject({ 'models/a.sql': 'select 1 as x' }, { name: 'inc' });
 * await p.run('run'); await p.query('select * from main.a'); p.remove();
 */
export function tempProject(files: Readonly<Record<string, string>> = {}, opts: TempProjectOptions = {}): TempProject {
  const name = opts.name ?? 'p';
  const dir = mkdtempSync(join(tmpdir(), `bmp-${(opts.fixture ?? name).replaceAll('/', '-')}-`));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  if (opts.fixture !== undefined) {
    cpSync(join(ROOT, 'tests/fixtures', opts.fixture), dir, { recursive: true });
  } else {
    write('project.yml', `name: ${name}\nprofile: ${name}\nmodel-paths: [models]\nmacro-paths: [macros]\nseed-paths: [seeds]\ntest-paths: [tests]\nsnapshot-paths: [snapshots]\n`);
    write('profiles.yml', `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${name}.duckdb\n      threads: ${opts.threads ?? 1}\n`);
  }
  for (const [path, text] of Object.entries(files)) write(path, text);
  const db = join(dir, `${name}.duckdb`);
  return {
    dir,
    db,
    write,
    async run(command, runOpts = {}) {
      const { execute } = await import('../../src/tasks/index.js');
      const out = await execute(command, { projectDir: dir, ...runOpts });
      const byName = (n: string) => {
        const nodes = out.results.filter((r) => r.uniqueId.split('.')[2] === n || r.uniqueId.split('.').slice(2).join('.') === n);
        if (nodes.length !== 1) throw new Error(`${nodes.length} results named ${n}: ${out.results.map((r) => r.uniqueId).join(', ')}`);
        return nodes[0]!;
      };
      return { exitCode: out.exitCode, results: out.results, byName };
    },
    query: (sql) => query(db, sql),
    runResults: () => JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')),
    remove: () => removeDir(dir),
  };
}

/** A fresh copy of a fixture project (`tests/fixtures/<name>`) in a temp folder; returns the folder. */
export function copyFixture(name: string): string {
  return tempProject({}, { fixture: name }).dir;
}

/**
 * A fresh copy of the Biological Memory Pipeline (the repository's own project.yml, profiles.yml,
 * models, macros and tests/sql) in a temp folder named after `prefix`; returns the folder.
 */
export function copyPipeline(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const p of ['project.yml', 'profiles.yml', 'models', 'macros', 'tests/sql']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI synchronously. */
export function bmp(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the real CLI asynchronously (for signals and concurrency). */
export function bmpAsync(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** Reads rows from a DuckDB file (opened and closed per call so the CLI can take the lock). */
export async function query(dbPath: string, sql: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(dbPath);
  try {
    const conn = await inst.connect();
    const reader = await conn.runAndReadAll(sql);
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    conn.closeSync();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    inst.closeSync();
  }
}

/** The error loading the project fails with (its parse, its graph): the test fails if it loads. */
export async function loadError(project: TempProject): Promise<BmpError> {
  const { BmpError } = await import('../../src/errors.js');
  const { loadProject } = await import('../../src/tasks/index.js');
  try {
    await loadProject({ projectDir: project.dir });
  } catch (err) {
    if (err instanceof BmpError) return err;
    throw err;
  }
  throw new Error('expected the project to fail to load');
}
