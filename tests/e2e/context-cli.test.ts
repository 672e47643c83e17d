/**
 * The template context through the real CLI, on a fixture project: the cases that used to give
 * wrong data silently (a green build with the wrong rows), and the context's members per command.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir, type CliResult } from '../helpers/project.js';

let dir: string;
let build: CliResult;
beforeAll(() => {
  dir = copyFixture('context');
  build = bmp(['build', '--project-dir', dir], { env: { BMP_CTX_HOOK_ENV: 'from-env' } });
});
afterAll(() => removeDir(dir));

const rows = (sql: string) => query(join(dir, 'ctx.duckdb'), sql);

describe('statement blocks and load_result (dbt: statement-blocks)', () => {
  it('builds', () => {
    expect(build.stderr + build.stdout).not.toMatch(/Error/);
    expect(build.code).toBe(0);
  });

  it('a date spine built from statement + load_result has one row per day (2,922 for 2015-2022)', async () => {
    expect(await rows('select count(*) as n, min(date_day)::varchar as first, max(date_day)::varchar as last from main.all_days')).toEqual([{ n: 2922, first: '2015-01-01', last: '2022-12-31' }]);
  });

  it('bmp compile without a database file answers statements from an in-memory database (the spine compiles with 2,922 days)', () => {
    const fresh = copyFixture('context');
    try {
      const out = bmp(['compile', '--project-dir', fresh, '-s', 'all_days']);
      expect(out.code).toBe(0);
      expect(readFileSync(join(fresh, 'target/compiled/ctx/models/all_days.sql'), 'utf8')).toContain('range(2922)');
      expect(existsSync(join(fresh, 'ctx.duckdb'))).toBe(false);
    } finally {
      removeDir(fresh);
    }
  });

  it('load_result gives .data (rows as lists), .table (agate-like) and .response; none for a name never stored', async () => {
    expect(await rows('select * from main.statement_shapes')).toEqual([
      { n_rows: 2, names: 'a,b', sum_a: 3, second_b: 'y', all_b: 'xy', probe_code: 'SELECT', probe_rows: 2, ddl_code: 'CREATE', ddl_table_rows: 0, missing_is_none: true },
    ]);
    expect(await rows('select answer from main.scratch')).toEqual([{ answer: 42 }]);
  });
});

describe('the context per command (dbt: graph, selected_resources, flags, adapter, hooks)', () => {
  // before any other command of this file runs the hooks again
  it('on-run-start/end hooks get env_var, run_started_at, flags, vars, and results/schemas at the end', async () => {
    expect(await rows('select * from main.run_audit')).toEqual([{ env_value: 'from-env', started_year: String(new Date().getUTCFullYear()), which: 'build', greeting: 'hello' }]);
    const end = await rows('select * from main.run_end_audit');
    expect(end).toEqual([{ n_results: 8, schemas: 'main' }]);
  });

  it('graph.nodes holds the project and selected_resources the selection', async () => {
    expect(await rows('select * from main.introspect')).toEqual([{ n_nodes: 8, all_days_materialized: 'table', n_selected: 8, self_selected: 1 }]);
  });

  it('adapter.get_columns_in_relation reads the columns inside a generic test under bmp build', () => {
    expect(build.stdout).toMatch(/has_column_count_all_days_1.*PASS/);
  });

  it('flags.WHICH is the command that runs: build, run, compile', async () => {
    expect(await rows('select * from main.which')).toEqual([{ which: 'build', arg_which: 'build' }]);
    expect(bmp(['run', '--project-dir', dir, '-s', 'which']).code).toBe(0);
    expect(await rows('select * from main.which')).toEqual([{ which: 'run', arg_which: 'run' }]);
    expect(bmp(['compile', '--project-dir', dir, '-s', 'which']).code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/ctx/models/which.sql'), 'utf8')).toContain("'compile' as which");
  });

  it('a project macro named ref replaces the builtin, and builtins.ref reaches the original', async () => {
    expect(await rows('select n from main.legacy_count')).toEqual([{ n: 2922 }]);
  });

  it('--vars reaches var() in the project file (+enabled: "{{ var(...) }}")', () => {
    const without = bmp(['ls', '--project-dir', dir, '--output', 'name']);
    expect(without.stdout.split('\n')).not.toContain('opt_model');
    const withVar = bmp(['ls', '--project-dir', dir, '--output', 'name', '--vars', '{enable_optional: true}']);
    expect(withVar.code).toBe(0);
    expect(withVar.stdout.split('\n')).toContain('opt_model');
  });

  it("a var holding a template renders with the calling node's context, on the static path too (dbt's var())", async () => {
    expect(await rows('select audit_schema, caller_name, shouted from main.var_templates')).toEqual([{ audit_schema: 'main_audit', caller_name: 'VAR_TEMPLATES', shouted: 'HELLO' }]);
    expect(await rows('select is_string, concatenated, default_kept from main.var_types')).toEqual([{ is_string: true, concatenated: '2x', default_kept: '{{ 1 }}' }]);
  });

  it('a hook using a var nobody set stops the command with a located error (exit 2)', () => {
    const copy = copyFixture('context');
    try {
      const projectFile = join(copy, 'project.yml');
      writeFileSync(projectFile, readFileSync(projectFile, 'utf8').replace(/on-run-end:\n.*\n/, "on-run-end:\n  - \"select '{{ var('never_set') }}'\"\n"));
      const out = bmp(['run', '--project-dir', copy, '-s', 'which']);
      expect(out.code).toBe(2);
      expect(out.stderr + out.stdout).toMatch(/project\.yml \(on-run-end\).*required var 'never_set' not found.*BMP_VAR_UNDEFINED/);
    } finally {
      removeDir(copy);
    }
  });
});
