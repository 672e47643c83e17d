/**
 * bmp's artifacts as dbt's toolchain reads them: every artifact of the flagship project and of the
 * fixture projects validates against dbt's own JSON Schemas (copies in ../shared/compat/dbt-schemas,
 * dbt-core 1.10), and carries what dbt would write (macro dependencies, test metadata on generic
 * tests only, compiled code, configs, catalog types, comments and statistics from DuckDB).
 * Skips, saying so, where the compat folder is absent.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatDir, NO_COMPAT } from '../helpers/compat.js';
import { bmp, copyFixture, copyPipeline, query, removeDir } from '../helpers/project.js';

/**
 * The dbt artifact schemas bmp writes, by artifact file. A newer dbt schema is a change here (file
 * and `$id`) and in the writer's `dbt_schema_version`.
 */
export const DBT_SCHEMAS = {
  'manifest.json': { file: 'manifest-v12.json', id: 'https://schemas.getdbt.com/dbt/manifest/v12.json' },
  'run_results.json': { file: 'run-results-v6.json', id: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
  'catalog.json': { file: 'catalog-v1.json', id: 'https://schemas.getdbt.com/dbt/catalog/v1.json' },
  'sources.json': { file: 'sources-v3.json', id: 'https://schemas.getdbt.com/dbt/sources/v3.json' },
} as const;

type Artifact = keyof typeof DBT_SCHEMAS;

const compat = compatDir();
if (!compat) console.warn(`dbt-artifacts.test.ts: ${NO_COMPAT}`);

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, 'target', file), 'utf8'));

