import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../adapters/duckdb/adapter.js';
import type { EngineMemory } from '../adapters/engine.js';
import { freedMemoryToKeep, isLarge, MemoryWatch, roomBeside } from './memory-gate.js';

const GiB = 2 ** 30;

describe('roomBeside', () => {
  it('refuses a second query while running ones hold half the limit or have spilled, and allows it otherwise', () => {
    expect(roomBeside({ working: 1 * GiB, spilled: 0, limit: 4 * GiB })).toBe(true);
    expect(roomBeside({ working: 2 * GiB, spilled: 0, limit: 4 * GiB })).toBe(false);
    expect(roomBeside({ working: 0.1 * GiB, spilled: 1, limit: 4 * GiB })).toBe(false);
    // no known limit: nothing to compare with
    expect(roomBeside({ working: 9 * GiB, spilled: 5, limit: undefined })).toBe(true);
  });
});

describe('isLarge and freedMemoryToKeep', () => {
  it('counts a run large once running queries hold a thirty-second of the limit, and keeps a quarter of the limit, at most 1 GiB', () => {
    expect(isLarge({ working: 0.12 * GiB, spilled: 0, limit: 4 * GiB })).toBe(false);
    expect(isLarge({ working: 0.125 * GiB, spilled: 0, limit: 4 * GiB })).toBe(true);
    expect(isLarge({ working: 0.2 * GiB, spilled: 0, limit: 4 * GiB }, 1 / 16)).toBe(false);
    expect(isLarge({ working: 9 * GiB, spilled: 0, limit: undefined })).toBe(false);
    expect(freedMemoryToKeep(2 * GiB)).toBe(0.5 * GiB);
    expect(freedMemoryToKeep(4 * GiB)).toBe(GiB);
    expect(freedMemoryToKeep(20 * GiB)).toBe(GiB);
  });
});

describe('MemoryWatch', () => {
  it('tells once when the run proves large, and counts memory running short as large', async () => {
    const reads: EngineMemory[] = [
      { working: 0.05 * GiB, spilled: 0, limit: 4 * GiB },
      { working: 0.2 * GiB, spilled: 0, limit: 4 * GiB },
      { working: 0.3 * GiB, spilled: 0, limit: 4 * GiB },
    ];
    let i = 0;
    const large: EngineMemory[] = [];
    const w = MemoryWatch.start(async () => reads[Math.min(i++, reads.length - 1)]!, { everyMs: 60_000, onLarge: (m) => void large.push(m) });
    try {
      await w.check();
      expect(large).toEqual([]);
      await w.check();
      await w.check();
      expect(large).toEqual([reads[1]]);
      expect(w.roomBeside()).toBe(true);
    } finally {
      w.stop();
    }
    // a spill before any read held a thirty-second of the limit: large, then short, in that order
    const order: string[] = [];
    const spilled = MemoryWatch.start(async () => ({ working: 0.01 * GiB, spilled: 1, limit: 4 * GiB }), {
      everyMs: 60_000,
      onLarge: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push('large');
      },
      onShort: () => order.push('short'),
    });
    await spilled.check();
    expect(order).toEqual(['large', 'short']);
    expect(spilled.roomBeside()).toBe(false);
  });

  it('answers yes until a read finds memory short, then no for the rest of the run, reporting it once', async () => {
    const reads: EngineMemory[] = [
      { working: 1 * GiB, spilled: 0, limit: 4 * GiB },
      { working: 0.5 * GiB, spilled: 300, limit: 4 * GiB },
      { working: 0, spilled: 0, limit: 4 * GiB },
    ];
    let i = 0;
    const short: EngineMemory[] = [];
    const w = MemoryWatch.start(async () => reads[Math.min(i++, reads.length - 1)]!, { everyMs: 60_000, onShort: (m) => short.push(m) });
    try {
      await w.check();
      expect(w.roomBeside()).toBe(true);
      await w.check();
      expect(w.roomBeside()).toBe(false);
      await w.check(); // memory freed: still no, and nothing read
      expect(w.roomBeside()).toBe(false);
      expect(i).toBe(2);
      expect(short).toEqual([reads[1]]);
    } finally {
      w.stop();
    }
  });

  it('reads on its own timer, and a failed read leaves nodes starting', async () => {
    let n = 0;
    const failing = MemoryWatch.start(async () => {
      n++;
      throw new Error('closed');
    }, { everyMs: 5 });
    await new Promise((r) => setTimeout(r, 40));
    failing.stop();
    expect(n).toBeGreaterThan(1);
    expect(failing.roomBeside()).toBe(true);
  });
});

describe('parseByteSize', () => {
  it('reads sizes as DuckDB prints its settings', () => {
    expect(parseByteSize('3.7 GiB')).toBeCloseTo(3.7 * GiB);
    expect(parseByteSize('512.0 MiB')).toBe(512 * 2 ** 20);
    expect(parseByteSize('0 bytes')).toBe(0);
    expect(parseByteSize('4GB')).toBe(4e9);
    expect(parseByteSize('')).toBeUndefined();
    expect(parseByteSize('lots')).toBeUndefined();
  });
});
