/**
 * Pure planning of the materializations: exact SQL per strategy, schema-change modes, microbatch
 * batch planning and interval coverage, external COPY/view SQL, snapshot SQL. The SQL is then run
 * on an in-memory DuckDB where that says more than the text.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import {
  copySql,
  keyIn,
  externalViewSql,
  parseEventTime,
  planIncrementalApply,
  planMicrobatch,
  adoptedInterval,
  planSchemaChange,
  snapshotConfigOf,
  strategyOf,
  uniqueKeyOf,
  windowedSelect,
} from '../../src/materializations/index.js';
import { isCovered } from '../../src/state/index.js';
import { duckdbDialect, inspectBatchSql, mergeMatchesSql } from '../../src/adapters/duckdb/index.js';
import { statementSql } from '../../src/adapters/index.js';
import type { NodeConfig } from '../../src/manifest/types.js';

/** The statements DuckDB's dialect gives for a strategy's intent. */
const plan = (...args: Parameters<typeof planIncrementalApply> extends [...infer A, unknown] ? A : never): string[] => planIncrementalApply(...args, duckdbDialect).statements.map(statementSql);
const cfg = (c: Record<string, unknown>): NodeConfig => ({ enabled: true, materialized: 'incremental', tags: [], meta: {}, pre_hook: [], post_hook: [], ...c });
const target = { database: 'db', schema: 'main', identifier: 'm' };
const base = { target, batch: '__bmp_batch_m', sourceColumns: [], targetColumns: [] };
const col = (name: string, type = 'INTEGER', index = 0) => ({ name, type, index });
const W = { start: '2024-01-01 00:00:00', end: '2024-01-02 00:00:00' };