describe.skipIf(!compat)('dbt artifact schemas', () => {
  const validators = new Map<Artifact, ReturnType<Ajv2020['compile']>>();
  const projects = new Map<string, string>();

  beforeAll(() => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    for (const [artifact, { file, id }] of Object.entries(DBT_SCHEMAS) as [Artifact, (typeof DBT_SCHEMAS)[Artifact]][]) {
      const schema = JSON.parse(readFileSync(join(compat!, 'dbt-schemas', file), 'utf8'));
      expect(schema.$id, `${file} is the schema this test names`).toBe(id);
      validators.set(artifact, ajv.compile(schema));
    }
    projects.set('flagship', copyPipeline('bmp-flagship-'));
    for (const name of ['interop', 'basic', 'testing-shop', 'compile', 'llm-basic', 'incremental-events', 'packages']) projects.set(name, copyFixture(name));
    for (const [name, dir] of projects) {
      const built = bmp(['build', '--project-dir', dir]);
      // incremental-events holds a model that fails on purpose; every other project builds cleanly
      if (name !== 'incremental-events') expect(built.code, `${name}: ${built.stdout}${built.stderr}`).toBe(0);
      const docs = bmp(['docs', 'generate', '--project-dir', dir]);
      expect(docs.code, `${name}: ${docs.stdout}${docs.stderr}`).toBe(0);
    }
    // sources.json: the interop project's source has a freshness (a warning: exit 0)
    const fresh = bmp(['source', 'freshness', '--project-dir', projects.get('interop')!]);
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
  }, 240_000);

  afterAll(() => {
    for (const dir of projects.values()) removeDir(dir);
  });

  const check = (artifact: Artifact, dir: string) => {
    const data = read(dir, artifact);
    expect(data.metadata.dbt_schema_version).toBe(DBT_SCHEMAS[artifact].id);
    const validate = validators.get(artifact)!;
    const ok = validate(data);
    const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    expect(errors, `${artifact} of ${dir}`).toEqual([]);
    expect(ok).toBe(true);
  };

  for (const name of ['flagship', 'interop', 'basic', 'testing-shop', 'compile', 'llm-basic', 'incremental-events', 'packages']) {
    it(`${name}: manifest.json, run_results.json and catalog.json validate`, () => {
      const dir = projects.get(name)!;
      for (const artifact of ['manifest.json', 'run_results.json', 'catalog.json'] as const) check(artifact, dir);
    });
  }

  it('interop: sources.json (source freshness) validates', () => {
    check('sources.json', projects.get('interop')!);
  });

  it('a schema rejects what it should (the validation can fail)', () => {
    const data = read(projects.get('interop')!, 'manifest.json');
    delete data.nodes['model.jaffle.orders'].checksum;
    expect(validators.get('manifest.json')!(data)).toBe(false);
    const results = read(projects.get('interop')!, 'run_results.json');
    results.results[0].compiled_path = 'target/compiled/x.sql';
    expect(validators.get('run_results.json')!(results)).toBe(false);
  });

  it('manifest: the contents dbt writes', () => {
    const m = read(projects.get('interop')!, 'manifest.json');
    const nodes = m.nodes as Record<string, Record<string, any>>;
    // macros a model calls, directly or (for a macro) through others
    expect(nodes['model.jaffle.stg_orders']!.depends_on).toEqual({ macros: ['macro.jaffle.amount_column'], nodes: ['seed.jaffle.raw_orders'] });
    expect(m.macros['macro.jaffle.amount_column'].depends_on.macros).toEqual(['macro.jaffle.cents_to_dollars']);
    expect(m.macros['macro.jaffle.cents_to_dollars']).toMatchObject({ resource_type: 'macro', path: 'macros/cents.sql', description: 'Converts an amount in cents to dollars.' });
    expect(m.macros['macro.jaffle.cents_to_dollars'].macro_sql).toMatch(/^\{% macro cents_to_dollars\(column_name, scale=2\) -%\}[\s\S]*\{%- endmacro %\}$/);
    // test_metadata on generic tests only; the custom generic test depends on its macro
    const generic = Object.values(nodes).filter((n) => n.resource_type === 'test' && n.test_metadata);
    const singular = Object.values(nodes).filter((n) => n.resource_type === 'test' && !n.test_metadata);
    expect(singular.map((n) => n.name)).toEqual(['assert_no_negative_amounts']);
    expect(singular[0]).not.toHaveProperty('attached_node');
    expect(generic.length).toBe(10);
    const positive = generic.find((n) => n.test_metadata.name === 'is_positive')!;
    expect(positive.depends_on.macros).toEqual(['macro.jaffle.test_is_positive']);
    expect(positive).toMatchObject({ column_name: 'amount', attached_node: 'model.jaffle.orders', file_key_name: 'models.orders', schema: 'main_dbt_test__audit' });
    expect(positive.test_metadata.kwargs).toEqual({ column_name: 'amount', model: "{{ get_where_subquery(ref('orders')) }}" });
    // compiled code, checksum, config per node, relation names
    const orders = nodes['model.jaffle.orders']!;
    expect(orders.compiled_code).toMatch(/with __dbt__cte__stg_orders as/);
    expect(orders).toMatchObject({ compiled: true, compiled_path: 'target/compiled/jaffle/models/marts/orders.sql', relation_name: '"jaffle"."main"."orders"' });
    expect(orders.checksum).toEqual({ name: 'sha256', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(orders.config).toMatchObject({ materialized: 'table', on_schema_change: 'ignore', access: 'protected', 'post-hook': [{ sql: "comment on table {{ this }} is 'One row per order'", transaction: true, index: 0 }] });
    expect(nodes['seed.jaffle.raw_orders']!.depends_on).toEqual({ macros: [] });
    expect(nodes['snapshot.jaffle.customers_snapshot']!.config).toMatchObject({ strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', target_schema: 'snapshots' });
    expect(m.docs['doc.jaffle.customer_id']).toMatchObject({ resource_type: 'doc', package_name: 'jaffle', path: 'models/docs.md' });
    expect(m.unit_tests['unit_test.jaffle.customers.customers_sum_orders']).toMatchObject({ model: 'customers', given: [{ input: "ref('stg_customers')", format: 'dict' }, { input: "ref('orders')", format: 'dict' }] });
    expect(m.sources['source.jaffle.raw.customers']).toMatchObject({ source_name: 'raw', relation_name: '"jaffle"."raw"."customers"', loader: '' });
  });

  it("packages: each node and macro carries its package (paths inside it), dbt's global macros their text", () => {
    const dir = projects.get('packages')!;
    const m = read(dir, 'manifest.json');
    expect(m.nodes['model.util_pkg.util_calendar']).toMatchObject({ package_name: 'util_pkg', original_file_path: 'models/util_calendar.sql', fqn: ['util_pkg', 'util_calendar'] });
    expect(m.nodes['model.util_pkg.util_calendar'].depends_on.macros).toContain('macro.dbt.date_spine');
    expect(m.nodes['model.other_pkg.orders'].package_name).toBe('other_pkg');
    expect(m.nodes['model.shop.orders'].depends_on.macros).toContain('macro.util_pkg.cents_to_dollars');
    expect(m.nodes['model.shop.calendar_copy'].depends_on.nodes).toEqual(['model.util_pkg.util_calendar']);
    expect(m.child_map['model.util_pkg.util_calendar']).toContain('model.shop.calendar_copy');
    expect(m.macros['macro.util_pkg.cents_to_dollars']).toMatchObject({ package_name: 'util_pkg', resource_type: 'macro' });
    expect(m.macros['macro.dbt.date_spine'].macro_sql).toMatch(/^\{% macro date_spine\(/);
    const c = read(dir, 'catalog.json');
    expect(Object.keys(c.nodes)).toEqual(expect.arrayContaining(['model.util_pkg.util_calendar', 'seed.util_pkg.util_codes', 'model.other_pkg.orders']));
  });

  it('run_results: relation names and compiled code per node, no bmp-only fields', () => {
    const r = read(projects.get('interop')!, 'run_results.json');
    const orders = r.results.find((x: { unique_id: string }) => x.unique_id === 'model.jaffle.orders');
    expect(orders).toMatchObject({ status: 'success', relation_name: '"jaffle"."main"."orders"', compiled: true });
    expect(orders.compiled_code).toMatch(/__dbt__cte__stg_orders/);
    expect(r.metadata).not.toHaveProperty('adapter_type');
  });

  it('catalog: DuckDB column types in order, table and column comments, row counts', async () => {
    const dir = projects.get('interop')!;
    const c = read(dir, 'catalog.json');
    const orders = c.nodes['model.jaffle.orders'];
    expect(orders.metadata).toEqual({ type: 'BASE TABLE', schema: 'main', name: 'orders', database: 'jaffle', comment: 'One row per order', owner: null });
    expect(Object.values(orders.columns).map((col: any) => [col.index, col.name, col.type])).toEqual([
      [1, 'order_id', 'BIGINT'],
      [2, 'customer_id', 'BIGINT'],
      [3, 'order_date', 'DATE'],
      [4, 'status', 'VARCHAR'],
      [5, 'amount', 'DOUBLE'],
    ]);
    const [{ n }] = (await query(join(dir, 'jaffle.duckdb'), 'select count(*) as n from main.orders')) as [{ n: number }];
    expect(orders.stats.row_count).toMatchObject({ value: n, include: true });
    expect(c.nodes['model.jaffle.customers'].columns.customer_id.comment).toBe('The customer key');
    expect(c.nodes['model.jaffle.stg_customers'].metadata.type).toBe('VIEW');
    expect(c.nodes['model.jaffle.stg_customers'].stats.has_stats.value).toBe(false);
    expect(c.nodes).not.toHaveProperty('model.jaffle.stg_orders'); // ephemeral: no relation
    expect(c.nodes['snapshot.jaffle.customers_snapshot'].metadata.schema).toBe('snapshots');
    expect(Object.keys(c.sources)).toEqual(['source.jaffle.raw.customers']);
    expect(existsSync(join(dir, 'target/docs/index.html'))).toBe(true);
  });

  it('docs generate --no-compile and --empty-catalog (run last: they rewrite the artifacts)', () => {
    const dir = projects.get('basic')!;
    const r = bmp(['docs', 'generate', '--no-compile', '--empty-catalog', '--project-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const c = read(dir, 'catalog.json');
    expect([Object.keys(c.nodes).length, Object.keys(c.sources).length]).toEqual([0, 0]);
    check('catalog.json', dir);
    const m = read(dir, 'manifest.json');
    const sqlNodes = Object.values(m.nodes).filter((n: any) => n.resource_type !== 'seed');
    expect(sqlNodes.length).toBeGreaterThan(0);
    expect(sqlNodes.filter((n: any) => n.compiled !== false || n.compiled_code !== null)).toEqual([]);
    check('manifest.json', dir);
  });
});
