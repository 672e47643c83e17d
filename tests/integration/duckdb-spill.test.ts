/**
 * A DuckDB fact the pipeline rests on at scale: a join whose build side does not fit in the memory
 * limit goes external (spills its partitions to the temp directory) and still returns every row.
 * The 10M build spills, and a concurrent query can push even a 50 MB join external at 1M
 * (docs/BENCHMARKS.md, seventeenth session). DuckDB's development branch once lost rows there (its
 * issue #25702: a bloom filter built from the first partitions only, pushed into the probe scan);
 * these are that reproductions, so an upgrade to a DuckDB with the bug fails here instead
 * of giving a green build with rows missing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A connection to a fresh database file (its temp directory beside it), one DuckDB thread, `memoryLimit`; `dir` is removed after the test. */
async function openDb(memoryLimit: string) {
  const { Database } = await import('../../src/adapters/duckdb/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'bmp-spill-'));
  const db = await Database.open({ path: join(dir, 'spill.duckdb'), settings: { memory_limit: memoryLimit, threads: 1 } });
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { conn: await db.connect(), dir };
}

/** The count `sql` returns, and whether DuckDB wrote temporary files to answer it (its profile). */
async function countAndSpill({ conn, dir }: Awaited<ReturnType<typeof openDb>>, sql: string): Promise<{ n: number; spilled: boolean }> {
  const profileFile = join(dir, 'profile.json');
  await conn.run(`pragma enable_profiling = 'json'`);
  await conn.run(`set profiling_output = '${profileFile}'`);
  const [row] = await conn.rows<{ n: bigint | number }>(sql);
  await conn.run('pragma disable_profiling');
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as { system_peak_temp_dir_size?: number };
  return { n: Number(row?.n), spilled: (profile.system_peak_temp_dir_size ?? 0) > 0 };
}

/** [what, memory limit, the tables, the query, its exact count] */
const CASES: readonly [string, string, readonly string[], string, number][] = [
  [
    'a semi join over 25 keys whose build side spills (3M rows, 60 MB limit)',
    '60MB',
    ['create table t as select (i % 25)::int as a from range(3000000) tbl(i)', 'create table u as select (i % 25)::int as b from range(3000000) tbl(i)'],
    'select count(*) as n from t where a in (select b from u)',
    3_000_000,
  ],
  [
    'a semi join whose build side holds half the probe keys (1M into 2M rows, 25 MB limit)',
    '25MB',
    ['create table build as select range % 2000 as k from range(1000000)', 'create table probe as select range % 4000 as k from range(2000000)'],
    'select count(*) as n from probe where k in (select k from build)',
    1_000_000,
  ],
];

describe('DuckDB joins that spill keep every row', () => {
  it.each(CASES)('%s', async (_what, memoryLimit, tables, query, n) => {
    const db = await openDb(memoryLimit);
    for (const sql of tables) await db.conn.run(sql);
    expect(await countAndSpill(db, query)).toEqual({ n, spilled: true });
  });
});
