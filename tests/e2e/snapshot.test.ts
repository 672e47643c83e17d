/**
 * Snapshots (SCD type 2) through `bmp snapshot`: timestamp and check strategies, hard_deletes
 * ignore | invalidate | new_record, idempotent re-runs, new source columns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execute } from '../../src/index.js';
import { bmp, tempProject } from '../helpers/project.js';
import { withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const snap = (name: string, config: string) => `{% snapshot ${name} %}
{{ config(target_schema='snapshots', unique_key='id', ${config}) }}
select * from {{ source('raw', 'customers') }}
{% endsnapshot %}
`;

function project() {
  const p = tempProject({
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: customers\n',
    'snapshots/customers.sql': [
      snap('cust_ts', "strategy='timestamp', updated_at='updated_at'"),
      snap('cust_check', "strategy='check', check_cols=['name', 'tier'], hard_deletes='invalidate'"),
      snap('cust_new', "strategy='timestamp', updated_at='updated_at', hard_deletes='new_record'"),
    ].join('\n'),
  }, { name: 'inc' });
  cleanups.push(p.remove);
  return p;
}

const versions = (db: string, table: string, extra = '') =>
  withDb(db, (sql) =>
    sql(`select id, tier, strftime(dbt_valid_from, '%Y-%m-%d') as vf, dbt_valid_to is null as current${extra} from snapshots.${table} order by id, dbt_valid_from, dbt_valid_to nulls last`),
  );

describe('snapshots', () => {
  it("versions open at the machine's local time, as dbt-duckdb's now()::timestamp (TZ=America/New_York)", async () => {
    const p = tempProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: customers\n',
      'snapshots/customers.sql': snap('cust_local', "strategy='check', check_cols=['tier']"),
    }, { name: 'inc' });
    cleanups.push(p.remove);
    await withDb(p.db, async (sql) => {
      await sql('create schema raw');
      await sql(`create table raw.customers as select 1 as id, 'gold' as tier`);
    });
    const before = Date.now();
    expect(bmp(['snapshot', '--project-dir', p.dir], { env: { TZ: 'America/New_York' } }).code).toBe(0);
    const [row] = await withDb(p.db, (sql) => sql(`select strftime(dbt_valid_from, '%Y-%m-%d %H:%M') as vf from snapshots.cust_local`));
    // New York's wall clock at the run, not UTC's (they differ by 4 or 5 hours)
    const newYork = (t: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
    expect([newYork(before), newYork(Date.now())]).toContain(row!['vf']);
  });

  it('the check strategy dates versions by updated_at when the config names it (dbt-core #5076)', async () => {
    const p = tempProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: customers\n',
      'snapshots/customers.sql': snap('cust_check_at', "strategy='check', check_cols=['tier'], updated_at='updated_at'") + snap('cust_check_now', "strategy='check', check_cols=['tier']"),
    }, { name: 'inc' });
    cleanups.push(p.remove);
    await withDb(p.db, async (sql) => {
      await sql('create schema raw');
      await sql(`create table raw.customers as select * from (values (1, 'Ada', 'gold', timestamp '2024-01-01')) t(id, name, tier, updated_at)`);
    });
    expect(bmp(['snapshot', '--project-dir', p.dir]).code).toBe(0);
    await withDb(p.db, (sql) => sql(`update raw.customers set tier = 'platinum', updated_at = timestamp '2024-02-01'`));
    expect(bmp(['snapshot', '--project-dir', p.dir]).code).toBe(0);
    const dates = (t: string) => withDb(p.db, (sql) => sql(`select tier, strftime(dbt_valid_from, '%Y-%m-%d') as vf, strftime(dbt_valid_to, '%Y-%m-%d') as vt, strftime(dbt_updated_at, '%Y-%m-%d') as up from snapshots.${t} order by dbt_valid_from`));
    expect(await dates('cust_check_at')).toEqual([
      { tier: 'gold', vf: '2024-01-01', vt: '2024-02-01', up: '2024-01-01' },
      { tier: 'platinum', vf: '2024-02-01', vt: null, up: '2024-02-01' },
    ]);
    // without updated_at: the runs' time, not the source's
    const now = await dates('cust_check_now');
    expect(now.map((r) => r['tier'])).toEqual(['gold', 'platinum']);
    for (const r of now) expect(String(r['vf']) > '2025-01-01').toBe(true);
  });

  it('track changes, deletes and returns with each strategy', async () => {
    const p = project();
    await withDb(p.db, async (sql) => {
      await sql('create schema raw');
      await sql(`create table raw.customers as select * from (values (1, 'Ada', 'gold', timestamp '2024-01-01'), (2, 'Bob', 'silver', timestamp '2024-01-01'), (3, 'Cy', 'bronze', timestamp '2024-01-01')) t(id, name, tier, updated_at)`);
    });
    const first = bmp(['snapshot', '--project-dir', p.dir]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/PASS=3/);
    for (const t of ['cust_ts', 'cust_check', 'cust_new']) expect((await versions(p.db, t)).every((r) => r['current'])).toBe(true);

    // Ada upgrades, Cy leaves, Dee arrives; Bob's name changes without a new updated_at
    await withDb(p.db, async (sql) => {
      await sql(`update raw.customers set tier = 'platinum', updated_at = timestamp '2024-02-01' where id = 1`);
      await sql(`update raw.customers set name = 'Robert' where id = 2`);
      await sql(`delete from raw.customers where id = 3`);
      await sql(`insert into raw.customers values (4, 'Dee', 'gold', timestamp '2024-02-01')`);
    });
    expect((await execute('snapshot', { projectDir: p.dir })).exitCode).toBe(0);

    expect(await versions(p.db, 'cust_ts')).toEqual([
      { id: 1, tier: 'gold', vf: '2024-01-01', current: false },
      { id: 1, tier: 'platinum', vf: '2024-02-01', current: true },
      { id: 2, tier: 'silver', vf: '2024-01-01', current: true }, // timestamp strategy: no new updated_at, no new version
      { id: 3, tier: 'bronze', vf: '2024-01-01', current: true }, // hard_deletes: ignore
      { id: 4, tier: 'gold', vf: '2024-02-01', current: true },
    ]);
    const ts = await withDb(p.db, (sql) => sql(`select strftime(dbt_valid_to, '%Y-%m-%d') as vt from snapshots.cust_ts where id = 1 and dbt_valid_to is not null`));
    expect(ts).toEqual([{ vt: '2024-02-01' }]);

    const check = await versions(p.db, 'cust_check', ', name');
    expect(check.map((r) => [r['id'], r['name'], r['current']])).toEqual([
      [1, 'Ada', false],
      [1, 'Ada', true],
      [2, 'Bob', false], // check strategy sees the name change
      [2, 'Robert', true],
      [3, 'Cy', false], // invalidated
      [4, 'Dee', true],
    ]);

    expect((await versions(p.db, 'cust_new', ', dbt_is_deleted')).filter((r) => r['id'] === 3).map((r) => [r['current'], r['dbt_is_deleted']])).toEqual([
      [false, false],
      [true, true],
    ]);

    // a run with no source change adds nothing
    const counts = async () => withDb(p.db, (sql) => sql(`select (select count(*) from snapshots.cust_ts) a, (select count(*) from snapshots.cust_check) b, (select count(*) from snapshots.cust_new) c`));
    const before = await counts();
    expect((await execute('snapshot', { projectDir: p.dir })).exitCode).toBe(0);
    expect(await counts()).toEqual(before);

    // Cy comes back (new_record: the deletion record closes, a live version opens); a new column appears
    await withDb(p.db, async (sql) => {
      await sql(`insert into raw.customers values (3, 'Cy', 'gold', timestamp '2024-03-01')`);
      await sql(`alter table raw.customers add column email varchar`);
    });
    expect((await execute('snapshot', { projectDir: p.dir })).exitCode).toBe(0);
    // (the deletion record opened at the run's wall-clock time, the return at the source's updated_at)
    const cy = (await versions(p.db, 'cust_new', ', dbt_is_deleted')).filter((r) => r['id'] === 3).map((r) => [r['tier'], r['current'], r['dbt_is_deleted']]);
    expect(cy.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      ['bronze', false, false],
      ['bronze', false, true],
      ['gold', true, false],
    ]);
    const cols = await withDb(p.db, (sql) => sql(`select column_name from duckdb_columns() where schema_name = 'snapshots' and table_name = 'cust_ts' order by column_index`));
    expect(cols.map((c) => c['column_name'])).toEqual(['id', 'name', 'tier', 'updated_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'email']);
    // scd ids are unique
    expect(await withDb(p.db, (sql) => sql(`select count(*) - count(distinct dbt_scd_id) as dup from snapshots.cust_new`))).toEqual([{ dup: 0 }]);
  });

  it("check strategy: a new checked column makes every row a new version, as dbt's column_added; an unchecked one does not", async () => {
    const p = tempProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: customers\n',
      'snapshots/customers.sql': snap('cust_all', "strategy='check', check_cols='all'") + snap('cust_tier', "strategy='check', check_cols=['tier']"),
    }, { name: 'inc' });
    cleanups.push(p.remove);
    await withDb(p.db, async (sql) => {
      await sql('create schema raw');
      await sql(`create table raw.customers as select * from (values (1, 'gold'), (2, 'silver')) t(id, tier)`);
    });
    expect(bmp(['snapshot', '--project-dir', p.dir]).code).toBe(0);
    await withDb(p.db, (sql) => sql('alter table raw.customers add column email varchar'));
    expect(bmp(['snapshot', '--project-dir', p.dir]).code).toBe(0);
    const count = (t: string) => withDb(p.db, (sql) => sql(`select count(*) as n, count(*) filter (where dbt_valid_to is null) as current from snapshots.${t}`));
    expect(await count('cust_all')).toEqual([{ n: 4, current: 2 }]);
    expect(await count('cust_tier')).toEqual([{ n: 2, current: 2 }]);
    // the next run with nothing new adds nothing
    expect(bmp(['snapshot', '--project-dir', p.dir]).code).toBe(0);
    expect(await count('cust_all')).toEqual([{ n: 4, current: 2 }]);
  });

  it('a source with two rows for one key fails the snapshot and changes nothing', async () => {
    const p = project();
    await withDb(p.db, async (sql) => {
      await sql('create schema raw');
      await sql(`create table raw.customers as select * from (values (1, 'Ada', 'gold', timestamp '2024-01-01')) t(id, name, tier, updated_at)`);
    });
    expect((await execute('snapshot', { projectDir: p.dir })).exitCode).toBe(0);
    await withDb(p.db, (sql) => sql(`insert into raw.customers values (1, 'Ada2', 'gold', timestamp '2024-05-01')`));
    const out = await execute('snapshot', { projectDir: p.dir, select: ['cust_ts'] });
    expect(out.exitCode).toBe(1);
    expect(out.results[0]!.message).toMatch(/1 unique_key value \(id\) on more than one row/);
    expect(await versions(p.db, 'cust_ts')).toEqual([{ id: 1, tier: 'gold', vf: '2024-01-01', current: true }]);
  });
});
