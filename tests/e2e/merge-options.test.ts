/**
 * dbt-duckdb's MERGE options on an incremental `merge` model: merge_update_condition (a matched row
 * is updated only when it holds), merge_insert_condition (a new row is inserted only when it holds)
 * and merge_update_set_expressions (a column's expression instead of the batch's value).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, query, tempProject } from '../helpers/project.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const MODEL = `{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge',
    merge_update_condition="DBT_INTERNAL_SOURCE.ver > DBT_INTERNAL_DEST.ver",
    merge_insert_condition="DBT_INTERNAL_SOURCE.v <> 'skip'",
    merge_update_set_expressions={'cnt': 'DBT_INTERNAL_DEST.cnt + 1'}) }}
select * from (values {% if var('run', 1) == 1 %} (1, 5, 'a', 0), (2, 5, 'b', 0) {% else %} (1, 3, 'older', 0), (2, 9, 'newer', 0), (3, 1, 'skip', 0), (4, 1, 'kept', 0) {% endif %}) t(id, ver, v, cnt)
`;

describe("dbt-duckdb's merge options", () => {
  it('update only when the condition holds, set expressions, insert only what the insert condition lets in', async () => {
    const p = tempProject({ 'models/m.sql': MODEL }, { name: 'mo' });
    cleanups.push(p.remove);
    for (const run of [1, 2]) {
      const r = bmp(['run', '--project-dir', p.dir, '--vars', `{run: ${run}}`]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/CustomKeyInConfigDeprecation/);
    }
    expect(await query(p.db, 'select id, ver, v, cnt from main.m order by id')).toEqual([
      { id: 1, ver: 5, v: 'a', cnt: 0 }, // the batch's row is older: not updated
      { id: 2, ver: 9, v: 'newer', cnt: 1 }, // updated; cnt from its expression
      { id: 4, ver: 1, v: 'kept', cnt: 0 }, // inserted; id 3 is refused by the insert condition
    ]);
  });

  it('a condition that is not text is a located config error', () => {
    const p = tempProject({ 'models/m.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', merge_update_condition=1) }}\nselect 1 as id\n" }, { name: 'mo2' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config 'merge_update_condition' must be a SQL condition \(text\), got 1/);
  });
});
