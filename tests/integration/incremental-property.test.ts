/**
 * For every strategy (append partitioned, unpartitioned — inserted straight from the model's SELECT —
 * and with hooks and an index; merge single and composite key, unpartitioned and partitioned;
 * delete+insert with NULL keys and with a non-null key; insert_overwrite on a month-partitioned
 * table, microbatch, and an incremental external model),
 * building in N increments gives the same rows as one full refresh. fast-check picks the split of
 * the data into increments, with rows that arrive late (event times before already loaded rows,
 * across month boundaries) and rows that update earlier keys.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listPartitions } from '../../src/tasks/index.js';
import { dumpModels, eventsProject, fmt, loadEvents, MODELS, runProject, type EventRow } from '../helpers/incremental.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 20, 13, 0, 0);
const LOOKBACK_DAYS = 2; // ev_microbatch: lookback=2, batch_size=day

const rowArb = fc.record({
  id: fc.integer({ min: 0, max: 9 }),
  kind: fc.constantFrom('a', 'b', null),
  value: fc.integer({ min: -50, max: 50 }),
  /** how far before the increment's "now" the event happened, as a fraction of the late window */
  lateness: fc.double({ min: 0, max: 0.999, noNaN: true }),
});

describe('incremental builds equal a full refresh', () => {
  it('for every strategy, over random splits with late and updated rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(rowArb, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 9 }), async (increments, stepDays) => {
        const p = eventsProject();
        try {
          let seq = 0;
          let now = START;
          for (const [k, inc] of increments.entries()) {
            now = START + k * stepDays * DAY;
            // late window: from LOOKBACK_DAYS before today's midnight up to now
            const windowStart = Math.floor(now / DAY) * DAY - LOOKBACK_DAYS * DAY;
            const rows: EventRow[] = inc.map((r) => ({ id: r.id, kind: r.kind, value: r.value, eventTime: fmt(new Date(now - Math.floor(r.lateness * (now - windowStart) / 1000) * 1000 - 1000)), loadedSeq: seq++ }));
            await loadEvents(p.db, rows);
            const out = await runProject(p.dir, { eventTimeEnd: fmt(new Date(now)) });
            expect(out.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
          }
          const incremental = await dumpModels(p.db);
          const metadata = await listPartitions({ projectDir: p.dir });
          const live = await listPartitions({ projectDir: p.dir, live: true });
          expect(metadata.map((m) => m.partitions.map((x) => [x.key, x.rows]))).toEqual(live.map((m) => m.partitions.map((x) => [x.key, x.rows])));
          const full = await runProject(p.dir, { fullRefresh: true, eventTimeEnd: fmt(new Date(now)) });
          expect(full.exitCode).toBe(0);
          const rebuilt = await dumpModels(p.db);
          for (const m of MODELS) expect(incremental[m], m).toBe(rebuilt[m]);
        } finally {
          p.remove();
        }
      }),
      { numRuns: Number(process.env['BMP_PROPERTY_RUNS'] ?? 8), endOnFailure: true },
    );
  }, 600_000);
});
