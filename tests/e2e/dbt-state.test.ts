/**
 * Slim CI and recovery on the real CLI: --state with state:modified (and its sub-selectors),
 * state:new, state:unmodified, result:<status>; --defer and --favor-state; bmp retry; bmp clone.
 * One DuckDB file holds a `prod` and a `dev` schema (two targets), as a local CI setup would.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir } from '../helpers/project.js';

const PROFILES = `jaffle:
  target: prod
  outputs:
    prod: {type: duckdb, path: jaffle.duckdb, schema: prod, threads: 2}
    dev: {type: duckdb, path: jaffle.duckdb, schema: dev, threads: 2}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** The interop fixture built into `prod`, its artifacts kept in prod-state/. */
function prodProject(): string {
  const dir = copyFixture('interop');
  dirs.push(dir);
  writeFileSync(join(dir, 'profiles.yml'), PROFILES);
  const r = bmp(['build', '--project-dir', dir]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
  return dir;
}

const edit = (dir: string, file: string, f: (t: string) => string) => writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));
const ls = (dir: string, ...args: string[]) => {
  const r = bmp(['ls', '--project-dir', dir, '--resource-type', 'model', 'seed', 'snapshot', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').filter(Boolean);
};

describe('--state', () => {
  let dir: string;
  beforeAll(() => {
    dir = prodProject();
    edit(dir, 'models/marts/orders.sql', (t) => `${t}-- a comment changes the body\n`);
    edit(dir, 'macros/cents.sql', (t) => t.replace('round(', 'round(1.0 * '));
    edit(dir, 'models/schema.yml', (t) => t.replace('description: Customers, renamed.', 'description: Customers, renamed.\n    config: {tags: [nightly]}'));
    writeFileSync(join(dir, 'models/marts/brand_new.sql'), "select * from {{ ref('orders') }}\n");
  }, 120_000);

  it('state:modified is every new or changed node; its sub-selectors say why', () => {
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:modified').sort()).toEqual(['jaffle.marts.brand_new', 'jaffle.marts.orders', 'jaffle.staging.stg_customers', 'jaffle.staging.stg_orders'].sort());
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:modified.body')).toEqual(['jaffle.marts.orders']);
    // stg_orders calls amount_column, which calls the edited cents_to_dollars
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:modified.macros')).toEqual(['jaffle.staging.stg_orders']);
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:modified.configs')).toEqual(['jaffle.staging.stg_customers']);
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:modified.relation')).toEqual([]);
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:new')).toEqual(['jaffle.marts.brand_new']);
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:unmodified')).toEqual(expect.arrayContaining(['jaffle.raw_orders', 'jaffle.marts.customers', 'jaffle.customers_snapshot']));
    expect(ls(dir, '--state', 'prod-state', '-s', 'state:unmodified')).not.toContain('jaffle.marts.orders');
    // with children, as CI runs it; and through DBT_STATE
    const viaEnv = bmp(['ls', '--project-dir', dir, '--resource-type', 'model', '-s', 'state:modified.body+'], { cwd: dir, env: { DBT_STATE: 'prod-state' } });
    expect(viaEnv.stdout.trim().split('\n').sort()).toEqual(['jaffle.marts.brand_new', 'jaffle.marts.customers', 'jaffle.marts.orders']);
  });

  it("dbt's own macros are compared too: a built-in test or a dbt.* call is not modified by itself", () => {
    const r = bmp(['ls', '--project-dir', dir, '--resource-type', 'test', '--state', 'prod-state', '-s', 'state:modified.macros'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('');
    const all = bmp(['ls', '--project-dir', dir, '--resource-type', 'test'], { cwd: dir });
    expect(all.stdout.trim().split('\n').length).toBeGreaterThan(3);
  });

  it('state: without --state says what it needs (exit 2); a folder without manifest.json too', () => {
    const r = bmp(['ls', '--project-dir', dir, '-s', 'state:modified']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give --state DIR.*\[BMP_STATE_REQUIRED\]/);
    const missing = bmp(['ls', '--project-dir', dir, '-s', 'state:modified', '--state', 'nowhere'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--state \S*nowhere: no manifest\.json there.*\[BMP_STATE_MISSING\]/);
  });

  it('--defer reads the state\'s relations for what this run does not build; --favor-state even when they exist here', async () => {
    const r = bmp(['run', '--project-dir', dir, '--target', 'dev', '-s', 'customers', '--defer', '--state', 'prod-state'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const sql = readFileSync(join(dir, 'target/compiled/jaffle/models/marts/customers.sql'), 'utf8');
    expect(sql).toMatch(/from "prod"\."stg_customers" c\s+left join "prod"\."orders" o/);
    expect(await query(join(dir, 'jaffle.duckdb'), 'select count(*) as n from dev.customers')).toEqual([{ n: 3 }]);
    // without --defer the refs point at dev, where nothing was built
    const alone = bmp(['run', '--project-dir', dir, '--target', 'dev', '-s', 'customers'], { cwd: dir });
    expect(alone.code).toBe(1);
    // stg_customers exists in dev now: deferred only with --favor-state
    expect(bmp(['run', '--project-dir', dir, '--target', 'dev', '-s', 'stg_customers'], { cwd: dir }).code).toBe(0);
    expect(bmp(['compile', '--project-dir', dir, '--target', 'dev', '-s', 'customers', '--defer', '--state', 'prod-state'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/jaffle/models/marts/customers.sql'), 'utf8')).toMatch(/from "dev"\."stg_customers" c\s+left join "prod"\."orders" o/);
    expect(bmp(['compile', '--project-dir', dir, '--target', 'dev', '-s', 'customers', '--defer', '--favor-state', '--state', 'prod-state'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/jaffle/models/marts/customers.sql'), 'utf8')).toMatch(/from "prod"\."stg_customers" c/);
    const noState = bmp(['run', '--project-dir', dir, '--target', 'dev', '-s', 'customers', '--defer'], { cwd: dir });
    expect(noState.code).toBe(2);
    expect(noState.stderr).toMatch(/--defer reads the relations of a previous run.*\[BMP_STATE_REQUIRED\]/);
  });

  it('clone makes the state\'s relations available in this target as views, keeping what exists unless --full-refresh', async () => {
    const r = bmp(['clone', '--project-dir', dir, '--target', 'dev', '--state', 'prod-state', '-s', 'orders', 'raw_orders'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const db = join(dir, 'jaffle.duckdb');
    expect(await query(db, "select table_name, table_type from information_schema.tables where table_schema = 'dev' and table_name in ('orders', 'raw_orders') order by 1")).toEqual([
      { table_name: 'orders', table_type: 'VIEW' },
      { table_name: 'raw_orders', table_type: 'VIEW' },
    ]);
    expect(await query(db, 'select count(*) as n from dev.orders')).toEqual([{ n: 4 }]);
    const again = bmp(['clone', '--project-dir', dir, '--target', 'dev', '--state', 'prod-state', '-s', 'orders'], { cwd: dir });
    expect(JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results[0].message).toMatch(/already exists/);
    expect(again.code).toBe(0);
  });
});

describe('result: and retry', () => {
  it('result:error selects what failed last time; retry reruns errors, failures and skipped nodes with the same command', async () => {
    const dir = prodProject();
    const orders = readFileSync(join(dir, 'models/marts/orders.sql'), 'utf8');
    writeFileSync(join(dir, 'models/marts/orders.sql'), "select no_such_column from {{ ref('stg_orders') }}");
    const failed = bmp(['build', '--project-dir', dir]);
    expect(failed.code).toBe(1);
    cpSync(join(dir, 'target'), join(dir, 'failed-state'), { recursive: true });
    expect(ls(dir, '--state', 'failed-state', '-s', 'result:error')).toEqual(['jaffle.marts.orders']);
    expect(ls(dir, '--state', 'failed-state', '-s', 'result:skipped')).toEqual(['jaffle.marts.customers', 'jaffle.orders_snapshot']);
    writeFileSync(join(dir, 'models/marts/orders.sql'), orders);
    const retried = bmp(['retry', '--project-dir', dir]);
    expect(retried.code, retried.stdout).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(results.args.which).toBe('build');
    const ids = results.results.map((r: { unique_id: string }) => r.unique_id);
    expect(ids).toEqual(expect.arrayContaining(['model.jaffle.orders', 'model.jaffle.customers', 'snapshot.jaffle.orders_snapshot', 'unit_test.jaffle.customers.customers_sum_orders']));
    expect(ids).not.toContain('model.jaffle.stg_customers'); // it succeeded the first time
    expect(results.results.every((r: { status: string }) => r.status === 'success' || r.status === 'pass')).toBe(true);
    expect(await query(join(dir, 'jaffle.duckdb'), 'select count(*) as n from prod.customers')).toEqual([{ n: 3 }]);
    const nothing = bmp(['retry', '--project-dir', dir]);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/Nothing to retry/);
  });
});
