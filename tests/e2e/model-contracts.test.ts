/**
 * Enforced model contracts, as dbt enforces them: the SQL's columns must be the declared ones (name
 * and base type) before anything is built, and the declared constraints (not_null, unique,
 * primary_key, check; on columns or the model) must hold on what is built, else the node fails and
 * the previous relation stays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bmp, query, tempProject } from '../helpers/project.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const PROPS = `version: 2
models:
  - name: m
    config:
      materialized: table
      contract: {enforced: true}
    constraints:
      - type: primary_key
        columns: [id]
      - type: check
        expression: "amount >= 0"
    columns:
      - name: id
        data_type: int
      - name: name
        data_type: text
        constraints:
          - type: not_null
      - name: amount
        data_type: decimal(10, 2)
`;

describe('enforced contracts', () => {
  it('builds when the SQL keeps the contract; each breach fails the node and keeps the previous table', async () => {
    const p = tempProject({ 'models/props.yml': PROPS, 'models/m.sql': "select 1 as id, 'a' as name, 2.50::decimal(12, 3) as amount\n" }, { name: 'con' });
    cleanups.push(p.remove);
    const ok = bmp(['run', '--project-dir', p.dir]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const kept = [{ id: 1, name: 'a' }];
    const table = () => query(p.db, 'select id, name from main.m');
    expect(await table()).toEqual(kept);

    const breach = async (sql: string, message: RegExp) => {
      p.write('models/m.sql', sql);
      const r = bmp(['run', '--project-dir', p.dir]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(message);
      expect(await table()).toEqual(kept);
    };
    // names and types, before anything is built (sizes and precision are not compared, as in dbt)
    await breach("select 'x' as id, 'a' as name, 1.0 as amount\n", /model 'm' breaks its enforced contract: id: the SQL gives VARCHAR, the contract says INTEGER/);
    await breach("select 1 as id, 'a' as name\n", /amount: in the contract \(DECIMAL\(10,2\)\), missing from the SQL/);
    await breach("select 1 as id, 'a' as name, 1.0 as amount, 2 as extra\n", /extra: in the SQL \(INTEGER\), missing from the contract/);
    // constraints, on the built table inside its transaction
    await breach('select 1 as id, null::varchar as name, 1.0 as amount\n', /a row breaks the not_null constraint on name of main\.m \(NULL\)/);
    await breach("select 1 as id, 'a' as name, 1.0 as amount union all select 1, 'b', 2.0\n", /two rows break the primary_key constraint on id of main\.m/);
    await breach("select null::int as id, 'a' as name, 1.0 as amount\n", /primary_key constraint on id of main\.m \(NULL\)/);
    await breach("select 1 as id, 'a' as name, -1.0 as amount\n", /a row breaks the check constraint on the model of main\.m \(amount >= 0\)/);
  });

  it("a view's contract checks its columns only; the sql_header runs before the column check", async () => {
    const p = tempProject({
      'models/props.yml': `version: 2
models:
  - name: v
    config:
      materialized: view
      contract: {enforced: true}
    columns:
      - name: id
        data_type: integer
        constraints: [{type: not_null}]
  - name: t
    config:
      materialized: table
      contract: {enforced: true}
      sql_header: "create or replace temp macro plus_one(x) as x + 1;"
    columns:
      - name: two
        data_type: integer
`,
      'models/v.sql': 'select null::integer as id\n',
      'models/t.sql': 'select plus_one(1)::integer as two\n',
    }, { name: 'con3' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await query(p.db, 'select two from main.t')).toEqual([{ two: 2 }]);
  });

  it("a SQL that needs what a pre-hook makes is checked after the pre-hooks, on the built relation (dbt's order); a breach keeps the previous table", async () => {
    const props = (type: string) => `version: 2
models:
  - name: t
    config:
      materialized: table
      contract: {enforced: true}
      pre_hook: "create or replace temp macro times_ten(x) as x * 10"
    columns:
      - name: ten
        data_type: ${type}
`;
    const p = tempProject({ 'models/props.yml': props('integer'), 'models/t.sql': 'select times_ten(1)::integer as ten\n' }, { name: 'con4' });
    cleanups.push(p.remove);
    const ok = bmp(['run', '--project-dir', p.dir]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(await query(p.db, 'select ten from main.t')).toEqual([{ ten: 10 }]);
    p.write('models/props.yml', props('varchar'));
    p.write('models/t.sql', 'select times_ten(2)::integer as ten\n');
    const bad = bmp(['run', '--project-dir', p.dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/model 't' breaks its enforced contract: ten: the SQL gives INTEGER, the contract says VARCHAR/);
    expect(await query(p.db, 'select ten from main.t')).toEqual([{ ten: 10 }]);
  });

  it('a contracted column without a data_type is a located error', () => {
    const p = tempProject({ 'models/props.yml': PROPS.replace('        data_type: text\n', ''), 'models/m.sql': "select 1 as id, 'a' as name, 1.0 as amount\n" }, { name: 'con2' });
    cleanups.push(p.remove);
    const r = bmp(['run', '--project-dir', p.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/model 'm' enforces a contract, but these columns have no data_type: name/);
  });
});
