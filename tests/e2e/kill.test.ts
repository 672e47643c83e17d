/**
 * SIGKILL a real `bmp` process in the middle of a build: during a CTAS (full refresh), during a
 * MERGE, during an append's INSERT (autocommit), during a native partition overwrite, during an external partition overwrite. The
 * previous relation must be intact row for row, and the next run must produce the right result.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverLocation, partitionDirs } from '../../src/materializations/index.js';
import { bmp, bmpAsync, tempProject } from '../helpers/project.js';
import { withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Starts `bmp run --debug`, waits for a statement matching `pattern` to start, lets it run `delayMs`, then SIGKILLs. */
async function killDuring(args: string[], pattern: RegExp, delayMs: number): Promise<{ output: string; signal: NodeJS.Signals | null }> {
  const run = bmpAsync([...args, '--debug']);
  let exited = false;
  void run.done.then(() => (exited = true));
  await new Promise<void>((resolve) => {
    const poll = () => {
      if (exited) return resolve();
      if (pattern.test(run.output())) {
        setTimeout(() => {
          run.child.kill('SIGKILL');
          resolve();
        }, delayMs);
        return;
      }
      setTimeout(poll, 5);
    };
    poll();
  });
  await run.done;
  return { output: run.output(), signal: run.child.signalCode };
}

/** Rows in one table and not the other, both ways (0 = identical multisets). */
const diff = (a: string, b: string) => `select (select count(*) from (select * from ${a} except all select * from ${b})) + (select count(*) from (select * from ${b} except all select * from ${a})) as d`;

const BIG = `select range as id, md5(range::varchar) as payload, timestamp '2024-01-01' + to_minutes(range % 500000) as created_at, {{ var('version', 1) }} as version
from range({{ var('n', 100000) }})`;

function project(model: string) {
  const p = tempProject({ 'models/big.sql': model }, { name: 'inc' });
  cleanups.push(p.remove);
  return p;
}

describe('a killed build leaves the previous relation intact', () => {
  it('during CTAS (full refresh of a table)', async () => {
    const p = project(`{{ config(materialized='table') }}\n${BIG}`);
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    await withDb(p.db, (sql) => sql('create table main.before as select * from main.big'));
    const k = await killDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 3000000}'], /create or replace table "main"\."big"/, 400);
    expect(k.signal).toBe('SIGKILL');
    expect(k.output).not.toMatch(/OK created/);
    await withDb(p.db, async (sql) => expect(await sql(diff('main.big', 'main.before'))).toEqual([{ d: 0 }]));
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 200000}']).code).toBe(0);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n, min(version) as v from main.big')).toEqual([{ n: 200000, v: 2 }]));
  });

  it('during MERGE', async () => {
    const p = project(`{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}\n${BIG}`);
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    await withDb(p.db, (sql) => sql('create table main.before as select * from main.big'));
    const k = await killDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 3000000}'], /merge into "main"\."big"/, 400);
    expect(k.signal).toBe('SIGKILL');
    await withDb(p.db, async (sql) => {
      expect(await sql(diff('main.big', 'main.before'))).toEqual([{ d: 0 }]);
      expect(await sql(`select count(*) as n from duckdb_tables() where table_name like '__bmp%'`)).toEqual([{ n: 0 }]);
    });
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 150000}']).code).toBe(0);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n, count(*) filter (where version = 2) as v2 from main.big')).toEqual([{ n: 150000, v2: 150000 }]));
  });

  it('during an append straight from the model (one INSERT in autocommit, no batch table)', async () => {
    const p = project(`{{ config(materialized='incremental', incremental_strategy='append') }}\n${BIG}\n{% if is_incremental() %} where range >= (select count(*) from {{ this }}) {% endif %}`);
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    await withDb(p.db, (sql) => sql('create table main.before as select * from main.big'));
    const k = await killDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 3000000}'], /insert into "main"\."big"/, 400);
    expect(k.signal).toBe('SIGKILL');
    expect(k.output).not.toMatch(/INSERT \d/);
    await withDb(p.db, async (sql) => expect(await sql(diff('main.big', 'main.before'))).toEqual([{ d: 0 }]));
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 150000}']).code).toBe(0);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n, count(*) filter (where version = 2) as v2 from main.big')).toEqual([{ n: 150000, v2: 50000 }]));
  });

  it('during a merge of new keys only (one INSERT from the model in autocommit, no batch table)', async () => {
    const p = project(`{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}\n${BIG}\n{% if is_incremental() %} where range >= (select count(*) from {{ this }}) {% endif %}`);
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    await withDb(p.db, (sql) => sql('create table main.before as select * from main.big'));
    const k = await killDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 3000000}'], /with __bmp_batch as materialized/, 400);
    expect(k.signal).toBe('SIGKILL');
    expect(k.output).not.toMatch(/MERGE \d/);
    await withDb(p.db, async (sql) => expect(await sql(diff('main.big', 'main.before'))).toEqual([{ d: 0 }]));
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 150000}']).code).toBe(0);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n, count(*) filter (where version = 2) as v2 from main.big')).toEqual([{ n: 150000, v2: 50000 }]));
  });

  it('during a partition overwrite of a clustered table (metadata included)', async () => {
    const p = project(`{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by={'field': 'created_at', 'granularity': 'day'}) }}\n${BIG}`);
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{n: 600000}']).code).toBe(0);
    await withDb(p.db, (sql) => sql('create table main.before as select * from main.big; create table main.meta_before as select * exclude (updated_at, invocation_id) from _bmp.partitions'));
    const k = await killDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 3000000}'], /delete from "main"\."big"/, 300);
    expect(k.signal).toBe('SIGKILL');
    await withDb(p.db, async (sql) => {
      expect(await sql(diff('main.big', 'main.before'))).toEqual([{ d: 0 }]);
      expect(await sql(diff('(select * exclude (updated_at, invocation_id) from _bmp.partitions)', 'main.meta_before'))).toEqual([{ d: 0 }]);
    });
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 600000}']).code).toBe(0);
    await withDb(p.db, async (sql) => {
      expect(await sql('select count(*) as n, min(version) as v from main.big')).toEqual([{ n: 600000, v: 2 }]);
      expect(await sql(`select sum(row_count) as n from _bmp.partitions where relation = 'main.big'`)).toEqual([{ n: 600000 }]);
    });
  });

  it('during an external partition overwrite (COPY to staging), then the next run cleans up', async () => {
    const p = project(`{{ config(materialized='external', location='lake/big', incremental_strategy='insert_overwrite', partition_by={'field': 'created_at', 'granularity': 'day'}) }}\n${BIG}`);
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{n: 300000}']).code).toBe(0);
    await withDb(p.db, (sql) => sql('create table main.before as select * from main.big'));
    const k = await killDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 3000000}'], /copy \(select/, 400);
    expect(k.signal).toBe('SIGKILL');
    await withDb(p.db, async (sql) => expect(await sql(diff('main.big', 'main.before'))).toEqual([{ d: 0 }]));
    expect(bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2, n: 300000}']).code).toBe(0);
    expect(readdirSync(join(p.dir, 'lake')).filter((f) => f.includes('.bmp-'))).toEqual([]);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n, min(version) as v from main.big')).toEqual([{ n: 300000, v: 2 }]));
  });
});

