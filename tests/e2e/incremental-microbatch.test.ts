/**
 * Microbatch interval state: each batch commits with its interval; a later run (a new process)
 * fills only what is missing plus lookback and the current batch; a failed batch is retried by the
 * next run without redoing the others; backfill windows; inputs filtered to the batch window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BmpEvent } from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bmp, bmpAsync, tempProject } from '../helpers/project.js';
import { loadEvents, runProject, withDb, type EventRow } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const FILES = {
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: events\n        config:\n          event_time: event_time\n      - name: kinds\n',
  'models/mb.sql': `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='event_time', batch_size='day', begin='2024-01-10', lookback=1) }}
select e.id, e.event_time, k.label,
  case when {{ var('fail', false) }} and e.event_time::date = date '2024-01-13' then error('boom on the 13th') else e.value end as value,
  '{{ model.batch.id }}' as batch_id,
  (select count(*) from {{ source('raw', 'events') }}) as rows_in_window
from {{ source('raw', 'events') }} as e
left join {{ source('raw', 'kinds') }} as k on k.kind = e.kind
{% if var('slow', false) and model.batch.id == '20240113' %} where (select count(*) from range(200000) a, range(200000) b where a.range * b.range = -1) = 0 {% endif %}`,
};

/** Two events a day, 10–16 January, at 06:00 and 18:00. */
function days(): EventRow[] {
  const rows: EventRow[] = [];
  for (let d = 10; d <= 16; d++) for (const h of [6, 18]) rows.push({ id: rows.length, kind: 'a', value: d * 100 + h, eventTime: `2024-01-${d} ${String(h).padStart(2, '0')}:00:00`, loadedSeq: rows.length });
  return rows;
}

async function setup() {
  const p = tempProject(FILES, { name: 'inc' });
  cleanups.push(p.remove);
  await loadEvents(p.db, days());
  await withDb(p.db, (sql) => sql(`create table raw.kinds as select 'a' as kind, 'Alpha' as label`));
  return p;
}

function batchLog(events: BmpEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'log' && /batch \d+ of/.test(e.message) ? [/\[(\d{4}-\d{2}-\d{2})/.exec(e.message)![1]! + (/failed/.test(e.message) ? ' failed' : '')] : []));
}
const intervals = (db: string) => withDb(db, (sql) => sql(`select strftime(batch_start, '%m-%d') as d, invocation_id as inv from _bmp.microbatch_intervals order by batch_start`));

