/**
 * The bad-input corpus: one minimal project per defect under tests/fixtures/bad/<case>, each run
 * through the real CLI. A command that cannot start prints one located line on stderr (no stack
 * trace), exits 2 and leaves the database file byte for byte as it was; a node that fails exits 1
 * after building what does not depend on it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir, ROOT, type CliResult } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

/** A fresh copy of tests/fixtures/bad/<name> in a temp folder. */
function fixture(name: string): string {
  const dir = copyFixture(`bad/${name}`);
  dirs.push(dir);
  return dir;
}

/** Profiles are looked up in the project, then ~/.bmp and ~/.dbt: make that lookup not depend on the machine. */
function run(dir: string, args: readonly string[], env: Record<string, string> = {}): CliResult {
  return bmp([...args, '--project-dir', dir], { env: { HOME: dir, BMP_PROFILES_DIR: '', DBT_PROFILES_DIR: '', ...env } });
}

/** A database built before the bad run, so "unchanged" means something: a table, a view, a schema. */
async function seedDatabase(path: string): Promise<void> {
  const inst = await DuckDBInstance.create(path);
  try {
    const conn = await inst.connect();
    await conn.run('create table main.orders as select range as id from range(3)');
    await conn.run('create view main.previous as select * from main.orders');
    await conn.run('create schema audit');
    await conn.run('checkpoint');
    conn.closeSync();
  } finally {
    inst.closeSync();
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

interface Exit2Case {
  /** Fixture folder under tests/fixtures/bad. */
  readonly name: string;
  /** The whole stderr line: kind, location, message, hint, code. */
  readonly message: RegExp;
  readonly args?: readonly string[];
}

const exit2: readonly Exit2Case[] = [
  // YAML syntax: file:line:col, at the opening of an unclosed value
  { name: 'yaml-syntax-project', message: /^Config Error \(project\.yml:5:20\): invalid YAML: Nested mappings are not allowed in compact mappings \[BMP_YAML_SYNTAX\]$/ },
  { name: 'yaml-syntax-properties', message: /^Config Error \(models\/schema\.yml:4:18\): invalid YAML: Missing closing 'quote \[BMP_YAML_SYNTAX\]$/ },
  // an alias bomb (a billion laughs): bounded as --vars is, located at the alias that expands
  { name: 'yaml-alias-bomb', message: /^Config Error \(models\/schema\.yml:7:14\): invalid YAML: its aliases expand to more than 1,000,000 values \(an alias bomb\?\) \[BMP_YAML_ALIAS_LIMIT\]$/ },
  { name: 'yaml-syntax-profiles', message: /^Config Error \(profiles\.yml:6:13\): invalid YAML: Flow sequence .* end with a \] \[BMP_YAML_SYNTAX\]$/ },
  // unknown or misspelled keys, with a suggestion
  { name: 'unknown-project-key', message: /^Config Error \(project\.yml:3:1\): unknown key 'model-path' \(did you mean 'model-paths'\?\) \[BMP_PROJECT_UNKNOWN_KEY\]$/ },
  { name: 'misspelled-config-project', message: /^Config Error \(project\.yml:5:5\): unknown config '\+materialised' under 'models' \(did you mean '\+materialized'\?\) \[BMP_CONFIG_UNKNOWN_KEY\]$/ },
  { name: 'misspelled-config-properties', message: /^Config Error \(models\/schema\.yml:6:7\): unknown config 'uniqe_key' \(did you mean 'unique_key'\?\) \[BMP_CONFIG_UNKNOWN_KEY\]$/ },
  { name: 'misspelled-config-model', message: /^Config Error in model orders \(models\/orders\.sql:4\): unknown config 'materialised' \(did you mean 'materialized'\?\) \[BMP_CONFIG_UNKNOWN_KEY\]$/ },
  { name: 'misspelled-property-key', message: /^Parsing Error \(models\/schema\.yml:7:9\): unknown key 'data_test' in column 'id' of 'orders' \(did you mean 'data_tests'\?\) \[BMP_PROPERTIES_UNKNOWN_KEY\]$/ },
  { name: 'unknown-materialization', message: /^Config Error in model orders \(models\/orders\.sql\): unknown materialization 'tabel' \(did you mean 'table'\?\) \[BMP_MATERIALIZATION_UNKNOWN\]$/ },
  // wrong value types
  { name: 'wrong-type-project', message: /^Config Error \(project\.yml:5:5\): config 'enabled' must be true or false, got "yes" \[BMP_CONFIG_INVALID_VALUE\]$/ },
  { name: 'wrong-type-properties', message: /^Config Error \(models\/schema\.yml:5:7\): config 'tags' must be a string or a list of strings, got \{"nightly":true\} \[BMP_CONFIG_INVALID_VALUE\]$/ },
  { name: 'wrong-type-model', message: /^Config Error in model orders \(models\/orders\.sql:2\): config 'on_schema_change' must be one of .*, got "sync_all_column" \(did you mean 'sync_all_columns'\?\) \[BMP_CONFIG_INVALID_VALUE\]$/ },
  { name: 'wrong-type-profile', message: /^Config Error \(profiles\.yml:7:16\): 'threads' must be a positive integer, got "many" \[BMP_PROFILE_INVALID\]$/ },
  // profile and target
  { name: 'missing-profile', message: /^Config Error \(profiles\.yml\): profile 'bda_profile' not found in profiles\.yml \(did you mean 'bad_profile'\?\) \[BMP_PROFILE_NOT_FOUND\]$/ },
  { name: 'missing-profiles-file', message: /^Config Error: no profiles\.yml found \(looked in .*\) \(create profiles\.yml in the project folder or pass --profiles-dir\) \[BMP_PROFILE_NOT_FOUND\]$/ },
  { name: 'missing-target', message: /^Config Error \(profiles\.yml:3:3\): target 'prod' not found in profile 'bad' \(targets: dev\) \[BMP_TARGET_NOT_FOUND\]$/ },
  // graph
  { name: 'cycle', message: /^Graph Error in model \w+ \(models\/\w+\.sql\): found a cycle: (customers -> payments -> orders -> customers|orders -> customers -> payments -> orders|payments -> orders -> customers -> payments) \[BMP_GRAPH_CYCLE\]$/ },
  { name: 'missing-ref', message: /^Compilation Error in model orders \(models\/orders\.sql:3\): model 'orders' depends on 'stg_order', which was not found \(did you mean 'stg_orders'\?\) \[BMP_REF_UNDEFINED\]$/ },
  { name: 'missing-source', message: /^Compilation Error in model orders \(models\/orders\.sql:2\): model 'orders' depends on source 'raw\.order', which was not found \(did you mean 'raw\.orders'\?\) \[BMP_SOURCE_UNDEFINED\]$/ },
  // templates and macros
  { name: 'template-syntax', message: /^Compilation Error in model orders \(models\/orders\.sql:3:\d+\): unexpected end of template: 'if' at line 3 is never closed \(expected 'elif' or 'else' or 'endif'\) \[BMP_TEMPLATE_SYNTAX\]$/ },
  { name: 'template-syntax-expression', message: /^Compilation Error in model orders \(models\/orders\.sql:3:24\): unexpected '}', expected '\)' \[BMP_TEMPLATE_SYNTAX\]$/ },
  { name: 'macro-wrong-args', message: /^Compilation Error in model orders \(models\/orders\.sql:2:\d+\): macro 'cents' \(macros\/cents\.sql:1\) takes at most 1 argument\(s\) \(column\), got 2 \[BMP_MACRO_ARGS\]$/ },
  { name: 'macro-unknown-kwarg', message: /^Compilation Error in model orders \(models\/orders\.sql:2:\d+\): macro 'cents' \(macros\/cents\.sql:1\) has no argument 'scal' \(arguments: column, scale\) \(did you mean 'scale'\?\) \[BMP_MACRO_ARGS\]$/ },
  { name: 'missing-var', message: /^Compilation Error in model orders \(models\/orders\.sql:3\): required var 'start_dat' not found in project\.yml vars or --vars \(did you mean 'start_date'\?\) \[BMP_VAR_UNDEFINED\]$/ },
  { name: 'missing-env-var', message: /^Config Error in model orders \(models\/orders\.sql:2\): env var required but not provided: 'BMP_TEST_SURELY_UNSET' \[BMP_ENV_VAR_MISSING\]$/ },
  // templates that would exhaust memory: bounded, located
  { name: 'range-too-large', message: /^Compilation Error in model orders \(models\/orders\.sql:2(:\d+)?\): range\(\) would produce 1000000000 items; at most 100000 are allowed \[BMP_TEMPLATE_LIMIT\]$/ },
  { name: 'range-total-too-large', message: /^Compilation Error in model orders \(models\/orders\.sql:3(:\d+)?\): the loops of this template run range\(\) for more than 1000000 items in all \[BMP_TEMPLATE_LIMIT\]$/ },
  { name: 'template-output-too-large', message: /^Compilation Error in model orders \(models\/orders\.sql(:\d+)*\): the rendered template is larger than 50,000,000 characters \[BMP_TEMPLATE_LIMIT\]$/ },
  // duplicates
  { name: 'duplicate-model', message: /^Parsing Error in model orders \(models\/(staging|marts)\/orders\.sql\): two resources are named 'orders': models\/(marts|staging)\/orders\.sql and models\/(staging|marts)\/orders\.sql .*\[BMP_DUPLICATE_NODE\]$/ },
  // two nodes writing one relation, compared as DuckDB resolves names (case-insensitive); dbt names both files
  { name: 'relation-collision-case', message: /^Parsing Error in model \w+ \(models\/(Upper|upper)\.sql\): two resources would write the relation main\.upper: model\.bad\.(Upper|upper) \(models\/(Upper|upper)\.sql\) and model\.bad\.(Upper|upper) \(models\/(Upper|upper)\.sql\) \(change the alias or schema of one of them\) \[BMP_RELATION_COLLISION\]$/ },
  { name: 'relation-collision-alias', message: /^Parsing Error in model second \(models\/second\.sql\): two resources would write the relation main\.shared: model\.bad\.first \(models\/first\.sql\) and model\.bad\.second \(models\/second\.sql\) .*\[BMP_RELATION_COLLISION\]$/ },
  { name: 'relation-collision-snapshot', message: /^Parsing Error in \w+ \w+ \(\w+\/\w+\.sql\): two resources would write the relation main\.customer_totals: (model\.bad\.customer_totals \(models\/customer_totals\.sql\) and snapshot\.bad\.totals_history \(snapshots\/history\.sql\)|snapshot\.bad\.totals_history \(snapshots\/history\.sql\) and model\.bad\.customer_totals \(models\/customer_totals\.sql\)) .*\[BMP_RELATION_COLLISION\]$/, args: ['snapshot'] },
  { name: 'relation-collision-seed', message: /^Parsing Error in \w+ \w+ \([\w/.]+\): two resources would write the relation main\.orders: (model\.bad\.ORDERS \(models\/ORDERS\.sql\) and seed\.bad\.raw_orders \(seeds\/raw_orders\.csv\)|seed\.bad\.raw_orders \(seeds\/raw_orders\.csv\) and model\.bad\.ORDERS \(models\/ORDERS\.sql\)) .*\[BMP_RELATION_COLLISION\]$/ },
  { name: 'duplicate-macro', message: /^Compilation Error \(macros\/[\w/]+\.sql:\d+\): macro 'cents' is defined twice: macros\/(legacy\/helpers\.sql:3|money\.sql:1) and macros\/(legacy\/helpers\.sql:3|money\.sql:1) \[BMP_MACRO_DUPLICATE\]$/ },
  // the command line
  { name: 'vars-not-yaml', args: ['build', '--vars', '{limit: [1,'], message: /^Usage Error: --vars is not valid YAML at column 9: Flow sequence .* \(e\.g\. --vars '\{working_memory_capacity: 9\}'\) \[BMP_VARS_INVALID\]$/ },
];

describe('exit 2: one located line, no stack trace, the database untouched', () => {
  for (const c of exit2) {
    it(c.name, async () => {
      const dir = fixture(c.name);
      const db = join(dir, 'bad.duckdb');
      await seedDatabase(db);
      const before = sha256(db);
      const r = run(dir, c.args ?? ['build']);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(c.message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).not.toMatch(/START|Done\./);
      // nothing opened the database: same bytes, no WAL, no run record
      expect(sha256(db)).toBe(before);
      expect(existsSync(`${db}.wal`)).toBe(false);
      expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
    });
  }

  it('every fixture folder has a test', () => {
    const folders = readdirSync(join(ROOT, 'tests/fixtures/bad')).sort();
    const covered = [...exit2.map((c) => c.name), 'sql-error', 'seed-malformed-row', 'hook-error', 'selector-no-match'].sort();
    expect(folders).toEqual(covered);
  });

  it('--debug adds the stack trace; with --log-format json the error is dbt\'s MainEncounteredError line on stdout', () => {
    const dir = fixture('missing-ref');
    const debug = run(dir, ['run', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr.split('\n')[0]).toMatch(/BMP_REF_UNDEFINED/);
    expect(debug.stderr).toMatch(/^\s+at /m);
    const json = run(dir, ['run', '--log-format', 'json']);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe('');
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const error = events.find((e) => e.info.name === 'MainEncounteredError');
    expect(error.info).toMatchObject({ code: 'Z002', level: 'error' });
    expect(error.data.exc).toMatch(/^Compilation Error in model orders \(models\/orders\.sql:3\).*\[BMP_REF_UNDEFINED\]$/);
  });

  it('a build stopped by bad input leaves no database file behind (DuckDB opens it while the project parses)', () => {
    for (const name of ['missing-ref', 'cycle', 'relation-collision-alias']) {
      const dir = fixture(name);
      const r = run(dir, ['build']);
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(existsSync(join(dir, 'bad.duckdb')), name).toBe(false);
      expect(existsSync(join(dir, 'bad.duckdb.wal')), name).toBe(false);
    }
  });

  it('the same errors stop compile and ls, which never create the database', () => {
    for (const name of ['cycle', 'misspelled-config-model', 'template-syntax']) {
      const dir = fixture(name);
      for (const cmd of ['compile', 'ls']) {
        const r = run(dir, [cmd]);
        expect(r.code, `${name} ${cmd}`).toBe(2);
        expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      }
      expect(existsSync(join(dir, 'bad.duckdb'))).toBe(false);
    }
  });
});

describe('exit 1: a node fails while running, the rest still runs', () => {
  it('sql-error: model name, compiled file, DuckDB message; the sibling builds, the dependent is skipped', async () => {
    const dir = fixture('sql-error');
    const r = run(dir, ['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/ERROR creating sql table model main\.orders/);
    expect(r.stdout).toMatch(/Database Error in model orders \(target\/compiled\/bad\/models\/orders\.sql\)\n.*Binder Error: Referenced column "no_such_column" not found/);
    expect(r.stdout).toMatch(/SKIP .*order_report/);
    expect(r.stdout).toMatch(/PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4/);
    expect(r.stdout).not.toMatch(/^\s+at /m);
    // the compiled file the message names holds the SQL DuckDB rejected
    expect(readFileSync(join(dir, 'target/compiled/bad/models/orders.sql'), 'utf8')).toMatch(/^select id, amount, no_such_column\nfrom .*stg_orders/);
    const db = join(dir, 'bad.duckdb');
    expect(await query(db, 'select n from main.order_count')).toEqual([{ n: 3 }]);
    expect(await query(db, "select table_name from duckdb_tables() where schema_name = 'main' order by 1")).toEqual([{ table_name: 'order_count' }, { table_name: 'stg_orders' }]);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    const status = Object.fromEntries(results.results.map((x) => [x.unique_id, x.status]));
    expect(status).toEqual({ 'model.bad.stg_orders': 'success', 'model.bad.order_count': 'success', 'model.bad.orders': 'error', 'model.bad.order_report': 'skipped' });
    expect(results.results.find((x) => x.unique_id === 'model.bad.orders')!.message).toMatch(/no_such_column/);
  });

  it('seed-malformed-row: the CSV line and its content; the other seed loads', async () => {
    const dir = fixture('seed-malformed-row');
    const r = run(dir, ['seed']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Database Error in seed payments \(seeds\/payments\.csv\)\n.*line 4 of the CSV: .*Could not convert string "12x" to 'INTEGER'.*\(row: 3,12x\)/);
    expect(r.stdout).toMatch(/PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2/);
    const db = join(dir, 'bad.duckdb');
    expect(await query(db, 'select id, name from main.customers order by id')).toEqual([
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Grace' },
    ]);
    expect(await query(db, "select count(*) as n from duckdb_tables() where table_name = 'payments'")).toEqual([{ n: 0 }]);
  });
});

describe('exit 1: a failing on-run-start hook', () => {
  it('hook-error: an error result for the hook (as dbt records it), nothing else runs', async () => {
    const dir = fixture('hook-error');
    const r = run(dir, ['run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Error in operation bad-on-run-start-1\n.*on-run-start hook 2 failed: Catalog Error: Table with name no_such_table does not exist!/);
    expect(r.stdout).toMatch(/SKIP .*main\.orders/);
    expect(r.stdout).not.toMatch(/Internal Error|^\s+at /m);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(results.results.map((x) => [x.unique_id, x.status])).toEqual([
      ['operation.bad.bad-on-run-start-1', 'error'],
      ['model.bad.orders', 'skipped'],
    ]);
    expect(await query(join(dir, 'bad.duckdb'), "select count(*) as n from duckdb_views() where view_name = 'orders'")).toEqual([{ n: 0 }]);
  });
});

describe('exit 0: a warning is not an error', () => {
  it('selector-no-match: one warning, nothing runs', () => {
    const dir = fixture('selector-no-match');
    const r = run(dir, ['run', '-s', 'nothing_like_this']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.match(/WARNING/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/\[WARNING\]: the selection criterion 'nothing_like_this' does not match any enabled nodes/);
    expect(r.stdout).toMatch(/TOTAL=0/);
    const ls = run(dir, ['ls', '-s', 'nothing_like_this']);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toBe('');
    expect(ls.stderr).toMatch(/does not match any enabled nodes/);
  });
});