describe('external file journal', () => {
  it('a kill after the journal was written is rolled forward: each partition old or new, never missing after recovery', () => {
    const p = tempProject({}, { name: 'inc' });
    cleanups.push(p.remove);
    const loc = join(p.dir, 'lake/t');
    const staging = join(p.dir, 'lake/.t.bmp-staging-1');
    const trash = join(p.dir, 'lake/.t.bmp-trash-1');
    for (const part of ['m=1', 'm=2', 'm=3']) {
      mkdirSync(join(loc, part), { recursive: true });
      writeFileSync(join(loc, part, 'old.parquet'), 'old');
    }
    for (const part of ['m=2', 'm=3', 'm=4']) {
      mkdirSync(join(staging, part), { recursive: true });
      writeFileSync(join(staging, part, 'new.parquet'), 'new');
    }
    writeFileSync(join(p.dir, 'lake/.t.bmp-journal.json'), JSON.stringify({ op: 'swap-partitions', location: loc, staging, trash, partitions: ['m=2', 'm=3', 'm=4'] }));
    // the killed run had swapped m=2 and moved m=3 to the trash, nothing more
    mkdirSync(trash, { recursive: true });
    renameSync(join(loc, 'm=2'), join(trash, 'm=2'));
    renameSync(join(staging, 'm=2'), join(loc, 'm=2'));
    renameSync(join(loc, 'm=3'), join(trash, 'm=3'));
    expect(recoverLocation(loc)).toBe(true);
    expect(Object.fromEntries(partitionDirs(loc).map((d) => [d, readdirSync(join(loc, d))]))).toEqual({ 'm=1': ['old.parquet'], 'm=2': ['new.parquet'], 'm=3': ['new.parquet'], 'm=4': ['new.parquet'] });
    expect([existsSync(staging), existsSync(trash)]).toEqual([false, false]);
    // the journal stays until the files' partition counts are committed (reconcileExternal)
    expect(existsSync(join(p.dir, 'lake/.t.bmp-journal.json'))).toBe(true);
  });

  it('staging without a journal (killed while writing) is discarded', () => {
    const p = tempProject({}, { name: 'inc' });
    cleanups.push(p.remove);
    const loc = join(p.dir, 'lake/t');
    mkdirSync(join(loc, 'm=1'), { recursive: true });
    writeFileSync(join(loc, 'm=1', 'old.parquet'), 'old');
    mkdirSync(join(p.dir, 'lake/.t.bmp-staging-2/m=1'), { recursive: true });
    expect(recoverLocation(loc)).toBe(false);
    expect(readdirSync(join(p.dir, 'lake'))).toEqual(['t']);
    expect(readdirSync(join(loc, 'm=1'))).toEqual(['old.parquet']);
  });
});
