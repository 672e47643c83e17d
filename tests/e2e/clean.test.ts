/**
 * `bmp clean` through the real CLI: it removes the clean-targets but never the profile's database
 * (nor its WAL), even when the database lies inside a clean target or is listed itself; it refuses
 * targets outside the project folder or holding the project's own sources (exit 2, nothing deleted).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, query, removeDir } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function project(dbPath: string, cleanTargets?: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-clean-'));
  dirs.push(dir);
  const files: Record<string, string> = {
    'project.yml': `name: cl\nprofile: cl\n${cleanTargets ? `clean-targets: ${cleanTargets}\n` : ''}`,
    'profiles.yml': `cl:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${dbPath}\n`,
    'models/m.sql': 'select 1 as id\n',
    'macros/x.sql': '{% macro x() %}1{% endmacro %}\n',
    ...extra,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const run = (dir: string, args: readonly string[]) => bmp([...args, '--project-dir', dir], { env: { HOME: dir, BMP_PROFILES_DIR: '', DBT_PROFILES_DIR: '' } });

describe('bmp clean keeps the database', () => {
  it('a database inside target/ stays (with its WAL); the rest of target/ goes', async () => {
    const dir = project('target/dev.duckdb');
    mkdirSync(join(dir, 'target'));
    expect(run(dir, ['run']).code).toBe(0);
    writeFileSync(join(dir, 'target/dev.duckdb.wal'), ''); // as a crashed run leaves it
    expect(existsSync(join(dir, 'target/manifest.json'))).toBe(true);
    const r = run(dir, ['clean']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Kept target\/dev\.duckdb and target\/dev\.duckdb\.wal: the profile's database is never cleaned$/m);
    expect(readdirSync(join(dir, 'target')).sort()).toEqual(['dev.duckdb', 'dev.duckdb.wal']);
    expect(await query(join(dir, 'target/dev.duckdb'), 'select id from main.m')).toEqual([{ id: 1 }]);
  });

  it('the database listed as a clean-target is kept, with a line saying so', async () => {
    const dir = project('dev.duckdb', '[target, dev.duckdb]');
    expect(run(dir, ['run']).code).toBe(0);
    const r = run(dir, ['clean']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Kept dev\.duckdb: the profile's database is never cleaned$/m);
    expect(r.stdout).toMatch(/^Removed target$/m);
    expect(existsSync(join(dir, 'target'))).toBe(false);
    expect(await query(join(dir, 'dev.duckdb'), 'select id from main.m')).toEqual([{ id: 1 }]);
  });
});

describe('bmp clean refuses dangerous targets (exit 2, nothing deleted)', () => {
  const cases: [string, string, RegExp][] = [
    ['a model path', '[target, models]', /^Usage Error \(project\.yml\): clean-target 'models' is the project's model-paths entry 'models'; refusing to delete it \[BMP_CLEAN_PROTECTED\]$/],
    ['a macro path', '[macros]', /^Usage Error \(project\.yml\): clean-target 'macros' is the project's macro-paths entry 'macros'; refusing to delete it \[BMP_CLEAN_PROTECTED\]$/],
    ['a folder holding a source path', '[src]', /^Usage Error \(project\.yml\): clean-target 'src' holds the project's model-paths entry 'src\/models'; refusing to delete it \[BMP_CLEAN_PROTECTED\]$/],
    ['the project folder', "['.']", /^Usage Error \(project\.yml\): clean-target '\.' is the project folder itself; refusing to delete it \[BMP_CLEAN_OUTSIDE\]$/],
    ['a folder outside the project', "['../elsewhere']", /^Usage Error \(project\.yml\): clean-target '\.\.\/elsewhere' is outside the project folder; refusing to delete it \[BMP_CLEAN_OUTSIDE\]$/],
  ];
  for (const [what, targets, message] of cases) {
    it(what, () => {
      const dir = project('dev.duckdb', targets, what.includes('source') ? { 'project.yml': `name: cl\nprofile: cl\nmodel-paths: [src/models]\nclean-targets: ${targets}\n`, 'src/models/m.sql': 'select 1 as id\n' } : {});
      mkdirSync(join(dir, 'target'), { recursive: true });
      writeFileSync(join(dir, 'target/keep.txt'), 'x');
      const r = run(dir, ['clean']);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(message)]);
      // refused before anything was deleted
      expect(existsSync(join(dir, 'target/keep.txt'))).toBe(true);
      expect(existsSync(join(dir, 'models/m.sql')) || existsSync(join(dir, 'src/models/m.sql'))).toBe(true);
      expect(existsSync(join(dir, 'macros/x.sql'))).toBe(true);
    });
  }
});
