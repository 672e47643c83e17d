/**
 * Installed packages through the real CLI: tests/fixtures/packages has two hand-made packages in
 * dbt_packages/ (laid out as `dbt deps` leaves them). util_pkg brings a model, a seed, macros with a
 * dispatch and generic tests; other_pkg reuses a model name and a macro name of the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir } from '../helpers/project.js';

let dir: string;
let build: ReturnType<typeof bmp>;
beforeAll(() => {
  dir = copyFixture('packages');
  build = bmp(['build', '--project-dir', dir]);
});
afterAll(() => removeDir(dir));

const manifest = () => JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
const runResults = () => JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number | null }[] };

describe('a project with installed packages', () => {
  it('builds every node of the project and its packages', () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    const ids = runResults().results.map((r) => `${r.unique_id.split('.').slice(0, 3).join('.')}:${r.status}`).sort();
    expect(ids).toEqual([
      'model.other_pkg.orders:success',
      'model.shop.calendar_copy:success',
      'model.shop.logged_orders:success',
      'model.shop.orders:success',
      'model.util_pkg.util_calendar:success',
      'seed.util_pkg.util_codes:success',
      'test.shop.not_null_orders_id:pass',
      'test.shop.rows_at_least_calendar_copy_3:pass',
      'test.shop.unique_orders_id:pass',
      'test.shop.util_pkg_equals_column_orders_amount__amount_root:pass',
      'test.shop.util_pkg_rows_at_least_orders_2:pass',
    ]);
  });

  it("gives package nodes the package's name and configs, then the root project's (which win)", () => {
    const m = manifest();
    const cal = m.nodes['model.util_pkg.util_calendar'];
    expect(cal).toMatchObject({ package_name: 'util_pkg', fqn: ['util_pkg', 'util_calendar'], original_file_path: 'models/util_calendar.sql', schema: 'main' });
    expect(cal.config.materialized).toBe('table'); // the package's own dbt_project.yml
    expect(m.nodes['seed.util_pkg.util_codes'].schema).toBe('main_raw'); // seeds: {util_pkg: {+schema: raw}} in the root
    expect(m.nodes['model.other_pkg.orders'].schema).toBe('main_other');
    expect(m.disabled).toHaveProperty(['model.util_pkg.retired']); // models: {util_pkg: {retired: {+enabled: false}}}
    expect(m.nodes['model.shop.orders'].depends_on.nodes).toEqual(['seed.util_pkg.util_codes']); // ref('util_pkg', 'util_codes')
    expect(m.nodes['model.shop.calendar_copy'].depends_on.nodes).toEqual(['model.util_pkg.util_calendar']); // ref('util_calendar') found in the package
    expect(m.macros['macro.util_pkg.cents_to_dollars']).toMatchObject({ package_name: 'util_pkg', original_file_path: 'macros/money.sql' });
    expect(m.macros['macro.other_pkg.cents_to_dollars'].package_name).toBe('other_pkg');
    expect(m.macros['macro.dbt.dateadd'].package_name).toBe('dbt');
    expect(existsSync(join(dir, 'target/compiled/util_pkg/models/util_calendar.sql'))).toBe(true);
    expect(existsSync(join(dir, 'target/run/other_pkg/models/orders.sql'))).toBe(true);
  });

  it('scopes vars, namespaces macros and dispatches as dbt does', async () => {
    // util_label: the root's util_pkg-scoped value beats the package's default; region: a root global;
    // util_days: the package's own default (3 days from 2024-02-27, end excluded)
    expect(await query(join(dir, 'shop.duckdb'), 'select cast(day as date)::varchar as day, label, region from main.util_calendar order by 1')).toEqual([
      { day: '2024-02-27', label: 'from-root-scoped', region: 'root-global' },
      { day: '2024-02-28', label: 'from-root-scoped', region: 'root-global' },
      { day: '2024-02-29', label: 'from-root-scoped', region: 'root-global' },
    ]);
    // util_pkg.cents_to_dollars dispatches to the root's duckdb__ implementation (round(x / 100.0, 2))
    expect(await query(join(dir, 'shop.duckdb'), 'select id, amount, code from main.orders order by id')).toEqual([
      { id: 1, amount: 12.5, code: 'ALPHA' },
      { id: 2, amount: 0.99, code: 'BRAVO' },
    ]);
    // other_pkg's cents_to_dollars is its own (x / 1000)
    expect(await query(join(dir, 'shop.duckdb'), 'select distinct amount from main_other.orders')).toEqual([{ amount: 5 }]);
  });

  it("runs a package's {% materialization %}: its statements, hooks and returned relation", async () => {
    const db = join(dir, 'shop.duckdb');
    expect(await query(db, 'select relation_name, row_count from main.util_pkg_log order by 1')).toEqual([
      { relation_name: 'logged_orders', row_count: 2 },
      { relation_name: 'post-hook', row_count: 1 },
    ]);
    expect(await query(db, "select table_type from information_schema.tables where table_name = 'logged_orders'")).toEqual([{ table_type: 'BASE TABLE' }]);
    expect(manifest().nodes['model.shop.logged_orders'].config.materialized).toBe('logged_table');
  });

  it("run-operation calls a package's macro by its name or as package.name", () => {
    for (const macro of ['util_log', 'util_pkg.util_log']) {
      const r = bmp(['run-operation', macro, '--args', '{word: hi}', '--project-dir', dir]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/util says hi/);
    }
    // a package that has no such macro: a usage error (exit 2)
    const unknown = bmp(['run-operation', 'other_pkg.util_log', '--project-dir', dir]);
    expect(unknown.code).toBe(2);
  });

  it('selects by package', () => {
    const ls = bmp(['ls', '--project-dir', dir, '-s', 'package:util_pkg', '--output', 'name']);
    expect(ls.code).toBe(0);
    expect(ls.stdout.trim().split('\n').sort()).toEqual(['util_calendar', 'util_codes']);
  });
});

describe('a package node and a root node writing one relation', () => {
  it('is refused at load (exit 2), naming both, whatever package each comes from', () => {
    const d = copyFixture('packages');
    try {
      // other_pkg's `orders` without its schema: it would replace the root project's main.orders
      writeFileSync(join(d, 'dbt_packages/other_pkg/dbt_project.yml'), 'name: other_pkg\nversion: 1.0.0\n');
      const r = bmp(['build', '--project-dir', d]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr.trim()).toMatch(/^Parsing Error in model orders \(.*\): two resources would write the relation main\.orders: model\.(shop|other_pkg)\.orders \(.*orders\.sql\) and model\.(shop|other_pkg)\.orders \(.*orders\.sql\) \(change the alias or schema of one of them\) \[BMP_RELATION_COLLISION\]$/);
      expect(r.stderr).toMatch(/model\.shop\.orders/);
      expect(r.stderr).toMatch(/model\.other_pkg\.orders/);
      expect(existsSync(join(d, 'shop.duckdb'))).toBe(false);
    } finally {
      removeDir(d);
    }
  });
});
