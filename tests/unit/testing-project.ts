/** A throw-away project for the testing suites: files written under a temp folder, run in-process. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Database } from '../../src/adapters/duckdb/index.js';
import type { NodeResult } from '../../src/report/index.js';
import { execute, type RunCommand, type RunOptions } from '../../src/tasks/index.js';

export interface TempProject {
  readonly dir: string;
  readonly db: string;
  write(path: string, text: string): void;
  run(command: RunCommand, opts?: RunOptions): Promise<{ exitCode: number; results: readonly NodeResult[]; byName: (name: string) => NodeResult }>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  runResults(): { results: { unique_id: string; status: string; failures: number | null; message: string }[] };
  remove(): void;
}

const PROFILE = `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: p.duckdb\n      threads: 2\n`;

/** A project named `p` with the given files (paths relative to the project folder). */
export function tempProject(files: Readonly<Record<string, string>>): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-testing-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('profiles.yml', PROFILE);
  write('project.yml', 'name: p\nprofile: p\nmodel-paths: [models]\nmacro-paths: [macros]\nseed-paths: [seeds]\ntest-paths: [tests]\n');
  for (const [path, text] of Object.entries(files)) write(path, text);
  const db = join(dir, 'p.duckdb');
  return {
    dir,
    db,
    write,
    async run(command, opts = {}) {
      const out = await execute(command, { projectDir: dir, ...opts });
      const byName = (name: string) => {
        const nodes = out.results.filter((r) => r.uniqueId.split('.')[2] === name || r.uniqueId.split('.').slice(2).join('.') === name);
        if (nodes.length !== 1) throw new Error(`${nodes.length} results named ${name}: ${out.results.map((r) => r.uniqueId).join(', ')}`);
        return nodes[0]!;
      };
      return { exitCode: out.exitCode, results: out.results, byName };
    },
    async query(sql) {
      const database = await Database.open({ path: db, readOnly: true });
      try {
        const conn = await database.connect();
        return (await conn.rows(sql)).map((r) => ({ ...r }));
      } finally {
        database.close();
      }
    },
    runResults() {
      return JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
