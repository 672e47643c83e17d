/**
 * The commands and flags a dbt user reaches for on day one, on the real CLI and real DuckDB files:
 * run-operation, source freshness (sources.json), parse, compile --inline, show's header,
 * --selector with selectors.yml, --empty, --store-failures, ls --output-keys, analyses, exposures and
 * the semantic layer in the manifest, YAML snapshots (dbt 1.9), unit tests after their model's
 * parents, and Python models as a located error.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatDir } from '../helpers/compat.js';
import { bmp, copyFixture, query, removeDir } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const fixture = () => {
  const dir = copyFixture('interop');
  dirs.push(dir);
  return dir;
};
const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, 'target', file), 'utf8'));
const db = (dir: string) => join(dir, 'jaffle.duckdb');
const compat = compatDir();

/** A validator for one of dbt's artifact schemas, when ../shared/compat is there. */
function validator(file: string): ((data: unknown) => string[]) | undefined {
  if (!compat) return undefined;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('uuid', /^[0-9a-f-]{36}$/i);
  const v = ajv.compile(JSON.parse(readFileSync(join(compat, 'dbt-schemas', file), 'utf8')));
  return (data) => (v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

describe('on a built project', () => {
  let dir: string;
  beforeAll(() => {
    dir = fixture();
    const r = bmp(['build', '--project-dir', dir, '--threads', '4']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 120_000);

  it('run-operation calls a macro with --args: its queries run, its log() prints, run_results records it', async () => {
    const r = bmp(['run-operation', 'record_audit', '--args', '{schema_name: audit, days: 3, note: hello}', '--project-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/recorded 3 audit days in audit/);
    expect(await query(db(dir), 'select count(*) as n, min(note) as note from audit.audit')).toEqual([{ n: 3, note: 'hello' }]);
    const results = json(dir, 'run_results.json');
    expect(results.results).toMatchObject([{ unique_id: 'macro.jaffle.record_audit', status: 'success' }]);
    expect(validator('run-results-v6.json')?.(results) ?? []).toEqual([]);
    const failing = bmp(['run-operation', 'fail_on_purpose', '--project-dir', dir]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/Encountered an error while running operation: .*this operation always fails/);
    const unknown = bmp(['run-operation', 'record_audt', '--project-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no macro named 'record_audt'.*did you mean 'record_audit'\?.*\[BMP_MACRO_UNDEFINED\]/);
    const badArgs = bmp(['run-operation', 'record_audit', '--args', '[1, 2]', '--project-dir', dir]);
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toMatch(/--args must be a YAML mapping.*\[BMP_ARGS_INVALID\]/);
  });

  it('source freshness: warn_after/error_after against max(loaded_at_field), sources.json as dbt writes it', () => {
    const r = bmp(['source', 'freshness', '--project-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 of 1 START freshness of raw\.customers/);
    expect(r.stdout).toMatch(/1 of 1 WARN freshness of raw\.customers \.+ \[WARN in \d+\.\d\ds\]/);
    const sources = json(dir, 'sources.json');
    expect(sources.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
    expect(sources.results).toMatchObject([{ unique_id: 'source.jaffle.raw.customers', status: 'warn', max_loaded_at: '2024-01-03T00:00:00.000Z', criteria: { warn_after: { count: 1, period: 'day' }, error_after: { count: 36500, period: 'day' } } }]);
    expect(sources.results[0].max_loaded_at_time_ago_in_s).toBeGreaterThan(86400);
    expect(validator('sources-v3.json')?.(sources) ?? []).toEqual([]);
    // stale past error_after: exit 1; -o writes elsewhere
    const yml = join(dir, 'models/schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('error_after: {count: 36500, period: day}', 'error_after: {count: 2, period: day}'));
    const stale = bmp(['source', 'freshness', '--project-dir', dir, '-o', 'fresh.json']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/ERROR STALE freshness of raw\.customers/);
    expect(JSON.parse(readFileSync(join(dir, 'fresh.json'), 'utf8')).results[0].status).toBe('error');
    // a table's freshness merges with its source's key by key: warn_after here, error_after (2 days) from the source
    const original = readFileSync(yml, 'utf8');
    const tableFreshness = (f: string) => writeFileSync(yml, original.replace('      - name: customers\n', `      - name: customers\n        freshness: ${f}\n`));
    tableFreshness('{warn_after: {count: 1, period: hour}}');
    const merged = bmp(['source', 'freshness', '--project-dir', dir]);
    expect(merged.code).toBe(1);
    expect(json(dir, 'sources.json').results[0]).toMatchObject({ status: 'error', criteria: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 2, period: 'day' } } });
    // a filter that keeps no row: loaded at 0001-01-01 as in dbt, so the thresholds decide (not a runtime error)
    tableFreshness('{warn_after: {count: 1, period: hour}, error_after: null, filter: "1 = 0"}');
    const none = bmp(['source', 'freshness', '--project-dir', dir]);
    expect(none.code, none.stdout).toBe(0);
    expect(json(dir, 'sources.json').results[0]).toMatchObject({ status: 'warn', max_loaded_at: '0001-01-01T00:00:00.000Z', criteria: { filter: '1 = 0', error_after: { count: null, period: null } } });
    writeFileSync(yml, original);
    // a loaded_at_field that is not a column: a runtime error with DuckDB's message
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('loaded_at_field: updated_at', 'loaded_at_field: loaded_at'));
    const broken = bmp(['source', 'freshness', '--project-dir', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/1 of 1 ERROR freshness of raw\.customers/);
    expect(json(dir, 'sources.json').results[0]).toMatchObject({ status: 'runtime error', error: expect.stringMatching(/loaded_at/) });
    expect(validator('sources-v3.json')?.(json(dir, 'sources.json')) ?? []).toEqual([]);
  });

  it("show prints dbt's header; compile prints the SQL of --inline and of a single model", () => {
    const show = bmp(['show', '-s', 'orders', '--limit', '2', '--project-dir', dir]);
    expect(show.code).toBe(0);
    expect(show.stdout.split('\n').slice(0, 3)).toEqual(["Previewing node 'orders':", '| order_id | customer_id | order_date | status    | amount |', '| -------- | ----------- | ---------- | --------- | ------ |']);
    const inline = bmp(['show', '--inline', 'select 42 as answer', '--project-dir', dir]);
    expect(inline.stdout).toMatch(/^Previewing inline node:\n\| answer \|/);
    // values as dbt's show prints them (agate): dates, timestamps, decimals with their scale, booleans
    const typed = bmp(['show', '--inline', "select date '2024-01-02' as d, timestamp '2024-01-02 03:04:05' as ts, 1.50::decimal(10,2) as amount, true as ok", '--project-dir', dir]);
    expect(typed.stdout.split('\n')[3]).toBe('| 2024-01-02 | 2024-01-02 03:04:05 | 1.50   | True |');
    const json = bmp(['show', '--inline', "select date '2024-01-02' as d, timestamp '2024-01-02 03:04:05' as ts", '--output', 'json', '--project-dir', dir]);
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1)!)).toEqual({ show: [{ d: '2024-01-02', ts: '2024-01-02T03:04:05' }] });
    const bad = bmp(['show', '--inline', 'select no_such_column', '--project-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Database Error in sql_operation inline: .*no_such_column.*\[BMP_SQL_ERROR\]/);
    const compiled = bmp(['compile', '--inline', "select count(*) from {{ ref('orders') }} where amount >= {{ var('min_amount') }}", '--project-dir', dir]);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(compiled.stdout).toMatch(/Compiled inline node is:\nselect count\(\*\) from "main"\."orders" where amount >= 0/);
    const one = bmp(['compile', '-s', 'stg_customers', '--project-dir', dir]);
    expect(one.stdout).toMatch(/Compiled node 'stg_customers' is:\nselect id as customer_id, first_name, last_name, updated_at from "raw"\."customers"/);
  });

  it('--selector evaluates selectors.yml (union, exclude, intersection, parents, nested selectors); the manifest lists them', () => {
    const ls = (name: string) => bmp(['ls', '--selector', name, '--resource-type', 'model', 'seed', '--project-dir', dir]).stdout.trim().split('\n');
    expect(ls('marts_but_customers')).toEqual(['jaffle.marts.orders']);
    // in unique_id order, as dbt ls prints (model.*, then seed.*)
    expect(ls('orders_and_parents')).toEqual(['jaffle.marts.orders', 'jaffle.staging.stg_orders', 'jaffle.raw_orders']);
    expect(ls('nested')).toEqual(['jaffle.staging.stg_customers', 'jaffle.staging.stg_orders']);
    // a selector naming an exposure lists it too, with its parents as nodes, exclusions applied
    const withExposure = bmp(['ls', '--selector', 'dashboard_and_parents', '--project-dir', dir]).stdout.trim().split('\n');
    expect(withExposure).toContain('exposure:jaffle.revenue_dashboard');
    expect(withExposure).toContain('jaffle.marts.orders');
    expect(withExposure).not.toContain('jaffle.marts.customers');
    const run = bmp(['run', '--selector', 'marts_but_customers', '--project-dir', dir]);
    expect(run.stdout).toMatch(/Found 1 model\b/);
    const unknown = bmp(['run', '--selector', 'marts_but_customer', '--project-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no selector named 'marts_but_customer'.*did you mean 'marts_but_customers'/);
    expect(json(dir, 'manifest.json').selectors).toHaveProperty('orders_and_parents.definition', { method: 'fqn', value: 'orders', parents: true });
  });

  it("ls as dbt lists: analyses only when asked for, unique_id order, a source's name as source.table", () => {
    const lines = (...args: string[]) => bmp(['ls', ...args, '--project-dir', dir]).stdout.trim().split('\n').filter(Boolean);
    expect(lines().some((l) => l.includes('orders_per_status'))).toBe(false);
    expect(lines('--resource-type', 'analysis')).toEqual(['jaffle.orders_per_status']);
    expect(lines('--resource-type', 'all').some((l) => l.includes('orders_per_status'))).toBe(true);
    const ids = bmp(['ls', '--output', 'json', '--output-keys', 'unique_id', '--project-dir', dir]).stdout.trim().split('\n').map((l) => (JSON.parse(l) as { unique_id: string }).unique_id);
    expect(ids).toEqual([...ids].sort());
    expect(lines('--resource-type', 'source', '--output', 'name')).toEqual(['raw.customers']);
    // exposures, metrics, semantic models and saved queries are listed too (by default, by type, by name)
    expect(lines()).toContain('exposure:jaffle.revenue_dashboard');
    expect(lines('--resource-type', 'exposure')).toEqual(['exposure:jaffle.revenue_dashboard']);
    expect(lines('--resource-type', 'metric', '--output', 'name')).toEqual(['orders_placed', 'revenue', 'revenue_per_order']);
    const named = bmp(['ls', '-s', 'exposure:revenue_dashboard', '--project-dir', dir]);
    expect(named.stdout.trim()).toBe('exposure:jaffle.revenue_dashboard');
    expect(named.stderr).not.toMatch(/NoNodesForSelectionCriteria/);
    // +exposure:x lists the exposure and its parents; --exclude applies to them too
    expect(lines('-s', '+exposure:revenue_dashboard')).toEqual(expect.arrayContaining(['exposure:jaffle.revenue_dashboard', 'jaffle.marts.orders', 'jaffle.marts.customers']));
    expect(lines('--exclude', 'exposure:revenue_dashboard')).not.toContain('exposure:jaffle.revenue_dashboard');
    expect(lines('--exclude', 'orders')).toContain('exposure:jaffle.revenue_dashboard');
  });

  it('ls --output json --output-keys, in both of dbt\'s forms, takes any key of the node', () => {
    for (const keys of [['--output-keys', 'name description relation_name'], ['--output-keys', 'name', '--output-keys', 'description', 'relation_name']]) {
      const r = bmp(['ls', '-s', 'orders', '--resource-type', 'model', '--output', 'json', ...keys, '--project-dir', dir]);
      expect(JSON.parse(r.stdout)).toEqual({ name: 'orders', description: 'One row per order.', relation_name: '"jaffle"."main"."orders"' });
    }
  });

  it('analyses are compiled, never run; exposures, metrics, semantic models, saved queries and groups are in the manifest', async () => {
    expect(bmp(['compile', '--project-dir', dir]).code).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/jaffle/analyses/orders_per_status.sql'), 'utf8')).toMatch(/from "main"\."orders" group by status/);
    expect(await query(db(dir), "select count(*) as n from duckdb_tables() where table_name = 'orders_per_status'")).toEqual([{ n: 0 }]);
    const m = json(dir, 'manifest.json');
    expect(m.nodes['analysis.jaffle.orders_per_status']).toMatchObject({ resource_type: 'analysis', compiled: true, relation_name: null });
    expect(m.exposures['exposure.jaffle.revenue_dashboard']).toMatchObject({ type: 'dashboard', maturity: 'high', owner: { name: 'Finance team' }, depends_on: { nodes: ['model.jaffle.customers', 'model.jaffle.orders'] } });
    expect(m.semantic_models['semantic_model.jaffle.orders_semantic']).toMatchObject({ model: "ref('orders')", node_relation: { alias: 'orders', schema_name: 'main' }, depends_on: { nodes: ['model.jaffle.orders'] } });
    expect(m.metrics['metric.jaffle.revenue_per_order']).toMatchObject({ type: 'ratio', type_params: { numerator: { name: 'revenue' }, denominator: { name: 'orders_placed' } }, depends_on: { nodes: ['metric.jaffle.revenue', 'metric.jaffle.orders_placed'] } });
    expect(m.metrics['metric.jaffle.revenue'].depends_on.nodes).toEqual(['semantic_model.jaffle.orders_semantic']);
    expect(m.saved_queries['saved_query.jaffle.revenue_by_day'].depends_on.nodes).toEqual(['metric.jaffle.revenue']);
    expect(m.groups['group.jaffle.finance'].owner).toMatchObject({ email: 'finance@example.com' });
    expect(m.child_map['model.jaffle.orders']).toEqual(expect.arrayContaining(['exposure.jaffle.revenue_dashboard', 'semantic_model.jaffle.orders_semantic']));
    expect(m.parent_map['exposure.jaffle.revenue_dashboard']).toEqual(['model.jaffle.customers', 'model.jaffle.orders']);
    // and in bmp's docs site
    expect(bmp(['docs', 'generate', '--project-dir', dir]).code).toBe(0);
    const html = readFileSync(join(dir, 'target/docs/index.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!).data;
    expect(data.nodes.filter((n: { resourceType: string }) => ['exposure', 'metric', 'semantic_model', 'saved_query', 'group'].includes(n.resourceType)).map((n: { uniqueId: string }) => n.uniqueId).sort()).toEqual([
      'exposure.jaffle.revenue_dashboard',
      'group.jaffle.finance',
      'metric.jaffle.orders_placed',
      'metric.jaffle.revenue',
      'metric.jaffle.revenue_per_order',
      'saved_query.jaffle.revenue_by_day',
      'semantic_model.jaffle.orders_semantic',
    ]);
  });

  it('a YAML snapshot (dbt 1.9) keeps history with snapshot_meta_column_names and dbt_valid_to_current', async () => {
    const rows = (sql: string) => query(db(dir), sql);
    expect(await rows("select count(*) as n from main.orders_snapshot where valid_to = timestamp '9999-12-31'")).toEqual([{ n: 4 }]);
    const seed = join(dir, 'seeds/raw_orders.csv');
    writeFileSync(seed, readFileSync(seed, 'utf8').replace('4,1,2024-01-04,placed,1250', '4,1,2024-01-04,shipped,1250'));
    expect(bmp(['build', '-s', 'raw_orders+', '--project-dir', dir]).code).toBe(0);
    expect(await rows("select status, valid_to = timestamp '9999-12-31' as current from main.orders_snapshot where order_id = 4 order by valid_from")).toEqual([
      { status: 'placed', current: false },
      { status: 'shipped', current: true },
    ]);
    const cols = (await rows("select column_name from duckdb_columns() where table_name = 'orders_snapshot'")).map((r) => r['column_name']);
    expect(cols).toEqual(expect.arrayContaining(['valid_from', 'valid_to', 'dbt_scd_id', 'dbt_updated_at']));
    expect(cols).not.toContain('dbt_valid_from');
  });
});

describe('on a fresh project', () => {
  it('parse writes the manifest and creates no database; a Python model is a located error', () => {
    const dir = fixture();
    const r = bmp(['parse', '--project-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(json(dir, 'manifest.json').nodes).toHaveProperty(['model.jaffle.orders']);
    expect(existsSync(db(dir))).toBe(false);
    writeFileSync(join(dir, 'models/marts/churn.py'), 'import pandas\n\ndef model(dbt, session):\n    return dbt.ref("orders")\n');
    const py = bmp(['build', '--project-dir', dir]);
    expect(py.code).toBe(2);
    expect(py.stderr.trim()).toBe("Parsing Error (models/marts/churn.py:3): Python models are not supported: 'churn' is a .py model, and bmp runs SQL models on DuckDB (write it as a .sql model, or move the file out of the model paths) [BMP_PYTHON_MODEL]");
    expect(existsSync(db(dir))).toBe(false);
  });

  it('build --empty builds every model from empty inputs; --store-failures keeps failing rows of every test', async () => {
    const dir = fixture();
    const empty = bmp(['build', '--empty', '--project-dir', dir]);
    expect(empty.code, empty.stdout).toBe(0);
    expect(await query(db(dir), 'select (select count(*) from main.orders) as orders, (select count(*) from main.customers) as customers')).toEqual([{ orders: 0, customers: 0 }]);
    expect((await query(db(dir), "select column_name from duckdb_columns() where schema_name = 'main' and table_name = 'customers' order by column_index")).map((r) => r['column_name'])).toEqual(['customer_id', 'first_name', 'orders', 'lifetime_value']);
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    const yml = join(dir, 'models/schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('values: [placed, shipped, completed, returned]', 'values: [placed, shipped, completed]'));
    const stored = bmp(['test', '--store-failures', '-s', 'orders', '--project-dir', dir]);
    expect(stored.code).toBe(1);
    expect(await query(db(dir), 'select value_field from main_dbt_test__audit.accepted_values_orders_status__placed__shipped__completed')).toEqual([{ value_field: 'returned' }]);
    expect(await query(db(dir), 'select count(*) as n from main_dbt_test__audit.unique_orders_order_id')).toEqual([{ n: 0 }]);
  });

  it('a unit test runs after its model\'s parents are built (fresh database, 4 threads)', () => {
    const dir = fixture();
    const r = bmp(['build', '--threads', '4', '--project-dir', dir]);
    expect(r.code, r.stdout).toBe(0);
    const results = json(dir, 'run_results.json').results as { unique_id: string; timing: { started_at: string; completed_at: string }[] }[];
    const at = (id: string) => results.find((x) => x.unique_id === id)!;
    const unitStart = at('unit_test.jaffle.customers.customers_sum_orders').timing[0]!.started_at;
    for (const parent of ['model.jaffle.stg_customers', 'model.jaffle.orders']) expect(at(parent).timing.at(-1)!.completed_at <= unitStart, parent).toBe(true);
    expect(at('model.jaffle.customers').timing[0]!.started_at >= at('unit_test.jaffle.customers.customers_sum_orders').timing.at(-1)!.completed_at).toBe(true);
  });

  it('an exposure with a type dbt does not know, or depending on nothing that exists, is a located error', () => {
    const dir = fixture();
    const yml = join(dir, 'models/semantic.yml');
    const text = readFileSync(yml, 'utf8');
    writeFileSync(yml, text.replace('type: dashboard', 'type: dashbord'));
    const r = bmp(['parse', '--project-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Parsing Error \(models\/semantic\.yml:\d+(:\d+)?\): exposure 'revenue_dashboard': 'type' must be one of dashboard, notebook, analysis, ml, application, got "dashbord" \[BMP_RESOURCE_INVALID\]/);
    writeFileSync(yml, text.replace("- ref('orders')\n    owner", "- ref('ordrs')\n    owner"));
    const missing = bmp(['parse', '--project-dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/exposure 'revenue_dashboard' depends on 'ordrs', which was not found \(did you mean 'orders'\?\) \[BMP_RESOURCE_REF\]/);
  });

  it("dbt's option spellings: -m/--models, -f, --indirect-selection, --profile, --profiles-dir, --version", () => {
    const dir = fixture();
    expect(bmp(['ls', '-m', 'orders', '--resource-type', 'model', '--project-dir', dir]).stdout.trim()).toBe('jaffle.marts.orders');
    expect(bmp(['ls', '--models', 'orders', '--resource-type', 'model', '--project-dir', dir]).stdout.trim()).toBe('jaffle.marts.orders');
    expect(bmp(['ls', '-s', 'orders', '--indirect-selection', 'empty', '--project-dir', dir]).stdout.trim()).toBe('jaffle.marts.orders');
    expect(bmp(['ls', '-s', 'orders', '--project-dir', dir]).stdout.trim().split('\n').length).toBeGreaterThan(1);
    expect(bmp(['seed', '-f', '--project-dir', dir]).code).toBe(0);
    // --profile picks another profile of profiles.yml; --profiles-dir another profiles.yml
    const other = join(dir, 'other-profiles');
    mkdirSync(other);
    writeFileSync(join(other, 'profiles.yml'), 'elsewhere:\n  target: x\n  outputs:\n    x: {type: duckdb, path: elsewhere.duckdb}\n');
    expect(bmp(['seed', '--profiles-dir', other, '--profile', 'elsewhere', '--project-dir', dir]).code).toBe(0);
    expect(existsSync(join(dir, 'elsewhere.duckdb'))).toBe(true);
    const missing = bmp(['seed', '--profile', 'nope', '--project-dir', dir]);
    expect(missing.code).toBe(2);
    expect(bmp(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("dbt 1.8's resource-type flags and environment variables: --resource-types, --exclude-resource-type(s), DBT_RESOURCE_TYPES, DBT_TARGET, DBT_PROFILE", () => {
    const dir = fixture();
    const lines = (args: string[], env: Record<string, string> = {}) => bmp(['ls', ...args, '--project-dir', dir], { env }).stdout.trim().split('\n').filter(Boolean);
    const all = lines([]);
    const seeds = lines(['--resource-type', 'seed']);
    expect(seeds.length).toBeGreaterThan(0);
    expect(lines(['--resource-types', 'seed'])).toEqual(seeds);
    expect(lines([], { DBT_RESOURCE_TYPES: 'seed' })).toEqual(seeds);
    const noTests = lines(['--exclude-resource-type', 'test', 'unit_test']);
    expect(noTests.length).toBeLessThan(all.length);
    expect(noTests.some((l) => l.includes('not_null'))).toBe(false);
    expect(lines(['--exclude-resource-types', 'test', '--exclude-resource-type', 'unit_test'])).toEqual(noTests);
    expect(lines([], { DBT_EXCLUDE_RESOURCE_TYPES: 'test unit_test' })).toEqual(noTests);
    expect(lines(['--resource-type', 'seed', 'model', '--exclude-resource-type', 'model'])).toEqual(seeds);
    const bad = bmp(['ls', '--project-dir', dir], { env: { DBT_RESOURCE_TYPES: 'modle' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DBT_RESOURCE_TYPES: unknown resource type 'modle'/);
    // DBT_TARGET and DBT_PROFILE choose the output and the profile, as --target and --profile do
    writeFileSync(join(dir, 'profiles.yml'), readFileSync(join(dir, 'profiles.yml'), 'utf8') + 'other:\n  target: x\n  outputs:\n    x: {type: duckdb, path: other.duckdb, schema: elsewhere}\n');
    const compiled = (env: Record<string, string>) => bmp(['compile', '-s', 'orders', '--project-dir', dir], { env }).stdout;
    expect(compiled({ DBT_PROFILE: 'other' })).toMatch(/"elsewhere"\./);
    expect(bmp(['compile', '-s', 'orders', '--project-dir', dir], { env: { DBT_TARGET: 'nope' } }).code).toBe(2);
  });

  it('the default selector of selectors.yml applies when nothing is selected', () => {
    const dir = fixture();
    mkdirSync(join(dir, 'extra'), { recursive: true });
    writeFileSync(join(dir, 'selectors.yml'), 'selectors:\n  - name: staging_only\n    default: true\n    definition: "path:models/staging"\n');
    const r = bmp(['ls', '--resource-type', 'model', '--project-dir', dir]);
    expect(r.stdout.trim().split('\n')).toEqual(['jaffle.staging.stg_customers', 'jaffle.staging.stg_orders']);
    const explicit = bmp(['ls', '-s', 'orders', '--resource-type', 'model', '--project-dir', dir]);
    expect(explicit.stdout.trim()).toBe('jaffle.marts.orders');
    // selectors.yml is rendered as dbt_project.yml is: target, env_var, --vars
    writeFileSync(join(dir, 'selectors.yml'), `selectors:
  - name: dev_only
    default: "{{ target.name == 'dev' | as_bool }}"
    definition: "path:models/{{ env_var('BMP_TEST_FOLDER', 'staging') }}"
  - name: by_var
    definition: {method: fqn, value: "{{ var('pick', 'orders') }}"}
  - name: orders_alone
    definition: {method: fqn, value: orders, indirect_selection: empty}
  - name: orders_tested
    definition: {method: fqn, value: orders}
`);
    // a definition's own indirect_selection decides which tests come along
    const withTests = bmp(['ls', '--selector', 'orders_tested', '--project-dir', dir]).stdout.trim().split('\n');
    expect(withTests.length).toBeGreaterThan(1);
    expect(bmp(['ls', '--selector', 'orders_alone', '--project-dir', dir]).stdout.trim().split('\n')).toEqual(['jaffle.marts.orders']);
    expect(bmp(['ls', '--resource-type', 'model', '--project-dir', dir]).stdout.trim().split('\n')).toEqual(['jaffle.staging.stg_customers', 'jaffle.staging.stg_orders']);
    expect(bmp(['ls', '--resource-type', 'model', '--project-dir', dir], { env: { BMP_TEST_FOLDER: 'marts' } }).stdout.trim().split('\n').sort()).toEqual(['jaffle.marts.customers', 'jaffle.marts.orders']);
    expect(bmp(['ls', '--resource-type', 'model', '--selector', 'by_var', '--vars', '{pick: customers}', '--project-dir', dir]).stdout.trim()).toBe('jaffle.marts.customers');
  });
});
