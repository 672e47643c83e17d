/**
 * Every built-in test on good data (passes) and on planted bad data (fails with the right count),
 * batched and one query per test; severity and thresholds; store_failures; custom generic and
 * singular tests; `bmp build` skipping what depends on a model whose test failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeResult } from '../../src/report/index.js';
import { tempProject, type TempProject } from '../helpers/project.js';

const COLUMNS = '(id, status, amount, parent_id, varied, note)';
const GOOD = `select * from (values
  (1, 'a', 10, 1, 1, 'n1'),
  (2, 'b', 20, 2, 2, 'n2'),
  (3, 'c', 30, 3, 3, null)
) as t${COLUMNS}`;
// planted: a duplicate id, a null id, statuses outside the list (x twice, y, ''), amounts outside
// 0..100 (-5, 500), orphan parents (9, 8), a constant column, a column with no value
const BAD = `select * from (values
  (1, 'a', 10, 1, 7, null),
  (1, 'a', 20, 2, 7, null),
  (2, 'x', -5, 9, 7, null),
  (null, 'y', 500, null, 7, null),
  (3, '', 30, 8, 7, null),
  (4, 'x', null, 3, 7, null)
) as t${COLUMNS}`;

/** [label, column (or null for a model-level test), test, arguments, failures on BAD] */
const CASES: readonly [string, string | null, string, Record<string, unknown>, number][] = [
  ['unique', 'id', 'unique', {}, 1],
  ['not_null', 'id', 'not_null', {}, 1],
  ['accepted_values', 'status', 'accepted_values', { values: ['a', 'b', 'c'] }, 3],
  // dbt_utils counts distinct bad values: two rows of 'x' are one failure
  ['not_accepted_values', 'status', 'not_accepted_values', { values: ['x'] }, 1],
  ['not_empty_string', 'status', 'not_empty_string', {}, 1],
  ['accepted_range', 'amount', 'accepted_range', { min_value: 0, max_value: 100 }, 2],
  ['column_expression', 'amount', 'expression_is_true', { expression: '< 100' }, 1],
  ['not_constant', 'varied', 'not_constant', {}, 1],
  ['at_least_one', 'note', 'at_least_one', {}, 1],
  ['relationships', 'parent_id', 'relationships', { to: "ref('parents')", field: 'id' }, 2],
  ['relationships_where', 'parent_id', 'relationships_where', { to: "ref('parents')", field: 'id', from_condition: 'amount > 0' }, 1],
  ['model_expression', null, 'expression_is_true', { expression: 'amount >= 0' }, 1],
  ['unique_combination', null, 'unique_combination_of_columns', { combination_of_columns: ['id', 'status'] }, 1],
  // dbt_utils' equal_rowcount fails with the summed difference of the row counts (its fail_calc): 6 rows vs 3 parents
  ['equal_rowcount', null, 'dbt_utils.equal_rowcount', { compare_model: "ref('parents')" }, 3],
];

function modelYaml(model: string, config: Record<string, unknown> = {}, storeFailures: readonly string[] = []): string {
  const entry = (label: string, test: string, args: Record<string, unknown>) => {
    const cfg = { ...config, ...(storeFailures.includes(label) ? { store_failures: true } : {}), ...(label === 'not_null' && storeFailures.length ? { store_failures_as: 'view' } : {}) };
    const body = { name: `${model}__${label}`, ...args, ...(Object.keys(cfg).length ? { config: cfg } : {}) };
    return `      - ${test}: ${JSON.stringify(body)}`;
  };
  const columns = [...new Set(CASES.filter((c) => c[1]).map((c) => c[1]!))];
  return [
    `  - name: ${model}`,
    '    tests:',
    ...CASES.filter((c) => !c[1]).map(([label, , test, args]) => `  ${entry(label, test, args)}`),
    '    columns:',
    ...columns.flatMap((col) => [`      - name: ${col}`, '        tests:', ...CASES.filter((c) => c[1] === col).map(([label, , test, args]) => `    ${entry(label, test, args)}`)]),
  ].join('\n');
}

let project: TempProject;
let results: readonly NodeResult[];
let exitCode: number;
let runResults: ReturnType<TempProject['runResults']>;
const result = (name: string) => {
  const r = results.filter((x) => x.uniqueId.split('.')[2] === name);
  expect(r, name).toHaveLength(1);
  return r[0]!;
};

