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
