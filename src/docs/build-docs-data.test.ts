import { describe, expect, it } from 'vitest';
import type { ColumnInfo, Manifest, NodeConfig, SeedNode, SourceNode, SqlNode, UnitTestNode } from '../manifest/types.js';
import { buildDocsData, compiledFromRunResults, runResultsFromJson } from './build-docs-data.js';

const config = (extra: Partial<NodeConfig> = {}): NodeConfig => ({
  enabled: true, materialized: 'view', tags: [], meta: {}, pre_hook: [], post_hook: [], ...extra,
});
const column = (name: string, description = '', data_type?: string): ColumnInfo => ({
  name, description, meta: {}, tags: [], ...(data_type ? { data_type } : {}),
});
const base = { packageName: 'p', fqn: [], description: '', tags: [], meta: {}, columns: {}, checksum: 'x' };

function model(name: string, deps: string[], extra: Partial<SqlNode> = {}): SqlNode {
  return {
    ...base, uniqueId: `model.p.${name}`, resourceType: 'model', name, originalFilePath: `models/${name}.sql`, path: `${name}.sql`,
    config: config(), rawCode: `select 1 -- ${name}`, refs: [], sources: [], dependsOn: { nodes: deps, macros: [] },
    relation: { database: 'db', schema: 'main', identifier: name }, ...extra,
  };
}

function genericTest(name: string, on: string, columnName: string, testName: string): SqlNode {
  return {
    ...base, uniqueId: `test.p.${name}`, resourceType: 'test', name, originalFilePath: 'models/schema.yml', path: `${name}.sql`,
    config: config({ materialized: 'test' }), rawCode: '', refs: [], sources: [], dependsOn: { nodes: [on], macros: [] },
    testMetadata: { name: testName, kwargs: { column_name: columnName }, testType: 'generic' }, attachedNode: on, columnName,
  };
}

function manifest(): Manifest {
  const src: SourceNode = {
    ...base, uniqueId: 'source.p.raw.orders', resourceType: 'source', name: 'orders', originalFilePath: 'models/src.yml',
    path: 'src.yml', config: config(), sourceName: 'raw', sourceDescription: '', identifier: 'orders',
    relation: { database: 'db', schema: 'raw', identifier: 'orders' },
  };
  const seed: SeedNode = {
    ...base, uniqueId: 'seed.p.codes', resourceType: 'seed', name: 'codes', originalFilePath: 'seeds/codes.csv', path: 'codes.csv',
    config: config({ materialized: 'seed' }), absolutePath: '/x/seeds/codes.csv', dependsOn: { nodes: [], macros: [] },
    relation: { database: 'db', schema: 'main', identifier: 'codes' },
  };
  const stg = model('stg_orders', ['source.p.raw.orders'], {
    description: 'Orders </script>',
    columns: { order_id: column('order_id', 'The key', 'int'), note: column('note', 'Only in YAML') },
  });
  const eph = model('int_orders', ['model.p.stg_orders', 'seed.p.codes'], { config: config({ materialized: 'ephemeral' }) });
  const fct = model('fct_orders', ['model.p.int_orders'], { config: config({ materialized: 'table', tags: ['daily'], meta: { owner: 'x' } }) });
  const unit: UnitTestNode = {
    ...base, uniqueId: 'unit_test.p.fct_orders.t1', resourceType: 'unit_test', name: 't1', originalFilePath: 'models/u.yml', path: 'u.yml',
    config: config({ materialized: 'unit' }), model: 'model.p.fct_orders', given: [], expect: { format: 'dict', rows: [{ a: 1 }] },
    overrides: {}, dependsOn: { nodes: [], macros: [] },
  };
  const tests = [genericTest('unique_stg_orders_order_id', 'model.p.stg_orders', 'order_id', 'unique'), genericTest('not_null_stg_orders_Order_Id', 'model.p.stg_orders', 'Order_Id', 'not_null')];
  const nodes = new Map<string, SqlNode | SeedNode | UnitTestNode>();
  for (const n of [seed, stg, eph, fct, unit, ...tests]) nodes.set(n.uniqueId, n);
  return {
    projectName: 'p', nodes, sources: new Map([[src.uniqueId, src]]), macros: new Map(), docs: new Map(),
    macroFiles: new Map(), disabled: new Set(), refIndex: new Map(),
  };
}

