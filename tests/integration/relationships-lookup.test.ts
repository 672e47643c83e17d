import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

/**
 * The built-in `relationships` test looks parent values up with `not in` (a mark join, built on
 * the parent) when the parent table holds at most half the child's rows, else with dbt's left join
 * (builtinTestSql's RelationshipsLookup). Both must count the same failing child rows: child NULLs
 * never fail, a parent NULL matches nothing, a duplicated parent value still matches, and every
 * unmatched child row counts (not every distinct value).
 */
describe('relationships: the lookup follows the tables’ sizes, the answer does not', () => {
  let p: TempProject | undefined;
  afterAll(() => p?.remove());

  it('counts the same failures through either lookup', async () => {
    // parent: 1..4, 2 again and a NULL (6 rows); child: 30 rows, 3 of them unmatched (9, 9, 10), 3 NULL
    const parent = `select * from (values (1), (2), (2), (3), (4), (null)) as t(id)`;
    const child = `select case when i % 10 = 7 then null when i in (5, 6) then 9 when i = 8 then 10 else 1 + i % 4 end as dim_id, i from range(30) as r(i)`;
    p = tempProject({
      'models/dims.sql': `{{ config(materialized='table') }}\n${parent}`,
      'models/facts.sql': `{{ config(materialized='table') }}\n${child}`,
      'models/few.sql': `{{ config(materialized='table') }}\nselect * from (values (1), (99)) as t(i)`,
      'models/dims_view.sql': `{{ config(materialized='view') }}\nselect * from {{ ref('dims') }}`,
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: facts',
        '    columns:',
        '      - name: dim_id',
        '        tests:',
        "          - relationships: {to: ref('dims'), field: id, name: facts_to_dims}",
        "          - relationships: {to: ref('dims_view'), field: id, name: facts_to_dims_view}",
        '  - name: few',
        '    columns:',
        '      - name: i',
        '        tests:',
        "          - relationships: {to: ref('facts'), field: i, name: few_to_facts}",
        '',
      ].join('\n'),
    });
    const out = await p.run('build');
    const compiled = (name: string) => readFileSync(join(p!.dir, 'target/compiled/p/models/schema.yml', `${name}.sql`), 'utf8');
    // 6 parent rows against 30 child rows: the mark join; a view's size is unknown: the left join;
    // 2 child rows against 30 parent rows: the left join
    expect(compiled('facts_to_dims')).toContain('not in (select to_field from parent where to_field is not null)');
    expect(compiled('facts_to_dims_view')).toContain('left join parent');
    expect(compiled('few_to_facts')).toContain('left join parent');
    // the same answer either way: 9, 9 and 10 (three rows), NULLs neither failing nor matching
    expect([out.byName('facts_to_dims').status, out.byName('facts_to_dims').failures]).toEqual(['fail', 3]);
    expect([out.byName('facts_to_dims_view').status, out.byName('facts_to_dims_view').failures]).toEqual(['fail', 3]);
    expect([out.byName('few_to_facts').status, out.byName('few_to_facts').failures]).toEqual(['fail', 1]);
  });
});

/**
 * Between large enough tables on integer keys the built-in `relationships` first asks a bitmap
 * probe (relationshipsProbeSql): zero settles the test with no failures, anything else runs the
 * test's own query, so the failure counts stay dbt's. No probe where it cannot answer or would not pay.
 */
describe('relationships: the bitmap probe', () => {
  let p: TempProject | undefined;
  afterAll(() => p?.remove());

  it('passes a clean key without the join, counts dirty ones as dbt does, and stays out of the way elsewhere', async () => {
    const table = (sql: string) => `{{ config(materialized='table') }}\n${sql}`;
    p = tempProject({
      // parents 1..100000 (and a NULL): past the 100k rows from which a probe pays; a clean child,
      // one with rows below, inside and above the range
      'models/dims.sql': table('select * from (select range::bigint as id, range::varchar as code from range(1, 100001) union all select null, null)'),
      'models/clean.sql': table('select (1 + i % 100000)::integer as dim_id, case when i % 7 = 0 then null else (1 + i % 100000)::varchar end as code from range(120000) as r(i)'),
      'models/dirty.sql': table('select * from (values (1), (500), (-5), (-5), (0), (100001), (99999), (200000), (null)) as t(dim_id)'),
      // parents so far apart that a bitmap would be huge: no probe
      'models/sparse.sql': table('select * from (values (1::bigint), (1000000000000::bigint)) as t(id)'),
      // small tables: the join costs less than a probe's extra query
      'models/small.sql': table('select range as id from range(10)'),
      'models/clean_view.sql': "{{ config(materialized='view') }}\nselect dim_id + 0 as dim_id from {{ ref('clean') }}",
      'models/dims_view.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('dims') }}",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: clean',
        '    columns:',
        '      - name: dim_id',
        '        tests:',
        "          - relationships: {to: ref('dims'), field: id, name: clean_to_dims}",
        "          - relationships: {to: ref('sparse'), field: id, name: clean_to_sparse}",
        "          - relationships: {to: ref('dims'), field: id, name: clean_stored, config: {store_failures: true}}",
        '      - name: code',
        '        tests:',
        "          - relationships: {to: ref('dims'), field: code, name: clean_codes}",
        '  - name: dirty',
        '    columns:',
        '      - name: dim_id',
        '        tests:',
        "          - relationships: {to: ref('dims'), field: id, name: dirty_to_dims}",
        "          - relationships: {to: ref('dims_view'), field: id, name: dirty_to_dims_view}",
        "          - relationships: {to: ref('small'), field: id, name: dirty_to_small}",
        '  - name: clean_view',
        '    columns:',
        '      - name: dim_id',
        '        tests:',
        "          - relationships: {to: ref('dims'), field: id, name: view_to_dims}",
        '',
      ].join('\n'),
    });
    const out = await p.run('build');
    const result = (name: string) => {
      const r = out.byName(name);
      return { status: r.status, failures: r.failures, probe: r.adapterResponse['probe'] === true, exact: r.adapterResponse['exact_query'] === true };
    };
    expect(result('clean_to_dims')).toEqual({ status: 'pass', failures: 0, probe: true, exact: false });
    // -5 twice, 0, 100001 and 200000 (outside the parents' range) fail; 1, 500, 99999 match; NULL never fails
    expect(result('dirty_to_dims')).toEqual({ status: 'fail', failures: 5, probe: true, exact: true });
    // a view's key against a table: probed (its type read without computing it); a parent view
    // (its bounds would compute it once more): the join, the same count
    expect(result('view_to_dims')).toEqual({ status: 'pass', failures: 0, probe: true, exact: false });
    expect(result('dirty_to_dims_view')).toEqual({ status: 'fail', failures: 5, probe: false, exact: false });
    // a range of 10^12 for 2 parents: the join; only the two rows keyed 1 match
    expect(result('clean_to_sparse')).toEqual({ status: 'fail', failures: 119998, probe: false, exact: false });
    // 9 rows against 10: no probe; only 0 and 1 are among 0..9
    expect(result('dirty_to_small')).toEqual({ status: 'fail', failures: 6, probe: false, exact: false });
    // text keys: no bitmap
    expect(result('clean_codes')).toEqual({ status: 'pass', failures: 0, probe: false, exact: false });
    // failing rows to store: the test's own query, always
    expect(result('clean_stored')).toEqual({ status: 'pass', failures: 0, probe: false, exact: false });
    // the compiled test is still dbt's query
    expect(readFileSync(join(p.dir, 'target/compiled/p/models/schema.yml/clean_to_dims.sql'), 'utf8')).toContain('with child as');
  });
});
