/**
 * An external model killed after its files were swapped (the journal is the commit point) but
 * before its partition bookkeeping committed: `bmp partitions` never shows the stale counts, and
 * the next command that opens the database writable puts the bookkeeping right, whatever it builds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withDb } from '../helpers/incremental.js';
import { bmp, bmpAsync, tempProject } from '../helpers/project.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

// day partitions: the first run writes 3 days of 100 rows, the second overwrites 2 of them with 50
const EVENTS = `{{ config(materialized='external', location='lake/ev', incremental_strategy='insert_overwrite',
  partition_by={'field': 'created_at', 'granularity': 'day'},
  pre_hook=("select count(*) from range(200000) a, range(200000) b where a.range * b.range = -1" if var('slow', false) else "select 1")) }}
{% if is_incremental() %}
select range as id, timestamp '2024-01-02' + to_hours((range % 2) * 24) as created_at from range(100)
{% else %}
select range as id, timestamp '2024-01-01' + to_hours((range % 3) * 24) as created_at from range(300)
{% endif %}`;

const totals = (out: string) => /ev \(external main\.ev, day partitions of created_at, ([^)]+)\): (\d+) partitions?, (\d+) rows/.exec(out)?.slice(1);

describe('external bookkeeping after a kill between the file swap and its commit', () => {
  it('partitions reports the files, not stale metadata; the next writable open reconciles it', async () => {
    const p = tempProject({ 'models/ev.sql': EVENTS, 'models/other.sql': 'select 1 as x\n' }, { name: 'inc' });
    cleanups.push(p.remove);
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    expect(totals(bmp(['partitions', '--project-dir', p.dir]).stdout)).toEqual(['from _bmp.partitions', '3', '300']);

    // kill while the slow pre-hook runs: the overwrite's files are in place, its metadata is not
    const run = bmpAsync(['run', '--project-dir', p.dir, '-s', 'ev', '--vars', '{slow: true}', '--debug']);
    const t0 = Date.now();
    while (!/On connection \d+: select count\(\*\) from range\(200000\)/.test(run.output()) && Date.now() - t0 < 30_000 && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGKILL');
    await run.done;

    // the files: day 1 as it was (100 rows), days 2 and 3 overwritten (50 each)
    const live = bmp(['partitions', '--project-dir', p.dir, '--live']);
    expect(totals(live.stdout)).toEqual(['counted live', '3', '200']);
    const listed = bmp(['partitions', '--project-dir', p.dir]);
    expect(listed.code, listed.stdout + listed.stderr).toBe(0);
    expect(totals(listed.stdout)?.slice(1)).toEqual(['3', '200']);

    // a run of another model opens the database writable: the bookkeeping is reconciled
    const other = bmp(['run', '--project-dir', p.dir, '-s', 'other']);
    expect(other.code, other.stdout + other.stderr).toBe(0);
    expect(totals(bmp(['partitions', '--project-dir', p.dir]).stdout)).toEqual(['from _bmp.partitions', '3', '200']);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select partition_key as k, row_count as n from _bmp.partitions where relation = 'main.ev' order by 1`)).toEqual([
        { k: '2024-01-01', n: 100 },
        { k: '2024-01-02', n: 50 },
        { k: '2024-01-03', n: 50 },
      ]);
    });
  });
});