describe('incremental strategies', () => {
  it('defaults to delete+insert with a unique_key, append without; unique_key accepts lists and commas', () => {
    expect(strategyOf(cfg({}))).toBe('append');
    expect(strategyOf(cfg({ unique_key: 'id' }))).toBe('delete+insert');
    expect(uniqueKeyOf(cfg({ unique_key: 'a, b' }))).toEqual(['a', 'b']);
    expect(uniqueKeyOf(cfg({ unique_key: ['a', 'b'] }))).toEqual(['a', 'b']);
  });

  it('merge: null-safe composite key, predicates in ON, key columns never updated, merge_exclude_columns', () => {
    const sql = plan('merge', { ...base, config: cfg({ unique_key: ['id', 'kind'], incremental_predicates: ['DBT_INTERNAL_DEST.ts > 1'], merge_exclude_columns: ['ts'] }) }, ['id', 'kind', 'ts']);
    expect(sql).toEqual([
      'merge into "main"."m" as DBT_INTERNAL_DEST\nusing "__bmp_batch_m" as DBT_INTERNAL_SOURCE\n' +
        'on (DBT_INTERNAL_DEST."id" is not distinct from DBT_INTERNAL_SOURCE."id" and DBT_INTERNAL_DEST."kind" is not distinct from DBT_INTERNAL_SOURCE."kind") and (DBT_INTERNAL_DEST.ts > 1)\n' +

        'when not matched then insert ("id", "kind", "ts") values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."kind", DBT_INTERNAL_SOURCE."ts")',
    ]);
    const only = plan('merge', { ...base, config: cfg({ unique_key: 'id', merge_update_columns: ['kind'] }) }, ['id', 'kind', 'ts']);
    expect(only[0]).toContain('when matched then update set "kind" = DBT_INTERNAL_SOURCE."kind"\n');
    const all = plan('merge', { ...base, config: cfg({ unique_key: 'id' }) }, ['id', 'kind', 'ts']);
    expect(all[0]).toContain('when matched then update set "kind" = DBT_INTERNAL_SOURCE."kind", "ts" = DBT_INTERNAL_SOURCE."ts"\n');
  });

  it('keys without NULLs in the batch compare with = (the same meaning, and DuckDB can prune with statistics)', () => {
    const sql = plan('merge', { ...base, config: cfg({ unique_key: ['id', 'kind'] }), nullableKeys: new Set(['kind']) }, ['id', 'kind', 'v']);
    expect(sql[0]).toContain('on (DBT_INTERNAL_DEST."id" = DBT_INTERNAL_SOURCE."id" and DBT_INTERNAL_DEST."kind" is not distinct from DBT_INTERNAL_SOURCE."kind")');
  });

  it('delete+insert: deletes by key (a semi join on the batch\'s keys; null-safe against its distinct keys), then inserts', () => {
    // nullable keys (not known to hold no NULL): null-safe, joined with the batch's distinct keys
    expect(plan('delete+insert', { ...base, config: cfg({ unique_key: 'id' }) }, ['id', 'ts'])).toEqual([
      'delete from "main"."m" as DBT_INTERNAL_DEST\nusing (select distinct "id" from "__bmp_batch_m") as DBT_INTERNAL_SOURCE\nwhere (DBT_INTERNAL_DEST."id" is not distinct from DBT_INTERNAL_SOURCE."id")',
      'insert into "main"."m" ("id", "ts")\nselect "id", "ts" from "__bmp_batch_m"',
    ]);
    const keyed = plan('delete+insert', { ...base, config: cfg({ unique_key: ['id', 'kind'], incremental_predicates: ['DBT_INTERNAL_DEST.ts > 1'] }), nullableKeys: new Set() }, ['id', 'kind', 'ts']);
    expect(keyed[0]).toBe(
      'delete from "main"."m" as DBT_INTERNAL_DEST\nwhere ((DBT_INTERNAL_DEST."id", DBT_INTERNAL_DEST."kind") in (select "id", "kind" from "__bmp_batch_m")) and (DBT_INTERNAL_DEST.ts > 1)',
    );
    // a predicate that reads the batch needs its rows, not only its keys
    const sourced = plan('delete+insert', { ...base, config: cfg({ unique_key: 'id', incremental_predicates: ['DBT_INTERNAL_DEST.ts < dbt_internal_source.ts'] }), nullableKeys: new Set() }, ['id', 'ts']);
    expect(sourced[0]).toBe(
      'delete from "main"."m" as DBT_INTERNAL_DEST\nusing "__bmp_batch_m" as DBT_INTERNAL_SOURCE\nwhere (DBT_INTERNAL_DEST."id" = DBT_INTERNAL_SOURCE."id") and (DBT_INTERNAL_DEST.ts < dbt_internal_source.ts)',
    );
  });

  it('delete+insert deletes each target row once, however many batch rows share its key (run on DuckDB)', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      await c.run(`create table main.m as select * from (values (1, 'old'), (2, 'old')) t(id, ts)`);
      await c.run(`create temp table "__bmp_batch_m" as select * from (values (1, 'a'), (1, 'b')) t(id, ts)`);
      const [del, ins] = plan('delete+insert', { ...base, config: cfg({ unique_key: 'id' }), nullableKeys: new Set() }, ['id', 'ts']);
      expect(Number((await c.run(del!)).rowsChanged)).toBe(1);
      await c.run(ins!);
      expect((await c.runAndReadAll('select id, ts from main.m order by all')).getRowObjectsJS()).toEqual([{ id: 1, ts: 'a' }, { id: 1, ts: 'b' }, { id: 2, ts: 'old' }]);
      // a key that is not unique on either side (a day's rows replaced): every target row of the
      // batch's days goes once, NULL days with NULL (a nullable key compares null-safe)
      await c.run(`create or replace table main.m as select * from (values (1, 'old'), (1, 'old'), (2, 'old'), (null, 'old'), (3, 'old')) t(id, ts)`);
      await c.run(`create or replace temp table "__bmp_batch_m" as select * from (values (1, 'a'), (1, 'b'), (1, 'c'), (null, 'n'), (null, 'm')) t(id, ts)`);
      const [delDays, insDays] = plan('delete+insert', { ...base, config: cfg({ unique_key: 'id' }), nullableKeys: new Set(['id']) }, ['id', 'ts']);
      expect(Number((await c.run(delDays!)).rowsChanged)).toBe(3);
      await c.run(insDays!);
      expect((await c.runAndReadAll('select id, ts from main.m order by all')).getRowObjectsJS()).toEqual([
        { id: 1, ts: 'a' }, { id: 1, ts: 'b' }, { id: 1, ts: 'c' }, { id: 2, ts: 'old' }, { id: 3, ts: 'old' }, { id: null, ts: 'm' }, { id: null, ts: 'n' },
      ]);
      // with a predicate on the batch's rows: a target row goes when some batch row with its key passes
      await c.run(`create or replace table main.m as select * from (values (1, 5), (1, 9), (2, 5)) t(id, ts)`);
      await c.run(`create or replace temp table "__bmp_batch_m" as select * from (values (1, 6), (1, 7), (2, 1)) t(id, ts)`);
      const [delNewer] = plan('delete+insert', { ...base, config: cfg({ unique_key: 'id', incremental_predicates: ['DBT_INTERNAL_DEST.ts < DBT_INTERNAL_SOURCE.ts'] }), nullableKeys: new Set() }, ['id', 'ts']);
      expect(Number((await c.run(delNewer!)).rowsChanged)).toBe(1);
      expect((await c.runAndReadAll('select id, ts from main.m order by all')).getRowObjectsJS()).toEqual([{ id: 1, ts: 9 }, { id: 2, ts: 5 }]);
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });

  it('one query inspects the batch: NULLs per key, repeated keys (NULL equals NULL), unique indexes on the target (run on DuckDB)', async () => {
    const q = inspectBatchSql('__bmp_batch_m', { keys: ['id', 'Kind'], duplicates: true, uniqueIndexesOf: target });
    expect(q.sql).toBe(
      'select count(*) filter (where "id" is null) as n0, count(*) filter (where "Kind" is null) as n1, count(*) - count(distinct row("id", "Kind")) as dups, ' +
        '(select count(*) from duckdb_indexes() where database_name = current_database() and is_unique and lower(schema_name) = lower($1) and lower(table_name) = lower($2)) as unique_indexes from "__bmp_batch_m"',
    );
    expect(q.params).toEqual(['main', 'm']);
    const single = inspectBatchSql('__bmp_batch_m', { keys: ['id'], duplicates: true });
    expect(single.sql).toBe('select count(*) filter (where "id" is null) as n0, count(*) - count(distinct "id") - (count(*) > count("id"))::integer as dups from "__bmp_batch_m"');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      await c.run(`create table main.m (id integer, "Kind" varchar)`);
      await c.run(`create unique index m_id on main.m (id)`);
      await c.run(`create temp table "__bmp_batch_m" as select * from (values (1, 'a'), (1, 'a'), (null, 'b'), (2, null)) t(id, "Kind")`);
      const row = (await c.runAndReadAll(q.sql, q.params)).getRowObjectsJS()[0]!;
      expect({ n0: Number(row['n0']), n1: Number(row['n1']), dups: Number(row['dups']), unique: Number(row['unique_indexes']) }).toEqual({ n0: 1, n1: 1, dups: 1, unique: 1 });
      // one key: the same count as row(...) gives, a repeated NULL included
      const dups = async (values: string) => {
        await c.run(`create or replace temp table "__bmp_batch_m" as select * from (values ${values}) t(id)`);
        const a = (await c.runAndReadAll(single.sql)).getRowObjectsJS()[0]!['dups'];
        const b = (await c.runAndReadAll('select count(*) - count(distinct row("id")) as d from "__bmp_batch_m"')).getRowObjectsJS()[0]!['d'];
        expect(Number(a)).toBe(Number(b));
        return Number(a);
      };
      expect(await dups('(1), (2), (3)')).toBe(0);
      expect(await dups('(1), (1), (null)')).toBe(1);
      expect(await dups('(null), (null), (2)')).toBe(1);
      expect(await dups('(null), (null), (null)')).toBe(2);
      expect(await dups('(null::integer)')).toBe(0);
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });

  it('whether a batch row matches a target row, laid out as the merge (run on DuckDB)', async () => {
    const sql = mergeMatchesSql(target, '__bmp_batch_m', { uniqueKey: ['id'], predicates: ['DBT_INTERNAL_DEST.ts > 1'] });
    expect(sql).toBe(
      'select exists (select 1 from "main"."m" as DBT_INTERNAL_DEST\nwhere (DBT_INTERNAL_DEST."id" in (select "id" from "__bmp_batch_m"))\nand (DBT_INTERNAL_DEST.ts > 1)) as matched',
    );
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      await c.run(`create table main.m as select * from (values (1, 1), (2, 5)) t(id, ts)`);
      const matched = async (rows: string) => {
        await c.run(`create or replace temp table "__bmp_batch_m" as select * from (values ${rows}) t(id, ts)`);
        return (await c.runAndReadAll(sql)).getRowObjectsJS()[0]!['matched'];
      };
      expect(await matched('(1, 9)')).toBe(false); // id 1 is outside the predicate
      expect(await matched('(2, 9)')).toBe(true);
      expect(await matched('(3, 9)')).toBe(false);
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });

  it('new keys only: one insert from the SELECT that refuses NULL keys, repeated keys, matches and unique indexes before writing (run on DuckDB)', async () => {
    const o = { columns: ['a', 'b', 'v'], uniqueKey: ['a', 'b'], predicates: ['DBT_INTERNAL_DEST.v <> 0'], duplicates: true, uniqueIndexes: true };
    const step = duckdbDialect.insertNewKeys(target, 'select * from new_rows', o);
    expect(step.counts).toBe(0);
    expect(statementSql(step.statements[0]!)).toMatch(/^insert into "main"\."m" \("a", "b", "v"\)\nwith __bmp_batch as materialized \(\nselect \* from new_rows\n\)\n/);
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      await c.run(`create table main.m as select * from (values (1, 1, 5), (2, 2, 0)) t(a, b, v)`);
      const attempt = async (rows: string, opts = o): Promise<string> => {
        await c.run(`create or replace table new_rows as select * from (values ${rows}) t(a, b, v)`);
        const before = Number((await c.runAndReadAll('select count(*) from main.m')).getRows()[0]![0]);
        try {
          const n = (await c.run(statementSql(duckdbDialect.insertNewKeys(target, 'select * from new_rows', opts).statements[0]!))).rowsChanged;
          return `inserted ${n}`;
        } catch (err) {
          const why = duckdbDialect.newKeysRefusal(err);
          expect(why).toBe(String((err as Error).message).replace(/^.*\((.*)\)$/s, '$1'));
          expect(Number((await c.runAndReadAll('select count(*) from main.m')).getRows()[0]![0])).toBe(before);
          return why!;
        }
      };
      expect(await attempt('(1, null, 9)')).toBe('NULL key');
      expect(await attempt('(3, 1, 9), (3, 1, 8)')).toBe('repeated key');
      expect(await attempt('(3, 1, 9), (3, 1, 8)', { ...o, duplicates: false })).toBe('inserted 2');
      expect(await attempt('(1, 1, 9)')).toBe('matching target row');
      // among other keys, and on either end of the batch's key ranges (the match's read is bounded by them)
      expect(await attempt('(0, 5, 9), (1, 1, 8), (4, 0, 9)')).toBe('matching target row');
      expect(await attempt('(1, 1, 8), (4, 3, 9)')).toBe('matching target row');
      // (1, 1) lies inside both ranges but equals no batch key: new keys
      expect(await attempt('(0, 5, 9), (4, 0, 9)')).toBe('inserted 2');
      // (2, 2) is outside the predicate: not a match
      expect(await attempt('(2, 2, 9), (1, 2, 9)')).toBe('inserted 2');
      // a predicate that reads the batch's rows: a match is a target row with its key and a
      // batch row of that key passing it
      const sourced = { ...o, predicates: ['DBT_INTERNAL_DEST.v < DBT_INTERNAL_SOURCE.v'] };
      expect(await attempt('(1, 1, 3), (9, 9, 9)', sourced)).toBe('inserted 2');
      expect(await attempt('(1, 1, 6), (9, 9, 9)', sourced)).toBe('matching target row');
      // a key repeated on both sides (no uniqueness asked: delete+insert) is one match, however many times it repeats
      await c.run('create or replace table main.m as select 1 as a, 1 as b, range as v from range(3000)');
      expect(await attempt('(1, 1, 9), '.repeat(2999) + '(1, 1, 9)', { ...o, duplicates: false })).toBe('matching target row');
      await c.run('create or replace table main.m as select * from (values (1, 1, 5), (2, 2, 0)) t(a, b, v)');
      await c.run('create unique index m_v on main.m (a, b, v)');
      expect(await attempt('(7, 7, 7)')).toBe('unique index');
      expect(await attempt('(7, 7, 7)', { ...o, uniqueIndexes: false })).toBe('inserted 1');
      expect(duckdbDialect.newKeysRefusal(new Error('Constraint Error: duplicate key'))).toBeUndefined();
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });

  it('a merge from the SELECT in one statement refuses a NULL or repeated key before writing, and merges otherwise (run on DuckDB)', async () => {
    const o = { columns: ['a', 'b', 'v'], uniqueKey: ['a', 'b'], update: ['v'], predicates: ['DBT_INTERNAL_DEST.v <> 0'] };
    const sql = statementSql(duckdbDialect.mergeFromSelect(target, 'select * from new_rows', o).statements[0]!);
    expect(sql).toMatch(/^merge into "main"\."m" as DBT_INTERNAL_DEST\nusing \(with __bmp_batch as materialized \(\nselect \* from new_rows\n\)\n/);
    expect(sql).toMatch(/\non \(DBT_INTERNAL_DEST\."a" = DBT_INTERNAL_SOURCE\."a" and DBT_INTERNAL_DEST\."b" = DBT_INTERNAL_SOURCE\."b"\) and \(DBT_INTERNAL_DEST\.v <> 0\)\n/);
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      await c.run(`create table main.m as select * from (values (1, 1, 5), (2, 2, 0)) t(a, b, v)`);
      const attempt = async (rows: string): Promise<string> => {
        await c.run(`create or replace table new_rows as select * from (values ${rows}) t(a, b, v)`);
        try {
          return `merged ${(await c.run(sql)).rowsChanged}`;
        } catch (err) {
          return duckdbDialect.newKeysRefusal(err) ?? String(err);
        }
      };
      expect(await attempt('(1, null, 9), (1, 1, 9)')).toBe('NULL key');
      expect(await attempt('(1, 1, 9), (1, 1, 8)')).toBe('repeated key');
      expect(await c.runAndReadAll('select * from main.m order by all').then((r) => r.getRows())).toEqual([[1, 1, 5], [2, 2, 0]]);
      // (1, 1) updated; (2, 2) is outside the predicate: inserted; (3, 3) new
      expect(await attempt('(1, 1, 9), (2, 2, 9), (3, 3, 9)')).toBe('merged 3');
      expect(await c.runAndReadAll('select * from main.m order by all').then((r) => r.getRows())).toEqual([[1, 1, 9], [2, 2, 0], [2, 2, 9], [3, 3, 9]]);
      expect(duckdbDialect.newKeysRefusal(new Error('Invalid Input Error: something else'))).toBeUndefined();
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });

  it('the target rows whose key is in the batch: a semi join (`in`), or `exists` when the batch has a NULL key', () => {
    expect(keyIn(['id'], '__bmp_batch_m', new Set())).toBe('DBT_INTERNAL_DEST."id" in (select "id" from "__bmp_batch_m")');
    expect(keyIn(['id', 'kind'], '__bmp_batch_m', new Set())).toBe('(DBT_INTERNAL_DEST."id", DBT_INTERNAL_DEST."kind") in (select "id", "kind" from "__bmp_batch_m")');
    expect(keyIn(['id', 'kind'], '__bmp_batch_m', new Set(['kind']))).toBe(
      'exists (select 1 from "__bmp_batch_m" as DBT_INTERNAL_SOURCE where DBT_INTERNAL_DEST."id" = DBT_INTERNAL_SOURCE."id" and DBT_INTERNAL_DEST."kind" is not distinct from DBT_INTERNAL_SOURCE."kind")',
    );
  });

  it('insert_overwrite replaces the partitions of the batch (NULL partition included), inserting in partition order', () => {
    const config = cfg({ partition_by: { field: 'ts', granularity: 'month' } });
    expect(plan('insert_overwrite', { ...base, config }, ['id', 'ts'])).toEqual([
      `delete from "main"."m" as DBT_INTERNAL_DEST\nwhere (date_trunc('month', DBT_INTERNAL_DEST."ts") in (select distinct date_trunc('month', "ts") from "__bmp_batch_m") or (DBT_INTERNAL_DEST."ts" is null and exists (select 1 from "__bmp_batch_m" where "ts" is null)))`,
      `insert into "main"."m" ("id", "ts")\nselect "id", "ts" from "__bmp_batch_m" order by date_trunc('month', "ts")`,
    ]);
    // with the batch's span known, a range on the column lets zone maps skip other partitions
    const ranged = plan('insert_overwrite', { ...base, config, targetColumns: [col('ts', 'TIMESTAMP')], partitionRange: { lo: '2024-02-01 00:00:00', hi: '2024-05-01 00:00:00', hasNull: true } }, ['id', 'ts']);
    expect(ranged[0]).toBe(
      `delete from "main"."m" as DBT_INTERNAL_DEST\nwhere (((DBT_INTERNAL_DEST."ts" >= cast(TIMESTAMP '2024-02-01 00:00:00' as TIMESTAMP) and DBT_INTERNAL_DEST."ts" < cast(TIMESTAMP '2024-05-01 00:00:00' as TIMESTAMP)) and date_trunc('month', DBT_INTERNAL_DEST."ts") in (select distinct date_trunc('month', "ts") from "__bmp_batch_m")) or DBT_INTERNAL_DEST."ts" is null)`,
    );
  });

  it('insert_overwrite treats NULL partition values as one partition (run on DuckDB)', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      await c.run(`create table main.m as select * from (values (1, null::timestamp), (2, timestamp '2024-01-05'), (3, timestamp '2024-02-05')) t(id, ts)`);
      await c.run(`create temp table "__bmp_batch_m" as select * from (values (10, null::timestamp), (20, timestamp '2024-01-09')) t(id, ts)`);
      for (const s of plan('insert_overwrite', { ...base, config: cfg({ partition_by: { field: 'ts', granularity: 'month' } }) }, ['id', 'ts'])) await c.run(s);
      expect((await c.runAndReadAll('select id from main.m order by id')).getRowObjectsJS()).toEqual([{ id: 3 }, { id: 10 }, { id: 20 }]);
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });

  it('microbatch replaces the window of event_time', () => {
    expect(plan('microbatch', { ...base, config: cfg({ event_time: 'ts' }), window: W }, ['id', 'ts'])[0]).toBe(
      `delete from "main"."m" as DBT_INTERNAL_DEST\nwhere DBT_INTERNAL_DEST."ts" >= TIMESTAMP '2024-01-01 00:00:00' and DBT_INTERNAL_DEST."ts" < TIMESTAMP '2024-01-02 00:00:00'`,
    );
    expect(windowedSelect('select 1 as ts', 'ts', W)).toBe(`select * from (\nselect 1 as ts\n) as __bmp_microbatch where "ts" >= TIMESTAMP '2024-01-01 00:00:00' and "ts" < TIMESTAMP '2024-01-02 00:00:00'`);
  });

  it('NULL keys: delete+insert and merge replace the NULL-keyed row instead of adding one (run on DuckDB)', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      for (const strategy of ['delete+insert', 'merge'] as const) {
        await c.run(`create or replace table main.m as select * from (values (1, null, 'old'), (1, 'a', 'old'), (2, null, 'old')) t(id, kind, v)`);
        await c.run(`create or replace temp table "__bmp_batch_m" as select * from (values (1, null::varchar, 'new'), (3, null, 'new')) t(id, kind, v)`);
        for (const s of plan(strategy, { ...base, config: cfg({ unique_key: ['id', 'kind'] }) }, ['id', 'kind', 'v'])) await c.run(s);
        const rows = (await c.runAndReadAll('select id, kind, v from main.m order by id, kind nulls first')).getRowObjectsJS();
        expect(rows, strategy).toEqual([
          { id: 1, kind: null, v: 'new' },
          { id: 1, kind: 'a', v: 'old' },
          { id: 2, kind: null, v: 'old' },
          { id: 3, kind: null, v: 'new' },
        ]);
      }
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });
});