describe('microbatch', () => {
  it('filters inputs to the batch window, exposes model.batch, records complete intervals', async () => {
    const p = await setup();
    const events: BmpEvent[] = [];
    const out = await runProject(p.dir, { eventTimeEnd: '2024-01-15 12:00:00', emit: (e) => events.push(e) });
    expect(out.exitCode).toBe(0);
    expect(batchLog(events)).toEqual(['2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13', '2024-01-14', '2024-01-15']);
    await withDb(p.db, async (sql) => {
      // every batch saw only its own day's two source rows; the unfiltered input (kinds) was joined whole
      expect(await sql(`select batch_id, count(*) as n, max(rows_in_window) as w, min(label) as l from main.mb group by 1 order by 1`)).toEqual(
        ['20240110', '20240111', '20240112', '20240113', '20240114', '20240115'].map((b) => ({ batch_id: b, n: 2, w: 2, l: 'Alpha' })),
      );
    });
    // the current (partial) day is not recorded as done
    expect((await intervals(p.db)).map((r) => r['d'])).toEqual(['01-10', '01-11', '01-12', '01-13', '01-14']);
  });

  it('a table with no recorded batch (built by dbt or another strategy) is adopted: only lookback and the current batch run, older rows stay', async () => {
    const p = await setup();
    const first = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-15 12:00:00']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    // the table as another tool left it: no bookkeeping; the source has since dropped its oldest days
    await withDb(p.db, async (sql) => {
      await sql('delete from _bmp.microbatch_intervals');
      await sql(`delete from raw.events where event_time < timestamp '2024-01-13'`);
    });
    const second = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-16 12:00:00']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/no batch of this table is recorded: its rows in \[2024-01-10 00:00:00, 2024-01-15 00:00:00\) are kept/);
    expect(second.stdout.match(/batch \d+ of \d+ \[[^)]+\) \(\w+\)/g)).toEqual(['batch 1 of 2 [2024-01-15 00:00:00, 2024-01-16 00:00:00) (missing)', 'batch 2 of 2 [2024-01-16 00:00:00, 2024-01-17 00:00:00) (current)']);
    await withDb(p.db, async (sql) => {
      // the 10th-12th are no longer in the source and are still in the table
      expect(await sql(`select strftime(event_time, '%d') as d, count(*) as n from main.mb group by 1 order by 1`)).toEqual(
        ['10', '11', '12', '13', '14', '15', '16'].map((d) => ({ d, n: 2 })),
      );
    });
    // the adopted range is recorded: the next run does not treat it as missing either
    const third = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-16 13:00:00']);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(third.stdout).not.toMatch(/no batch of this table is recorded/);
    expect(third.stdout.match(/batch \d+ of \d+ \[[^)]+\) \(\w+\)/g)).toEqual(['batch 1 of 2 [2024-01-15 00:00:00, 2024-01-16 00:00:00) (lookback)', 'batch 2 of 2 [2024-01-16 00:00:00, 2024-01-17 00:00:00) (current)']);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n from main.mb')).toEqual([{ n: 14 }]));
  });

  it("bmp's own table is never adopted: a first build with only the current batch, then days later, runs every missing day", async () => {
    const p = await setup();
    const first = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-10 12:00:00']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const later = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-13 12:00:00']);
    expect(later.code, later.stdout + later.stderr).toBe(0);
    expect(later.stdout).not.toMatch(/no batch of this table is recorded/);
    expect(later.stdout.match(/\[(2024-01-\d\d) 00:00:00, [^)]+\) \((\w+)\)/g)).toEqual([
      '[2024-01-10 00:00:00, 2024-01-11 00:00:00) (missing)',
      '[2024-01-11 00:00:00, 2024-01-12 00:00:00) (missing)',
      '[2024-01-12 00:00:00, 2024-01-13 00:00:00) (missing)',
      '[2024-01-13 00:00:00, 2024-01-14 00:00:00) (current)',
    ]);
    await withDb(p.db, async (sql) => expect(await sql(`select count(*) as n from main.mb where event_time < timestamp '2024-01-14'`)).toEqual([{ n: 8 }]));
  });

  it('interval state survives restarts: a new process only runs lookback and the current batch', async () => {
    const p = await setup();
    const first = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-15 12:00:00']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const before = await intervals(p.db);
    const second = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-16 12:00:00']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    // missing: the 15th (partial last time); lookback 1: the 15th; current: the 16th
    expect(second.stdout.match(/batch \d+ of \d+ \[[^)]+\) \(\w+\)/g)).toEqual(['batch 1 of 2 [2024-01-15 00:00:00, 2024-01-16 00:00:00) (missing)', 'batch 2 of 2 [2024-01-16 00:00:00, 2024-01-17 00:00:00) (current)']);
    const after = await intervals(p.db);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((r) => r['d'])).toEqual(['01-10', '01-11', '01-12', '01-13', '01-14', '01-15']);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n from main.mb')).toEqual([{ n: 14 }]));
  });

  it('a failed batch is retried by the next run, the others are not redone', async () => {
    const p = await setup();
    const events: BmpEvent[] = [];
    const failed = await runProject(p.dir, { eventTimeEnd: '2024-01-16 00:00:00', vars: '{fail: true}', emit: (e) => events.push(e) });
    expect(failed.exitCode).toBe(1);
    expect(failed.results[0]!.message).toMatch(/^1 of 6 batches failed \(first: \[2024-01-13 00:00:00, 2024-01-14 00:00:00\): .*boom on the 13th.*\); the 5 others are committed/);
    expect(batchLog(events)).toEqual(['2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13 failed', '2024-01-14', '2024-01-15']);
    const state = await intervals(p.db);
    expect(state.map((r) => r['d'])).toEqual(['01-10', '01-11', '01-12', '01-14', '01-15']);
    await withDb(p.db, async (sql) => expect(await sql(`select count(*) as n from main.mb where event_time::date = date '2024-01-13'`)).toEqual([{ n: 0 }]));

    const retry: BmpEvent[] = [];
    const ok = await runProject(p.dir, { eventTimeEnd: '2024-01-16 00:00:00', emit: (e) => retry.push(e) });
    expect(ok.exitCode).toBe(0);
    // the failed 13th, plus the lookback batch (the 15th); nothing else
    expect(batchLog(retry)).toEqual(['2024-01-13', '2024-01-15']);
    const after = await intervals(p.db);
    expect(after.map((r) => r['d'])).toEqual(['01-10', '01-11', '01-12', '01-13', '01-14', '01-15']);
    expect(after.filter((r) => ['01-10', '01-11', '01-12', '01-14'].includes(String(r['d'])))).toEqual(state.filter((r) => r['d'] !== '01-15'));
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n from main.mb')).toEqual([{ n: 12 }]));
  });

  it('Ctrl-C during a batch: that batch rolls back, the result says how many are committed, the next run does the rest', async () => {
    const p = await setup();
    const run = bmpAsync(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-16 00:00:00', '--vars', '{slow: true}']);
    const t0 = Date.now();
    while (!/batch 3 of 6 .*OK/.test(run.output()) && Date.now() - t0 < 60_000 && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: { status: string; message: string }[] };
    expect(results.results[0]!.status).toBe('error');
    expect(results.results[0]!.message).toBe('interrupted at batch 4 of 6; 3 batches are committed, the next run processes the rest');
    expect((await intervals(p.db)).map((x) => x['d'])).toEqual(['01-10', '01-11', '01-12']);
    const next = bmp(['run', '--project-dir', p.dir, '--event-time-end', '2024-01-16 00:00:00']);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect((await intervals(p.db)).map((x) => x['d'])).toEqual(['01-10', '01-11', '01-12', '01-13', '01-14', '01-15']);
  });

  it('--event-time-start/--event-time-end reprocess exactly that window, done or not', async () => {
    const p = await setup();
    await runProject(p.dir, { eventTimeEnd: '2024-01-16 00:00:00' });
    await withDb(p.db, (sql) => sql(`update raw.events set value = -1`));
    const events: BmpEvent[] = [];
    const out = await runProject(p.dir, { eventTimeStart: '2024-01-11', eventTimeEnd: '2024-01-13', emit: (e) => events.push(e) });
    expect(out.exitCode).toBe(0);
    expect(batchLog(events)).toEqual(['2024-01-11', '2024-01-12']);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select strftime(event_time, '%d') as d, min(value) as v from main.mb group by 1 order by 1`)).toEqual([
        { d: '10', v: 1006 },
        { d: '11', v: -1 },
        { d: '12', v: -1 },
        { d: '13', v: 1306 },
        { d: '14', v: 1406 },
        { d: '15', v: 1506 },
      ]);
    });
  });

  it('a bad --event-time-end is a usage error (exit 2) that creates nothing', () => {
    const p = tempProject(FILES, { name: 'inc' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir, '--event-time-end', 'next tuesday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--event-time-end must be a date or timestamp/);
  });

  it('full refresh forgets the state and rebuilds from begin', async () => {
    const p = await setup();
    await runProject(p.dir, { eventTimeEnd: '2024-01-13 00:00:00' });
    const out = await runProject(p.dir, { eventTimeEnd: '2024-01-17 00:00:00', fullRefresh: true });
    expect(out.exitCode).toBe(0);
    expect((await intervals(p.db)).map((r) => r['d'])).toEqual(['01-10', '01-11', '01-12', '01-13', '01-14', '01-15', '01-16']);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n from main.mb')).toEqual([{ n: 14 }]));
  });
});

