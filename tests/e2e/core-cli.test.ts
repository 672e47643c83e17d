import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, copyFixture, query, removeDir } from '../helpers/project.js';

const dirs: string[] = [];
function fixture(): string {
  const d = copyFixture('basic');
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const totals = (db: string) => query(db, 'select customer_id, name, total_cents, orders from main.customer_totals order by customer_id');

describe('bmp CLI on a real DuckDB file', () => {
  it('builds seeds, models and tests, writes artifacts, and reruns idempotently', async () => {
    const dir = fixture();
    const r = bmp(['build', '--project-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK created sql table model main\.customer_totals .*\[OK 3 rows in/);
    expect(r.stdout).toMatch(/PASS=10 WARN=0 ERROR=0 SKIP=0 TOTAL=10/);
    const db = join(dir, 'basic.duckdb');
    const expected = [
      { customer_id: 10, name: 'Ada', total_cents: 3275, orders: 2 },
      { customer_id: 11, name: 'Grace', total_cents: 1000, orders: 1 },
      { customer_id: 12, name: 'Linus', total_cents: 9900, orders: 1 },
    ];
    expect(await totals(db)).toEqual(expected);
    // the ephemeral model is a CTE, not a relation
    expect(await query(db, "select count(*) as n from duckdb_views() where view_name = 'stg_customers'")).toEqual([{ n: 0 }]);
    const compiled = readFileSync(join(dir, 'target/compiled/basic/models/marts/customer_totals.sql'), 'utf8');
    expect(compiled).toContain('with __dbt__cte__stg_customers as (');
    expect(existsSync(join(dir, 'target/run/basic/models/marts/customer_totals.sql'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.basic.customer_totals'].depends_on.nodes.sort()).toEqual(['model.basic.stg_customers', 'model.basic.stg_orders']);
    expect(manifest.parent_map['model.basic.stg_orders']).toEqual(['seed.basic.raw_orders']);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(results.results).toHaveLength(10);
    const statuses = Object.fromEntries(results.results.map((x: { unique_id: string; status: string }) => [x.unique_id.split('.').slice(0, 3).join('.'), x.status]));
    expect(statuses['model.basic.customer_totals']).toBe('success');
    expect(statuses['test.basic.not_null_stg_orders_order_id']).toBe('pass');
    expect(results.results.find((x: { unique_id: string }) => x.unique_id.startsWith('test.basic.unique_stg_orders_order_id.')).unique_id).toMatch(/^test\.basic\.unique_stg_orders_order_id\.[0-9a-f]{10}$/);
    // dbt's timing: compile, then execute, back to back, in order
    for (const r of results.results as { unique_id: string; timing: { name: string; started_at: string; completed_at: string }[] }[]) {
      expect(r.timing.map((t) => t.name), r.unique_id).toEqual(['compile', 'execute']);
      const [c, e] = r.timing.map((t) => [Date.parse(t.started_at), Date.parse(t.completed_at)] as const);
      expect(c![0] <= c![1] && c![1] === e![0] && e![0] <= e![1], r.unique_id).toBe(true);
    }

    const again = bmp(['build', '--project-dir', dir]);
    expect(again.code).toBe(0);
    expect(await totals(db)).toEqual(expected);
  });

  it('keeps the previous relation when a model fails, skips only its descendants, exits 1', async () => {
    const dir = fixture();
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    const db = join(dir, 'basic.duckdb');
    const before = await totals(db);
    // the table model's SQL fails inside DuckDB; its parent view is fine
    writeFileSync(join(dir, 'models/marts/customer_totals.sql'), "select customer_id, no_such_column from {{ ref('stg_orders') }}");
    writeFileSync(join(dir, 'models/marts/order_count.sql'), "select count(*) as n from {{ ref('stg_orders') }}");
    writeFileSync(join(dir, 'models/marts/after_totals.sql'), "select * from {{ ref('customer_totals') }}");
    const r = bmp(['run', '--project-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR creating sql table model main\.customer_totals/);
    expect(r.stdout).toMatch(/no_such_column/);
    expect(r.stdout).toMatch(/SKIP .*after_totals/);
    expect(r.stdout).toMatch(/OK created sql table model main\.order_count/);
    expect(await totals(db)).toEqual(before);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    const byId = Object.fromEntries(results.results.map((x: { unique_id: string; status: string; message: string }) => [x.unique_id, x]));
    expect(byId['model.basic.after_totals'].status).toBe('skipped');
    expect(byId['model.basic.customer_totals'].status).toBe('error');
    expect(byId['model.basic.customer_totals'].message).toMatch(/no_such_column/);
  });

  it('names the line of a seed row with the wrong number of fields, and still loads the other seed', async () => {
    const dir = fixture();
    writeFileSync(join(dir, 'seeds/raw_customers.csv'), 'customer_id,name\n10,Ada\n11,Grace,extra\n12,Linus\n');
    const r = bmp(['seed', '--project-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/line 3 of the CSV: Expected Number of Columns: 2 Found: 3 \(row: 11,Grace,extra\)/);
    expect(await query(join(dir, 'basic.duckdb'), 'select count(*) as n from main.raw_orders')).toEqual([{ n: 4 }]);
  });

  it("seeds read as dbt's agate does: types from every row, null cells NULL", async () => {
    const dir = fixture();
    const rows = ['id,code,amount,note'];
    for (let i = 0; i < 30_005; i++) rows.push(`${i},${i},${i % 3 === 0 ? 'null' : i},n${i}`);
    rows.push('30005,X-1,NULL,Null');
    writeFileSync(join(dir, 'seeds/wide.csv'), `${rows.join('\n')}\n`);
    const r = bmp(['seed', '-s', 'wide', '--project-dir', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // code is text (its last row is not a number); amount stays a number, its null cells NULL
    expect(await query(join(dir, 'basic.duckdb'), 'select typeof(code) as c, typeof(amount) as a, count(*) filter (where amount is null) as nulls, count(*) filter (where note is null) as null_notes from main.wide group by all')).toEqual([
      { c: 'VARCHAR', a: 'BIGINT', nulls: 10_003, null_notes: 1 },
    ]);
  });

  it('renders templated test arguments with the run context (vars)', () => {
    const dir = fixture();
    const yml = join(dir, 'models/schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('values: [placed, shipped, completed, returned]', `values: [placed, shipped, completed, "{{ var('last_status', 'returned') }}"]`));
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    const r = bmp(['test', '--project-dir', dir, '-s', 'stg_orders', '--vars', '{last_status: lost}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL accepted_values_stg_orders_status.* \[FAIL 1 in/);
  });

  it('builds identical tables with --threads 1 and --threads 4', async () => {
    const a = fixture();
    const b = fixture();
    expect(bmp(['build', '--project-dir', a, '--threads', '1']).code).toBe(0);
    expect(bmp(['build', '--project-dir', b, '--threads', '4']).code).toBe(0);
    for (const t of ['customer_totals', 'stg_orders', 'raw_orders', 'raw_customers']) {
      const sql = `select * from main.${t} order by all`;
      expect(await query(join(a, 'basic.duckdb'), sql)).toEqual(await query(join(b, 'basic.duckdb'), sql));
    }
  });

  it('overrides vars key by key and selects with dbt syntax', async () => {
    const dir = fixture();
    expect(bmp(['seed', '--project-dir', dir]).code).toBe(0);
    const r = bmp(['run', '--project-dir', dir, '-s', '+customer_totals', '--exclude', 'stg_customers', '--vars', '{min_amount: 20}']);
    expect(r.code).toBe(0);
    expect(await totals(join(dir, 'basic.duckdb'))).toEqual([
      { customer_id: 10, name: 'Ada', total_cents: 2550, orders: 1 },
      { customer_id: 12, name: 'Linus', total_cents: 9900, orders: 1 },
    ]);
  });

  it('lists nodes in dbt formats without opening the database', () => {
    const dir = fixture();
    const r = bmp(['ls', '--project-dir', dir, '-s', 'tag:none', 'path:models/staging', '--resource-type', 'model']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['basic.staging.stg_customers', 'basic.staging.stg_orders']);
    const names = bmp(['list', '--project-dir', dir, '--output', 'name', '-s', 'customer_totals+']);
    expect(names.stdout.trim().split('\n').sort()).toEqual(['customer_totals', 'no_negative_totals', 'relationships_customer_totals_customer_id__customer_id__ref_raw_customers_', 'unique_customer_totals_customer_id'].sort());
    const json = bmp(['ls', '--project-dir', dir, '--output', 'json', '-s', 'stg_orders', '--resource-type', 'model']);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ name: 'stg_orders', resource_type: 'model', unique_id: 'model.basic.stg_orders', config: { materialized: 'view' } });
    expect(existsSync(join(dir, 'basic.duckdb'))).toBe(false);
    const none = bmp(['ls', '--project-dir', dir, '-s', 'nothing_like_this']);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/does not match any enabled nodes/);
  });

  it('compiles without creating the database, and show runs models and inline SQL', () => {
    const dir = fixture();
    const c = bmp(['compile', '--project-dir', dir]);
    expect(c.code).toBe(0);
    expect(existsSync(join(dir, 'basic.duckdb'))).toBe(false);
    expect(readFileSync(join(dir, 'target/compiled/basic/models/staging/stg_orders.sql'), 'utf8')).toContain('cast(round(amount * 100) as integer) as amount_cents');
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    const s = bmp(['show', '--project-dir', dir, '-s', 'customer_totals', '--limit', '2', '--output', 'json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).show).toHaveLength(2);
    const inline = bmp(['show', '--project-dir', dir, '--inline', "select sum(total_cents) as t from {{ ref('customer_totals') }}", '--output', 'json']);
    expect(JSON.parse(inline.stdout).show).toEqual([{ t: 14175 }]);
  });

  it('prints one JSON object per event with --log-format json', () => {
    const dir = fixture();
    const r = bmp(['seed', '--project-dir', dir, '--log-format', 'json']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.info.name)).toContain('StatsLine');
    expect(events.filter((e) => e.info.name === 'LogSeedResult').map((e) => e.data.status)).toEqual(['success', 'success']);
    // one thread: a node's finish line is made after the next node started, and still comes right after its start
    const one = bmp(['seed', '--project-dir', dir, '--log-format', 'json', '--threads', '1']);
    const order = one.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.info.name === 'LogStartLine' || e.info.name === 'LogSeedResult').map((e) => `${e.info.name}:${e.data.index}`);
    expect(order).toEqual(['LogStartLine:1', 'LogSeedResult:1', 'LogStartLine:2', 'LogSeedResult:2']);
  });

  it('generates the docs site from the project, its database and the last run', () => {
    const dir = fixture();
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    const r = bmp(['docs', 'generate', '--project-dir', dir]);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'target/docs/index.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!).data;
    const totals = data.nodes.find((n: { uniqueId: string }) => n.uniqueId === 'model.basic.customer_totals');
    expect(totals.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['customer_id', 'BIGINT'],
      ['name', 'VARCHAR'],
      ['total_cents', 'HUGEINT'],
      ['orders', 'BIGINT'],
    ]);
    expect(totals.parents.sort()).toEqual(['model.basic.stg_customers', 'model.basic.stg_orders']);
    expect(totals.compiledCode).toContain('__dbt__cte__stg_customers');
  });

  it('answers --version, --help and debug; clean keeps the database', () => {
    const dir = fixture();
    expect(bmp(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(bmp(['--help']).stdout).toMatch(/Commands:[\s\S]*run[\s\S]*build/);
    expect(bmp(['run', '--help']).stdout).toMatch(/--full-refresh/);
    expect(bmp(['build', '--project-dir', dir]).code).toBe(0);
    const d = bmp(['debug', '--project-dir', dir]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/connection: OK \(DuckDB v1\./);
    // --config-dir: where profiles.yml is read from (the project folder here), and nothing else, as dbt says it
    const c = bmp(['debug', '--config-dir', '--project-dir', dir]);
    expect([c.code, c.stdout.trim()]).toEqual([0, `To view your profiles.yml file, run:\n\nxdg-open ${dir}`]);
    expect(bmp(['clean', '--project-dir', dir]).code).toBe(0);
    expect(existsSync(join(dir, 'target'))).toBe(false);
    expect(existsSync(join(dir, 'basic.duckdb'))).toBe(true);
  });
});

describe('exit code 2: the command cannot start and the database is untouched', () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['a missing ref, with close matches', (d) => writeFileSync(join(d, 'models/broken.sql'), "select * from {{ ref('stg_order') }}"), /Compilation Error in model broken \(models\/broken\.sql:1\): model 'broken' depends on 'stg_order', which was not found \(did you mean 'stg_orders'\?\) \[BMP_REF_UNDEFINED\]/],
    ['a cycle', (d) => {
      writeFileSync(join(d, 'models/a.sql'), "select * from {{ ref('b') }}");
      writeFileSync(join(d, 'models/b.sql'), "select * from {{ ref('a') }}");
    }, /found a cycle: (a -> b -> a|b -> a -> b) \[BMP_GRAPH_CYCLE\]/],
    ['a misspelled config key', (d) => writeFileSync(join(d, 'project.yml'), readFileSync(join(d, 'project.yml'), 'utf8').replace('+materialized: table', '+materialised: table')), /project\.yml:\d+:\d+\): unknown config '\+materialised' under 'models' \(did you mean '\+materialized'\?\)/],
    ['template syntax', (d) => writeFileSync(join(d, 'models/bad.sql'), "select 1\n{% if true %}\nselect 2"), /models\/bad\.sql:\d+.*BMP_TEMPLATE_SYNTAX/],
    ['an unknown macro', (d) => writeFileSync(join(d, 'models/bad.sql'), "select {{ centz('amount') }}"), /models\/bad\.sql:1:\d+\): 'centz' is undefined.*did you mean 'cents'\?/],
    ['a missing target', (d) => writeFileSync(join(d, 'profiles.yml'), readFileSync(join(d, 'profiles.yml'), 'utf8').replace('target: dev', 'target: prod')), /target 'prod' not found in profile 'basic'/],
    ['vars that are not YAML', () => undefined, /--vars is not valid YAML/],
  ];
  for (const [label, mutate, message] of cases) {
    it(label, () => {
      const dir = fixture();
      mutate(dir);
      const args = ['build', '--project-dir', dir];
      if (label.startsWith('vars')) args.push('--vars', '{a: [1,');
      const r = bmp(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, 'basic.duckdb'))).toBe(false);
    });
  }
});
