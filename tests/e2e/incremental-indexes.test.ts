/**
 * Unique indexes of incremental models across failures: a step that would break one rolls back
 * (also when the column needs quoting), a kill while the index is set aside never loses it (the next
 * run restores it), and Ctrl-C after the commit reports the committed rows as what they are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, bmpAsync, tempProject } from '../helpers/project.js';
import { runProject, withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
const running: ReturnType<typeof bmpAsync>[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});
function project(files: Record<string, string>) {
  const p = tempProject(files, { name: 'inc' });
  cleanups.push(p.remove);
  return p;
}
const failures = (out: Awaited<ReturnType<typeof runProject>>) => out.results.filter((r) => r.status !== 'success').map((r) => r.message);

/** Starts the CLI with --debug, waits for `pattern` in its output, then sends `signal` after `delayMs`. */
async function signalDuring(args: string[], pattern: RegExp, signal: NodeJS.Signals, delayMs = 0) {
  const run = bmpAsync([...args, '--debug']);
  running.push(run);
  const t0 = Date.now();
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null) throw new Error(`exited before ${pattern}: ${run.output()}`);
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${pattern}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  run.child.kill(signal);
  return run.done;
}

const indexesOf = (db: string, table: string) => withDb(db, (sql) => sql(`select index_name, is_unique from duckdb_indexes() where table_name = '${table}' order by 1`));

