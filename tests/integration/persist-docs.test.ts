/**
 * persist_docs as dbt-duckdb acts on it: descriptions become comments on the built relation and on
 * the columns it has (a declared column it lacks is skipped), for tables, views and seeds; without
 * persist_docs nothing is commented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

let p: TempProject;
beforeAll(async () => {
  p = tempProject({
    'project.yml': "name: p\nprofile: p\nmodels:\n  p:\n    +persist_docs: {relation: true, columns: true}\nseeds:\n  p:\n    +persist_docs: {relation: true, columns: true}\n",
    'seeds/codes.csv': 'code,label\na,A\n',
    'models/orders.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'x' as \"Status\"",
    'models/orders_v.sql': "{{ config(materialized='view') }}\nselect id from {{ ref('orders') }}",
    'models/plain.sql': "{{ config(materialized='table', persist_docs={}) }}\nselect 1 as id",
    // a materialization written as dbt's are: it calls persist_docs itself
    'macros/copied.sql': "{% materialization copied, default %}{% set target_relation = this.incorporate(type='table') %}{% call statement('main') %}create or replace table {{ target_relation }} as ({{ sql }}){% endcall %}{% do persist_docs(target_relation, model) %}{{ return({'relations': [target_relation]}) }}{% endmaterialization %}",
    'models/custom.sql': "{{ config(materialized='copied') }}\nselect 1 as id, 2 as other",
    'models/docs.md': "{% docs orders_doc %}Every order, once (it's doc text).{% enddocs %}",
    'models/schema.yml': [
      'models:',
      '  - name: orders',
      '    description: "{{ doc(\'orders_doc\') }}"',
      '    columns:',
      "      - {name: id, description: \"The order's id\"}",
      '      - {name: Status, description: as written}',
      '      - {name: gone, description: not in the table}',
      '  - name: orders_v',
      '    description: the view',
      '    columns: [{name: id, description: view id}]',
      '  - name: plain',
      '    description: not persisted',
      '  - name: custom',
      '    description: "built by a Jinja materialization, it\'s commented too"',
      '    columns: [{name: other, description: the other one}, {name: missing}]',
      'seeds:',
      '  - name: codes',
      '    description: the codes',
      '    columns: [{name: code, description: a code}]',
      '',
    ].join('\n'),
  });
  const out = await p.run('build');
  expect(out.exitCode).toBe(0);
});
afterAll(() => p.remove());

describe('persist_docs', () => {
  it('comments tables, views and seeds with their descriptions (doc blocks rendered)', async () => {
    const rows = await p.query("select table_name as name, comment from duckdb_tables() where schema_name = 'main' union all select view_name, comment from duckdb_views() where schema_name = 'main' and not internal order by 1");
    expect(rows).toEqual([
      { name: 'codes', comment: 'the codes' },
      { name: 'custom', comment: "built by a Jinja materialization, it's commented too" },
      { name: 'orders', comment: "Every order, once (it's doc text)." },
      { name: 'orders_v', comment: 'the view' },
      { name: 'plain', comment: null },
    ]);
  });

  it("comments the columns the relation has, by their names as built; a declared column it lacks is skipped", async () => {
    const rows = await p.query("select table_name as t, column_name as c, comment from duckdb_columns() where schema_name = 'main' and comment is not null order by 1, 2");
    expect(rows).toEqual([
      { t: 'codes', c: 'code', comment: 'a code' },
      { t: 'custom', c: 'other', comment: 'the other one' },
      { t: 'orders', c: 'Status', comment: 'as written' },
      { t: 'orders', c: 'id', comment: "The order's id" },
      { t: 'orders_v', c: 'id', comment: 'view id' },
    ]);
  });
});
