/**
 * DuckDB's engine adapter on a real in-memory database: the exact statements each intent issues,
 * `atomically` leaving BEGIN/COMMIT out exactly when one statement with no hooks is atomic by
 * itself, and all-or-nothing when a hook or a statement fails.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, type Connection } from '../../src/adapters/duckdb/index.js';
import type { Hooks, Relation } from '../../src/adapters/index.js';

const rel: Relation = { database: 'memory', schema: 'main', identifier: 'we"ird' };
const none: Hooks = { preHooks: [], postHooks: [] };

let db: Database;
let conn: Connection;
beforeEach(async () => {
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
});
afterEach(() => db.close());

const count = async (sql: string) => Number((await conn.rows<{ n: number }>(sql))[0]?.n);

describe('DuckDbAdapter', () => {
  it('renders and escapes relations and identifiers', () => {
    expect(conn.adapter.relation(rel)).toBe('"main"."we""ird"');
    expect(conn.adapter.quote('a"b')).toBe('"a""b"');
  });

  it('replaceTable: one CTAS alone when there are no hooks (no BEGIN/COMMIT), the rows counted', async () => {
    const { result, statements } = await conn.recording(() => conn.adapter.atomically(none, conn.adapter.replaceTable(rel, 'select 1 as id union all select 2')));
    expect(statements).toEqual(['create or replace table "main"."we""ird" as (\nselect 1 as id union all select 2\n)']);
    expect(result()).toBe(2);
  });

  it('replaceTable over a view with indexes and hooks: one transaction, hooks around, the CTAS counted', async () => {
    await conn.run(`create view "main"."we""ird" as select 1 as id`);
    const hooks: Hooks = { preHooks: ['create table pre as select 1 as x'], postHooks: ['create table post as select 1 as x'] };
    const { result, statements } = await conn.recording(() =>
      conn.adapter.atomically(hooks, conn.adapter.replaceTable(rel, "select 5 as id, date '2024-05-06' as v", { existingKind: 'view', indexes: [{ columns: ['id'], unique: true }], clusterBy: { field: 'v', granularity: 'month' } })),
    );
    expect(statements).toEqual([
      'begin transaction',
      'create table pre as select 1 as x',
      'drop view if exists "main"."we""ird"',
      `create or replace table "main"."we""ird" as (\nselect * from (\nselect 5 as id, date '2024-05-06' as v\n) as __bmp_src order by "v"\n)`,
      'create unique index "we""ird__id__uniq__idx" on "main"."we""ird" ("id")',
      'create table post as select 1 as x',
      'commit',
    ]);
    expect(result()).toBe(1);
  });

  it('replaceView: a table of the same name is dropped in the same transaction', async () => {
    await conn.run(`create table "main"."we""ird" as select 1 as id`);
    const { statements } = await conn.recording(() => conn.adapter.atomically(none, conn.adapter.replaceView(rel, 'select 2 as id', { existingKind: 'table' })));
    expect(statements).toEqual(['begin transaction', 'drop table if exists "main"."we""ird"', 'create or replace view "main"."we""ird" as (\nselect 2 as id\n)', 'commit']);
    expect(await count('select id as n from "main"."we""ird"')).toBe(2);
  });

  it('a failing post-hook rolls everything back: the previous relation stays', async () => {
    await conn.run(`create table "main"."we""ird" as select 1 as id`);
    const hooks: Hooks = { preHooks: [], postHooks: ['select * from no_such_table'] };
    await expect(conn.adapter.atomically(hooks, conn.adapter.replaceTable(rel, 'select 1 as id from range(10)'))).rejects.toThrow(/no_such_table/);
    expect(await count('select count(*) as n from "main"."we""ird"')).toBe(1);
  });

  it('a body runs in one transaction with the hooks, its steps run with run(); a failure rolls it back', async () => {
    await conn.run(`create table "main"."we""ird" (id integer)`);
    const hooks: Hooks = { preHooks: ['create table pre as select 1 as x'], postHooks: [] };
    const rows = await conn.adapter.atomically(hooks, async () => (await conn.adapter.run(conn.adapter.insertInto(rel, ['id'], 'select 1 as id union all select 2')))());
    expect(rows).toBe(2);
    await expect(
      conn.adapter.atomically(none, async () => {
        await conn.adapter.run(conn.adapter.insertInto(rel, ['id'], 'select 3 as id'));
        await conn.adapter.run(conn.adapter.statements(['select * from no_such_table']));
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await count('select count(*) as n from "main"."we""ird"')).toBe(2);
  });

  it('round trips: statements that wait for the commit go with it, a step of statements without values is one; an error keeps its LINE', async () => {
    await conn.run(`create table "main"."we""ird" (id integer)`);
    const sent: string[] = [];
    const raw = (conn as unknown as { raw: { run: (sql: string, p?: unknown) => Promise<unknown> } }).raw;
    const run = raw.run.bind(raw);
    raw.run = (sql, p) => (sent.push(sql), run(sql, p));
    const rows = await conn.adapter.atomically(none, async () => {
      await conn.adapter.run(conn.adapter.createTempTable('b', 'select 1 as id union all select 2'));
      const n = await conn.adapter.run(conn.adapter.deleteInsert(rel, 'b', { columns: ['id'], uniqueKey: ['id'], nullableKeys: new Set() }));
      await conn.adapter.run(conn.adapter.dropTempTable('b'));
      return n();
    });
    expect(rows).toBe(2);
    expect(sent).toHaveLength(4);
    expect(sent[0]).toBe('begin transaction');
    expect(sent[1]).toMatch(/^create or replace temp table "b"/);
    expect(sent[2]).toMatch(/^delete from .*\n;\ninsert into/s);
    expect(sent[3]).toBe('drop table if exists temp.main."b"\n;\ncommit');
    // the first statement of a transaction is sent alone: DuckDB's LINE n points into it
    await expect(conn.adapter.atomically(none, async () => void (await conn.adapter.run(conn.adapter.createTempTable('x', 'select 1 as a,\n  nope from range(3)'))))).rejects.toThrow(/LINE 3:   nope from range/);
    expect(await count('select count(*) as n from "main"."we""ird"')).toBe(2);
    // a failure drops what waited for the commit and rolls back; a body that ran nothing sends nothing
    sent.length = 0;
    await expect(conn.adapter.atomically(none, async () => {
      await conn.adapter.run(conn.adapter.createTempTable('c', 'select 1 as id'));
      await conn.adapter.run(conn.adapter.dropTempTable('c'));
      await conn.adapter.run(conn.adapter.insertInto(rel, ['id'], 'select * from no_such_table'));
    })).rejects.toThrow(/no_such_table/);
    expect(sent.slice(-1)).toEqual(['rollback']);
    expect(await conn.rows(`select 1 from duckdb_tables() where table_name = 'c'`)).toEqual([]);
    sent.length = 0;
    expect(await conn.adapter.atomically(none, async () => 5)).toBe(5);
    expect(sent).toEqual([]);
    // a statement with values goes alone, BEGIN before it
    await conn.adapter.atomically(none, async () => void (await conn.adapter.run(conn.adapter.statements([{ sql: 'insert into "main"."we""ird" values ($1)', params: [7] }]))));
    expect(sent).toEqual(['begin transaction', 'insert into "main"."we""ird" values ($1)', 'commit']);
    // a query first: BEGIN alone before it
    sent.length = 0;
    await conn.transaction(async () => void (await conn.rows('select 1')));
    expect([sent[0], sent.at(-1)]).toEqual(['begin transaction', 'commit']);
    raw.run = run;
  });

  it('bound statements keep their values out of the SQL text; describe reads a relation or a query', async () => {
    await conn.run(`create table "main"."we""ird" (id integer, name varchar)`);
    await conn.adapter.atomically(none, conn.adapter.statements([{ sql: `insert into "main"."we""ird" values ($1, $2)`, params: [1, "o'k"] }]));
    expect(await conn.rows('select * from "main"."we""ird"')).toEqual([{ id: 1, name: "o'k" }]);
    expect(await conn.adapter.describe(rel)).toEqual([{ name: 'id', type: 'INTEGER', index: 0 }, { name: 'name', type: 'VARCHAR', index: 1 }]);
    expect(await conn.adapter.describe({ query: 'select 1::bigint as n;' })).toEqual([{ name: 'n', type: 'BIGINT', index: 0 }]);
  });

  it('createIndexes with ifNotExists keeps an index that exists; dropRelation drops', async () => {
    await conn.run(`create table "main"."we""ird" (id integer)`);
    const step = conn.adapter.createIndexes(rel, [{ columns: ['id'] }], { ifNotExists: true });
    expect(step.statements).toEqual(['create index if not exists "we""ird__id__idx" on "main"."we""ird" ("id")']);
    await conn.adapter.atomically(none, step);
    await conn.adapter.atomically(none, step);
    await conn.adapter.atomically(none, conn.adapter.dropRelation(rel, 'table'));
    expect(await count(`select count(*) as n from duckdb_tables() where table_name = 'we"ird'`)).toBe(0);
  });
});

describe("DuckDbAdapter's read intents", () => {
  it('describe: a relation, a query (or a rendered name given as one), a temp table; one statement each', async () => {
    const statements: string[] = [];
    const seen = await Database.open({ path: ':memory:', onStatement: (sql) => statements.push(sql) });
    const c = await seen.connect();
    await c.run(`create table "main"."we""ird" (id integer, "my col" varchar)`);
    await c.run('create temp table batch as select 1.5 as x');
    statements.length = 0;
    const result = [
      await c.adapter.describe(rel),
      await c.adapter.describe({ query: 'select 1 as a -- a comment' }),
      await c.adapter.describe({ query: '"main"."we""ird"' }),
      await c.adapter.describe({ temp: 'batch' }),
    ];
    seen.close();
    expect(statements).toEqual(['describe "main"."we""ird"', 'describe (\nselect 1 as a -- a comment\n)', 'describe "main"."we""ird"', 'describe "batch"']);
    expect(result).toEqual([
      [{ name: 'id', type: 'INTEGER', index: 0 }, { name: 'my col', type: 'VARCHAR', index: 1 }],
      [{ name: 'a', type: 'INTEGER', index: 0 }],
      [{ name: 'id', type: 'INTEGER', index: 0 }, { name: 'my col', type: 'VARCHAR', index: 1 }],
      [{ name: 'x', type: 'DECIMAL(2,1)', index: 0 }],
    ]);
  });

  it('relationKind, listRelations and listSchemas read what exists', async () => {
    await conn.run('create schema s');
    await conn.run('create table s.t as select 1 as id');
    await conn.run('create view s.v as select 1 as id');
    expect(await conn.adapter.relationKind({ database: '', schema: 's', identifier: 't' })).toBe('table');
    expect(await conn.adapter.relationKind({ database: '', schema: 's', identifier: 'v' })).toBe('view');
    expect(await conn.adapter.relationKind({ database: '', schema: 's', identifier: 'nope' })).toBeUndefined();
    expect(await conn.adapter.listRelations('S')).toEqual([
      { database: 'memory', schema: 's', identifier: 't', kind: 'table' },
      { database: 'memory', schema: 's', identifier: 'v', kind: 'view' },
    ]);
    expect(await conn.adapter.listSchemas()).toEqual(expect.arrayContaining(['main', 's']));
  });

  it('listIndexes: names, keys and the statements that drop and recreate each', async () => {
    await conn.run(`create table "main"."we""ird" (id integer, "my code" varchar)`);
    await conn.run(`create unique index "u" on "main"."we""ird" ("my code", id)`);
    const [index, ...rest] = await conn.adapter.listIndexes(rel);
    expect(rest).toEqual([]);
    expect(index).toEqual({
      name: 'u',
      unique: true,
      columns: ['my code', 'id'],
      keySql: ['"my code"', '"id"'],
      createSql: 'create unique index if not exists "u" on "main"."we""ird" ("my code", id)',
      dropSql: 'drop index if exists "main"."u"',
    });
    await conn.run(index!.dropSql);
    expect(await conn.adapter.listIndexes(rel)).toEqual([]);
    await conn.run(index!.createSql);
    expect((await conn.adapter.listIndexes(rel)).map((i) => i.name)).toEqual(['u']);
  });

  it('countDuplicateKeys over a relation, a query and a temp table', async () => {
    await conn.run(`create table "main"."we""ird" as select * from (values (1, 'a'), (1, 'b'), (2, 'c'), (3, 'd'), (3, 'd')) as v(id, code)`);
    await conn.run('create temp table batch as select 1 as id from range(3)');
    expect(await conn.adapter.countDuplicateKeys(rel, ['id'])).toBe(2);
    expect(await conn.adapter.countDuplicateKeys(rel, ['id', 'code'])).toBe(1);
    expect(await conn.adapter.countDuplicateKeys({ query: 'select 1 as id -- c' }, ['id'])).toBe(0);
    expect(await conn.adapter.countDuplicateKeys({ temp: 'batch' }, ['id'])).toBe(1);
  });

  it('countPartitions: rows per partition in order, NULL last', async () => {
    await conn.run(`create table "main"."we""ird" as select * from (values (date '2024-02-03'), (date '2024-01-31'), (date '2024-02-28'), (null)) as v(d)`);
    expect(await conn.adapter.countPartitions(rel, { field: 'd', granularity: 'month' })).toEqual([
      { key: '2024-01', start: '2024-01-01 00:00:00', count: 1 },
      { key: '2024-02', start: '2024-02-01 00:00:00', count: 2 },
      { key: null, start: null, count: 1 },
    ]);
  });

  it('writeFiles and replaceFilesView: a COPY counted, a view over the hive folders', async () => {
    const layout = { location: '/tmp/ev', format: 'parquet' as const, partition: { field: 'ts', granularity: 'month' as const } };
    expect(conn.adapter.writeFiles('select 1', '/tmp/.ev.bmp-staging-1', layout)).toEqual({
      statements: [`copy (select *, strftime("ts", '%Y-%m') as "ts_month" from (\nselect 1\n) as __bmp_src order by "ts")\nto '/tmp/.ev.bmp-staging-1' (format parquet, partition_by ("ts_month"), filename_pattern 'data_{uuid}')`],
      counts: 0,
    });
    expect(conn.adapter.replaceFilesView(rel, layout, { columns: [{ name: 'ts_month' }, { name: 'id' }], existingKind: 'table' }).statements).toEqual([
      'drop table if exists "main"."we""ird"',
      `create or replace view "main"."we""ird" as (\nselect "id", "ts_month" from read_parquet('/tmp/ev/*/*.parquet', hive_partitioning = true, hive_types = {'ts_month': VARCHAR}, union_by_name = true)\n)`,
    ]);
  });

  it('bookkeeping: state tables created once per connection; partition rows recorded from a table, replaced by counts', async () => {
    const { statements } = await conn.recording(async () => {
      await conn.adapter.ensureStateTables(['partitions'], '_bmp');
      await conn.adapter.ensureStateTables(['partitions'], '_bmp');
    });
    expect(statements.filter((s) => /^create/.test(s))).toHaveLength(2); // the schema and the table, once
    await conn.run(`create table "main"."we""ird" as select * from (values (date '2024-01-02'), (date '2024-02-03'), (date '2024-02-04')) as v(d)`);
    const owner = { relationKey: 'main.we"ird', nodeId: 'model.p.w', kind: 'table' as const, field: 'd', granularity: 'month', invocationId: 'i1' };
    const partitions = async () => conn.rows<{ k: string | null; n: number }>('select partition_key as k, row_count as n from _bmp.partitions order by 1');
    await conn.adapter.atomically(none, conn.adapter.recordPartitions(rel, owner, { field: 'd', granularity: 'month' }, '_bmp'));
    expect((await partitions()).map((r) => [r.k, Number(r.n)])).toEqual([['2024-01', 1], ['2024-02', 2]]);
    await conn.adapter.atomically(none, conn.adapter.replacePartitionCounts(owner, [{ key: '2024-02', start: '2024-02-01 00:00:00', count: 5 }, { key: '2024-03', start: '2024-03-01 00:00:00', count: 0 }], ['2024-02', '2024-03'], '_bmp'));
    expect((await partitions()).map((r) => [r.k, Number(r.n)])).toEqual([['2024-01', 1], ['2024-02', 5]]);
  });

  it('incremental batch reads: inspectBatch, duplicateKeys, mergeMatches, affectedPartitions, countIndexViolations', async () => {
    await conn.run(`create table "main"."we""ird" as select * from (values (1, 'a', date '2024-01-02'), (2, null, date '2024-02-03'), (2, null, date '2024-03-04')) as v(id, k, d)`);
    await conn.run(`create unique index u on "main"."we""ird" (k)`);
    await conn.run(`create temp table batch as select * from (values (2, null, date '2024-04-01'), (2, null, date '2024-04-02'), (3, 'c', date '2024-04-03')) as v(id, k, d)`);
    expect(await conn.adapter.inspectBatch('batch', { keys: ['id', 'k'], duplicates: true, uniqueIndexesOf: rel })).toEqual({ nullCounts: [0, 2], duplicates: 1, uniqueIndexes: 1 });
    expect(await conn.adapter.inspectBatch('batch', { keys: [] })).toEqual({ nullCounts: [], duplicates: 0, uniqueIndexes: 0 });
    expect(await conn.adapter.duplicateKeys({ temp: 'batch' }, ['id', 'k'])).toEqual({ count: 1, example: '2, NULL' });
    expect(await conn.adapter.mergeMatches(rel, 'batch', { uniqueKey: ['id'] })).toBe(true);
    expect(await conn.adapter.mergeMatches(rel, 'batch', { uniqueKey: ['id'], predicates: ['DBT_INTERNAL_DEST.id > 2'] })).toBe(false);
    const month = { field: 'd', granularity: 'month' } as const;
    // the batch's April, and the months of the target rows whose key it holds (NULL equals NULL)
    expect(await conn.adapter.affectedPartitions(rel, 'batch', month, { uniqueKey: ['id', 'k'], nullableKeys: new Set(['k']) })).toEqual({ lo: '2024-02-01 00:00:00', hi: '2024-05-01 00:00:00', hasNull: false });
    expect(await conn.adapter.affectedPartitions(rel, 'batch', month)).toEqual({ lo: '2024-04-01 00:00:00', hi: '2024-05-01 00:00:00', hasNull: false });
    const [index] = await conn.adapter.listIndexes(rel);
    // the two rows with id 2 share no key: NULL equals no other key in an index
    expect(await conn.adapter.countIndexViolations(rel, { ...index!, keySql: ['"id"'] })).toBe(1);
    expect(await conn.adapter.countIndexViolations(rel, index!)).toBe(0);
  });

  it('inspectBatch can also count the rows, probe for a match and give the batch\'s column names, in the same query', async () => {
    await conn.run(`create table "main"."we""ird" as select * from (values (1, 'a'), (2, 'b')) as v(id, n0)`);
    await conn.run(`create temp table batch as select * from (values (2, 'x'), (3, null)) as v(id, n0)`);
    const { statements, result } = await conn.recording(async () => conn.adapter.inspectBatch('batch', { keys: ['id'], duplicates: true, matches: { target: rel }, columns: true }));
    expect(result).toEqual({ nullCounts: [0], duplicates: 0, uniqueIndexes: 0, rows: 2, matched: true, columns: [{ name: 'id', type: 'INTEGER', index: 0 }, { name: 'n0', type: 'VARCHAR', index: 1 }] });
    expect(statements).toHaveLength(0); // a query: not a statement of target/run
    expect(await conn.adapter.inspectBatch('batch', { keys: ['id'], matches: { target: rel, predicates: ['DBT_INTERNAL_DEST.id > 2'] }, rows: true })).toEqual({ nullCounts: [0], duplicates: 0, uniqueIndexes: 0, rows: 2, matched: false });
    expect((await conn.adapter.inspectBatch('batch', { keys: [], columns: true })).columns?.map((c) => c.name)).toEqual(['id', 'n0']);
  });

  it('index and interval bookkeeping: set aside and recorded in one step, read back, created again, forgotten', async () => {
    await conn.run(`create table "main"."we""ird" as select 1 as id`);
    await conn.run(`create unique index "we""ird__id__uniq__idx" on "main"."we""ird" (id)`);
    await conn.adapter.ensureStateTables(['pending_indexes', 'microbatch_intervals'], '_bmp');
    const owner = { relationKey: 'main.we"ird', nodeId: 'model.p.w', invocationId: 'i1' };
    const indexes = await conn.adapter.listIndexes(rel);
    const { statements } = await conn.recording(() => conn.adapter.atomically(none, conn.adapter.setIndexesAside(rel, indexes, owner, '_bmp')));
    expect(statements).toEqual(['begin transaction', 'insert into "_bmp"."pending_indexes" values ($1, $2, $3, $4, now()::timestamp)', 'drop index if exists "main"."we""ird__id__uniq__idx"', 'commit']);
    expect(await conn.adapter.listIndexes(rel)).toEqual([]);
    const pending = await conn.adapter.pendingIndexes(rel, '_bmp');
    expect(pending).toEqual(indexes);
    await conn.adapter.atomically(none, [conn.adapter.recreateIndexes(pending), conn.adapter.clearPendingIndexes(rel, undefined, '_bmp')]);
    expect((await conn.adapter.listIndexes(rel)).map((i) => i.name)).toEqual(['we"ird__id__uniq__idx']);
    expect(await conn.adapter.pendingIndexes(rel, '_bmp')).toEqual([]);

    expect(await conn.adapter.processedIntervals(owner.relationKey, '_bmp')).toEqual([]);
    await conn.adapter.atomically(none, conn.adapter.recordInterval(owner, { start: '2024-01-01 00:00:00', end: '2024-01-02 00:00:00' }, 7, '_bmp'));
    await conn.adapter.atomically(none, conn.adapter.recordInterval(owner, { start: '2024-01-02 00:00:00', end: '2024-01-03 00:00:00' }, null, '_bmp'));
    expect(await conn.adapter.processedIntervals(owner.relationKey, '_bmp')).toEqual([{ start: '2024-01-01 00:00:00', end: '2024-01-02 00:00:00' }, { start: '2024-01-02 00:00:00', end: '2024-01-03 00:00:00' }]);
    expect((await conn.rows('select rows_written as n from _bmp.microbatch_intervals order by batch_start')).map((r) => r['n'])).toEqual([7, null]);
    await conn.adapter.atomically(none, conn.adapter.clearIntervals(owner.relationKey, '_bmp'));
    expect(await conn.adapter.processedIntervals(owner.relationKey, '_bmp')).toEqual([]);
  });

  it('countRows reads every row (the engine error if it cannot); commitOutside counts work done outside the database as committed', async () => {
    expect(await conn.adapter.countRows('select * from range($1)', [4])).toBe(4);
    await expect(conn.adapter.countRows("select * from range(3) where error('row ' || range) is null")).rejects.toThrow(/row 0/);
    const before = conn.commits;
    expect(await conn.adapter.commitOutside(() => 'moved')).toBe('moved');
    expect(conn.commits).toBe(before + 1);
    await expect(conn.adapter.commitOutside(() => { throw new Error('disk full'); })).rejects.toThrow('disk full');
    expect(conn.commits).toBe(before + 1);
  });

  it('checkpoint and version', async () => {
    const threads = async () => Number((await conn.rows<{ n: string }>("select current_setting('threads') as n"))[0]!.n);
    // a checkpoint runs on one thread (with workers, the caller polls for the worker at full speed)
    // and the instance's own thread count comes back afterwards
    await conn.run('set threads = 3');
    const { statements } = await conn.recording(() => conn.adapter.checkpoint());
    expect(statements.filter((s) => !s.startsWith('select'))).toEqual(['set threads = 1', 'checkpoint', 'set threads = 3']);
    expect(await threads()).toBe(3);
    // already one thread: only the checkpoint
    await conn.run('set threads = 1');
    const single = await conn.recording(() => conn.adapter.checkpoint());
    expect(single.statements.filter((s) => !s.startsWith('select'))).toEqual(['checkpoint']);
    expect(await threads()).toBe(1);
    await conn.run('reset threads');
    expect(await conn.adapter.version()).toMatch(/^v\d+\.\d+/);
  });

  it('checkpoint with a locked configuration: as it is, no error', async () => {
    const db = await Database.open({ path: ':memory:', settings: { threads: 2 } });
    try {
      const c = await db.connect();
      await c.run('create table t as select 1 as x');
      await c.run('set lock_configuration = true');
      const { statements } = await c.recording(() => c.adapter.checkpoint());
      expect(statements.filter((s) => !s.startsWith('select'))).toEqual(['set threads = 1', 'checkpoint']);
      expect(Number((await c.rows<{ n: string }>("select current_setting('threads') as n"))[0]!.n)).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('profile settings', () => {
  it('a setting DuckDB takes at startup without applying it is applied (disabled_compression_methods)', async () => {
    const db = await Database.open({ path: ':memory:', settings: { disabled_compression_methods: 'fsst', threads: 2, memory_limit: '1GB' } });
    try {
      const c = await db.connect();
      const rows = await c.rows<{ d: string; t: string }>(
        "select lower(current_setting('disabled_compression_methods')) as d, current_setting('threads')::varchar as t",
      );
      expect(rows).toEqual([{ d: 'fsst', t: '2' }]);
    } finally {
      db.close();
    }
  });
});
