import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProject } from '../tasks/index.js';
import { changedNodes, snapshotProject, type ProjectSnapshot } from './change-set.js';

// tests/fixtures/basic: seeds raw_customers, raw_orders; stg_orders (calls cents(), var('min_amount')),
// stg_customers (ephemeral), customer_totals (refs both); tests in models/schema.yml and tests/sql.
let dir: string;
let before: ProjectSnapshot;

const load = () => loadProject({ projectDir: dir });
const edit = (file: string, f: (text: string) => string) => writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));
/** Names of the changed nodes, and of everything affected (tests by their test name). */
async function diff(saved: string[] = []) {
  const project = await load();
  const c = changedNodes(before, project, new Set(saved));
  const name = (id: string) => project.manifest.nodes.get(id)?.name ?? project.manifest.sources.get(id)?.name ?? id;
  return {
    changed: Object.fromEntries([...c.changed].map(([id, why]) => [name(id), why])),
    affected: [...c.affected].map(name).sort(),
  };
}

const TOTALS_AND_TESTS = ['customer_totals', 'no_negative_totals', 'relationships_customer_totals_customer_id__customer_id__ref_raw_customers_', 'unique_customer_totals_customer_id'];
const STG_ORDERS_TESTS = ['accepted_values_stg_orders_status__placed__shipped__completed__returned', 'not_null_stg_orders_order_id', 'unique_stg_orders_order_id'];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bmp-change-set-'));
  cpSync(fileURLToPath(new URL('../../tests/fixtures/basic', import.meta.url)), dir, { recursive: true });
  before = snapshotProject(await load());
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('changedNodes', () => {
  it('without a previous snapshot, everything is new', async () => {
    const project = await load();
    const c = changedNodes(undefined, project, new Set());
    expect(c.affected.size).toBe(project.manifest.nodes.size + project.manifest.sources.size);
    expect(new Set(c.changed.values())).toEqual(new Set(['new']));
  });

  it('nothing edited, nothing saved: nothing changed', async () => {
    expect(await diff()).toEqual({ changed: {}, affected: [] });
  });

  it('an edited model: it and its descendants (tests included), not its parents or siblings', async () => {
    edit('models/marts/customer_totals.sql', (t) => `${t}\n-- a comment`);
    expect(await diff(['models/marts/customer_totals.sql'])).toEqual({ changed: { customer_totals: 'modified' }, affected: TOTALS_AND_TESTS });
  });

  it('a model file saved unchanged still re-runs (saving asks for it); a YAML saved unchanged does not', async () => {
    expect(await diff(['models/staging/stg_orders.sql', 'models/schema.yml'])).toEqual({
      changed: { stg_orders: 'saved' },
      affected: ['stg_orders', ...STG_ORDERS_TESTS, ...TOTALS_AND_TESTS].sort(),
    });
  });

  it('an edited macro: the nodes that call it', async () => {
    edit('macros/cents.sql', (t) => t.replace('as integer', 'as bigint'));
    const d = await diff(['macros/cents.sql']);
    expect(d.changed).toEqual({ stg_orders: 'macro' });
    expect(d.affected).toContain('customer_totals');
    expect(d.affected).not.toContain('stg_customers');
  });

  it('a macro that calls an edited macro counts as edited too', async () => {
    writeFileSync(join(dir, 'macros/dollars.sql'), '{% macro dollars(col) %}({{ cents(col) }} / 100.0){% endmacro %}');
    edit('models/staging/stg_customers.sql', (t) => t.replace('select customer_id,', 'select customer_id, {{ dollars(1) }} as one,'));
    before = snapshotProject(await load());
    edit('macros/cents.sql', (t) => t.replace('as integer', 'as bigint'));
    expect((await diff(['macros/cents.sql'])).changed).toEqual({ stg_orders: 'macro', stg_customers: 'macro' });
  });

  it('changed vars: the nodes that call var()', async () => {
    edit('project.yml', (t) => t.replace('min_amount: 0', 'min_amount: 5'));
    expect((await diff(['project.yml'])).changed).toEqual({ stg_orders: 'vars' });
  });

  it('a config change in project.yml: the nodes whose config changed', async () => {
    edit('project.yml', (t) => t.replace('+materialized: table', '+materialized: view'));
    expect((await diff(['project.yml'])).changed).toEqual({ customer_totals: 'modified' });
  });

  it('properties YAML: a new test is changed, a description edit changes nothing', async () => {
    edit('models/schema.yml', (t) => t.replace('description: Orders in cents', 'description: Orders, amounts in cents'));
    expect(await diff(['models/schema.yml'])).toEqual({ changed: {}, affected: [] });
    edit('models/schema.yml', (t) => t.replace('tests: [unique, not_null]', 'tests: [unique, not_null]\n      - name: customer_id\n        tests: [not_null]'));
    expect(await diff(['models/schema.yml'])).toEqual({ changed: { not_null_stg_orders_customer_id: 'new' }, affected: ['not_null_stg_orders_customer_id'] });
  });

  it('an edited seed: the seed and everything downstream', async () => {
    appendFileSync(join(dir, 'seeds/raw_customers.csv'), '99,Zed\n');
    const d = await diff(['seeds/raw_customers.csv']);
    expect(d.changed).toEqual({ raw_customers: 'modified' });
    expect(d.affected).toEqual(expect.arrayContaining(['raw_customers', 'stg_customers', ...TOTALS_AND_TESTS]));
    expect(d.affected).not.toContain('stg_orders');
  });

  it('a changed target (profiles.yml): everything', async () => {
    edit('profiles.yml', (t) => t.replace('threads: 2', 'threads: 2\n      schema: other'));
    const d = await diff(['profiles.yml']);
    expect(new Set(Object.values(d.changed))).toEqual(new Set(['target']));
    expect(d.affected.length).toBe(before.fingerprints.size);
  });
});
