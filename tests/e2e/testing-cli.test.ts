/** `bmp test` and `bmp build` through the real CLI on a copy of tests/fixtures/testing-shop. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir } from '../helpers/project.js';

const dirs: string[] = [];
function fixture(): string {
  const d = copyFixture('testing-shop');
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(path, next);
}

type Result = { unique_id: string; status: string; failures: number | null; message: string; compiled: boolean; compiled_code: string | null };
const runResults = (dir: string): Result[] => JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results;
const byPrefix = (results: Result[], prefix: string) => {
  const r = results.filter((x) => x.unique_id.startsWith(prefix));
  expect(r, prefix).toHaveLength(1);
  return r[0]!;
};

describe('bmp build and bmp test', () => {
  it('build runs seeds, models, data tests and unit tests; test -s selects a model’s tests and unit tests', () => {
    const dir = fixture();
    const r = bmp(['build', '--project-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Found 2 seeds, 5 models, 17 data tests, 3 unit tests/);
    expect(r.stdout).toMatch(/PASS=27 WARN=0 ERROR=0 SKIP=0 TOTAL=27/);
    const results = runResults(dir);
    expect(byPrefix(results, 'test.shop.not_null_stg_orders_order_id.')).toMatchObject({ status: 'pass', failures: 0 });
    expect(byPrefix(results, 'test.shop.not_null_stg_orders_order_id.')).toMatchObject({ compiled: true, compiled_code: 'select order_id\nfrom "main"."stg_orders"\nwhere order_id is null' });
    expect(existsSync(join(dir, 'target/compiled/shop/models/schema.yml/not_null_stg_orders_order_id.sql'))).toBe(true);
    expect(byPrefix(results, 'unit_test.shop.customer_orders.test_customer_orders_totals')).toMatchObject({ status: 'pass' });

    const t = bmp(['test', '--project-dir', dir, '-s', 'customer_orders']);
    expect(t.code).toBe(0);
    expect(runResults(dir).map((x) => x.unique_id.split('.').slice(0, 3).join('.')).sort()).toEqual([
      'test.shop.accepted_range_customer_orders_order_count__0',
      'test.shop.assert_totals_non_negative',
      'test.shop.not_null_customer_orders_customer_id',
      'test.shop.unique_customer_orders_customer_id',
      'unit_test.shop.customer_orders',
      'unit_test.shop.customer_orders',
    ]);
    const unit = bmp(['test', '--project-dir', dir, '-s', 'test_type:unit']);
    expect(unit.stdout).toMatch(/Found 3 unit tests/);
  });

  it('build stops bad data: failing tests show their counts, what depends on the model is skipped, exit 1', () => {
    const dir = fixture();
    // planted: a duplicate order id, an unknown status, an orphan customer
    writeFileSync(join(dir, 'seeds/raw_orders.csv'), 'order_id,customer_id,amount,status,ordered_at\n100,1,25.50,placed,2024-01-03\n100,2,10.00,lost,2024-01-04\n102,9,7.25,completed,2024-01-05\n');
    const r = bmp(['build', '--project-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL unique_stg_orders_order_id \.+ \[FAIL 1 in/);
    expect(r.stdout).toMatch(/FAIL accepted_values_stg_orders_status__placed__shipped__completed__returned \.+ \[FAIL 1 in/);
    expect(r.stdout).toMatch(/FAIL relationships_stg_orders_customer_id__customer_id__ref_stg_customers_ \.+ \[FAIL 1 in/);
    expect(r.stdout).toMatch(/SKIP .*customer_orders/);
    // as dbt lists it: name and properties file, the message, then where the compiled SQL is
    expect(r.stdout).toMatch(/Failure in test unique_stg_orders_order_id \(models\/schema.yml\)\n.*  Got 1 result, configured to fail if != 0\n.*\n.*  compiled Code at target\/compiled\/shop\/models\/schema.yml\/unique_stg_orders_order_id\.sql\n/);
    const results = runResults(dir);
    for (const id of ['model.shop.customer_orders', 'model.shop.vip_customers', 'model.shop.order_log']) expect(byPrefix(results, id).status).toBe('skipped');
    expect(byPrefix(results, 'model.shop.customer_orders').message).toMatch(/^skipped because test '\w+' failed$/);
    expect(byPrefix(results, 'test.shop.not_null_stg_orders_order_id.').status).toBe('pass');
  });

  it('warnings are reported and exit 0; project-wide store_failures keeps the failing rows', async () => {
    const dir = fixture();
    writeFileSync(join(dir, 'seeds/raw_customers.csv'), 'customer_id,name,tier,signup_date\n1,Ada Augusta King Countess of Lovelace,gold,2023-01-05\n2,Grace,silver,2023-02-11\n3,Linus,bronze,2023-03-20\n4,Barbara,gold,2023-04-02\n');
    writeFileSync(join(dir, 'project.yml'), `${readFileSync(join(dir, 'project.yml'), 'utf8')}tests:\n  shop:\n    +store_failures: true\n`);
    const r = bmp(['build', '--project-dir', dir]);
    expect(r.code).toBe(0);
    // max_length's {% test %} block sets severity='warn'
    expect(r.stdout).toMatch(/WARN max_length_stg_customers_name__20 \.+ \[WARN 1 in/);
    expect(r.stdout).toMatch(/PASS=26 WARN=1 ERROR=0 SKIP=0 TOTAL=27/);
    expect(r.stdout).toMatch(/Completed with warnings:/);
    const db = join(dir, 'shop.duckdb');
    expect(await query(db, 'select name from main_dbt_test__audit.max_length_stg_customers_name__20')).toEqual([{ name: 'Ada Augusta King Countess of Lovelace' }]);
    expect(await query(db, 'select count(*) as n from main_dbt_test__audit.not_null_stg_orders_order_id')).toEqual([{ n: 0 }]);
  });

  it('a failing unit test prints the row diff and exits 1', () => {
    const dir = fixture();
    edit(dir, 'models/schema.yml', '- {customer_id: 2, order_count: 1, total_cents: 100, is_vip: false}', '- {customer_id: 2, order_count: 1, total_cents: 150, is_vip: false}');
    const r = bmp(['test', '--project-dir', dir, '-s', 'test_type:unit']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        "unit test 'test_customer_orders_totals' of model 'customer_orders': actual differs from expected: 1 expected row missing, 1 unexpected row (expected 3 rows, got 3; - expected but not returned, + returned but not expected)",
        '     customer_id | order_count | total_cents | is_vip',
        '     ------------+-------------+-------------+-------',
        '     1           | 2           | 6000        | true',
        '  +  2           | 1           | 100         | false',
        '  -  2           | 1           | 150         | false',
        '     3           | 0           | 0           | false',
      ].join('\n'),
    );
    // one failure, as dbt counts a failed unit test (the diff above shows the rows)
    expect(byPrefix(runResults(dir), 'unit_test.shop.customer_orders.test_customer_orders_totals')).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('a test on a column the built model lacks fails the run (exit 1) naming file, test and column', () => {
    const dir = fixture();
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    edit(dir, 'models/schema.yml', '      - name: tier\n', '      - name: tier_code\n');
    const r = bmp(['test', '--project-dir', dir, '-s', 'stg_customers']);
    expect(r.code).toBe(1);
    const message = "column 'tier_code' tested by 'accepted_values_stg_customers_tier_code__gold__silver__bronze' (models/schema.yml) does not exist in model 'stg_customers' (main.stg_customers); its columns are customer_id, name, tier, signup_date";
    expect(r.stdout).toContain(message);
    expect(byPrefix(runResults(dir), 'test.shop.accepted_values_stg_customers_tier_code__gold__silver__bronze.')).toMatchObject({ status: 'error', message });
    // its neighbours in the same batch still get their own verdicts
    expect(byPrefix(runResults(dir), 'test.shop.not_null_stg_customers_customer_id.').status).toBe('pass');
  });
});

describe('tests on a model that does not exist warn and are disabled, as in dbt (issue #19)', () => {
  it('warns NoNodeForYamlKey and NodeNotFoundOrDisabled with file:line, runs the rest (exit 0)', () => {
    const dir = fixture();
    edit(dir, 'models/schema.yml', '  - name: customer_orders\n', '  - name: customer_order\n');
    const r = bmp(['build', '--project-dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[WARNING\] models\/schema\.yml:\d+: properties for model 'customer_order', which does not exist; dbt warns and ignores the entry: did you mean 'customer_orders'\? add models\/\.\.\.\/customer_order\.sql, correct the name, or remove the entry \[NoNodeForYamlKey\]/);
    expect(r.stdout).toMatch(/\[WARNING\] models\/schema\.yml:\d+: \d+ tests of model 'customer_order' depend on a node that was not found, so they are disabled, as dbt does: fix the name or remove the tests \[NodeNotFoundOrDisabled\]/);
    // the model itself still builds; the tests of the misnamed entry are not run
    expect(byPrefix(runResults(dir), 'model.shop.customer_orders').status).toBe('success');
    expect(runResults(dir).filter((x) => x.unique_id.includes('customer_order_')).map((x) => x.unique_id)).toEqual([]);
    // and --warn-error-options makes it the error it used to be
    const strict = bmp(['test', '--project-dir', dir, '--warn-error-options', '{"error": ["NoNodeForYamlKey"]}']);
    expect(strict.code).toBe(2);
    expect(strict.stderr.trim()).toMatch(/^Warning as Error \(models\/schema\.yml:\d+\): properties for model 'customer_order', which does not exist.*\[BMP_WARN_ERROR\]$/);
  });
});

describe('bad input stops the command before anything runs (exit 2)', () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    [
      'an unknown test name',
      (d) => edit(d, 'models/schema.yml', 'tests: [unique, not_null]\n      - name: tier', 'tests: [unique, not_nul]\n      - name: tier'),
      /^Parsing Error \(models\/schema\.yml:6:\d+\): unknown test 'not_nul' on column 'customer_id' of 'stg_customers' \(did you mean 'not_null'\?\) \[BMP_TEST_UNDEFINED\]$/,
    ],
    [
      'a malformed warn_if',
      (d) => edit(d, 'models/schema.yml', '              min_value: 0\n              max_value: 100000\n', "              min_value: 0\n              max_value: 100000\n              config:\n                warn_if: 'more than 10'\n"),
      /^Config Error \(models\/schema\.yml:\d+:\d+\): .*warn_if.*more than 10/,
    ],
    [
      'a unit test whose given misses an input',
      (d) => edit(d, 'models/schema.yml', /      - input: ref\('stg_orders'\)\n        rows:\n(          - \{order_id.*\n){3}/, ''),
      /^Compilation Error in unit_test customer_orders\.test_customer_orders_totals \(models\/schema\.yml\): unit test 'test_customer_orders_totals' gives no rows for ref\('stg_orders'\), an input of model 'customer_orders'/,
    ],
    [
      'a built-in test without its arguments',
      (d) => edit(d, 'models/schema.yml', '          - accepted_values:\n              values: [gold, silver, bronze]\n', '          - accepted_values\n'),
      /^Parsing Error \(models\/schema\.yml:\d+:\d+\): test 'accepted_values_stg_customers_tier' \(accepted_values\) needs the argument 'values' \(values: \[a, b, c\]\) \[BMP_TEST_ARGUMENT\]$/,
    ],
  ];
  for (const [what, plant, message] of cases) {
    it(what, () => {
      const dir = fixture();
      plant(dir);
      for (const command of ['test', 'build']) {
        const r = bmp([command, '--project-dir', dir]);
        expect(r.code, r.stdout + r.stderr).toBe(2);
        expect(r.stderr.trim()).toMatch(message);
        expect(existsSync(join(dir, 'shop.duckdb'))).toBe(false);
      }
    });
  }

  it('a generic test whose name passes 255 bytes (accepted_values with 14 values): a hashed file name as dbt uses, the full name in run_results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-longtest-'));
    dirs.push(dir);
    const values = Array.from({ length: 14 }, (_, i) => `a_rather_long_status_value_number_${i}`);
    const files: Record<string, string> = {
      'project.yml': 'name: lt\nprofile: lt\n',
      'profiles.yml': 'lt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: lt.duckdb\n',
      'models/orders.sql': `select '${values[3]}' as status\n`,
      'models/schema.yml': `version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n          - accepted_values:\n              values: [${values.join(', ')}]\n`,
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const r = bmp(['build', '--project-dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS=2 /);
    const full = `accepted_values_orders_status__${values.join('__')}`;
    expect(Buffer.byteLength(full)).toBeGreaterThan(255);
    const result = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results.find((x: { unique_id: string }) => x.unique_id.startsWith('test.'));
    expect(result.unique_id).toMatch(new RegExp(`^test\\.lt\\.${full}\\.[0-9a-f]{10}$`));
    expect(result.status).toBe('pass');
    // target/compiled/lt/models/schema.yml/<the first 30 characters of test and model names>_<md5 of the full name>.sql, as the manifest says
    const compiledFiles = readdirSync(join(dir, 'target/compiled/lt/models/schema.yml'));
    expect(compiledFiles).toEqual([expect.stringMatching(/^accepted_values_orders_[0-9a-f]{32}\.sql$/)]);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes[result.unique_id].compiled_path).toBe(`target/compiled/lt/models/schema.yml/${compiledFiles[0]}`);
  });
});
