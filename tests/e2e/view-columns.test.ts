/**
 * A view's columns as templates see them follow the view's query, not DuckDB's catalog: DuckDB keeps
 * the columns a view had when it was created (duckdb_columns(), information_schema) until the view
 * is read again, also in later sessions. The real CLI on a real DuckDB file: a table gains a column
 * in a run that does not rebuild the view over it; a later run compiles a model from the view's
 * columns (`adapter.get_columns_in_relation`, what dbt_utils.star reads) and gets the new one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, tempProject } from '../helpers/project.js';
import { withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("a view's columns in templates", () => {
  it('are the ones its query gives now, after the table under it gained a column in another run', async () => {
    const p = tempProject(
      {
        'models/base.sql': `{{ config(materialized='table') }}\nselect 1 as id{{ var('extra', '') }}`,
        'models/v.sql': `{{ config(materialized='view') }}\nselect * from {{ ref('base') }}`,
        'models/listed.sql': `{{ config(materialized='table') }}\n{%- set cols = adapter.get_columns_in_relation(ref('v')) %}\nselect {% for c in cols %}"{{ c.name }}"{% if not loop.last %}, {% endif %}{% endfor %} from {{ ref('v') }}`,
      },
      { name: 'vcols' },
    );
    cleanups.push(p.remove);
    const run = (...args: string[]) => {
      const r = bmp(['run', '--project-dir', p.dir, ...args]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    };
    run();
    run('--select', 'base', '--vars', "{extra: ', 2 as added'}");
    run('--select', 'listed');
    expect(readFileSync(join(p.dir, 'target/run/vcols/models/listed.sql'), 'utf8')).toContain('select "id", "added" from');
    await withDb(p.db, async (sql) => {
      expect(await sql('select * from main.listed')).toEqual([{ id: 1, added: 2 }]);
    });
  });
});
