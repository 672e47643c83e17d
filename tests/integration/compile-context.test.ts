import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/tasks/index.js';
import { copyFixture, query, removeDir, tempProject } from '../helpers/project.js';

let dir: string;
beforeAll(async () => {
  dir = copyFixture('compile');
  const out = await execute('run', { projectDir: dir });
  expect(out.results.map((r) => [r.uniqueId, r.status, r.message])).toEqual(
    expect.arrayContaining([['model.comp.pivot', 'success', expect.any(String)]]),
  );
  expect(out.exitCode).toBe(0);
});
afterAll(() => removeDir(dir));

const compiled = (path: string) => readFileSync(join(dir, 'target/compiled/comp', path), 'utf8');

describe('compile: the template context against a real database', () => {
  it('inlines nested ephemeral models as CTEs, merged into the model own WITH', () => {
    expect(compiled('models/people_wide.sql')).toBe(
      [
        'with __dbt__cte__base as (',
        `\nselect id, upper(name) as name from read_csv_auto('${dir}/data/people.csv')`,
        '),',
        "__dbt__cte__middle as (",
        `\nselect *, 'hello' as greeting from "__dbt__cte__base"`,
        '), extra as (select 1 as one)',
        'select m.*, extra.one from "__dbt__cte__middle" m, extra',
        '',
      ].join('\n'),
    );
  });

  it('runs run_query between renders and uses its rows', async () => {
    expect(compiled('models/reports/pivot.sql')).toContain("count(*) filter (where lower(name) = 'ada') as n_ada,");
    expect(await query(join(dir, 'comp.duckdb'), 'select * from main_reports.pivot')).toEqual([{ n_ada: 1, n_grace: 1 }]);
  });

  it('puts custom schemas beside the target schema and runs post-hooks with {{ this }}', async () => {
    expect(await query(join(dir, 'comp.duckdb'), 'select n from main_reports.pivot_audit')).toEqual([{ n: 1 }]);
  });

  it('reads the columns of a relation built earlier in the same run', async () => {
    expect(compiled('models/reports/cols.sql')).toContain('select id, name, greeting, one from "main"."people_wide"');
    expect(await query(join(dir, 'comp.duckdb'), 'select count(*) as n from main_reports.cols')).toEqual([{ n: 2 }]);
  });
});

describe('compile: columns of a relation rebuilt earlier in the same run', () => {
  it('a template asking for them reads them fresh (the catalog read at the start of the run held the old ones)', async () => {
    const p = tempProject({
      'models/a.sql': 'select 1 as x',
      'models/b.sql': "{% set cols = adapter.get_columns_in_relation(ref('a')) %}select '{{ cols | map(attribute='name') | join(',') }}' as cols from {{ ref('a') }}",
    });
    try {
      expect((await p.run('run')).exitCode).toBe(0);
      expect(await p.query('select cols from main.b')).toEqual([{ cols: 'x' }]);
      // a gains a column: the second run's catalog (read before a is rebuilt) knows only x
      p.write('models/a.sql', "select 1 as x, 'two' as y");
      expect((await p.run('run')).exitCode).toBe(0);
      expect(await p.query('select cols from main.b')).toEqual([{ cols: 'x,y' }]);
    } finally {
      p.remove();
    }
  });
});
