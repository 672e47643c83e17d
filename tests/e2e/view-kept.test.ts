/**
 * A view the database already holds with the model's query is kept, not replaced: the real CLI on a
 * real DuckDB file, run after run. Kept views still run their hooks and follow their tables (DuckDB
 * binds a view again each time it is read); an edited query, a view changed outside bmp, a table in
 * its place and --full-refresh replace it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, tempProject } from '../helpers/project.js';
import { withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function project() {
  const p = tempProject(
    {
      'models/base.sql': `{{ config(materialized='table') }}\nselect range as id, range * 10 as amount{{ var('extra', '') }} from range(4)`,
      'models/recent.sql': `{{ config(materialized='view', post_hook="insert into main.hook_log select '{{ this.identifier }}'") }}\n-- every row of base\nselect * from {{ ref('base') }}`,
      'models/big.sql': `{{ config(materialized='view', alias='Big Ones') }}\nselect id, amount from {{ ref('recent') }} where amount >= 20`,
      'macros/hook_log.sql': `{% macro create_hook_log() %}create table if not exists main.hook_log (model varchar){% endmacro %}`,
    },
    { name: 'views' },
  );
  writeFileSync(join(p.dir, 'project.yml'), `${readFileSync(join(p.dir, 'project.yml'), 'utf8')}on-run-start: ["{{ create_hook_log() }}"]\n`);
  cleanups.push(p.remove);
  return p;
}

/** Runs `bmp run`; the verb of each view's result line (`created` or `kept`), by relation. */
function run(dir: string, ...args: string[]) {
  const r = bmp(['run', '--project-dir', dir, ...args]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const verbs: Record<string, string> = {};
  for (const m of r.stdout.matchAll(/OK (created|kept) sql view model (.+?) \.+ \[/g)) verbs[m[2]!] = m[1]!;
  return verbs;
}

describe('views the database already holds', () => {
  it('are kept run after run, run their hooks, and follow the tables they read', async () => {
    const p = project();
    expect(run(p.dir)).toEqual({ 'main.recent': 'created', 'main.Big Ones': 'created' });
    expect(run(p.dir)).toEqual({ 'main.recent': 'kept', 'main.Big Ones': 'kept' });
    const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    expect(results.results.find((r) => r.unique_id === 'model.views.recent')).toMatchObject({ status: 'success', message: 'OK', adapter_response: { _message: 'OK', code: 'view', kept: true } });
    // target/run says nothing was replaced, and holds the hook that ran
    const ranSql = readFileSync(join(p.dir, 'target/run/views/models/recent.sql'), 'utf8');
    expect(ranSql).toMatch(/^-- kept: the database already holds this view with the same query; no DDL ran\n/);
    expect(ranSql).toContain("insert into main.hook_log select 'recent'");

    // the table under the view gains a column; the view's query is the same, so it is kept, and
    // DuckDB binds it again when it is read: the new column is there
    expect(run(p.dir, '--vars', "{extra: ', id % 2 as odd'}")).toEqual({ 'main.recent': 'kept', 'main.Big Ones': 'kept' });
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.recent order by id')).toEqual([0, 1, 2, 3].map((id) => ({ id, amount: id * 10, odd: id % 2 })));
      expect(await sql('select count(*) as n from main."Big Ones"')).toEqual([{ n: 2 }]);
      // the post-hook ran at each of the three runs, kept or not
      expect(await sql(`select count(*) as n from main.hook_log where model = 'recent'`)).toEqual([{ n: 3 }]);
    });
  });

  it('are replaced when the query changes (not for a comment), when changed outside bmp, when a table took the name, and with --full-refresh', async () => {
    const p = project();
    run(p.dir);
    const model = join(p.dir, 'models/big.sql');
    // a comment and spacing are not the query
    writeFileSync(model, `${readFileSync(model, 'utf8').replace('where amount >= 20', '-- the larger ones\nwhere   amount >= 20')}\n`);
    expect(run(p.dir)['main.Big Ones']).toBe('kept');
    writeFileSync(model, readFileSync(model, 'utf8').replace('>= 20', '>= 30'));
    expect(run(p.dir)['main.Big Ones']).toBe('created');
    await withDb(p.db, async (sql) => {
      expect(await sql('select id from main."Big Ones"')).toEqual([{ id: 3 }]);
      await sql('create or replace view main.recent as select 42 as id, 0 as amount');
    });
    expect(run(p.dir)).toEqual({ 'main.recent': 'created', 'main.Big Ones': 'kept' });
    await withDb(p.db, async (sql) => {
      expect(await sql('select count(*) as n from main.recent')).toEqual([{ n: 4 }]);
      await sql('drop view main."Big Ones"');
      await sql('create table main."Big Ones" as select 1 as id');
    });
    expect(run(p.dir)).toEqual({ 'main.recent': 'kept', 'main.Big Ones': 'created' });
    await withDb(p.db, async (sql) => {
      expect(await sql(`select table_type from information_schema.tables where table_name = 'Big Ones'`)).toEqual([{ table_type: 'VIEW' }]);
    });
    expect(run(p.dir, '--full-refresh')).toEqual({ 'main.recent': 'created', 'main.Big Ones': 'created' });
  });
});
