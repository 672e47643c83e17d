/**
 * The materialization suite an engine must pass (docs/ARCHITECTURE.md, "A second engine"): tables,
 * views, the incremental strategies, partitioned tables, snapshots, seeds, hooks and atomicity,
 * each driven through bmp's own materializations with a context built from an {@link EngineFactory},
 * and checked by reading the rows back. Nothing here names DuckDB: `materializationSuite(factory)`
 * defines the tests; tests/integration/engine-duckdb.test.ts runs them with DuckDB's factory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/adapters/duckdb/index.js';
import type { EngineAdapter, Relation } from '../../../src/adapters/index.js';
import type { CompiledNode } from '../../../src/compile/index.js';
import type { NodeConfig, SqlNode } from '../../../src/manifest/types.js';
import { materializationFor, type MaterializationContext, type MaterializationResult } from '../../../src/materializations/index.js';
import type { EngineFactory, EngineUnderTest } from './engine.js';

interface Build {
  /** The model's name (its relation's identifier). */
  readonly name: string;
  readonly sql: string;
  readonly config?: Partial<NodeConfig> & Record<string, unknown>;
  readonly resourceType?: 'model' | 'seed' | 'snapshot';
  /** A seed's file. */
  readonly path?: string;
  readonly fullRefresh?: boolean;
  /** The snapshot's clock. */
  readonly now?: string;
}