describe('on_schema_change', () => {
  const src = [col('id'), col('v', 'VARCHAR', 1), col('extra', 'DOUBLE', 2)];
  const dst = [col('id', 'BIGINT'), col('v', 'VARCHAR', 1), col('gone', 'INTEGER', 2)];
  const input = (mode: string) => ({ target, config: cfg({ on_schema_change: mode }), sourceColumns: src, targetColumns: dst });

  it('ignore keeps the target columns the batch has', () => {
    expect(planSchemaChange(input('ignore'))).toMatchObject({ columns: ['id', 'v'], statements: [] });
  });
  it('fail names what differs', () => {
    expect(() => planSchemaChange(input('fail'), 'model.p.m')).toThrowError(/new columns extra; missing columns gone; changed types id \(BIGINT → INTEGER\)/);
    try {
      planSchemaChange(input('fail'));
    } catch (e) {
      expect((e as { code: string }).code).toBe('BMP_SCHEMA_CHANGE');
    }
    expect(planSchemaChange({ ...input('fail'), sourceColumns: dst }).statements).toEqual([]);
  });
  it('append_new_columns adds new columns only', () => {
    expect(planSchemaChange(input('append_new_columns'))).toMatchObject({ columns: ['id', 'v', 'extra'], statements: ['alter table "main"."m" add column "extra" DOUBLE'], needsIndexDrop: false });
  });
  it('sync_all_columns adds, drops and retypes', () => {
    expect(planSchemaChange(input('sync_all_columns'))).toMatchObject({
      columns: ['id', 'v', 'extra'],
      statements: ['alter table "main"."m" add column "extra" DOUBLE', 'alter table "main"."m" drop column "gone"', 'alter table "main"."m" alter column "id" type INTEGER'],
      needsIndexDrop: true,
    });
  });
});

