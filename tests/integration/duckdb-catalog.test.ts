/**
 * The catalog's read-back of a relation built in the run (Catalog.refresh): a table's columns come
 * from pragma_table_info, a view's (or an unknown relation's) from duckdb_columns(); both must give
 * what Catalog.read gives for the same relation (names, types, 1-based positions, kind).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, Database, type Connection } from '../../src/adapters/duckdb/index.js';

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
});