/** Defines the suite for one engine: every case runs on the adapter alone. */
export function materializationSuite(factory: EngineFactory): void {
  describe(`materializations on ${factory.name}`, () => {
    let e: EngineUnderTest;
    const dirs: string[] = [];
    beforeEach(async () => {
      e = await factory.open();
    });
    afterEach(async () => {
      await e.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    const rel = (name: string): Relation => ({ database: e.database, schema: e.schema, identifier: name });
    const name = (n: string) => e.adapter.relation(rel(n));
    const rowsOf = (n: string, order = 'id') => e.rows(`select * from ${name(n)} order by ${order}`);
    const kindOf = (n: string) => e.adapter.relationKind(rel(n));
    const hooked = (pre: string[], post: string[]) => ({ pre_hook: pre, post_hook: post });

    async function build(b: Build): Promise<MaterializationResult> {
      const config = { enabled: true, tags: [], meta: {}, pre_hook: [], post_hook: [], materialized: 'table', ...b.config } as NodeConfig;
      const relation = rel(b.name);
      const node = { uniqueId: `${b.resourceType ?? 'model'}.suite.${b.name}`, name: b.name, resourceType: b.resourceType ?? 'model', relation, config, absolutePath: b.path, originalFilePath: b.path ?? `models/${b.name}.sql` } as unknown as SqlNode;
      const compiled: CompiledNode = { node, compiledSql: b.sql, config, ephemerals: [] };
      const kind = await e.adapter.relationKind(relation);
      const existing = kind ? { ...relation, kind, columns: await e.adapter.describe(relation) } : undefined;
      const parts = await e.context();
      const ctx: MaterializationContext = {
        compiled,
        relation,
        existing,
        adapter: parts.adapter,
        catalog: parts.catalog ?? (await catalogThroughAdapter(e.adapter, [e.schema, '_bmp'])),
        fullRefresh: !!b.fullRefresh,
        preHooks: config.pre_hook.map((h) => h.replaceAll('{{ this }}', e.adapter.relation(relation))),
        postHooks: config.post_hook.map((h) => h.replaceAll('{{ this }}', e.adapter.relation(relation))),
        projectDir: tmp(),
        stateSchema: '_bmp',
        runStartedAt: b.now ?? '2024-01-01T00:00:00.000Z',
        invocationId: 'suite',
      };
      return materializationFor(String(config.materialized), node.uniqueId)(ctx);
    }

    function tmp(): string {
      const d = mkdtempSync(join(tmpdir(), 'bmp-engine-suite-'));
      dirs.push(d);
      return d;
    }

    describe('table', () => {
      it('builds a table from a query and reports the rows written', async () => {
        const r = await build({ name: 't', sql: 'select 1 as id, \'a\' as v union all select 2, \'b\'' });
        expect(r.rowsAffected).toBe(2);
        expect(await kindOf('t')).toBe('table');
        expect(await rowsOf('t')).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
      });

      it('replaces the previous table, and a view of the same name', async () => {
        await build({ name: 't', sql: 'select 1 as id' });
        await build({ name: 't', sql: 'select 5 as id union all select 6' });
        expect(await rowsOf('t')).toEqual([{ id: 5 }, { id: 6 }]);
        await e.exec(`create view ${name('v')} as select 9 as id`);
        await build({ name: 'v', sql: 'select 7 as id' });
        expect(await kindOf('v')).toBe('table');
        expect(await rowsOf('v')).toEqual([{ id: 7 }]);
      });

      it('creates the configured indexes', async () => {
        await build({ name: 't', sql: 'select 1 as id, 2 as k', config: { indexes: [{ columns: ['id'], unique: true }, { columns: ['k', 'id'] }] } });
        const indexes = await e.adapter.listIndexes(rel('t'));
        expect(indexes.map((i) => [i.columns, i.unique])).toEqual([[['id'], true], [['k', 'id'], false]]);
      });

      it('runs the hooks around the build, in order', async () => {
        await e.exec(`create table ${name('log')} as select 0 as id, 'start' as what`);
        const log = name('log');
        await build({ name: 't', sql: 'select 1 as id', config: hooked([`insert into ${log} values (1, 'pre')`], [`insert into ${log} select 2, 'post ' || count(*) from {{ this }}`]) });
        expect(await rowsOf('log')).toEqual([{ id: 0, what: 'start' }, { id: 1, what: 'pre' }, { id: 2, what: 'post 1' }]);
      });

      it('a failing post-hook leaves the previous table, and undoes the pre-hook', async () => {
        await e.exec(`create table ${name('log')} as select 0 as id`);
        await build({ name: 't', sql: 'select 1 as id' });
        await expect(build({ name: 't', sql: 'select 2 as id', config: hooked([`insert into ${name('log')} values (1)`], [`select * from ${name('no_such_table')}`]) })).rejects.toThrow();
        expect(await rowsOf('t')).toEqual([{ id: 1 }]);
        expect(await rowsOf('log')).toEqual([{ id: 0 }]);
      });

      it('a failing build leaves the previous table', async () => {
        await build({ name: 't', sql: 'select 1 as id' });
        await expect(build({ name: 't', sql: `select * from ${name('no_such_table')}` })).rejects.toThrow();
        expect(await rowsOf('t')).toEqual([{ id: 1 }]);
      });

      it('a partitioned table keeps its rows by partition', async () => {
        const sql = "select * from (values (1, date '2024-02-03'), (2, date '2024-01-31'), (3, date '2024-02-28')) as v(id, d)";
        const r = await build({ name: 'p', sql, config: { partition_by: { field: 'd', granularity: 'month' } } });
        expect(r.rowsAffected).toBe(3);
        expect(await e.adapter.countPartitions(rel('p'), { field: 'd', granularity: 'month' })).toEqual([
          { key: '2024-01', start: '2024-01-01 00:00:00', count: 1 },
          { key: '2024-02', start: '2024-02-01 00:00:00', count: 2 },
        ]);
      });
    });

    describe('view', () => {
      it('builds a view, replacing a table of the same name', async () => {
        await build({ name: 'v', sql: 'select 1 as id', config: { materialized: 'view' } });
        expect(await kindOf('v')).toBe('view');
        await build({ name: 't', sql: 'select 1 as id' });
        await build({ name: 't', sql: 'select 3 as id', config: { materialized: 'view' } });
        expect(await kindOf('t')).toBe('view');
        expect(await rowsOf('t')).toEqual([{ id: 3 }]);
      });

      it('a failing hook leaves the previous view', async () => {
        await build({ name: 'v', sql: 'select 1 as id', config: { materialized: 'view' } });
        await expect(build({ name: 'v', sql: 'select 2 as id', config: { materialized: 'view', ...hooked([], [`select * from ${name('no_such_table')}`]) } })).rejects.toThrow();
        expect(await rowsOf('v')).toEqual([{ id: 1 }]);
      });
    });

    describe('incremental', () => {
      const first = "select * from (values (1, 'a', date '2024-01-05'), (2, 'b', date '2024-02-05')) as v(id, v, d)";
      const batch = "select * from (values (2, 'B', date '2024-02-06'), (3, 'c', date '2024-03-01')) as v(id, v, d)";
      const incremental = (strategy: string, extra: Record<string, unknown> = {}) => ({ materialized: 'incremental', incremental_strategy: strategy, ...extra });
      const cases: [string, Record<string, unknown>, unknown[]][] = [
        ['append', {}, [[1, 'a'], [2, 'B'], [2, 'b'], [3, 'c']]],
        ['merge', { unique_key: 'id' }, [[1, 'a'], [2, 'B'], [3, 'c']]],
        ['delete+insert', { unique_key: 'id' }, [[1, 'a'], [2, 'B'], [3, 'c']]],
        ['insert_overwrite', { partition_by: { field: 'd', granularity: 'month' } }, [[1, 'a'], [2, 'B'], [3, 'c']]],
      ];
      for (const [strategy, extra, expected] of cases) {
        it(`${strategy}: a first build, then a batch`, async () => {
          const config = incremental(strategy, extra);
          await build({ name: 'i', sql: first, config });
          expect(await rowsOf('i', 'id, v')).toHaveLength(2);
          await build({ name: 'i', sql: batch, config });
          expect((await rowsOf('i', 'id, v')).map((r) => [r['id'], r['v']])).toEqual(expected);
        });
      }

      it('full refresh rebuilds from the query', async () => {
        const config = incremental('merge', { unique_key: 'id' });
        await build({ name: 'i', sql: first, config });
        await build({ name: 'i', sql: batch, config, fullRefresh: true });
        expect((await rowsOf('i')).map((r) => r['id'])).toEqual([2, 3]);
      });

      it('a failing post-hook leaves the target as it was', async () => {
        const config = incremental('merge', { unique_key: 'id' });
        await build({ name: 'i', sql: first, config });
        await expect(build({ name: 'i', sql: batch, config: { ...config, ...hooked([], [`select * from ${name('no_such_table')}`]) } })).rejects.toThrow();
        expect((await rowsOf('i', 'id, v')).map((r) => [r['id'], r['v']])).toEqual([[1, 'a'], [2, 'b']]);
      });
    });

    describe('incremental bookkeeping', () => {
      const incremental = (strategy: string, extra: Record<string, unknown> = {}) => ({ materialized: 'incremental', incremental_strategy: strategy, ...extra });
      const monthly = { partition_by: { field: 'd', granularity: 'month' } };
      const partitionRows = async (n: string) =>
        (await e.rows(`select partition_key as k, row_count as n from "_bmp"."partitions" where relation = '${e.schema}.${n}' order by 1`)).map((r) => [r['k'], r['n']]);

      it('merge into a partitioned table recounts only the partitions it touched', async () => {
        const config = incremental('merge', { unique_key: 'id', ...monthly });
        await build({ name: 'pm', sql: "select * from (values (1, 'a', date '2024-01-05'), (2, 'b', date '2024-02-05')) as v(id, v, d)", config });
        expect(await partitionRows('pm')).toEqual([['2024-01', 1], ['2024-02', 1]]);
        // id 2 moves from February to March; id 3 is new in March
        await build({ name: 'pm', sql: "select * from (values (2, 'B', date '2024-03-06'), (3, 'c', date '2024-03-01')) as v(id, v, d)", config });
        expect((await rowsOf('pm')).map((r) => [r['id'], r['v']])).toEqual([[1, 'a'], [2, 'B'], [3, 'c']]);
        expect(await partitionRows('pm')).toEqual([['2024-01', 1], ['2024-03', 2]]);
      });

      it('append to a partitioned table adds the batch to the recorded counts', async () => {
        const config = incremental('append', monthly);
        await build({ name: 'pa', sql: "select 1 as id, date '2024-01-05' as d", config });
        await build({ name: 'pa', sql: "select 2 as id, date '2024-01-06' as d union all select 3, date '2024-02-01'", config });
        expect(await partitionRows('pa')).toEqual([['2024-01', 2], ['2024-02', 1]]);
      });

      it('merge refuses a batch with two rows for one key, naming one, and writes nothing', async () => {
        const config = incremental('merge', { unique_key: 'id' });
        await build({ name: 'md', sql: "select 1 as id, 'a' as v", config });
        await expect(build({ name: 'md', sql: "select 1 as id, 'b' as v union all select 1, 'c'", config })).rejects.toThrow(/1 unique_key value \(id\) on more than one row, e\.g\. \(1\)/);
        expect(await rowsOf('md')).toEqual([{ id: 1, v: 'a' }]);
      });

      it('NULL keys: a batch row with a NULL key replaces the NULL-keyed row (delete+insert)', async () => {
        const config = incremental('delete+insert', { unique_key: ['id', 'k'] });
        await build({ name: 'nk', sql: "select 1 as id, cast(null as varchar) as k, 'a' as v", config });
        await build({ name: 'nk', sql: "select 1 as id, cast(null as varchar) as k, 'b' as v", config });
        expect(await rowsOf('nk')).toEqual([{ id: 1, k: null, v: 'b' }]);
      });

      it('a unique index outside unique_key is set aside for insert_overwrite and created again; a step breaking it rolls back', async () => {
        const config = incremental('insert_overwrite', { ...monthly, indexes: [{ columns: ['id'], unique: true }] });
        await build({ name: 'ui', sql: "select * from (values (1, date '2024-01-05'), (2, date '2024-02-05')) as v(id, d)", config });
        await build({ name: 'ui', sql: "select * from (values (3, date '2024-02-07')) as v(id, d)", config });
        expect((await rowsOf('ui')).map((r) => r['id'])).toEqual([1, 3]);
        expect((await e.adapter.listIndexes(rel('ui'))).map((i) => [i.columns, i.unique])).toEqual([[['id'], true]]);
        expect(await e.rows('select count(*) as n from "_bmp"."pending_indexes"')).toEqual([{ n: 0 }]);
        // id 1 lives in January: a February row with id 1 would break the index
        await expect(build({ name: 'ui', sql: "select * from (values (1, date '2024-02-08')) as v(id, d)", config })).rejects.toThrow(/duplicate value\(s\) of unique index/);
        expect((await rowsOf('ui')).map((r) => r['id'])).toEqual([1, 3]);
        expect((await e.adapter.listIndexes(rel('ui'))).map((i) => i.unique)).toEqual([true]);
      });

      it('an index an earlier run left set aside is created again before the next step', async () => {
        const config = incremental('append', { indexes: [{ columns: ['id'], unique: true }] });
        await build({ name: 'pi', sql: 'select 1 as id', config });
        const [index] = await e.adapter.listIndexes(rel('pi'));
        // what a run killed between setting the index aside and creating it again leaves
        await e.adapter.ensureStateTables(['pending_indexes'], '_bmp');
        await e.adapter.atomically({ preHooks: [], postHooks: [] }, e.adapter.setIndexesAside(rel('pi'), [index!], { relationKey: `${e.schema}.pi`, nodeId: 'model.suite.pi', invocationId: 'killed' }, '_bmp'));
        expect(await e.adapter.listIndexes(rel('pi'))).toEqual([]);
        expect((await e.adapter.pendingIndexes(rel('pi'), '_bmp')).map((i) => [i.name, i.unique, i.columns])).toEqual([[index!.name, true, ['id']]]);
        const r = await build({ name: 'pi', sql: 'select 2 as id', config: { ...config, indexes: [] } });
        expect(r.rowsAffected).toBe(1);
        expect((await e.adapter.listIndexes(rel('pi'))).map((i) => i.name)).toEqual([index!.name]);
        expect(await e.adapter.pendingIndexes(rel('pi'), '_bmp')).toEqual([]);
      });

      it('microbatch: one batch per day, recorded; the next run redoes only the lookback and the current batch', async () => {
        await e.exec(`create table ${name('ev')} as select * from (values (1, timestamp '2024-01-01 10:00:00'), (2, timestamp '2024-01-02 11:00:00'), (3, timestamp '2024-01-03 12:00:00')) as v(id, ts)`);
        const config = incremental('microbatch', { event_time: 'ts', batch_size: 'day', begin: '2024-01-01', lookback: 1 });
        const sql = `select * from ${name('ev')}`;
        const r1 = await build({ name: 'mb', sql, config, now: '2024-01-03T18:00:00.000Z' });
        expect(r1.message).toBe('OK 3 batches, 3 rows');
        const done = async () => (await e.rows(`select strftime(batch_start, '%Y-%m-%d') as s, rows_written as n from "_bmp"."microbatch_intervals" order by 1`)).map((x) => [x['s'], x['n']]);
        // the current (partial) day is not recorded as done; the first build's rows are counted by the table build
        expect(await done()).toEqual([['2024-01-01', null], ['2024-01-02', 1]]);
        await e.exec(`insert into ${name('ev')} values (4, timestamp '2024-01-03 13:00:00'), (5, timestamp '2024-01-01 09:00:00')`);
        const r2 = await build({ name: 'mb', sql, config, now: '2024-01-03T20:00:00.000Z' });
        // lookback 1: 2024-01-02 again, and the current day; 2024-01-01 is done and not read again
        expect(r2.message).toBe('OK 2 batches, 3 rows');
        expect((await rowsOf('mb')).map((x) => x['id'])).toEqual([1, 2, 3, 4]);
        expect(await done()).toEqual([['2024-01-01', null], ['2024-01-02', 1]]);
      });
    });

    describe('snapshot', () => {
      const config = { materialized: 'snapshot', unique_key: 'id', strategy: 'timestamp', updated_at: 'u' };
      it('opens a version per row, then closes changed rows and opens their new versions', async () => {
        await e.exec(`create table ${name('src')} as select * from (values (1, 'a', timestamp '2024-01-01 00:00:00'), (2, 'b', timestamp '2024-01-01 00:00:00')) as v(id, v, u)`);
        const source = `select * from ${name('src')}`;
        const r1 = await build({ name: 's', sql: source, config, resourceType: 'snapshot', now: '2024-01-02T00:00:00.000Z' });
        expect(r1.rowsAffected).toBe(2);
        await e.exec(`update ${name('src')} set v = 'B', u = timestamp '2024-01-03 00:00:00' where id = 2`);
        const r2 = await build({ name: 's', sql: source, config, resourceType: 'snapshot', now: '2024-01-04T00:00:00.000Z' });
        expect(r2.rowsAffected).toBe(1);
        const rows = await e.rows(`select id, v, dbt_valid_to is null as current from ${name('s')} order by id, v`);
        expect(rows).toEqual([{ id: 1, v: 'a', current: true }, { id: 2, v: 'B', current: true }, { id: 2, v: 'b', current: false }]);
      });

      it('refuses a source with two rows for one key, writing nothing', async () => {
        await expect(build({ name: 's', sql: 'select 1 as id, timestamp \'2024-01-01\' as u union all select 1, timestamp \'2024-01-02\'', config, resourceType: 'snapshot' })).rejects.toThrow(/more than one row/);
        expect(await kindOf('s')).toBeUndefined();
      });
    });

    describe('external', () => {
      it('writes the rows to files and puts a view over them; a partitioned model one folder per partition', async () => {
        const root = tmp();
        const r = await build({ name: 'x', sql: 'select 1 as id union all select 2', config: { materialized: 'external', location: join(root, 'x.parquet') } });
        expect(r.rowsAffected).toBe(2);
        expect(await kindOf('x')).toBe('view');
        expect(await rowsOf('x')).toEqual([{ id: 1 }, { id: 2 }]);
        const sql = "select * from (values (1, date '2024-01-05'), (2, date '2024-02-05'), (3, date '2024-02-06')) as v(id, d)";
        await build({ name: 'xp', sql, config: { materialized: 'external', location: join(root, 'xp'), partition_by: { field: 'd', granularity: 'month' } } });
        expect((await rowsOf('xp')).map((row) => row['id'])).toEqual([1, 2, 3]);
      });
    });

    describe('seed', () => {
      it('a malformed CSV fails with the line the engine names', async () => {
        const path = join(tmp(), 'bad.csv');
        writeFileSync(path, 'id,name\n1,ann\n2,bob,x\n3\n');
        await expect(build({ name: 'bad', sql: '', config: { materialized: 'seed' }, resourceType: 'seed', path })).rejects.toThrow(/CSV Error on Line/i);
        expect(await kindOf('bad')).toBeUndefined();
      });

      it('loads a CSV file into a table, replacing the previous one', async () => {
        const path = join(tmp(), 'people.csv');
        writeFileSync(path, 'id,name\n1,ann\n2,bob\n');
        const r = await build({ name: 'people', sql: '', config: { materialized: 'seed' }, resourceType: 'seed', path });
        expect(r.rowsAffected).toBe(2);
        expect(await rowsOf('people')).toEqual([{ id: 1, name: 'ann' }, { id: 2, name: 'bob' }]);
        writeFileSync(path, 'id,name\n3,cy\n');
        await build({ name: 'people', sql: '', config: { materialized: 'seed' }, resourceType: 'seed', path });
        expect(await rowsOf('people')).toEqual([{ id: 3, name: 'cy' }]);
      });
    });
  });
}

/** What a run's catalog knows, asked through the adapter alone (an engine without DuckDB's catalog reader). */
async function catalogThroughAdapter(adapter: EngineAdapter, schemas: readonly string[]): Promise<Catalog> {
  const catalog = new Catalog();
  for (const schema of schemas) for (const r of await adapter.listRelations(schema)) catalog.markBuilt(r.database, r.schema, r.identifier, r.kind);
  return catalog;
}