describe('microbatch planning', () => {
  const d = (s: string) => parseEventTime(s, 't');
  const plan = (o: Partial<Parameters<typeof planMicrobatch>[0]>) =>
    planMicrobatch({ begin: d('2024-01-01'), batchSize: 'day', lookback: 1, now: d('2024-01-05 12:00'), done: [], full: false, ...o }).map((b) => `${b.start.slice(0, 10)}:${b.reason}${b.complete ? '' : '*'}`);

  it('parses dates and timestamps as UTC and rejects the rest', () => {
    expect(d('2024-05-01').toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(d('2024-05-01 13:30').toISOString()).toBe('2024-05-01T13:30:00.000Z');
    expect(d('2024-05-01T13:30:00+02:00').toISOString()).toBe('2024-05-01T11:30:00.000Z');
    expect(() => d('yesterday')).toThrowError(/date or timestamp/);
  });

  it('first build: every batch from begin, the current one incomplete', () => {
    expect(plan({ full: true })).toEqual(['2024-01-01:full', '2024-01-02:full', '2024-01-03:full', '2024-01-04:full', '2024-01-05:full*']);
  });

  it('later runs: missing intervals, lookback, the current batch', () => {
    const done = [{ start: '2024-01-01 00:00:00', end: '2024-01-03 00:00:00' }];
    expect(plan({ done })).toEqual(['2024-01-03:missing', '2024-01-04:missing', '2024-01-05:current*']);
    const all = [{ start: '2024-01-01 00:00:00', end: '2024-01-05 00:00:00' }];
    expect(plan({ done: all })).toEqual(['2024-01-04:lookback', '2024-01-05:current*']);
    expect(plan({ done: all, lookback: 0 })).toEqual(['2024-01-05:current*']);
    expect(plan({ done: all, lookback: 3 })).toEqual(['2024-01-02:lookback', '2024-01-03:lookback', '2024-01-04:lookback', '2024-01-05:current*']);
    // a failed batch in the middle is the only missing one
    const gap = [{ start: '2024-01-01 00:00:00', end: '2024-01-02 00:00:00' }, { start: '2024-01-03 00:00:00', end: '2024-01-05 00:00:00' }];
    expect(plan({ done: gap, lookback: 0 })).toEqual(['2024-01-02:missing', '2024-01-05:current*']);
  });

  it('backfills: start+end reprocess exactly that window; end alone runs as of end', () => {
    const all = [{ start: '2024-01-01 00:00:00', end: '2024-01-05 00:00:00' }];
    expect(plan({ done: all, start: d('2024-01-02'), end: d('2024-01-04') })).toEqual(['2024-01-02:backfill', '2024-01-03:backfill']);
    const some = [{ start: '2024-01-01 00:00:00', end: '2024-01-01 06:00:00' }];
    expect(plan({ done: some, end: d('2024-01-03 06:00') })).toEqual(['2024-01-01:missing', '2024-01-02:missing', '2024-01-03:current*']);
  });

  it('an existing table with no recorded batch: only lookback and the current batch; the batches before are adopted', () => {
    // dbt's incremental start: now minus lookback batches
    expect(plan({ done: [] })).toEqual(['2024-01-04:missing', '2024-01-05:current*']);
    expect(adoptedInterval({ begin: d('2024-01-01'), batchSize: 'day', lookback: 1, now: d('2024-01-05 12:00'), done: [], full: false })).toEqual({ start: '2024-01-01 00:00:00', end: '2024-01-04 00:00:00' });
    expect(plan({ done: [], lookback: 0 })).toEqual(['2024-01-05:current*']);
    expect(plan({ done: [], lookback: 9 })).toEqual(['2024-01-01:missing', '2024-01-02:missing', '2024-01-03:missing', '2024-01-04:missing', '2024-01-05:current*']);
    expect(plan({ done: [], end: d('2024-01-03 06:00') })).toEqual(['2024-01-02:missing', '2024-01-03:current*']);
    // nothing adopted on a full build, a backfill, or once any batch is recorded
    const base = { begin: d('2024-01-01'), batchSize: 'day' as const, lookback: 1, now: d('2024-01-05 12:00'), done: [], full: false };
    expect(adoptedInterval({ ...base, full: true })).toBeUndefined();
    expect(adoptedInterval({ ...base, start: d('2024-01-02') })).toBeUndefined();
    expect(adoptedInterval({ ...base, done: [{ start: '2024-01-04 00:00:00', end: '2024-01-05 00:00:00' }] })).toBeUndefined();
    expect(adoptedInterval({ ...base, lookback: 9 })).toBeUndefined();
    // lookback 0 and a horizon on a batch boundary: every batch is complete and adopted
    expect(adoptedInterval({ ...base, lookback: 0, end: d('2024-01-05') })).toEqual({ start: '2024-01-01 00:00:00', end: '2024-01-05 00:00:00' });
    expect(plan({ done: [], lookback: 0, end: d('2024-01-05') })).toEqual([]);
  });

  it('hour and month batches', () => {
    const h = planMicrobatch({ begin: d('2024-01-01 22:30'), batchSize: 'hour', lookback: 0, now: d('2024-01-02 01:10'), done: [], full: true });
    // dbt's batch ids: %Y%m%dT%H hourly, %Y%m monthly
    expect(h.map((b) => b.id)).toEqual(['20240101T22', '20240101T23', '20240102T00', '20240102T01']);
    const m = planMicrobatch({ begin: d('2023-12-15'), batchSize: 'month', lookback: 0, now: d('2024-02-10'), done: [], full: true });
    expect(m.map((b) => b.id)).toEqual(['202312', '202401', '202402']);
    expect(m.map((b) => `${b.start}..${b.end}`)).toEqual(['2023-12-01 00:00:00..2024-01-01 00:00:00', '2024-01-01 00:00:00..2024-02-01 00:00:00', '2024-02-01 00:00:00..2024-03-01 00:00:00']);
  });

  it('interval coverage is the union of recorded intervals', () => {
    const iv = (a: string, b: string) => ({ start: `2024-01-0${a} 00:00:00`, end: `2024-01-0${b} 00:00:00` });
    expect(isCovered(iv('2', '3'), [iv('1', '4')])).toBe(true);
    expect(isCovered(iv('1', '4'), [iv('3', '4'), iv('1', '2'), iv('2', '3')])).toBe(true);
    expect(isCovered(iv('1', '4'), [iv('1', '2'), iv('3', '4')])).toBe(false);
    expect(isCovered(iv('1', '2'), [])).toBe(false);
  });
});

describe('external and snapshot SQL', () => {
  const layout = { location: '/data/ev', format: 'parquet' as const, partition: { field: 'ts', granularity: 'month' as const } };
  it('COPY with PARTITION_BY into staging, and the view over hive-partitioned parquet', () => {
    expect(copySql('select 1', '/data/.ev.bmp-staging-1', layout)).toBe(
      `copy (select *, strftime("ts", '%Y-%m') as "ts_month" from (\nselect 1\n) as __bmp_src order by "ts")\nto '/data/.ev.bmp-staging-1' (format parquet, partition_by ("ts_month"), filename_pattern 'data_{uuid}')`,
    );
    expect(externalViewSql(target, layout)).toBe(
      `create or replace view "main"."m" as (\nselect * from read_parquet('/data/ev/*/*.parquet', hive_partitioning = true, hive_types = {'ts_month': VARCHAR}, union_by_name = true)\n)`,
    );
  });

  it('snapshot config errors name what is missing', () => {
    expect(() => snapshotConfigOf(cfg({ strategy: 'timestamp' }))).toThrowError(/unique_key/);
    expect(() => snapshotConfigOf(cfg({ unique_key: 'id', strategy: 'timestamp' }))).toThrowError(/updated_at/);
    expect(() => snapshotConfigOf(cfg({ unique_key: 'id', strategy: 'check' }))).toThrowError(/check_cols/);
    expect(snapshotConfigOf(cfg({ unique_key: 'id', strategy: 'check', check_cols: 'all', invalidate_hard_deletes: true }))).toMatchObject({ checkCols: 'all', hardDeletes: 'invalidate' });
  });
});
