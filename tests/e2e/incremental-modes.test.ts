/**
 * Incremental models against a real DuckDB file through the library: on_schema_change modes,
 * indexes, merge's one-row-per-key check, incremental_predicates, partition-level overwrite that
 * leaves other partitions physically untouched (native and external), partition metadata.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listPartitions } from '../../src/tasks/index.js';
import { bmp, tempProject } from '../helpers/project.js';
import { runProject, withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function project(files: Record<string, string>) {
  const p = tempProject(files, { name: 'inc' });
  cleanups.push(p.remove);
  return p;
}
const failures = (out: Awaited<ReturnType<typeof runProject>>) => out.results.filter((r) => r.status !== 'success').map((r) => r.message);

const SHAPES = `{% if var('shape') == 1 %}
select range::integer as id, 'v' || range as v, range * 10 as gone from range(0, 3)
{% else %}
select range::bigint as id, 'w' || range as v, range / 2 as extra from range(3, 5)
{% endif %}`;

function schemaProject(mode: string) {
  return project({
    'models/sc.sql': `{{ config(materialized='incremental', on_schema_change='${mode}', indexes=[{'columns': ['id'], 'unique': true}]) }}\n${SHAPES}`,
  });
}

describe('on_schema_change', () => {
  it('ignore: new columns dropped, missing ones NULL, types kept', async () => {
    const p = schemaProject('ignore');
    expect(failures(await runProject(p.dir, { vars: '{shape: 1}' }))).toEqual([]);
    expect(failures(await runProject(p.dir, { vars: '{shape: 2}' }))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select column_name, data_type from duckdb_columns() where table_name = 'sc' order by column_index`)).toEqual([
        { column_name: 'id', data_type: 'INTEGER' },
        { column_name: 'v', data_type: 'VARCHAR' },
        { column_name: 'gone', data_type: 'BIGINT' },
      ]);
      expect(await sql('select * from main.sc order by id')).toEqual([
        { id: 0, v: 'v0', gone: 0 },
        { id: 1, v: 'v1', gone: 10 },
        { id: 2, v: 'v2', gone: 20 },
        { id: 3, v: 'w3', gone: null },
        { id: 4, v: 'w4', gone: null },
      ]);
    });
  });

  it('fail: the run fails naming the differences, the table is untouched', async () => {
    const p = schemaProject('fail');
    await runProject(p.dir, { vars: '{shape: 1}' });
    const out = await runProject(p.dir, { vars: '{shape: 2}' });
    expect(out.exitCode).toBe(1);
    expect(failures(out)[0]).toMatch(/new columns extra; missing columns gone; changed types id \(INTEGER → BIGINT\) \(on_schema_change: fail\)/);
    await withDb(p.db, async (sql) => expect(await sql('select count(*) as n from main.sc')).toEqual([{ n: 3 }]));
  });

  it('append_new_columns: adds the new column, keeps the old one', async () => {
    const p = schemaProject('append_new_columns');
    await runProject(p.dir, { vars: '{shape: 1}' });
    expect(failures(await runProject(p.dir, { vars: '{shape: 2}' }))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql('select id, gone, extra from main.sc order by id')).toEqual([
        { id: 0, gone: 0, extra: null },
        { id: 1, gone: 10, extra: null },
        { id: 2, gone: 20, extra: null },
        { id: 3, gone: null, extra: 1.5 },
        { id: 4, gone: null, extra: 2 },
      ]);
    });
  });

  it('sync_all_columns: adds, drops and retypes (dropping and recreating the index DuckDB would refuse to keep)', async () => {
    const p = schemaProject('sync_all_columns');
    await runProject(p.dir, { vars: '{shape: 1}' });
    expect(failures(await runProject(p.dir, { vars: '{shape: 2}' }))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select column_name, data_type from duckdb_columns() where table_name = 'sc' order by column_index`)).toEqual([
        { column_name: 'id', data_type: 'BIGINT' },
        { column_name: 'v', data_type: 'VARCHAR' },
        { column_name: 'extra', data_type: 'DOUBLE' },
      ]);
      expect(await sql(`select index_name, is_unique from duckdb_indexes() where table_name = 'sc'`)).toEqual([{ index_name: 'sc__id__uniq__idx', is_unique: true }]);
      expect((await sql('select id from main.sc order by id')).map((r) => r['id'])).toEqual([0, 1, 2, 3, 4]);
    });
  });
});

describe('keys, indexes, predicates', () => {
  it('merge refuses a batch with two rows for one key, leaving the table as it was', async () => {
    const p = project({
      'models/m.sql': `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}
{% if is_incremental() %} select * from (values (1, 'a'), (1, 'b')) t(id, v) {% else %} select 1 as id, 'x' as v {% endif %}`,
    });
    await runProject(p.dir);
    const out = await runProject(p.dir);
    expect(failures(out)[0]).toMatch(/the new batch has 1 unique_key value \(id\) on more than one row, e\.g\. \(1\); merge needs one row per key/);
    await withDb(p.db, async (sql) => expect(await sql('select * from main.m')).toEqual([{ id: 1, v: 'x' }]));
  });

  it('a unique index is created after the load, kept across incremental runs, and enforced', async () => {
    const p = project({
      'models/u.sql': `{{ config(materialized='incremental', unique_key='id', indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['v']}]) }}
select range as id, 'v' || (range % 3) as v from range({{ var('n', 3) }})`,
    });
    await runProject(p.dir);
    expect(failures(await runProject(p.dir, { vars: '{n: 5}' }))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select index_name, is_unique from duckdb_indexes() where table_name = 'u' order by 1`)).toEqual([
        { index_name: 'u__id__uniq__idx', is_unique: true },
        { index_name: 'u__v__idx', is_unique: false },
      ]);
      expect(await sql('select count(*) as n from main.u')).toEqual([{ n: 5 }]);
      await expect(sql('insert into main.u values (1, 0)')).rejects.toThrow(/violates unique constraint|Duplicate key/i);
    });
  });

  it('unique indexes survive partition overwrites and delete+insert on other columns (DuckDB checks them over-eagerly)', async () => {
    const p = project({
      'models/ui.sql': `{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by={'field': 'created_at', 'granularity': 'month'}, indexes=[{'columns': ['id'], 'unique': true}]) }}\n${MONTHS}`,
      'models/ud.sql': `{{ config(materialized='incremental', unique_key='id', indexes=[{'columns': ['code'], 'unique': true}]) }}
select range as id, 'c' || (range % {{ var('mod', 1000) }}) as code, {{ var('version', 1) }} as version from range({{ var('n', 3) }})`,
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    expect(failures(await runProject(p.dir, { vars: "{version: 2, months: '1, 3', n: 5}" }))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select count(*) as n, count(*) filter (where version = 2) as v2 from main.ui`)).toEqual([{ n: 40, v2: 20 }]);
      expect(await sql(`select count(*) as n, count(*) filter (where version = 2) as v2 from main.ud`)).toEqual([{ n: 5, v2: 5 }]);
      expect(await sql(`select table_name, index_name from duckdb_indexes() order by 1`)).toEqual([
        { table_name: 'ud', index_name: 'ud__code__uniq__idx' },
        { table_name: 'ui', index_name: 'ui__id__uniq__idx' },
      ]);
    });
    // rows that would break the unique index roll back; the index is back
    const bad = await runProject(p.dir, { vars: '{version: 3, n: 5, mod: 2}', select: ['ud'] });
    expect(failures(bad)[0]).toMatch(/would leave 2 duplicate value\(s\) of unique index ud__code__uniq__idx \(code\)/);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select count(*) as n, max(version) as v from main.ud`)).toEqual([{ n: 5, v: 2 }]);
      expect(await sql(`select index_name from duckdb_indexes() where table_name = 'ud'`)).toEqual([{ index_name: 'ud__code__uniq__idx' }]);
    });
  });

  it('incremental_predicates restrict which target rows a merge may match', async () => {
    const p = project({
      'models/pm.sql': `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id', incremental_predicates=['DBT_INTERNAL_DEST.id >= 2']) }}
{% if is_incremental() %} select * from (values (1, 'new'), (2, 'new')) t(id, v) {% else %} select * from (values (1, 'old'), (2, 'old')) t(id, v) {% endif %}`,
    });
    await runProject(p.dir);
    expect(failures(await runProject(p.dir))).toEqual([]);
    // id 1 is outside the predicate: not matched, so inserted again; id 2 updated
    await withDb(p.db, async (sql) => expect(await sql('select * from main.pm order by id, v')).toEqual([
      { id: 1, v: 'new' },
      { id: 1, v: 'old' },
      { id: 2, v: 'new' },
    ]));
  });
});

describe('merge and delete+insert without a matching target row', () => {
  const ran = (dir: string, model: string) => readFileSync(join(dir, 'target/run/inc/models', `${model}.sql`), 'utf8');

  it('inserts the batch (no merge statement) when no key matches, merges when one does, and says MERGE n either way', async () => {
    const p = project({
      'models/mm.sql': `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}
select * from (values {{ var('rows', "(1, 'a'), (2, 'a')") }}) t(id, v)`,
    });
    await runProject(p.dir);
    const fresh = await runProject(p.dir, { vars: `{rows: "(3, 'b'), (4, 'b')"}` });
    expect(fresh.results.map((r) => r.message)).toEqual(['MERGE 2']);
    // one statement from the model's SELECT: no temp batch table, no merge
    expect(ran(p.dir, 'mm')).toMatch(/^insert into "main"\."mm" \("id", "v"\)\nwith __bmp_batch as materialized \(/m);
    expect(ran(p.dir, 'mm')).not.toMatch(/merge into|__bmp_batch_mm/);
    const updated = await runProject(p.dir, { vars: `{rows: "(4, 'c'), (5, 'c')"}` });
    expect(updated.results.map((r) => r.message)).toEqual(['MERGE 2']);
    expect(ran(p.dir, 'mm')).toMatch(/^merge into "main"\."mm"/m);
    await withDb(p.db, async (sql) => expect(await sql('select * from main.mm order by id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'a' },
      { id: 3, v: 'b' },
      { id: 4, v: 'c' },
      { id: 5, v: 'c' },
    ]));
  });

  it('a NULL key in the batch always merges (NULL matches NULL); predicates decide what counts as a match', async () => {
    const p = project({
      'models/mn.sql': `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}
select * from (values {{ var('rows', "(null, 'a'), (1, 'a')") }}) t(id, v)`,
      'models/mp.sql': `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id', incremental_predicates=['DBT_INTERNAL_DEST.v <> ' ~ "'a'"]) }}
select * from (values {{ var('rows', "(1, 'a'), (2, 'b')") }}) t(id, v)`,
    });
    await runProject(p.dir);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(null, 'n'), (1, 'n')"}`, select: ['mn'] }))).toEqual([]);
    expect(ran(p.dir, 'mn')).toMatch(/^merge into "main"\."mn"/m);
    // mp: the only target row with id 1 ('a') is outside the predicate: no match, so a plain insert
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 'x')"}`, select: ['mp'] }))).toEqual([]);
    expect(ran(p.dir, 'mp')).toMatch(/^insert into "main"\."mp"/m);
    // id 2 ('b') is inside it: merged
    expect(failures(await runProject(p.dir, { vars: `{rows: "(2, 'y')"}`, select: ['mp'] }))).toEqual([]);
    expect(ran(p.dir, 'mp')).toMatch(/^merge into "main"\."mp"/m);
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.mn order by id nulls first')).toEqual([
        { id: null, v: 'n' },
        { id: 1, v: 'n' },
      ]);
      expect(await sql('select * from main.mp order by id, v')).toEqual([
        { id: 1, v: 'a' },
        { id: 1, v: 'x' },
        { id: 2, v: 'y' },
      ]);
    });
  });
});

describe('the one-statement insert of new keys lets no other batch through', () => {
  const ran = (dir: string, model: string) => readFileSync(join(dir, 'target/run/inc/models', `${model}.sql`), 'utf8');
  const tried = /^insert into "main"\."\w+" \([^)]*\)\nwith __bmp_batch as materialized \(/m;
  const keyed = (name: string, strategy: string, key = "'id'", extra = '') =>
    `{{ config(materialized='incremental', incremental_strategy='${strategy}', unique_key=${key}${extra}) }}\nselect * from (values {{ var('rows', "(null, 'a'), (1, 'a')") }}) t(id, v)`;

  it('a NULL key whose only match is the NULL key: merge updates and delete+insert replaces that row, never a second one', async () => {
    const p = project({ 'models/nm.sql': keyed('nm', 'merge'), 'models/nd.sql': keyed('nd', 'delete+insert') });
    expect(failures(await runProject(p.dir))).toEqual([]);
    // (null) matches only under `is not distinct from`; 2 is new
    expect(failures(await runProject(p.dir, { vars: `{rows: "(null, 'n'), (2, 'n')"}` }))).toEqual([]);
    for (const m of ['nm', 'nd']) {
      expect(ran(p.dir, m)).toMatch(tried);
      expect(ran(p.dir, m)).toMatch(/__bmp_batch_n[md]/);
    }
    await withDb(p.db, async (sql) => {
      for (const t of ['nm', 'nd']) {
        expect(await sql(`select * from main.${t} order by id nulls first`)).toEqual([
          { id: null, v: 'n' },
          { id: 1, v: 'a' },
          { id: 2, v: 'n' },
        ]);
      }
    });
  });

  it('merge: new keys repeated in the batch fail with the located message and write nothing; delete+insert inserts both', async () => {
    const p = project({ 'models/dm.sql': keyed('dm', 'merge'), 'models/dd.sql': keyed('dd', 'delete+insert') });
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 'a')"}` }))).toEqual([]);
    const out = await runProject(p.dir, { vars: `{rows: "(5, 'x'), (5, 'y'), (6, 'z')"}` });
    expect(out.results.find((r) => r.uniqueId.endsWith('.dm'))?.message).toMatch(/unique_key value \(id\) on more than one row, e\.g\. \(5\); merge needs one row per key/);
    expect(out.results.find((r) => r.uniqueId.endsWith('.dd'))?.status).toBe('success');
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.dm order by id')).toEqual([{ id: 1, v: 'a' }]);
      expect(await sql('select * from main.dd order by id, v')).toEqual([
        { id: 1, v: 'a' },
        { id: 5, v: 'x' },
        { id: 5, v: 'y' },
        { id: 6, v: 'z' },
      ]);
    });
  });

  it('multi-column keys: a match on both columns updates, a match on one is new; a repeated pair fails', async () => {
    const p = project({ 'models/mk.sql': `{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['a', 'b']) }}\nselect * from (values {{ var('rows', "(1, 1, 'o'), (1, 2, 'o')") }}) t(a, b, v)` });
    expect(failures(await runProject(p.dir))).toEqual([]);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 3, 'n'), (2, 1, 'n')"}` }))).toEqual([]);
    expect(ran(p.dir, 'mk')).not.toMatch(/merge into/);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 2, 'u'), (3, 3, 'n')"}` }))).toEqual([]);
    expect(ran(p.dir, 'mk')).toMatch(/^merge into/m);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(4, 4, 'd'), (4, 4, 'e')"}` }))[0]).toMatch(/on more than one row, e\.g\. \(4, 4\)/);
    await withDb(p.db, async (sql) =>
      expect(await sql('select * from main.mk order by a, b')).toEqual([
        { a: 1, b: 1, v: 'o' },
        { a: 1, b: 2, v: 'u' },
        { a: 1, b: 3, v: 'n' },
        { a: 2, b: 1, v: 'n' },
        { a: 3, b: 3, v: 'n' },
      ]),
    );
  });

  it('delete+insert on a table with a unique index made by hand: the index is set aside and checked as before', async () => {
    const p = project({ 'models/ui.sql': keyed('ui', 'delete+insert') });
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 'a'), (2, 'b')"}` }))).toEqual([]);
    await withDb(p.db, (sql) => sql('create unique index ui_v on main.ui (v)'));
    // new key 3, but v 'a' is taken: the step must fail as the careful step reports it, not insert
    const out = await runProject(p.dir, { vars: `{rows: "(3, 'a')"}` });
    // (an insert let through would fail with DuckDB's own constraint message instead)
    expect(failures(out)).toEqual([expect.stringMatching(/^the incremental step would leave 1 duplicate value\(s\) of unique index ui_v \(v\)/)]);
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.ui order by id')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
      ]);
      expect(await sql(`select index_name from duckdb_indexes() where table_name = 'ui'`)).toEqual([{ index_name: 'ui_v' }]);
    });
  });

  it('on_schema_change with new keys only (and append): ignore fills a missing column with NULL and drops a new one; fail writes nothing; append_new_columns adds it', async () => {
    const body = (mode: string) =>
      `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id', on_schema_change='${mode}') }}\n{% if var('shape', 1) == 1 %} select 1 as id, 'a' as v {% else %} select 2 as id, 'x' as extra {% endif %}`;
    const p = project({
      'models/si.sql': body('ignore'),
      'models/sf.sql': body('fail'),
      'models/sa.sql': body('append_new_columns'),
      // append under ignore: the insert names the target's columns, and asks for the SELECT's when it lacks one
      'models/ap.sql': body('ignore').replace("incremental_strategy='merge', unique_key='id'", "incremental_strategy='append'"),
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    const out = await runProject(p.dir, { vars: '{shape: 2}' });
    const of = (m: string) => out.results.find((r) => r.uniqueId.endsWith(`.${m}`))!;
    expect(of('si').message).toBe('MERGE 1');
    expect(of('sa').message).toBe('MERGE 1');
    expect(of('ap').message).toBe('INSERT 1');
    expect(of('sf').message).toMatch(/new columns extra; missing columns v \(on_schema_change: fail\)/);
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.si order by id')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: null },
      ]);
      expect(await sql('select * from main.sf order by id')).toEqual([{ id: 1, v: 'a' }]);
      expect(await sql('select * from main.ap order by id')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: null },
      ]);
      expect(await sql('select * from main.sa order by id')).toEqual([
        { id: 1, v: 'a', extra: null },
        { id: 2, v: null, extra: 'x' },
      ]);
    });
  });

  it('a merge with updates runs as one MERGE from the SELECT: merge_update_columns and merge_exclude_columns hold, predicates bound the match', async () => {
    const body = (extra: string) =>
      `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id'${extra}) }}\nselect * from (values {{ var('rows', "(1, 'a', 1), (2, 'a', 1)") }}) t(id, v, w)`;
    const p = project({
      'models/mu.sql': body(", merge_update_columns=['v']"),
      'models/mx.sql': body(", merge_exclude_columns=['v']"),
      'models/mq.sql': body(", incremental_predicates=['DBT_INTERNAL_DEST.id > 1']"),
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    const out = await runProject(p.dir, { vars: `{rows: "(1, 'b', 2), (2, 'b', 2), (3, 'b', 2)"}` });
    expect(out.results.map((r) => r.message)).toEqual(['MERGE 3', 'MERGE 3', 'MERGE 3']);
    for (const m of ['mu', 'mx', 'mq']) {
      expect(ran(p.dir, m)).toMatch(new RegExp(`^merge into "main"\\."${m}" as DBT_INTERNAL_DEST\\nusing \\(with __bmp_batch as materialized \\(`, 'm'));
      expect(ran(p.dir, m)).not.toMatch(/__bmp_batch_m/);
    }
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.mu order by id')).toEqual([
        { id: 1, v: 'b', w: 1 },
        { id: 2, v: 'b', w: 1 },
        { id: 3, v: 'b', w: 2 },
      ]);
      expect(await sql('select * from main.mx order by id')).toEqual([
        { id: 1, v: 'a', w: 2 },
        { id: 2, v: 'a', w: 2 },
        { id: 3, v: 'b', w: 2 },
      ]);
      // id 1 is outside the predicate: not matched, inserted again
      expect(await sql('select * from main.mq order by id, v')).toEqual([
        { id: 1, v: 'a', w: 1 },
        { id: 1, v: 'b', w: 2 },
        { id: 2, v: 'b', w: 2 },
        { id: 3, v: 'b', w: 2 },
      ]);
    });
  });

  it('a matched key under delete+insert replaces the row (the insert refuses, the keyed step runs)', async () => {
    const p = project({ 'models/dr.sql': keyed('dr', 'delete+insert') });
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 'a'), (2, 'b')"}` }))).toEqual([]);
    const out = await runProject(p.dir, { vars: `{rows: "(2, 'c'), (3, 'c')"}` });
    expect(out.results.map((r) => r.message)).toEqual(['INSERT 2']);
    expect(ran(p.dir, 'dr')).toMatch(tried);
    expect(ran(p.dir, 'dr')).toMatch(/^delete from "main"\."dr"/m);
    await withDb(p.db, async (sql) =>
      expect(await sql('select * from main.dr order by id')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'c' },
        { id: 3, v: 'c' },
      ]),
    );
  });

  it('delete+insert by a key repeated on both sides (a day): the batch\'s days replace the stored ones, the other days stay', async () => {
    // 3 rows for day 1 and 2 stored; the batch repeats day 2 (4 rows) and brings day 3. The delete
    // and the insert's check are semi joins on the batch's days: joined with its rows, a day of n
    // rows on both sides met n² times (a 50k-row day: 15 s; 1M rows by day: killed at 10 GB)
    const p = project({ 'models/dy.sql': keyed('dy', 'delete+insert', "'day'").replace('t(id, v)', 't(day, v)') });
    expect(failures(await runProject(p.dir, { vars: `{rows: "(1, 'a'), (1, 'b'), (1, 'c'), (2, 'a'), (2, 'b'), (2, 'c')"}` }))).toEqual([]);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(2, 'w'), (2, 'x'), (2, 'y'), (2, 'z'), (3, 'x')"}` }))).toEqual([]);
    expect(ran(p.dir, 'dy')).toMatch(/^where \(DBT_INTERNAL_DEST\."day" in \(select "day" from "__bmp_batch_dy"\)\);?$/m);
    await withDb(p.db, async (sql) =>
      expect((await sql('select day, string_agg(v, \'\' order by v) as v from main.dy group by day order by day')).map((r) => `${r['day']}:${r['v']}`)).toEqual(['1:abc', '2:wxyz', '3:x']),
    );
  });

  it('a partitioned delete+insert whose predicate reads the batch (DBT_INTERNAL_SOURCE) runs: the partitions it may touch are bounded without it', async () => {
    // the affected-partitions look-up ANDed the predicates outside any batch row's scope: a binder error on the second run
    const p = project({
      'models/pp.sql':
        "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day', partition_by={'field': 'ts', 'granularity': 'day'}, incremental_predicates=['DBT_INTERNAL_DEST.ts < DBT_INTERNAL_SOURCE.ts']) }}\n" +
        "select * from (values {{ var('rows', \"(7, timestamp '2024-01-01'), (8, timestamp '2024-01-05')\") }}) t(day, ts)",
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    // day 7 comes with a later ts (replaced); day 8 with an earlier one (the predicate keeps the stored row)
    expect(failures(await runProject(p.dir, { vars: `{rows: "(7, timestamp '2024-01-02'), (8, timestamp '2024-01-03')"}` }))).toEqual([]);
    await withDb(p.db, async (sql) =>
      expect((await sql("select day, strftime(ts, '%Y-%m-%d') as ts from main.pp order by day, ts")).map((r) => `${r['day']}:${r['ts']}`)).toEqual(['7:2024-01-02', '8:2024-01-03', '8:2024-01-05']),
    );
  });
});

describe('incremental_insert_first: false', () => {
  const ran = (dir: string, model: string) => readFileSync(join(dir, 'target/run/inc/models', `${model}.sql`), 'utf8');
  const tried = /^insert into "main"\."\w+" \([^)]*\)\nwith __bmp_batch as materialized \(/m;
  const keyed = (strategy: string, extra = '') =>
    `{{ config(materialized='incremental', incremental_strategy='${strategy}', unique_key='id', incremental_insert_first=false${extra}) }}\nselect * from (values {{ var('rows', "(1, 'a'), (2, 'a')") }}) t(id, v)`;

  it('no insert is tried: a merge runs as one MERGE from the SELECT, a delete+insert with its batch table; the tables are as with the default', async () => {
    const p = project({
      'models/fm.sql': keyed('merge'),
      'models/fd.sql': keyed('delete+insert'),
      // the same models with the default, for the expected tables
      'models/dm.sql': keyed('merge').replace('incremental_insert_first=false', 'incremental_insert_first=true'),
      'models/dd.sql': keyed('delete+insert').replace(', incremental_insert_first=false', ''),
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    for (const rows of ["(3, 'b'), (4, 'b')", "(4, 'c'), (5, 'c')"]) {
      const out = await runProject(p.dir, { vars: `{rows: "${rows}"}` });
      expect(failures(out)).toEqual([]);
      expect(out.results.find((r) => r.uniqueId.endsWith('.fm'))?.message).toBe('MERGE 2');
      expect(out.results.find((r) => r.uniqueId.endsWith('.fd'))?.message).toBe('INSERT 2');
      expect(ran(p.dir, 'fm')).not.toMatch(tried);
      expect(ran(p.dir, 'fm')).toMatch(/^merge into "main"\."fm" as DBT_INTERNAL_DEST\nusing \(with __bmp_batch as materialized \(/m);
      expect(ran(p.dir, 'fd')).not.toMatch(tried);
      expect(ran(p.dir, 'fd')).toMatch(/__bmp_batch_fd/);
      expect(ran(p.dir, 'fd')).toMatch(/^delete from "main"\."fd"/m);
    }
    await withDb(p.db, async (sql) => {
      const expected = [
        { id: 1, v: 'a' },
        { id: 2, v: 'a' },
        { id: 3, v: 'b' },
        { id: 4, v: 'c' },
        { id: 5, v: 'c' },
      ];
      for (const t of ['fm', 'fd', 'dm', 'dd']) expect(await sql(`select * from main.${t} order by id`)).toEqual(expected);
    });
  });

  it('a merge whose batch repeats a key or holds a NULL one still takes the keyed step (its message, NULL matching NULL)', async () => {
    const p = project({ 'models/fm.sql': keyed('merge') });
    expect(failures(await runProject(p.dir, { vars: `{rows: "(null, 'a'), (1, 'a')"}` }))).toEqual([]);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(null, 'n'), (2, 'n')"}` }))).toEqual([]);
    expect(ran(p.dir, 'fm')).toMatch(/__bmp_batch_fm/);
    expect(failures(await runProject(p.dir, { vars: `{rows: "(7, 'x'), (7, 'y')"}` }))[0]).toMatch(/on more than one row, e\.g\. \(7\)/);
    await withDb(p.db, async (sql) =>
      expect(await sql('select * from main.fm order by id nulls first')).toEqual([
        { id: null, v: 'n' },
        { id: 1, v: 'a' },
        { id: 2, v: 'n' },
      ]),
    );
  });

  it('a value that is not true or false is refused with the located message', async () => {
    const p = project({ 'models/fx.sql': keyed('merge').replace('incremental_insert_first=false', "incremental_insert_first='no'") });
    const out = await bmp(['run', '--project-dir', p.dir]);
    expect(out.code).not.toBe(0);
    expect(out.stdout + out.stderr).toMatch(/config 'incremental_insert_first' must be true or false, got "no"/);
  });
});

const MONTHS = `select range as id, timestamp '2024-01-15' + to_days((range % 4) * 31) as created_at, {{ var('version', 1) }} as version
from range(0, 40)
{% if is_incremental() %} where range % 4 in ({{ var('months', '1') }}) {% endif %}`;

describe('partitioned tables', () => {
  it('insert_overwrite on a clustered table touches only the partitions in the batch; metadata follows', async () => {
    const p = project({ 'models/pt.sql': `{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by={'field': 'created_at', 'granularity': 'month'}) }}\n${MONTHS}` });
    expect(failures(await runProject(p.dir))).toEqual([]);
    const before = await withDb(p.db, (sql) => sql(`select id, version, strftime(created_at, '%Y-%m') as m from main.pt order by id`));
    const metaBefore = await listPartitions({ projectDir: p.dir });
    expect(metaBefore[0]!.partitions.map((x) => [x.key, x.rows])).toEqual([['2024-01', 10], ['2024-02', 10], ['2024-03', 10], ['2024-04', 10]]);
    expect(failures(await runProject(p.dir, { vars: "{version: 2, months: '1, 3'}" }))).toEqual([]);
    const after = await withDb(p.db, (sql) => sql(`select id, version, strftime(created_at, '%Y-%m') as m from main.pt order by id`));
    // rows of January and March (not in the batch) were not rewritten: still version 1
    const untouched = (rows: Record<string, unknown>[]) => rows.filter((r) => r['m'] === '2024-01' || r['m'] === '2024-03');
    expect(untouched(after)).toEqual(untouched(before));
    expect(after.filter((r) => r['version'] === 2).map((r) => r['m']).sort()).toEqual([...Array(10).fill('2024-02'), ...Array(10).fill('2024-04')]);
    const meta = (await listPartitions({ projectDir: p.dir }))[0]!;
    expect(meta.source).toBe('metadata');
    expect(meta.partitions.map((x) => [x.key, x.rows])).toEqual([['2024-01', 10], ['2024-02', 10], ['2024-03', 10], ['2024-04', 10]]);
    // metadata rows of untouched partitions were not rewritten
    expect(meta.partitions.filter((x) => x.key === '2024-01' || x.key === '2024-03').map((x) => x.updatedAt)).toEqual(
      metaBefore[0]!.partitions.filter((x) => x.key === '2024-01' || x.key === '2024-03').map((x) => x.updatedAt),
    );
  });

  it('the table is stored clustered by partition: each month in its own contiguous rowid range', async () => {
    const p = project({ 'models/pc.sql': `{{ config(materialized='table', partition_by={'field': 'created_at', 'granularity': 'month'}) }}\n${MONTHS}` });
    await runProject(p.dir);
    const ranges = await withDb(p.db, (sql) => sql(`select strftime(created_at, '%Y-%m') as m, min(rowid) as lo, max(rowid) as hi from main.pc group by 1 order by 1`));
    expect(ranges).toEqual([
      { m: '2024-01', lo: 0, hi: 9 },
      { m: '2024-02', lo: 10, hi: 19 },
      { m: '2024-03', lo: 20, hi: 29 },
      { m: '2024-04', lo: 30, hi: 39 },
    ]);
  });

  it('external: hive-partitioned parquet; an overwrite rewrites only the batch partitions and the view reads the result', async () => {
    const p = project({
      'models/ext.sql': `{{ config(materialized='external', location='lake/ext', incremental_strategy='insert_overwrite', partition_by={'field': 'created_at', 'granularity': 'month'}) }}\n${MONTHS}`,
    });
    expect(failures(await runProject(p.dir))).toEqual([]);
    const lake = join(p.dir, 'lake/ext');
    const files = () => Object.fromEntries(readdirSync(lake).sort().map((d) => [d, readdirSync(join(lake, d)).sort()]));
    const before = files();
    expect(Object.keys(before)).toEqual(['created_at_month=2024-01', 'created_at_month=2024-02', 'created_at_month=2024-03', 'created_at_month=2024-04']);
    expect(failures(await runProject(p.dir, { vars: "{version: 2, months: '1, 3'}" }))).toEqual([]);
    const after = files();
    expect(after['created_at_month=2024-01']).toEqual(before['created_at_month=2024-01']);
    expect(after['created_at_month=2024-03']).toEqual(before['created_at_month=2024-03']);
    expect(after['created_at_month=2024-02']).not.toEqual(before['created_at_month=2024-02']);
    expect(readdirSync(p.dir).filter((f) => f.includes('.bmp-'))).toEqual([]);
    expect(readdirSync(join(p.dir, 'lake')).filter((f) => f.includes('.bmp-'))).toEqual([]);
    await withDb(p.db, async (sql) => {
      expect(await sql(`select created_at_month as m, count(*) as n, max(version) as v from main.ext group by 1 order by 1`)).toEqual([
        { m: '2024-01', n: 10, v: 1 },
        { m: '2024-02', n: 10, v: 2 },
        { m: '2024-03', n: 10, v: 1 },
        { m: '2024-04', n: 10, v: 2 },
      ]);
      expect((await sql(`select sql from duckdb_views() where view_name = 'ext'`))[0]!['sql']).toMatch(/read_parquet\('.*lake\/ext\/\*\/\*\.parquet', \(hive_partitioning = /);
    });
    const meta = (await listPartitions({ projectDir: p.dir }))[0]!;
    expect(meta).toMatchObject({ kind: 'external', source: 'metadata' });
    const cli = bmp(['partitions', '--project-dir', p.dir, '-s', 'ext']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^ext \(external main\.ext, month partitions of created_at, from _bmp\.partitions\): 4 partitions, 40 rows$/m);
    expect(cli.stdout).toMatch(/^\| 2024-02 +\| 10 +\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \|$/m);
    expect(meta.partitions.map((x) => [x.key, x.rows])).toEqual([['2024-01', 10], ['2024-02', 10], ['2024-03', 10], ['2024-04', 10]]);
  });
});
