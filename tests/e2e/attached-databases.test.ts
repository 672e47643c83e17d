/**
 * Other databases, as dbt-duckdb projects use them: the profile's `attach:` and `extensions:`, a
 * source whose `database:` names the attached database (three-part names), a catalog that keeps to
 * the target's database when the attached one holds the same names, and a model configured into
 * another database refused (bmp builds in the target's).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bmp, query, tempProject } from '../helpers/project.js';
import { withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('attached databases', () => {
  it('attach: + a source with database: reads the attached table; same names in both databases stay apart', async () => {
    const p = tempProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: other\n    database: otherdb\n    schema: main\n    tables:\n      - name: tt\n',
      'models/from_other.sql': "{{ config(materialized='table') }}\nselect v, '{{ source('other', 'tt') }}' as rendered from {{ source('other', 'tt') }}\n",
      // a model with the attached table's name, incremental: its second run must see its own table
      'models/tt.sql': "{{ config(materialized='incremental') }}\nselect {% if is_incremental() %}'incremental'{% else %}'first'{% endif %} as run\n",
    }, { name: 'att' });
    cleanups.push(p.remove);
    p.write('profiles.yml', 'att:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: att.duckdb\n      extensions: [json]\n      attach:\n        - path: other.duckdb\n          alias: otherdb\n          read_only: true\n');
    await withDb(join(p.dir, 'other.duckdb'), (sql) => sql(`create table main.tt as select 'from the attached database' as v`));
    const first = bmp(['run', '--project-dir', p.dir]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).not.toMatch(/KeyNotActedOn/);
    expect(await query(p.db, 'select v, rendered from main.from_other')).toEqual([{ v: 'from the attached database', rendered: '"otherdb"."main"."tt"' }]);
    expect(await query(p.db, 'select run from main.tt')).toEqual([{ run: 'first' }]);
    const second = bmp(['run', '--project-dir', p.dir]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await query(p.db, 'select run from main.tt order by run')).toEqual([{ run: 'first' }, { run: 'incremental' }]);
    // the attached database is untouched (read_only)
    expect(await query(join(p.dir, 'other.duckdb'), 'select v from main.tt')).toEqual([{ v: 'from the attached database' }]);
    // introspection and operations see the attached relation, not the target's table of that name
    p.write('models/cols.sql', "select '{{ adapter.get_columns_in_relation(source('other', 'tt')) | map(attribute='name') | join(',') }}' as cols, '{{ adapter.get_relation(database='otherdb', schema='main', identifier='tt') }}' as rel\n");
    p.write('macros/show_source.sql', "{% macro show_source() %}{% do log('SRC=' ~ source('other', 'tt'), info=true) %}{% endmacro %}\n");
    const third = bmp(['run', '-s', 'cols', '--project-dir', p.dir]);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    expect(await query(p.db, 'select cols, rel from main.cols')).toEqual([{ cols: 'v', rel: '"otherdb"."main"."tt"' }]);
    const op = bmp(['run-operation', 'show_source', '--project-dir', p.dir]);
    expect(op.stdout).toMatch(/SRC="otherdb"\."main"\."tt"/);
  });

  it("a model configured into another database is refused with the reason (bmp builds in the target's)", () => {
    const p = tempProject({ 'models/elsewhere.sql': "{{ config(materialized='table', database='otherdb') }}\nselect 1 as x\n" }, { name: 'att2' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model 'elsewhere' sets database 'otherdb', but bmp builds every node in the target's database 'att2'.*\[BMP_DATABASE_UNSUPPORTED\]/);
    // the target's own database by name is fine
    p.write('models/elsewhere.sql', "{{ config(materialized='table', database='att2') }}\nselect 1 as x\n");
    expect(bmp(['run', '--project-dir', p.dir]).code).toBe(0);
  });

  it('an attach entry without a path, and an extension DuckDB cannot load, are clear errors', () => {
    const p = tempProject({ 'models/m.sql': 'select 1 as x\n' }, { name: 'att3' });
    cleanups.push(p.remove);
    p.write('profiles.yml', 'att3:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: att3.duckdb\n      attach:\n        - alias: nothing\n');
    const bad = bmp(['run', '--project-dir', p.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'attach' entry 1 needs a 'path'.*\[BMP_PROFILE_INVALID\]/);
    p.write('profiles.yml', 'att3:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: att3.duckdb\n      extensions: [no_such_extension_here]\n');
    const ext = bmp(['run', '--project-dir', p.dir]);
    expect(ext.code).toBe(2);
    expect(ext.stderr).toMatch(/extension 'no_such_extension_here' \(profile 'extensions'\) could not be loaded.*\[BMP_DB_OPEN\]/);
  });
});