beforeAll(async () => {
  project = tempProject({
    'models/parents.sql': 'select * from (values (1), (2), (3)) as t(id)',
    'models/good.sql': GOOD,
    'models/bad.sql': BAD,
    // the same rows, tested one query per test (a `where` config turns batching off)
    'models/bad_single.sql': BAD,
    'models/after_bad.sql': "select count(*) as n from {{ ref('bad') }}",
    'models/after_good.sql': "select count(*) as n from {{ ref('good') }}",
    'seeds/codes.csv': 'code\nA\nB\nC\nC\n',
    'models/sev.sql': 'select case when i < 7 then null else i end as x from range(20) t(i)',
    'macros/multiple.sql': "{% test is_multiple_of(model, column_name, n) %}\n{{ config(severity='warn') }}\nselect * from {{ model }} where {{ column_name }} % {{ n }} != 0\n{% endtest %}\n",
    'tests/assert_no_x_in_bad.sql': "{{ config(severity='warn') }}\nselect * from {{ ref('bad') }} where status = 'x'\n",
    'models/schema.yml': [
      'version: 2',
      'models:',
      modelYaml('good'),
      "      - name: amount\n        tests:\n          - is_multiple_of: {n: 10, name: good__multiple}",
      modelYaml('bad'),
      "      - name: amount\n        tests:\n          - is_multiple_of: {n: 10, name: bad__multiple}",
      modelYaml('bad_single', { where: 'true' }, ['accepted_range', 'not_null', 'relationships']),
      '  - name: sev',
      '    columns:',
      '      - name: x',
      '        tests:',
      '          - not_null: {name: sev_warn, config: {severity: warn}}',
      "          - not_null: {name: sev_between, config: {warn_if: '>5', error_if: '>10'}}",
      "          - not_null: {name: sev_fail, config: {error_if: '>5'}}",
      "          - not_null: {name: sev_pass, config: {warn_if: '>10', error_if: '>20'}}",
      "          - not_null: {name: sev_warn_error_if, config: {severity: warn, error_if: '>0'}}",
      '          - accepted_range: {name: sev_range, min_value: 0, max_value: 15}',
      "          - accepted_range: {name: sev_where, min_value: 0, max_value: 15, config: {where: 'x < 18'}}",
      '          - not_null: {name: sev_limit, config: {limit: 3}}',
      "          - not_null: {name: sev_fail_calc, config: {fail_calc: 'count(*) * 2', error_if: '>10'}}",
      '          - not_null: {name: sev_disabled, config: {enabled: false}}',
      '          - not_null: {name: sev_tagged, config: {tags: [nightly]}}',
      'seeds:',
      '  - name: codes',
      '    columns:',
      '      - name: code',
      '        tests:',
      '          - accepted_values: {name: seed_codes, values: [A, B]}',
      '          - unique: {name: seed_codes_unique}',
      'sources:',
      '  - name: raw',
      '    schema: main',
      '    tables:',
      '      - name: parent_table',
      '        identifier: parents',
      '        columns:',
      '          - name: id',
      '            tests:',
      '              - not_null: {name: source_not_null}',
      '              - accepted_range: {name: source_range, min_value: 2}',
      '',
    ].join('\n'),
  }, { threads: 2 });
  ({ results, exitCode } = await project.run('build'));
  runResults = project.runResults();
});
afterAll(() => project?.remove());

describe('built-in tests', () => {
  it('pass on good data', () => {
    for (const [label] of CASES) {
      const r = result(`good__${label}`);
      expect([label, r.status, r.failures]).toEqual([label, 'pass', 0]);
    }
  });

  it('fail on planted bad data with the right failure count, batched and one query per test', () => {
    for (const [label, , , , failures] of CASES) {
      for (const model of ['bad', 'bad_single']) {
        const r = result(`${model}__${label}`);
        expect([model, label, r.status, r.failures]).toEqual([model, label, 'fail', failures]);
        const message = `Got ${failures} result${failures === 1 ? '' : 's'}, configured to fail if != 0`;
        expect(r.message.startsWith(message), r.message).toBe(true);
      }
    }
  });

  it('shares one scan among the batchable tests of a model and not the others', () => {
    const batched = (name: string) => result(name).adapterResponse['batched'] === true;
    for (const label of ['unique', 'not_null', 'accepted_values', 'not_accepted_values', 'not_empty_string', 'accepted_range', 'column_expression', 'not_constant', 'at_least_one', 'model_expression', 'unique_combination']) {
      expect([label, batched(`bad__${label}`)]).toEqual([label, true]);
      expect([label, batched(`bad_single__${label}`)]).toEqual([label, false]);
    }
    for (const label of ['relationships', 'relationships_where', 'equal_rowcount']) expect([label, batched(`bad__${label}`)]).toEqual([label, false]);
    // every test still has its own entry, unique id and compiled SQL
    const ids = results.filter((r) => r.uniqueId.startsWith('test.p.bad__') && !r.uniqueId.startsWith('test.p.bad__multiple')).map((r) => r.uniqueId);
    expect(new Set(ids).size).toBe(CASES.length);
    expect(result('bad__not_null').compiledCode).toBe('select id\nfrom "main"."bad"\nwhere id is null');
  });
});

