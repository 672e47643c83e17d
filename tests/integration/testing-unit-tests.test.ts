/**
 * Unit tests (dbt 1.8): given rows in every format, overrides, incremental models with `this`,
 * column types from the real inputs, diffs on failure, and the user's database left untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeResult } from '../../src/report/index.js';
import { tempProject, type TempProject } from '../helpers/project.js';

let project: TempProject;
let results: readonly NodeResult[];
const result = (name: string) => {
  const r = results.filter((x) => x.uniqueId.startsWith('unit_test.') && x.uniqueId.endsWith(`.${name}`));
  expect(r, name).toHaveLength(1);
  return r[0]!;
};

const UNIT_TESTS = `
unit_tests:
  - name: env_var_override
    model: labelled
    overrides:
      env_vars: {SHOP_LABEL: from_the_test}
    given:
      - input: ref('customers')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1, label: from_the_test, static_label: from_the_test}]
  - name: seed_input_without_rows_reads_the_seed
    model: doubled
    given:
      - input: ref('raw_prices')
    expect:
      rows: [{sku: a, doubled: 3.0}, {sku: b, doubled: 4.5}]
  - name: totals_dict
    model: totals
    given:
      - input: ref('customers')
        rows: [{id: 1, name: Ada}, {id: 2, name: Grace}, {id: 3, name: Linus}]
      - input: source('shop', 'orders')
        rows:
          - {customer_id: 1, amount: 40}
          - {customer_id: 1, amount: 20}
          - {customer_id: 2, amount: 1}
    expect:
      rows:
        - {id: 1, n: 2, total: 60, big: true}
        - {id: 2, n: 1, total: 1, big: false}
        - {id: 3, n: 0, total: 0, big: false}
  - name: totals_csv_and_fixture_with_vars
    model: totals
    overrides:
      vars: {big_total: 1}
    given:
      - input: ref('customers')
        format: csv
        rows: |
          id,name
          1,Ada
          2,"Hopper, Grace"
      - input: source('shop', 'orders')
        format: csv
        fixture: two_orders
    expect:
      format: sql
      rows: select 1 as id, true as big union all select 2, false
  - name: totals_fail
    model: totals
    given:
      - input: ref('customers')
        rows: [{id: 1}, {id: 2}]
      - input: source('shop', 'orders')
        format: sql
        rows: select 1 as customer_id, 5 as amount union all select 1, 6
    expect:
      rows:
        - {id: 1, total: 12}
        - {id: 2, total: 0}
        - {id: 3, total: 0}
  - name: totals_unknown_column
    model: totals
    given:
      - input: ref('customers')
        rows: [{id: 1}]
      - input: source('shop', 'orders')
        format: sql
        rows: select 1 as customer_id, 1 as amount where false
    expect:
      rows: [{id: 1, revenue: 0}]
  - name: empty_given_unknown_columns
    model: totals
    given:
      - input: ref('customers')
        rows: [{id: 1}]
      - input: source('shop', 'orders')
        rows: []
    expect:
      rows: [{id: 1}]
  - name: log_incremental
    model: order_log
    overrides:
      macros: {is_incremental: true}
    given:
      - input: source('shop', 'orders')
        rows:
          - {order_id: 1, amount: 5, ordered_at: '2024-01-01'}
          - {order_id: 2, amount: 6, ordered_at: '2024-01-03'}
          - {order_id: 3, amount: 7, ordered_at: '2024-01-04'}
      - input: this
        rows: [{order_id: 1, ordered_at: '2024-01-02'}]
    expect:
      rows: [{order_id: 2}, {order_id: 3}]
  - name: log_full
    model: order_log
    overrides:
      macros: {is_incremental: false}
    given:
      - input: source('shop', 'orders')
        rows:
          - {order_id: 1, amount: 5, ordered_at: '2024-01-01'}
          - {order_id: 2, amount: 6, ordered_at: '2024-01-03'}
    expect:
      rows: [{order_id: 1, amount: 5}, {order_id: 2, amount: 6}]
  - name: stamped_macro_override
    model: stamped
    overrides:
      macros: {run_date: "date '2030-05-06'"}
    given:
      - input: ref('customers')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1, d: '2030-05-06'}]
  - name: seed_columns_typed_from_the_file
    model: doubled
    given:
      - input: ref('raw_prices')
        rows: [{sku: a}]
    expect:
      rows: [{sku: a, doubled: null}]
  - name: expect_no_rows
    model: expensive
    given:
      - input: ref('raw_prices')
        rows: [{sku: a, price: 1}]
    expect:
      rows: []
  - name: expect_no_rows_fails
    model: expensive
    given:
      - input: ref('raw_prices')
        rows: [{sku: a, price: 1}, {sku: b, price: 20}]
    expect:
      rows: []
  - name: given_unknown_column
    model: doubled
    given:
      - input: ref('raw_prices')
        rows: [{sku: a, Cost: 1}]
    expect:
      rows: [{sku: a}]
  - name: fixture_error
    model: doubled
    given:
      - input: ref('raw_prices')
        rows: [{sku: a, price: not-a-number}]
    expect:
      rows: [{sku: a}]
  - name: model_error
    model: stamped
    overrides:
      macros: {run_date: "no_such_function()"}
    given:
      - input: ref('customers')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1}]
`;

beforeAll(async () => {
  project = tempProject({
    'seeds/raw_prices.csv': 'sku,price\na,1.5\nb,2.25\n',
    'models/customers.sql': 'select * from (values (1, \'Ada\')) as t(id, name)',
    'models/totals.sql':
      "select c.id, count(o.amount) as n, coalesce(sum(o.amount), 0) as total, coalesce(sum(o.amount), 0) >= {{ var('big_total', 50) }} as big\nfrom {{ ref('customers') }} c\nleft join {{ source('shop', 'orders') }} o on o.customer_id = c.id\ngroup by all",
    'models/order_log.sql':
      "{{ config(materialized='incremental') }}\nselect order_id, amount, ordered_at from {{ source('shop', 'orders') }}\n{% if is_incremental() %}where ordered_at > (select max(ordered_at) from {{ this }}){% endif %}",
    'models/stamped.sql': "select id, {{ run_date() }} as d from {{ ref('customers') }}",
    'models/expensive.sql': "select sku from {{ ref('raw_prices') }} where price > 10",
    'models/doubled.sql': "select sku, price * 2 as doubled from {{ ref('raw_prices') }}",
    // env_var() in a rendered template and on the static path (a model with nothing else to render)
    'models/labelled.sql': "select id, '{{ env_var('SHOP_LABEL', 'dflt') | upper | lower }}' as label, '{{ env_var('SHOP_LABEL', 'dflt') }}' as static_label from {{ ref('customers') }}",
    'macros/run_date.sql': '{% macro run_date() %}current_date{% endmacro %}',
    'tests/fixtures/two_orders.csv': 'customer_id,amount\n1,5\n2,\n',
    'models/schema.yml': `version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n${UNIT_TESTS}`,
  }, { threads: 2 });
  ({ results } = await project.run('test', { select: ['test_type:unit'] }));
});
afterAll(() => project?.remove());

describe('unit tests', () => {
  it('pass with dict, csv, sql and fixture-file rows, var and macro overrides', () => {
    for (const name of ['totals_dict', 'totals_csv_and_fixture_with_vars', 'stamped_macro_override']) {
      expect([name, result(name).status, result(name).message]).toEqual([name, 'pass', 'PASS']);
    }
  });

  it('test an incremental model with `this` and the is_incremental override', () => {
    expect([result('log_incremental').status, result('log_incremental').message]).toEqual(['pass', 'PASS']);
    expect(result('log_full').status).toBe('pass');
  });

  it('overrides: env_vars set what env_var() returns in the model, as in dbt', () => {
    expect([result('env_var_override').status, result('env_var_override').message]).toEqual(['pass', 'PASS']);
  });

  it("a seed given without rows is the seed's own data, as dbt reads it", () => {
    expect([result('seed_input_without_rows_reads_the_seed').status, result('seed_input_without_rows_reads_the_seed').message]).toEqual(['pass', 'PASS']);
  });

  it('type the columns a test leaves out from the real input (here the seed file)', () => {
    expect(result('seed_columns_typed_from_the_file').status).toBe('pass');
  });

  it('print a diff of expected and actual rows when they differ', () => {
    const r = result('totals_fail');
    expect(r.status).toBe('fail');
    // one failure, as dbt counts a unit test; the differing rows are in the message
    expect(r.failures).toBe(1);
    expect(r.message).toBe(
      [
        "unit test 'totals_fail' of model 'totals': actual differs from expected: 2 expected rows missing, 1 unexpected row (expected 3 rows, got 2; - expected but not returned, + returned but not expected)",
        '     id | total',
        '     ---+------',
        '  +  1  | 11',
        '  -  1  | 12',
        '     2  | 0',
        '  -  3  | 0',
      ].join('\n'),
    );
  });

  it('expect no rows with `rows: []`', () => {
    expect(result('expect_no_rows').status).toBe('pass');
    const r = result('expect_no_rows_fails');
    expect([r.status, r.failures]).toEqual(['fail', 1]);
    expect(r.message.split('\n').slice(1)).toEqual(['     sku', '     ---', '  +  b']);
  });

  it("an error (dbt's fixture check) when expect names a column the model does not return", () => {
    const r = result('totals_unknown_column');
    expect(r.status).toBe('error');
    expect(r.message).toBe("unit test 'totals_unknown_column': Invalid column name: 'revenue' in unit test fixture for expected output. Accepted columns for expected output are: ['id', 'n', 'total', 'big'] (what model 'totals' returns)");
  });

  it('report a model that fails on the given rows, or rows that do not fit, as errors', () => {
    const r = result('model_error');
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/^unit test 'model_error': model 'stamped' failed on the given rows: Catalog Error: Scalar Function with name no_such_function does not exist/);
    // a given column the input does not have (its seed file says which it has), refused as dbt does
    const g = result('given_unknown_column');
    expect([g.status, g.message]).toEqual(['error', "unit test 'given_unknown_column', given ref('raw_prices'): Invalid column name: 'cost' in unit test fixture for 'raw_prices'. Accepted columns for 'raw_prices' are: ['sku', 'price']"]);
    const f = result('fixture_error');
    expect(f.status).toBe('error');
    expect(f.message).toMatch(/^unit test 'fixture_error', given ref\('raw_prices'\): a row does not fit the column types \(sku VARCHAR, price DOUBLE\): Conversion Error: .*not-a-number/);
    const e = result('empty_given_unknown_columns');
    expect(e.status).toBe('error');
    expect(e.message).toBe("unit test 'empty_given_unknown_columns', given source('shop', 'orders'): no rows, and the columns of source 'orders' are unknown (it is not in the database) (give at least one row, or rows as format: sql (select ... where false))");
  });

  it('never touch the user database', async () => {
    expect(await project.query("select count(*) as n from duckdb_tables() where database_name = 'p'")).toEqual([{ n: 0 }]);
    expect(await project.query("select count(*) as n from duckdb_schemas() where schema_name = 'bmp_unit'")).toEqual([{ n: 0 }]);
  });

  it('are selected with their model, and write their compiled SQL', async () => {
    const out = await project.run('test', { select: ['stamped'] });
    expect(out.results.map((r) => r.uniqueId).sort()).toEqual(['unit_test.p.stamped.model_error', 'unit_test.p.stamped.stamped_macro_override']);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${project.dir}/target/compiled/p/models/schema.yml/stamped_macro_override.sql`, 'utf8').trimEnd()).toBe(`select id, date '2030-05-06' as d from "bmp_unit"."given_0_customers"`);
  });

  it('take column types from the built input when the database has it', async () => {
    project.write('models/codes.sql', "select '5'::varchar as code, 1.5::double as weight");
    project.write('models/labels.sql', "select code || '-x' as label, weight / 2 as half from {{ ref('codes') }}");
    project.write(
      'models/more.yml',
      "version: 2\nunit_tests:\n  - name: labels_typed\n    model: labels\n    given:\n      - input: ref('codes')\n        rows: [{code: 7, weight: 3}]\n    expect:\n      rows: [{label: 7-x, half: 1.5}]\n",
    );
    expect((await project.run('run', { select: ['codes'] })).exitCode).toBe(0);
    expect(await project.query("select data_type from duckdb_columns() where table_name = 'codes' order by column_index")).toEqual([{ data_type: 'VARCHAR' }, { data_type: 'DOUBLE' }]);
    const out = await project.run('test', { select: ['labels'] });
    expect(out.results.map((r) => [r.status, r.message])).toEqual([['pass', 'PASS']]);
  });
});