describe('buildDocsData', () => {
  const data = buildDocsData(manifest(), {
    generatedAt: '2024-01-01T00:00:00.000Z',
    catalog: new Map([['main.stg_orders', [{ name: 'order_id', type: 'INTEGER' }, { name: 'amount', type: 'DECIMAL(10,2)' }]]]),
    compiled: new Map([['model.p.stg_orders', 'select 1 from raw.orders']]),
    runResults: new Map([['test.p.unique_stg_orders_order_id', { status: 'fail', executionTime: 0.1, failures: 2 }]]),
  });
  const byId = new Map(data.nodes.map((n) => [n.uniqueId, n]));

  it('keeps every node, sources included, sorted by unique id', () => {
    expect(data.nodes.map((n) => n.uniqueId)).toEqual([...data.nodes.map((n) => n.uniqueId)].sort());
    expect(data.nodes).toHaveLength(8);
    expect(data.projectName).toBe('p');
    expect(data.generatedAt).toBe('2024-01-01T00:00:00.000Z');
  });

  it('links lineage parents and children, leaving tests out of the lineage', () => {
    expect(byId.get('model.p.stg_orders')!.parents).toEqual(['source.p.raw.orders']);
    expect(byId.get('model.p.stg_orders')!.children).toEqual(['model.p.int_orders']);
    expect(byId.get('source.p.raw.orders')!.children).toEqual(['model.p.stg_orders']);
    expect(byId.get('seed.p.codes')!.children).toEqual(['model.p.int_orders']);
    expect(byId.get('model.p.int_orders')!.parents).toEqual(['model.p.stg_orders', 'seed.p.codes']);
    expect(byId.get('model.p.stg_orders')!.testIds).toEqual(['test.p.not_null_stg_orders_Order_Id', 'test.p.unique_stg_orders_order_id']);
    expect(byId.get('model.p.fct_orders')!.testIds).toEqual(['unit_test.p.fct_orders.t1']);
    expect(byId.get('test.p.unique_stg_orders_order_id')!.parents).toEqual(['model.p.stg_orders']);
  });

  it('merges catalog and documented columns, with column tests matched case-insensitively', () => {
    expect(byId.get('model.p.stg_orders')!.columns).toEqual([
      { name: 'order_id', type: 'INTEGER', description: 'The key', tests: ['test.p.not_null_stg_orders_Order_Id', 'test.p.unique_stg_orders_order_id'] },
      { name: 'amount', type: 'DECIMAL(10,2)', description: '', tests: [] },
      { name: 'note', description: 'Only in YAML', tests: [] },
    ]);
  });

  it('carries relation, materialization, code, config and test info', () => {
    const stg = byId.get('model.p.stg_orders')!;
    expect(stg.relation).toBe('main.stg_orders');
    expect(stg.materialized).toBe('view');
    expect(stg.rawCode).toBe('select 1 -- stg_orders');
    expect(stg.compiledCode).toBe('select 1 from raw.orders');
    expect(stg.description).toBe('Orders </script>');
    expect(byId.get('model.p.int_orders')!.relation).toBeUndefined(); // ephemeral
    expect(byId.get('model.p.fct_orders')!.config).toMatchObject({ materialized: 'table', tags: ['daily'], meta: { owner: 'x' } });
    expect(byId.get('source.p.raw.orders')).toMatchObject({ sourceName: 'raw', relation: 'raw.orders' });
    expect(byId.get('source.p.raw.orders')).not.toHaveProperty('materialized');
    expect(byId.get('test.p.unique_stg_orders_order_id')!.test).toEqual({
      kind: 'generic', testName: 'unique', columnName: 'order_id', attachedNode: 'model.p.stg_orders', kwargs: { column_name: 'order_id' },
    });
    const unit = byId.get('unit_test.p.fct_orders.t1')!;
    expect(unit.test).toEqual({ kind: 'unit', testName: 't1', attachedNode: 'model.p.fct_orders' });
    expect(JSON.parse(unit.rawCode!)).toMatchObject({ model: 'model.p.fct_orders', expect: { rows: [{ a: 1 }] } });
    expect(data.runResults).toEqual({ 'test.p.unique_stg_orders_order_id': { status: 'fail', executionTime: 0.1, failures: 2 } });
  });

  it('takes parents from the graph when given, and survives JSON round trips', () => {
    const d = buildDocsData(manifest(), { parents: new Map([['model.p.fct_orders', ['model.p.stg_orders', 'model.p.missing']]]) });
    const fct = d.nodes.find((n) => n.uniqueId === 'model.p.fct_orders')!;
    expect(fct.parents).toEqual(['model.p.stg_orders']);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

describe('run_results.json readers', () => {
  const json = {
    results: [
      { unique_id: 'model.p.a', status: 'success', execution_time: 1.5, message: null, failures: null, compiled_code: 'select 1' },
      { unique_id: 'test.p.t', status: 'fail', execution_time: 0.2, message: 'Got 3 results', failures: 3, compiled_code: null },
      { status: 'pass' },
    ],
  };

  it('reads statuses, timings, messages and failures by unique id', () => {
    expect(Object.fromEntries(runResultsFromJson(json))).toEqual({
      'model.p.a': { status: 'success', executionTime: 1.5 },
      'test.p.t': { status: 'fail', executionTime: 0.2, message: 'Got 3 results', failures: 3 },
    });
    expect(runResultsFromJson('nonsense').size).toBe(0);
  });

  it('reads compiled code', () => {
    expect(Object.fromEntries(compiledFromRunResults(json))).toEqual({ 'model.p.a': 'select 1' });
  });
});
