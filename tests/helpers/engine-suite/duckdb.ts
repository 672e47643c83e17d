/** DuckDB as the engine test suite opens it: a fresh in-memory database per test. */
import { Catalog, Database } from '../../../src/adapters/duckdb/index.js';
import type { EngineFactory, EngineUnderTest } from './engine.js';

export const duckdbEngine: EngineFactory = {
  name: 'duckdb',
  async open(): Promise<EngineUnderTest> {
    const db = await Database.open({ path: ':memory:' });
    const conn = await db.connect();
    await conn.run('create schema suite');
    return {
      adapter: conn.adapter,
      database: 'memory',
      schema: 'suite',
      context: async () => ({ adapter: conn.adapter, catalog: await Catalog.read(conn) }),
      exec: async (sql) => {
        await conn.run(sql);
      },
      rows: async (sql) => (await conn.rows(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))),
      close: async () => db.close(),
    };
  },
};
