/**
 * Clear messages for bad input and unusual files, through the real CLI: each case either works as a
 * dbt user expects or stops with one located line and the exit code INTERFACE.md gives.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, query, removeDir, type CliResult } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function project(files: Record<string, string> = {}, dbPath = 'p.duckdb'): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-msg-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'project.yml': 'name: p\nprofile: p\nmodels:\n  p:\n    +materialized: table\n',
    'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${dbPath}\n`,
    'models/base.sql': 'select 1 as id, 2 as amount\n',
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const run = (dir: string, args: readonly string[]): CliResult => bmp([...args, '--project-dir', dir], { env: { HOME: dir, BMP_PROFILES_DIR: '', DBT_PROFILES_DIR: '' } });
const oneLine = (r: CliResult) => r.stderr.split('\n').filter(Boolean);

describe('12: the database path may name folders that do not exist yet', () => {
  it('path: data/nested/dev.duckdb on a fresh clone: created with its folders', async () => {
    const dir = project({}, 'data/nested/dev.duckdb');
    const r = run(dir, ['run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await query(join(dir, 'data/nested/dev.duckdb'), 'select id from main.base')).toEqual([{ id: 1 }]);
  });

  it('compile (read-only) creates no folder for it', () => {
    const dir = project({}, 'data/nested/dev.duckdb');
    expect(run(dir, ['compile']).code).toBe(0);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});

describe('14: --resource-type', () => {
  it('a type matching nothing selects nothing, for ls and for run', () => {
    const dir = project({ 'seeds/s.csv': 'id\n1\n' });
    const ls = run(dir, ['ls', '--resource-type', 'snapshot']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toBe('');
    // dbt's NoNodesSelected warning, on stderr (stdout keeps the list alone)
    expect(ls.stderr).toMatch(/No nodes selected!/);
    const r = run(dir, ['run', '--resource-type', 'seed']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/TOTAL=0/);
    expect(existsSync(join(dir, 'p.duckdb')) ? r.stdout : '').not.toMatch(/START/);
    const seeds = run(dir, ['ls', '--resource-type', 'seed', '--resource-type', 'model']);
    expect(seeds.stdout.trim().split('\n').sort()).toEqual(['p.base', 'p.s']);
  });

  it('an unknown type is a usage error with a suggestion (exit 2)', () => {
    const dir = project();
    const r = run(dir, ['ls', '--resource-type', 'modle']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual(["Usage Error: unknown resource type 'modle' (did you mean 'model'?) [BMP_CLI_ARGUMENT]"]);
    const bogus = run(dir, ['run', '--resource-type', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(oneLine(bogus)).toEqual([expect.stringMatching(/^Usage Error: unknown resource type 'bogus' \(one of model, seed, snapshot, test, unit_test, source, analysis, .*\) \[BMP_CLI_ARGUMENT\]$/)]);
  });
});

describe('15: DuckDB errors keep their details', () => {
  it("LINE n, the caret and 'Candidate bindings' are shown, indented under the one-line summary", () => {
    const dir = project({ 'models/bad.sql': "select amont\nfrom {{ ref('base') }}\n" });
    const r = run(dir, ['run']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d {2}/, ''));
    const at = lines.findIndex((l) => /^ {2}Binder Error: Referenced column "amont" not found in FROM clause!$/.test(l));
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^Database Error in model bad \(target\/compiled\/p\/models\/bad\.sql\)$/);
    // blank lines dropped; the caret keeps its column under the indented LINE
    expect(lines.slice(at + 1, at + 4)).toEqual(['    Candidate bindings: "amount"', '    LINE 2: select amont', expect.stringMatching(/^ {4} {15}\^$/)]);
    // run_results keeps DuckDB's whole message, laid out the same way
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; message: string }[] };
    expect(results.results.find((x) => x.unique_id === 'model.p.bad')!.message).toMatch(/^Binder Error: .*\n {4}Candidate bindings: "amount"\n {4}LINE 2: select amont\n {4} +\^$/);
  });
});

describe('16: files and arguments', () => {
  it('symlinked model files and folders are followed; a symlink loop is not', async () => {
    const dir = project({ 'shared/linked_model.sql': 'select 3 as id\n', 'shared/more/deep.sql': "select * from {{ ref('linked_model') }}\n" });
    symlinkSync(join(dir, 'shared/linked_model.sql'), join(dir, 'models/linked_model.sql'));
    symlinkSync(join(dir, 'shared/more'), join(dir, 'models/more'));
    symlinkSync(join(dir, 'models'), join(dir, 'models/more/loop')); // a cycle back to models/
    const r = run(dir, ['run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Found 3 models/);
    expect(await query(join(dir, 'p.duckdb'), 'select id from main.deep')).toEqual([{ id: 3 }]);
  });

  it("generic tests honour a column's quote: true", () => {
    const dir = project({
      'models/base.sql': 'select 1 as "Order Id"\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: base\n    columns:\n      - name: Order Id\n        quote: true\n        data_tests: [not_null, unique]\n',
    });
    const r = run(dir, ['build']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS=3 /);
  });

  it('a latin-1 seed says it is not UTF-8 and names the line; an empty seed is an error, not a table `column0`', async () => {
    const dir = project({ 'seeds/empty.csv': '' });
    writeFileSync(join(dir, 'seeds/latin.csv'), Buffer.concat([Buffer.from('id,name\n1,plain\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const r = run(dir, ['seed']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Parsing Error in seed latin \(seeds\/latin\.csv:3\)\n.* {2}seeds\/latin\.csv is not UTF-8: line 3 holds a byte sequence that is not UTF-8 \(save the file as UTF-8\)/);
    expect(r.stdout).toMatch(/Parsing Error in seed empty \(seeds\/empty\.csv\)\n.* {2}seeds\/empty\.csv is empty: a seed needs a header row/);
    expect(await query(join(dir, 'p.duckdb'), "select count(*) as n from duckdb_tables() where table_name in ('empty', 'latin')")).toEqual([{ n: 0 }]);
  });

  it('show --inline with bad SQL: one summary line plus its details, exit 1, no Internal Error', () => {
    const dir = project();
    expect(run(dir, ['run']).code).toBe(0);
    const r = run(dir, ['show', '--inline', 'selec 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/Internal Error|^\s+at /m);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toBe('Database Error in sql_operation inline: Parser Error: syntax error at or near "1" [BMP_SQL_ERROR]');
    expect(lines.slice(1)).toEqual(['  LINE 2: selec 1', expect.stringMatching(/^ {2} {14}\^$/)]);
  });

  const usage: [string, string[], RegExp][] = [
    ['--threads 0 is the argument, not profiles.yml', ['run', '--threads', '0'], /^Usage Error: --threads must be a positive integer, got '0' \[BMP_CLI_ARGUMENT\]$/],
    ['--limit abc', ['show', '-s', 'base', '--limit', 'abc'], /^Usage Error: --limit must be an integer \(-1 for all rows\), got 'abc' \[BMP_CLI_ARGUMENT\]$/],
    ['docs serve --port 99999', ['docs', 'serve', '--port', '99999'], /^Usage Error: --port must be a port number from 0 to 65535, got '99999' \[BMP_CLI_ARGUMENT\]$/],
    // commander's own parse errors get the same one-line form (its suggestion folded onto the line)
    ['an unknown option', ['run', '--bogus'], /^Usage Error: unknown option '--bogus' \[BMP_CLI_ARGUMENT\]$/],
    ['a misspelt option', ['run', '--full-refrsh'], /^Usage Error: unknown option '--full-refrsh' \(did you mean '--full-refresh'\?\) \[BMP_CLI_ARGUMENT\]$/],
    ['a misspelt command', ['runn'], /^Usage Error: unknown command 'runn' \(did you mean 'run'\?\) \[BMP_CLI_ARGUMENT\]$/],
  ];
  for (const [what, args, message] of usage) {
    it(`${what}: one line, exit 2`, () => {
      const dir = project();
      const r = run(dir, args);
      expect(r.code).toBe(2);
      expect(oneLine(r)).toEqual([expect.stringMatching(message)]);
      expect(existsSync(join(dir, 'p.duckdb'))).toBe(false);
    });
  }

  it("init '' refuses instead of writing into the current folder", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bmp-init-'));
    dirs.push(cwd);
    const r = bmp(['init', ''], { cwd });
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual(['Usage Error: the project name is empty (bmp init NAME creates the folder NAME) [BMP_CLI_ARGUMENT]']);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('bmp debug fails when the profile settings would make the first open fail', () => {
    const dir = project({ 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: p.duckdb\n      settings: { memory_limt: 1GB }\n' });
    const r = run(dir, ['debug']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/connection: FAILED: .*memory_limt/);
    expect(r.stdout).toMatch(/Some checks failed\./);
    expect(existsSync(join(dir, 'p.duckdb'))).toBe(false);
  });

  it('a SQLite file at the database path is named as such', () => {
    const dir = project();
    // the 16-byte header every SQLite 3 database starts with, then a page of zeros
    writeFileSync(join(dir, 'p.duckdb'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080)]));
    const r = run(dir, ['run']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual([expect.stringMatching(/^Database Error \(.*p\.duckdb\): .*p\.duckdb is a SQLite database, not a DuckDB one .*\[BMP_DB_OPEN\]$/)]);
  });

  it('a 10,000-model cycle prints a short line: the first and last few names and the length', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) files[`models/m${i}.sql`] = `select * from {{ ref('m${(i + 1) % 10_000}') }}\n`;
    const dir = project(files);
    const r = run(dir, ['ls']);
    expect(r.code).toBe(2);
    const [line] = oneLine(r);
    expect(line!.length).toBeLessThan(400);
    expect(line).toMatch(/found a cycle of 10000 nodes: \w+ -> \w+ -> \w+ -> \w+ -> \w+ -> \.\.\. \(9990 more\) -> \w+ -> \w+ -> \w+ -> \w+ -> \w+ -> \w+ \[BMP_GRAPH_CYCLE\]$/);
  });
});

describe('17: a ref the parse could not see', () => {
  it('ref() inside {% if execute %} is an error naming the depends_on hint, as in dbt; with the hint the model runs after its parent', () => {
    const dir = project({ 'models/late.sql': "select 1 as x {% if execute %} union all select id from {{ ref('base') }} {% endif %}\n" });
    const r = run(dir, ['run']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/model 'late' calls ref\('base'\) where the parse could not see it .*-- depends_on: \{\{ ref\('base'\) \}\}/);
    writeFileSync(join(dir, 'models/late.sql'), "-- depends_on: {{ ref('base') }}\nselect 1 as x {% if execute %} union all select id from {{ ref('base') }} {% endif %}\n");
    const ok = run(dir, ['run']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    // a hook's ref() is not a parse-time dependency and needs no hint
    writeFileSync(join(dir, 'models/hooked.sql'), "{{ config(post_hook=\"insert into {{ ref('base') }} select 3, 4\") }}\nselect 1 as x\n");
    const hooked = run(dir, ['run', '-s', 'hooked']);
    expect(hooked.code, hooked.stdout + hooked.stderr).toBe(0);
  });
});

describe('18: tests and data_tests together', () => {
  it("a column with both 'tests' and 'data_tests' is refused, located, as dbt refuses it", () => {
    const dir = project({ 'models/props.yml': 'version: 2\nmodels:\n  - name: base\n    columns:\n      - name: id\n        tests: [not_null]\n        data_tests: [unique]\n' });
    const r = run(dir, ['ls']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toEqual([expect.stringMatching(/^Parsing Error \(models\/props\.yml:7:\d+\): cannot have both 'tests' and 'data_tests' defined .*\[BMP_PROPERTIES_INVALID\]$/)]);
  });
});
