/**
 * The catalog's read-back of a relation built in the run (Catalog.refresh): a table's columns come
 * from pragma_table_info, a view's from its query bound again (pragma_table_info), an unknown
 * relation's from duckdb_columns(); each must give what Catalog.read gives for the same fresh
 * relation (names, types, 1-based positions, kind). A view whose table changed since the view was
 * made is read back with the columns it has now, which DuckDB's catalog does not list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, Database, DuckDbTemplateDatabase, type Connection } from '../../src/adapters/duckdb/index.js';

let db: Database;
let conn: Connection;
beforeEach(async () => {
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
  await conn.run('create schema "Odd ""Schema"""');
});
afterEach(() => db.close());

const typed = `select 1::decimal(18,3) as amount, {'x': 1, 'y': [1, 2]} as s, [1.0, 2, 3]::float[3] as vec,
  map([1], ['a']) as m, 'x'::varchar as "Mixed ""Name""", now()::timestamptz as at`;

describe('Catalog.refresh', () => {
  it('a table built in the run: the columns Catalog.read gives (names, types, 1-based positions)', async () => {
    const catalog = await Catalog.read(conn);
    await conn.run(`create table "Odd ""Schema"""."T ""1""" as ${typed}`);
    catalog.markBuilt('memory', 'Odd "Schema"', 'T "1"', 'table');
    expect(catalog.get('odd "schema"', 't "1"')?.columnsStale).toBe(true);
    const refreshed = await catalog.refresh(conn, 'Odd "Schema"', 'T "1"');
    const fresh = (await Catalog.read(conn)).get('Odd "Schema"', 'T "1"');
    expect(refreshed).toEqual(fresh);
    expect(refreshed?.kind).toBe('table');
    expect(refreshed?.columns.map((c) => [c.name, c.type, c.index])).toEqual([
      ['amount', 'DECIMAL(18,3)', 1],
      ['s', 'STRUCT(x INTEGER, y INTEGER[])', 2],
      ['vec', 'FLOAT[3]', 3],
      ['m', 'MAP(INTEGER, VARCHAR)', 4],
      ['Mixed "Name"', 'VARCHAR', 5],
      ['at', 'TIMESTAMP WITH TIME ZONE', 6],
    ]);
    expect(catalog.get('Odd "Schema"', 'T "1"')?.columnsStale).toBeFalsy();
  });

  it('a view built in the run, and a table marked built that is gone or became a view', async () => {
    const catalog = await Catalog.read(conn);
    await conn.run('create view main.v as select 1 as a, 2 as b');
    catalog.markBuilt('memory', 'main', 'v', 'view');
    expect(await catalog.refresh(conn, 'main', 'v')).toEqual((await Catalog.read(conn)).get('main', 'v'));

    catalog.markBuilt('memory', 'main', 'gone', 'table');
    expect(await catalog.refresh(conn, 'main', 'gone')).toBeUndefined();
    expect(catalog.get('main', 'gone')).toBeUndefined();

    await conn.run('create view main.was_table as select 1 as only');
    catalog.markBuilt('memory', 'main', 'was_table', 'table');
    const rel = await catalog.refresh(conn, 'main', 'was_table');
    expect(rel?.kind).toBe('view');
    expect(rel?.columns.map((c) => c.name)).toEqual(['only']);
  });

  it("a view over a table that changed since: the columns its query gives now, for Catalog.refresh and the templates' get_columns_in_relation", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-view-columns-'));
    const path = join(dir, 'v.duckdb');
    const session = async <T>(fn: (c: Connection) => Promise<T>): Promise<T> => {
      const file = await Database.open({ path });
      try {
        return await fn(await file.connect());
      } finally {
        file.close();
      }
    };
    try {
      await session(async (c) => {
        await c.run('create table main.t as select 1 as id');
        await c.run('create view main.v as (select * from main.t)');
      });
      // the table gains a column in another session; the view is not made again
      await session((c) => c.run('create or replace table main.t as select 1 as id, 2::bigint as added'));
      await session(async (c) => {
        const catalog = await Catalog.read(c);
        // what DuckDB's catalog lists: the view's columns when it was made
        expect(catalog.get('main', 'v')?.columns.map((col) => col.name)).toEqual(['id']);
        const templates = new DuckDbTemplateDatabase(async () => c, catalog);
        expect(await templates.columns('main', 'v')).toEqual([
          { name: 'id', type: 'INTEGER' },
          { name: 'added', type: 'BIGINT' },
        ]);
        expect((await catalog.refresh(c, 'main', 'v'))?.columns).toEqual([
          { name: 'id', type: 'INTEGER', index: 1 },
          { name: 'added', type: 'BIGINT', index: 2 },
        ]);
        // a table's columns are the catalog's, answered at once
        expect(templates.columns('main', 't')).toEqual([
          { name: 'id', type: 'INTEGER' },
          { name: 'added', type: 'BIGINT' },
        ]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
