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
      `create or replace table "main"."we""ird" as (\nselect * from (\nselect 5 as id, date '2024-05-06' as v\n) as __bmp_src order by date_trunc('month', "v"), "v"\n)`,
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
