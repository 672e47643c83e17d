/**
 * Memory-aware starts on a real DuckDB file: a run whose queries outgrow the profile's
 * memory_limit goes on one node at a time (execute/memory-gate.ts), and the engine's memory
 * reading is what DuckDB holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/adapters/duckdb/index.js';
import type { BmpEvent } from '../../src/report/index.js';
import { tempProject } from '../helpers/project.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const profile = (memoryLimit: string, more = '') => `p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: p.duckdb\n      threads: 2\n      settings: {memory_limit: ${memoryLimit}, threads: 2${more}}\n`;

// a sort of 2M rows of 32-character strings: ~130 MB of working memory, over a 96 MB limit (it spills; a tighter limit leaves too little for the
// parts of a query that cannot spill, and it fails with Out of Memory on a loaded machine), and
// long enough (over a second) for the watch, which reads every 500 ms, to see it
const BIG = "{{ config(materialized='table') }}\nselect r, md5(r::varchar) as s from range(2000000) as t(r) order by s";
// each child sorts it again: long enough that two started together would overlap
const CHILD = "{{ config(materialized='table') }}\nselect r, s from {{ ref('big') }} order by s desc, r";

interface Interval {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

function executeIntervals(results: readonly { uniqueId: string; timing: readonly { name: string; startedAt?: string; completedAt?: string }[] }[], names: readonly string[]): Interval[] {
  return results
    .filter((r) => names.includes(r.uniqueId.split('.')[2]!))
    .map((r) => {
      const t = r.timing.find((x) => x.name === 'execute')!;
      return { name: r.uniqueId.split('.')[2]!, from: Date.parse(t.startedAt!), to: Date.parse(t.completedAt!) };
    });
}

const overlapping = (xs: readonly Interval[]): [string, string][] => {
  const out: [string, string][] = [];
  for (const a of xs) for (const b of xs) if (a.name < b.name && a.from < b.to && b.from < a.to) out.push([a.name, b.name]);
  return out;
};

/** The debug lines among `events` that start with `start`. */
const logLines = (events: readonly BmpEvent[], start: string) => events.filter((e) => e.type === 'log' && e.message.startsWith(start));

/** `bmp run` of big and its three children (two threads) under `memoryLimit`: the result, the debug lines saying memory is short, and which children overlapped. */
async function runChildren(memoryLimit: string, moreSettings = '') {
  const p = tempProject({ 'profiles.yml': profile(memoryLimit, moreSettings), 'models/big.sql': BIG, 'models/a.sql': CHILD, 'models/b.sql': CHILD, 'models/c.sql': CHILD }, { threads: 2 });
  cleanups.push(p.remove);
  const events: BmpEvent[] = [];
  const out = await p.run('run', { emit: (e) => events.push(e) });
  expect(out.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
  return { p, out, short: logLines(events, 'memory is short'), large: logLines(events, 'a large run'), overlaps: overlapping(executeIntervals(out.results, ['a', 'b', 'c'])) };
}

describe('memory-aware starts', () => {
  it('runs the rest of a run one node at a time once a query outgrows the memory limit, and says so in the debug log', async () => {
    const { p, out, short, overlaps } = await runChildren('96MB');
    expect(out.exitCode).toBe(0);
    expect(short).toHaveLength(1);
    expect(overlaps).toEqual([]);
    expect(await p.query('select count(*)::int as n from main.c')).toEqual([{ n: 2000000 }]);
  });

  it('keeps starting nodes side by side when everything fits', async () => {
    const { out, short, overlaps } = await runChildren('2GB');
    expect(out.exitCode).toBe(0);
    expect(short).toEqual([]);
    // two threads, three children ready at once: two of them ran together
    expect(overlaps.length).toBeGreaterThan(0);
  });
});

describe('freed memory kept by a large run', () => {
  it('has DuckDB keep freed memory once queries hold a thirty-second of the limit, and says so once in the debug log', async () => {
    // the sorts hold ~130 MB, over 2 GB / 32; a quarter of the limit as DuckDB prints it (1.8 GiB) is kept
    const { out, large } = await runChildren('2GB');
    expect(out.exitCode).toBe(0);
    expect(large).toHaveLength(1);
    expect((large[0] as { message: string }).message).toMatch(/the engine keeps up to 0\.4\d GiB of the memory its queries free/);
  });

  it('leaves it to the profile when the profile sets block_allocator_memory, and does nothing in a small run', async () => {
    const { out, large } = await runChildren('2GB', ', block_allocator_memory: 0MB');
    expect(out.exitCode).toBe(0);
    expect(large).toEqual([]);
    const small = tempProject({ 'profiles.yml': profile('2GB'), 'models/a.sql': 'select range as r from range(1000)', 'models/b.sql': "select * from {{ ref('a') }}" }, { threads: 2 });
    cleanups.push(small.remove);
    const events: BmpEvent[] = [];
    expect((await small.run('run', { emit: (e) => events.push(e) })).exitCode).toBe(0);
    expect(logLines(events, 'a large run')).toEqual([]);
  });
});

/** Runs `use` on a connection of an in-memory DuckDB with a 1 GB memory limit, closed after. */
async function withDuckDb(use: (conn: Connection) => Promise<void>): Promise<void> {
  const { Database } = await import('../../src/adapters/duckdb/index.js');
  const db = await Database.open({ path: ':memory:', settings: { memory_limit: '1GB', threads: 2 } });
  try {
    await use(await db.connect());
  } finally {
    db.close();
  }
}

describe('keepFreedMemory (DuckDB)', () => {
  it('raises block_allocator_memory, and never lowers it', async () => {
    await withDuckDb(async (conn) => {
      const setting = async () => String((await conn.rows<{ v: string }>("select current_setting('block_allocator_memory') as v"))[0]!.v);
      expect(await setting()).toBe('0 bytes');
      expect(await conn.adapter.keepFreedMemory(64 * 2 ** 20)).toBe(true);
      expect(await setting()).toBe('64.0 MiB');
      expect(await conn.adapter.keepFreedMemory(64 * 2 ** 20)).toBe(false);
      expect(await conn.adapter.keepFreedMemory(32 * 2 ** 20)).toBe(false);
      expect(await setting()).toBe('64.0 MiB');
    });
  });
});

describe('memoryInUse (DuckDB)', () => {
  it('reads the limit the profile set and counts a temp table as working memory', async () => {
    await withDuckDb(async (conn) => {
      const before = await conn.adapter.memoryInUse();
      expect(before.limit).toBeGreaterThan(0.9e9);
      expect(before.limit).toBeLessThan(1.1e9);
      await conn.run('create temp table t as select range as r, md5(range::varchar) as s from range(1000000)');
      const after = await conn.adapter.memoryInUse();
      expect(after.working).toBeGreaterThan(before.working + 20e6);
      expect(after.spilled).toBe(0);
    });
  });
});
