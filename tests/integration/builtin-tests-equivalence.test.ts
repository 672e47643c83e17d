/**
 * bmp computes dbt_utils' common tests itself (batched into shared scans where it can) when the
 * project does not install dbt_utils. This proves the two give the same answer: the same models and
 * the same tests, once in a project without packages (bmp's built-ins) and once with dbt_utils 1.3.3
 * installed from ../shared/compat (dbt_utils' own test macros), must give every test the same
 * status and failure count. Skips when ../shared/compat is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatDir } from '../helpers/compat.js';
import { tempProject, type TempProject } from '../helpers/project.js';

const COMPAT = compatDir();
const ARCHIVE = COMPAT ? join(COMPAT, 'packages', 'dbt_utils-1.3.3.tar.gz') : '';
const present = !!COMPAT && existsSync(ARCHIVE);

// Edge cases on purpose: nulls, duplicates, repeated bad values, a group with no values, groups
// present on one side only (dbt_utils' equal_rowcount ignores those), whitespace-only strings.
const ROWS = `select * from (values
  (1, 'a', 10, 1, 7, null, ' ', 'g1'),
  (1, 'a', 20, 2, 7, 'n', '', 'g1'),
  (2, 'x', -5, 9, 7, null, 'v', 'g2'),
  (null, 'x', 500, null, 8, null, 'w', 'g2'),
  (3, '', 30, 8, 7, null, null, 'g3'),
  (4, 'y', null, 3, 7, 'm', 'u', 'g4')
) as t(id, status, amount, parent_id, varied, note, label, grp)`;

const TESTS = `version: 2
models:
  - name: subject
    tests:
      - expression_is_true: {expression: "amount >= 0"}
      - unique_combination_of_columns: {combination_of_columns: [id, status]}
      - unique_combination_of_columns: {combination_of_columns: [id, status, amount], name: ucc_passing}
    columns:
      - name: status
        tests:
          - not_accepted_values: {values: ['x', 'y']}
          - not_empty_string
      - name: label
        tests:
          - not_empty_string: {trim_whitespace: false, name: nes_untrimmed}
          - not_empty_string: {name: nes_trimmed}
      - name: amount
        tests:
          - accepted_range: {min_value: 0, max_value: 100}
          - accepted_range: {min_value: 10, max_value: 30, inclusive: false, name: ar_exclusive}
          - accepted_range: {min_value: -10, name: ar_min_only}
          - expression_is_true: {expression: "< 100", name: eit_column}
      - name: varied
        tests:
          - not_constant
          - not_constant: {group_by_columns: [grp], name: nc_grouped}
      - name: note
        tests:
          - at_least_one
          - at_least_one: {group_by_columns: [grp], name: alo_grouped}
          - at_least_one: {group_by_columns: [status, grp], name: alo_grouped_two}
      - name: parent_id
        tests:
          - relationships_where: {to: ref('parents'), field: id, from_condition: "amount > 0"}
          - relationships_where: {to: ref('parents'), field: id, to_condition: "id < 3", name: rw_to_condition}
  - name: empty_subject
    columns:
      - name: note
        tests: [at_least_one, not_constant]
`;

function project(withDbtUtils: boolean): TempProject {
  const p = tempProject({
    'models/subject.sql': ROWS,
    'models/empty_subject.sql': 'select cast(null as varchar) as note where false',
    'models/parents.sql': "select * from (values (1, 'g1'), (2, 'g1'), (3, 'g2'), (5, 'g5')) as t(id, grp)",
    'models/schema.yml': TESTS,
  });
  if (withDbtUtils) {
    const into = join(p.dir, 'dbt_packages', 'dbt_utils');
    mkdirSync(into, { recursive: true });
    const r = spawnSync('tar', ['xzf', ARCHIVE, '-C', into, '--strip-components=1'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  }
  return p;
}

describe.skipIf(!present)("bmp's built-in tests and dbt_utils' give the same answers", () => {
  let builtin: TempProject;
  let packaged: TempProject;
  beforeAll(() => {
    builtin = project(false);
    packaged = project(true);
  });
  afterAll(() => {
    builtin?.remove();
    packaged?.remove();
  });

  it('on every test: status and failure count', async () => {
    const a = await builtin.run('build');
    const b = await packaged.run('build');
    const answers = (results: typeof a.results) =>
      Object.fromEntries(results.filter((r) => r.uniqueId.startsWith('test.')).map((r) => [r.uniqueId.split('.')[2], `${r.status}:${r.failures ?? ''}`]));
    const mine = answers(a.results);
    const theirs = answers(b.results);
    expect(Object.keys(mine).length).toBe(20);
    expect(mine).toEqual(theirs);
    // the two really ran different code: dbt_utils' macros in one, bmp's shared scans in the other
    expect(b.results.every((r) => !(r.adapterResponse as { batched?: boolean }).batched)).toBe(true);
    expect(a.results.some((r) => (r.adapterResponse as { batched?: boolean }).batched)).toBe(true);
    // and the data has failures to count, and passes too
    expect(Object.values(mine).filter((v) => v.startsWith('fail')).length).toBeGreaterThan(10);
    expect(Object.values(mine).filter((v) => v.startsWith('pass')).length).toBeGreaterThan(3);
  });
});

/**
 * The same comparison without the archive: a package written here (`ref_tests`) implements
 * at_least_one and not_constant as dbt_utils documents them (a failing row per group of
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
