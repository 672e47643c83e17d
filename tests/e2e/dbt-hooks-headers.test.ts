/**
 * dbt's statement helpers a real project uses: sql_header (config and set_sql_header), hooks in
 * their mapping form (before_begin / after_commit), and the relation and column helpers that
 * operations and materializations written for dbt call (load_cached_relation,
 * drop_relation_if_exists, get_columns_in_query, get_quoted_csv).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, tempProject } from '../helpers/project.js';
import { withDb } from '../helpers/incremental.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("dbt's statement helpers", () => {
  it('sql_header runs right before the model, from config() or set_sql_header; hook mappings run their SQL', async () => {
    const p = tempProject({
      'models/with_config.sql': `{{ config(materialized='table', sql_header="create or replace temp macro plus_one(a) as a + 1;") }}\nselect plus_one(1) as two\n`,
      'models/with_call.sql': `{% call set_sql_header(config) %}create or replace temp macro times_ten(a) as a * 10;{% endcall %}\n{{ config(materialized='table') }}\nselect times_ten(4) as forty\n`,
      'models/hooks.sql': `{{ config(materialized='table', pre_hook=before_begin("create table if not exists main.hook_log (step varchar)"), post_hook=[after_commit("insert into main.hook_log values ('after')"), {"sql": "insert into main.hook_log values ('mapping')", "transaction": true}, "insert into main.hook_log values ('text')"]) }}\nselect 1 as x\n`,
      'models/helpers.sql': `select '{{ get_quoted_csv(['a', 'B c']) | replace("'", "''") }}' as quoted, '{{ get_columns_in_query("select 1 as u, 2 as v") | join(",") }}' as cols\n`,
      'macros/cleanup.sql': `{% macro cleanup(name) %}\n{% set rel = load_cached_relation(api.Relation.create(schema='main', identifier=name)) %}\n{% do log('found ' ~ (rel is not none), info=true) %}\n{% do drop_relation_if_exists(rel) %}\n{% do drop_relation_if_exists(none) %}\n{% endmacro %}\n`,
    }, { name: 'hdr' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await withDb(p.db, async (sql) => {
      expect(await sql('select two from main.with_config')).toEqual([{ two: 2 }]);
      expect(await sql('select forty from main.with_call')).toEqual([{ forty: 40 }]);
      expect(await sql('select step from main.hook_log order by step')).toEqual([{ step: 'after' }, { step: 'mapping' }, { step: 'text' }]);
      expect(await sql('select quoted, cols from main.helpers')).toEqual([{ quoted: '"a", "B c"', cols: 'u,v' }]);
    });
    const op = bmp(['run-operation', 'cleanup', '--args', '{name: with_call}', '--project-dir', p.dir]);
    expect(op.code, op.stdout + op.stderr).toBe(0);
    expect(op.stdout).toMatch(/found True/);
    await withDb(p.db, async (sql) => expect(await sql(`select count(*) as n from duckdb_tables() where table_name = 'with_call'`)).toEqual([{ n: 0 }]));
    // a hook that is neither SQL text nor a {sql: ...} mapping is a located config error
    p.write('models/hooks.sql', `{{ config(pre_hook={"transaction": false}) }}\nselect 1 as x\n`);
    const bad = bmp(['run', '--project-dir', p.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/config 'pre_hook' must be SQL text, a \{sql: \.\.\., transaction: \.\.\.\} mapping, or a list of them.*\[BMP_CONFIG_INVALID_VALUE\]/);
  });

  it("a materialization written the way dbt's own are (grants, persist_docs, on_schema_change checks) runs", async () => {
    const p = tempProject({
      'macros/mat.sql': `{% materialization my_table, adapter='duckdb' %}
  {%- set existing = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set on_change = incremental_validate_on_schema_change(config.get('on_schema_change'), default='ignore') -%}
  {{ run_hooks(pre_hooks) }}
  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, target_relation, sql) }}
  {%- endcall %}
  {% do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing, full_refresh_mode=True)) %}
  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`,
      'models/m.sql': "{{ config(materialized='my_table', grants={'select': ['reporter']}) }}\nselect 1 as x\n",
    }, { name: 'mat' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await withDb(p.db, async (sql) => expect(await sql('select x from main.m')).toEqual([{ x: 1 }]));
  });
});
