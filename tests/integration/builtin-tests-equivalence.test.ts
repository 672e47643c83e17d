import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

/**
 * bmp computes dbt_utils' common tests itself (batched into shared scans where it can) when the
 * project does not install dbt_utils; they must answer as the package's macros do. Against dbt_utils
 * 1.3.3 itself that is proven by `npm run compat` (scripts/compat.mjs: the same models and tests
 * built with and without dbt_utils, every status and failure count compared, the table in
 * docs/COMPATIBILITY.md), which reads the archive in ../shared/compat. Here, without it: a package
 * written here (`ref_tests`) implements at_least_one and not_constant as dbt_utils documents them (a failing row per group of
 * `group_by_columns` whose values are all null / all one value; without groups, one row when the
 * whole column is), under names of its own so the unqualified tests still resolve to bmp's (an
 * installed package's `test_at_least_one` would replace bmp's, as in dbt). One build runs both on the
 * same model: bmp's batched into one scan where they have no groups, the package's as its macros.
 */
describe("bmp's at_least_one and not_constant against a package's, on the same data in one build", () => {
  const REF_MACROS = `{% test documented_at_least_one(model, column_name, group_by_columns=[]) %}
{%- set groups = group_by_columns | join(', ') -%}
select {% if groups %}{{ groups }}, {% endif %}count({{ column_name }}) as present
from {{ model }}
{% if groups %}group by {{ groups }}{% endif %}
having count({{ column_name }}) = 0
{% endtest %}
{% test documented_not_constant(model, column_name, group_by_columns=[]) %}
{%- set groups = group_by_columns | join(', ') -%}
select {% if groups %}{{ groups }}, {% endif %}count(distinct {{ column_name }}) as distinct_values
from {{ model }}
{% if groups %}group by {{ groups }}{% endif %}
having count(distinct {{ column_name }}) = 1
{% endtest %}`;
  // groups with only nulls, a null group key (its own group), a group of one row, all-null columns
  const DATA = `select * from (values
  ('g1', 'a', null, 1, 1), ('g1', 'a', null, 1, 2), ('g1', null, 'x', 1, 3),
  ('g2', 'b', null, 2, 4), ('g2', 'c', null, 2, 5),
  (null, null, null, 3, 6), (null, 'd', 'y', 3, 7),
  ('g3', null, null, 4, 8)
) as t(grp, val, sparse, sub, n)`;
  const cases: [string, string][] = [
    ['val', ''],
    ['sparse', ''],
    ['val', 'group_by_columns: [grp]'],
    ['sparse', 'group_by_columns: [grp]'],
    ['sparse', 'group_by_columns: [grp, sub]'],
    ['n', 'group_by_columns: [sub]'],
    ['nothing', ''],
    ['nothing', 'group_by_columns: [grp]'],
  ];
  let p: TempProject | undefined;
  afterAll(() => p?.remove());

  it('every pair gives the same status and failure count', async () => {
    const tests: string[] = [];
    cases.forEach(([column, extra], i) => {
      for (const test of ['at_least_one', 'not_constant']) {
        const args = extra ? `, ${extra}` : '';
        tests.push(`      - ${test}: {column_name: ${column}${args}, name: bmp_${test}_${i}}`, `      - ref_tests.documented_${test}: {column_name: ${column}${args}, name: ref_${test}_${i}}`);
      }
    });
    p = tempProject({
      'models/subject.sql': `select *, cast(null as varchar) as nothing from (${DATA}) as d`,
      'models/schema.yml': `version: 2\nmodels:\n  - name: subject\n    tests:\n${tests.join('\n')}\n`,
      'dbt_packages/ref_tests/dbt_project.yml': 'name: ref_tests\nversion: 1.0.0\nconfig-version: 2\n',
      'dbt_packages/ref_tests/macros/tests.sql': REF_MACROS,
    });
    const out = await p.run('build');
    expect(out.byName('subject').status).toBe('success');
    const answer = (name: string) => `${out.byName(name).status}:${out.byName(name).failures ?? ''}`;
    const pairs = cases.flatMap((_, i) => ['at_least_one', 'not_constant'].map((t) => [answer(`bmp_${t}_${i}`), answer(`ref_${t}_${i}`)]));
    expect(pairs.map(([mine]) => mine)).toEqual(pairs.map(([, theirs]) => theirs));
    // the data has both answers, and several failing groups in one test
    expect(pairs.some(([m]) => m.startsWith('pass'))).toBe(true);
    expect(pairs.some(([m]) => m.startsWith('fail'))).toBe(true);
    expect(out.byName('bmp_at_least_one_3').failures).toBe(2);
    // bmp's ungrouped ones ran in its shared scan, the package's never did
    expect((out.byName('bmp_at_least_one_0').adapterResponse as { batched?: boolean }).batched).toBe(true);
    expect(out.results.filter((r) => r.uniqueId.includes('.ref_')).every((r) => !(r.adapterResponse as { batched?: boolean }).batched)).toBe(true);
  });
});
