/**
 * The template context through the real CLI, on a fixture project: the cases that used to give
 * wrong data silently (a green build with the wrong rows).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir, type CliResult } from '../helpers/project.js';

let dir: string;
let build: CliResult;
beforeAll(() => {
  dir = copyFixture('context');
  build = bmp(['build', '--project-dir', dir]);
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

  it('load_result gives .data (rows as lists), .table (agate-like) and .response; none for a name never stored', async () => {
    expect(await rows('select * from main.statement_shapes')).toEqual([
      { n_rows: 2, names: 'a,b', sum_a: 3, second_b: 'y', all_b: 'xy', probe_code: 'SELECT', probe_rows: 2, ddl_code: 'CREATE', ddl_table_rows: 0, missing_is_none: true },
    ]);
    expect(await rows('select answer from main.scratch')).toEqual([{ answer: 42 }]);
  });
});
