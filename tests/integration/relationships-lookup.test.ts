import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, type TempProject } from '../helpers/project.js';

/**
 * The built-in `relationships` test looks parent values up with `not in` (a mark join, built on
 * the parent) when the parent table holds at most half the child's rows, else with dbt's left join
 * (builtinTestSql's RelationshipsLookup). Both must count the same failing child rows: child NULLs
 * never fail, a parent NULL matches nothing, a duplicated parent value still matches, and every
 * unmatched child row counts (not every distinct value).
 */
describe('relationships: the lookup follows the tables’ sizes, the answer does not', () => {
  let p: TempProject | undefined;
  afterAll(() => p?.remove());

  it('counts the same failures through either lookup', async () => {
    // parent: 1..4, 2 again and a NULL (6 rows); child: 30 rows, 3 of them unmatched (9, 9, 10), 3 NULL
    const parent = `select * from (values (1), (2), (2), (3), (4), (null)) as t(id)`;
    const child = `select case when i % 10 = 7 then null when i in (5, 6) then 9 when i = 8 then 10 else 1 + i % 4 end as dim_id, i from range(30) as r(i)`;
    p = tempProject({
      'models/dims.sql': `{{ config(materialized='table') }}\n${parent}`,
      'models/facts.sql': `{{ config(materialized='table') }}\n${child}`,
      'models/few.sql': `{{ config(materialized='table') }}\nselect * from (values (1), (99)) as t(i)`,
      'models/dims_view.sql': `{{ config(materialized='view') }}\nselect * from {{ ref('dims') }}`,
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: facts',
        '    columns:',
        '      - name: dim_id',
        '        tests:',
        "          - relationships: {to: ref('dims'), field: id, name: facts_to_dims}",
        "          - relationships: {to: ref('dims_view'), field: id, name: facts_to_dims_view}",
        '  - name: few',
        '    columns:',
        '      - name: i',
        '        tests:',
        "          - relationships: {to: ref('facts'), field: i, name: few_to_facts}",
        '',
      ].join('\n'),
    });
    const out = await p.run('build');
    const compiled = (name: string) => readFileSync(join(p!.dir, 'target/compiled/p/models/schema.yml', `${name}.sql`), 'utf8');
    // 6 parent rows against 30 child rows: the mark join; a view's size is unknown: the left join;
    // 2 child rows against 30 parent rows: the left join
    expect(compiled('facts_to_dims')).toContain('not in (select to_field from parent where to_field is not null)');
    expect(compiled('facts_to_dims_view')).toContain('left join parent');
    expect(compiled('few_to_facts')).toContain('left join parent');
    // the same answer either way: 9, 9 and 10 (three rows), NULLs neither failing nor matching
    expect([out.byName('facts_to_dims').status, out.byName('facts_to_dims').failures]).toEqual(['fail', 3]);
    expect([out.byName('facts_to_dims_view').status, out.byName('facts_to_dims_view').failures]).toEqual(['fail', 3]);
    expect([out.byName('few_to_facts').status, out.byName('few_to_facts').failures]).toEqual(['fail', 1]);
  });
});