describe('unique indexes of incremental models', () => {
  it('a quoted index column: a step that would duplicate it rolls back, the index stays, and later runs work', async () => {
    const p = project({
      'models/q.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert', indexes=[{'columns': ['my code'], 'unique': true}]) }}
select range as id, 'c' || (range % {{ var('mod', 1000) }}) as "my code", {{ var('version', 1) }} as version from range({{ var('n', 3) }})`,
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    const bad = await runProject(p.dir, { vars: '{version: 2, n: 5, mod: 2}' });
    expect(bad.exitCode).toBe(1);
    expect(failures(bad)[0]).toMatch(/would leave 2 duplicate value\(s\) of unique index q__my code__uniq__idx \(my code\)/);
    await withDb(p.db, async (sql) => {
      expect(await sql('select count(*) as n, max(version) as v, count(distinct "my code") as codes from main.q')).toEqual([{ n: 3, v: 1, codes: 3 }]);
    });
    expect(await indexesOf(p.db, 'q')).toEqual([{ index_name: 'q__my code__uniq__idx', is_unique: true }]);
    expect(failures(await runProject(p.dir, { vars: '{version: 3, n: 5}' }))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql('select count(*) as n, min(version) as v from main.q')).toEqual([{ n: 5, v: 3 }]);
      await expect(sql(`insert into main.q values (9, 'c1', 0)`)).rejects.toThrow(/Duplicate key|violates unique/i);
    });
  });

  it('an index bmp did not create, on a column with a comma in its name: duplicates are caught, NULL keys are not duplicates, the index is never lost', async () => {
    const p = project({
      'models/h.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}
select range as id, case when range >= 3 then null else 'c' || (range % {{ var('mod', 1000) }}) end as "Code, Odd" from range({{ var('n', 3) }})`,
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    await withDb(p.db, (sql) => sql(`create unique index h_odd on main.h ("Code, Odd")`));
    // two new rows with a NULL key: as the index allows
    expect(failures(await runProject(p.dir, { vars: '{n: 5}' }))).toEqual([]);
    const bad = await runProject(p.dir, { vars: '{n: 5, mod: 2}' });
    expect(failures(bad)[0]).toMatch(/would leave 1 duplicate value\(s\) of unique index h_odd \(code, odd\)/);
    expect(await indexesOf(p.db, 'h')).toEqual([{ index_name: 'h_odd', is_unique: true }]);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n, count("Code, Odd") as keyed from main.h')).toEqual([{ n: 5, keyed: 3 }]));
  });

  it('an index that cannot be created again after the commit fails the node saying so (not swallowed); the next run restores it', async () => {
    // the index needs more memory than the step: with a small memory_limit only its rebuild fails
    const p = project({
      'models/m.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert', indexes=[{'columns': ['code'], 'unique': true}]) }}
select range as id, md5(range::varchar) || md5(range::varchar) as code, {{ var('version', 1) }} as version from range(300000)
{% if is_incremental() %} where range < 10 {% endif %}`,
    });
    const profile = join(p.dir, 'profiles.yml');
    writeFileSync(profile, readFileSync(profile, 'utf8') + "      settings: { threads: 1, memory_limit: \"{{ env_var('BMP_TEST_MEMORY', '2GB') }}\" }\n");
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    const r = bmp(['run', '--project-dir', p.dir, '--vars', '{version: 2}'], { env: { BMP_TEST_MEMORY: '32MB' } });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/the new rows are committed, but unique index m__code__uniq__idx could not be created again: Out of Memory Error: .* \(the next run of this model tries again\)/);
    await withDb(p.db, async (sql) => {
      expect(await sql('select count(*) filter (where version = 2) as v2 from main.m')).toEqual([{ v2: 10 }]);
      expect(await sql(`select index_name from _bmp.pending_indexes`)).toEqual([{ index_name: 'm__code__uniq__idx' }]);
    });
    const next = bmp(['run', '--project-dir', p.dir, '--vars', '{version: 3}']);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout).toMatch(/restored index m__code__uniq__idx, which an earlier run set aside/);
    expect(await indexesOf(p.db, 'm')).toEqual([{ index_name: 'm__code__uniq__idx', is_unique: true }]);
  });

  it('SIGKILL while the unique index is set aside: the next run restores it and succeeds', async () => {
    const p = project({
      'models/k.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert', indexes=[{'columns': ['code'], 'unique': true}]) }}
select range as id, 'c' || range as code, {{ var('version', 1) }} as version from range(5)
{% if var('slow', false) %} where (select count(*) from range(200000) a, range(200000) b where a.range * b.range = -1) = 0 {% endif %}`,
    });
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    const r = await signalDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2, slow: true}'], /create or replace temp table "__bmp_batch_k"/, 'SIGKILL', 300);
    expect(r.code).toBe(null);
    // at every moment the index exists or bmp's record of it does
    await withDb(p.db, async (sql) => {
      const idx = await sql(`select index_name from duckdb_indexes() where table_name = 'k'`);
      const pending = (await sql(`select count(*) as n from duckdb_tables() where schema_name = '_bmp' and table_name = 'pending_indexes'`))[0]!['n']
        ? await sql(`select index_name from _bmp.pending_indexes where relation = 'main.k'`)
        : [];
      expect([...idx, ...pending]).toEqual([{ index_name: 'k__code__uniq__idx' }]);
      expect(await sql('select count(*) as n, max(version) as v from main.k')).toEqual([{ n: 5, v: 1 }]);
    });
    const next = bmp(['run', '--project-dir', p.dir, '--vars', '{version: 3}']);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(await indexesOf(p.db, 'k')).toEqual([{ index_name: 'k__code__uniq__idx', is_unique: true }]);
    await withDb(p.db, async (sql) => {
      expect(await sql('select count(*) as n, min(version) as v from main.k')).toEqual([{ n: 5, v: 3 }]);
      expect(await sql(`select count(*) as n from _bmp.pending_indexes`)).toEqual([{ n: 0 }]);
      await expect(sql(`insert into main.k values (9, 'c1', 0)`)).rejects.toThrow(/Duplicate key|violates unique/i);
    });
  });

  it('Ctrl-C after the commit (while the index is rebuilt): the node reports the committed rows, exit 130, the next run restores the index', async () => {
    // one DuckDB thread and 400,000 wide keys: rebuilding the unique index takes seconds
    const p = project({
      'models/c.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert', indexes=[{'columns': ['code'], 'unique': true}]) }}
select range as id, md5(range::varchar) || md5(range::varchar) as code, {{ var('version', 1) }} as version from range(400000)
{% if is_incremental() %} where range < 10 {% endif %}`,
    });
    const profile = join(p.dir, 'profiles.yml');
    writeFileSync(profile, readFileSync(profile, 'utf8') + '      settings: { threads: 1 }\n');
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
    const r = await signalDuring(['run', '--project-dir', p.dir, '--vars', '{version: 2}'], /On connection \d+: commit\n[\s\S]*create unique index/, 'SIGINT', 200);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
    const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    const c = results.results.find((x) => x.unique_id === 'model.inc.c')!;
    expect(c.status).toBe('success');
    expect(c.message).toMatch(/^committed before the interrupt; unique index c__code__uniq__idx was not re-created yet \(the next run of this model re-creates it\)/);
    expect(r.stdout).toMatch(/OK .*model main\.c/);
    // the committed rows are there
    await withDb(p.db, async (sql) => expect(await sql('select count(*) filter (where version = 2) as v2, count(*) as n from main.c')).toEqual([{ v2: 10, n: 400000 }]));
    const next = bmp(['run', '--project-dir', p.dir, '--vars', '{version: 3}']);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(await indexesOf(p.db, 'c')).toEqual([{ index_name: 'c__code__uniq__idx', is_unique: true }]);
  });
});