describe('test config', () => {
  it('applies severity, warn_if and error_if', () => {
    expect(['sev_warn', 'sev_between', 'sev_fail', 'sev_pass', 'sev_warn_error_if', 'sev_range'].map((n) => [n, result(n).status, result(n).failures])).toEqual([
      ['sev_warn', 'warn', 7],
      ['sev_between', 'warn', 7],
      ['sev_fail', 'fail', 7],
      ['sev_pass', 'pass', 7],
      ['sev_warn_error_if', 'warn', 7],
      ['sev_range', 'fail', 4],
    ]);
    expect(result('sev_warn').message).toBe('Got 7 results, configured to warn if != 0');
    expect(result('sev_fail').message).toBe('Got 7 results, configured to fail if >5');
  });

  it('applies where, limit, fail_calc, enabled and tags', async () => {
    expect(['sev_where', 'sev_limit', 'sev_fail_calc', 'sev_tagged'].map((n) => [n, result(n).status, result(n).failures])).toEqual([
      ['sev_where', 'fail', 2],
      ['sev_limit', 'fail', 3],
      ['sev_fail_calc', 'fail', 14],
      ['sev_tagged', 'fail', 7],
    ]);
    expect(results.some((r) => r.uniqueId.includes('sev_disabled'))).toBe(false);
    const tagged = await project.run('test', { select: ['tag:nightly'] });
    expect(tagged.results.map((r) => r.uniqueId.split('.')[2])).toEqual(['sev_tagged']);
  });

  it('tests seeds and sources like models', () => {
    expect([result('seed_codes').status, result('seed_codes').failures]).toEqual(['fail', 1]);
    expect([result('seed_codes_unique').status, result('seed_codes_unique').failures]).toEqual(['fail', 1]);
    expect(result('seed_codes').adapterResponse['batched']).toBe(true);
    expect([result('source_not_null').status, result('source_range').status, result('source_range').failures]).toEqual(['pass', 'fail', 1]);
    expect(result('source_range').compiledCode).toBe('select *\nfrom "main"."parents"\nwhere not (id >= 2)');
  });

  it('takes config() from a custom generic test and from a singular test', () => {
    expect([result('good__multiple').status, result('good__multiple').failures]).toEqual(['pass', 0]);
    expect([result('bad__multiple').status, result('bad__multiple').failures]).toEqual(['warn', 1]);
    expect([result('assert_no_x_in_bad').status, result('assert_no_x_in_bad').failures]).toEqual(['warn', 2]);
  });

  it('stores exactly the failing rows with store_failures', async () => {
    expect(await project.query('select id, amount from main_dbt_test__audit.bad_single__accepted_range order by amount')).toEqual([
      { id: 2, amount: -5 },
      { id: null, amount: 500 },
    ]);
    expect(await project.query('select * from main_dbt_test__audit.bad_single__relationships order by 1')).toEqual([{ from_field: 8 }, { from_field: 9 }]);
    // store_failures_as: view keeps a view that shows the failing rows
    expect(await project.query("select count(*) as n from duckdb_views() where schema_name = 'main_dbt_test__audit' and view_name = 'bad_single__not_null'")).toEqual([{ n: 1 }]);
    // not_null keeps the failing rows whole when they are stored, as dbt's (column_list = '*')
    expect(await project.query('select * from main_dbt_test__audit.bad_single__not_null')).toEqual([expect.objectContaining({ id: null, amount: 500, status: 'y' })]);
    // the message is dbt's; where the rows are is the result's relation_name (and a log line after the message)
    expect(result('bad_single__accepted_range').message).toBe('Got 2 results, configured to fail if != 0');
    expect(runResults.results.find((x: { unique_id: string }) => x.unique_id.startsWith('test.p.bad_single__accepted_range')).relation_name).toBe('"main_dbt_test__audit"."bad_single__accepted_range"');
    // tests without store_failures leave nothing behind
    expect(await project.query("select count(*) as n from duckdb_tables() where schema_name = 'main_dbt_test__audit'")).toEqual([{ n: 2 }]);
  });
});

describe('bmp build', () => {
  it('skips what depends on a model whose error-severity test failed, and exits 1', () => {
    expect(exitCode).toBe(1);
    expect(result('after_good').status).toBe('success');
    const skipped = result('after_bad');
    expect(skipped.status).toBe('skipped');
    expect(skipped.message).toMatch(/^skipped because test 'bad__\w+' failed$/);
    const rr = runResults;
    expect(rr.results.find((r) => r.unique_id === 'model.p.after_bad')?.status).toBe('skipped');
    expect(rr.results.find((r) => r.unique_id.startsWith('test.p.bad__accepted_values.'))).toMatchObject({ status: 'fail', failures: 3 });
  });

  it('exits 0 when only warnings remain', async () => {
    const out = await project.run('test', { select: ['sev_warn', 'sev_between', 'sev_pass', 'bad__multiple'] });
    expect(out.results.map((r) => r.status).sort()).toEqual(['pass', 'warn', 'warn', 'warn']);
    expect(out.exitCode).toBe(0);
  });
});
