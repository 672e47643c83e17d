import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../adapters/duckdb/adapter.js';
import type { EngineMemory } from '../adapters/engine.js';
import { MemoryWatch, roomBeside } from './memory-gate.js';

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

describe('MemoryWatch', () => {
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
