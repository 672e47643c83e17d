import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';

import { type BmpError, UsageError } from '../errors.js';
import type { ManifestNode, NodeConfig, TestMetadata } from '../manifest/types.js';
import { type SelectionCriteria, selectNodes } from './select-nodes.js';

// ---------------------------------------------------------------------------------------------
// A tiny node factory: the resource type, package and name come from the unique id.

interface NodeOpts {
  readonly fqn?: readonly string[];
  readonly file?: string;
  readonly tags?: readonly string[];
  readonly config?: Readonly<Record<string, unknown>>;
  readonly patchPath?: string;
  readonly test?: Partial<TestMetadata> & { readonly name: string };
  readonly singular?: boolean;
  readonly model?: string;
}

function makeNode(uniqueId: string, o: NodeOpts = {}): ManifestNode {
  const [resourceType, packageName, ...rest] = uniqueId.split('.') as [ManifestNode['resourceType'], string, ...string[]];
  const name = resourceType === 'test' ? rest[0]! : rest[rest.length - 1]!;
  const config: NodeConfig = {
    enabled: true,
    materialized: resourceType === 'test' ? 'test' : 'view',
    tags: o.tags ?? [],
    meta: {},
    pre_hook: [],
    post_hook: [],
    ...o.config,
  };
  const base = {
    uniqueId,
    resourceType,
    name,
    packageName,
    originalFilePath: o.file ?? `models/${name}.sql`,
    path: `${name}.sql`,
    fqn: o.fqn ?? [packageName, name],
    description: '',
    config,
    tags: o.tags ?? [],
    meta: {},
    columns: {},
    checksum: 'x',
    ...(o.patchPath !== undefined && { patchPath: o.patchPath }),
  };
  const dependsOn = { nodes: [], macros: [] };
  switch (resourceType) {
    case 'source':
      return { ...base, resourceType, sourceName: rest[0]!, sourceDescription: '', identifier: name };
    case 'seed':
      return { ...base, resourceType, absolutePath: `/p/${o.file}`, dependsOn };
    case 'unit_test':
      return { ...base, resourceType, model: o.model!, given: [], expect: { format: 'dict' }, overrides: {}, dependsOn };
    default: {
      const testMetadata: TestMetadata | undefined = o.test
        ? { kwargs: {}, testType: 'generic', ...o.test }
        : o.singular
          ? { name, kwargs: {}, testType: 'singular' }
          : undefined;
      return {
        ...base,
        resourceType: resourceType as 'model',
        rawCode: 'select 1',
        refs: [],
        sources: [],
        dependsOn,
        ...(testMetadata && { testMetadata }),
      };
    }
  }
}

type Graph = DirectedGraph<{ node: ManifestNode }>;

function makeGraph(nodes: readonly ManifestNode[], edges: readonly (readonly [string, string])[]): Graph {
  const g: Graph = new DirectedGraph();
  for (const node of nodes) g.addNode(node.uniqueId, { node });
  for (const [from, to] of edges) g.addDirectedEdge(from, to);
  return g;
}

// ---------------------------------------------------------------------------------------------
// The main fixture: a small shop project plus one node from a `utils` package.

const S_ORD = 'source.shop.raw.orders';
const S_CUS = 'source.shop.raw.customers';
const SEED = 'seed.shop.countries';
const STG_O = 'model.shop.stg_orders';
const STG_C = 'model.shop.stg_customers';
const ORD = 'model.shop.orders';
const CUS = 'model.shop.customers';
const REV = 'model.shop.revenue';
const REP = 'model.shop.report';
const UTIL = 'model.utils.util_dates';
const SNAP = 'snapshot.shop.orders_snapshot';
const ANA = 'analysis.shop.adhoc';
const T_NN = 'test.shop.not_null_orders_id.a1';
const T_UQ = 'test.shop.unique_stg_orders_id.b2';
const T_SRC = 'test.shop.source_not_null_raw_orders_id.c3';
const T_EXPR = 'test.shop.dbt_utils_expression_is_true_revenue.d4';
const T_SING = 'test.shop.assert_revenue_positive';
const UNIT = 'unit_test.shop.orders.test_orders_math';

const shop = makeGraph(
  [
    makeNode(S_ORD, { fqn: ['shop', 'staging', 'raw', 'orders'], file: 'models/staging/_sources.yml', tags: ['raw'] }),
    makeNode(S_CUS, { fqn: ['shop', 'staging', 'raw', 'customers'], file: 'models/staging/_sources.yml' }),
    makeNode(SEED, { file: 'seeds/countries.csv', config: { materialized: 'seed' } }),
    makeNode(STG_O, { fqn: ['shop', 'staging', 'stg_orders'], file: 'models/staging/stg_orders.sql', tags: ['staging'] }),
    makeNode(STG_C, { fqn: ['shop', 'staging', 'stg_customers'], file: 'models/staging/stg_customers.sql', tags: ['staging'] }),
    makeNode(ORD, {
      fqn: ['shop', 'marts', 'orders'],
      file: 'models/marts/orders.sql',
      patchPath: 'shop://models/marts/_marts.yml',
      tags: ['nightly', 'finance'],
      config: { materialized: 'table', access: 'public', meta: { owner: 'ana' }, contract: { enforced: false } },
    }),
    makeNode(CUS, { fqn: ['shop', 'marts', 'customers'], file: 'models/marts/customers.sql', tags: ['nightly'], config: { materialized: 'table' } }),
    makeNode(REV, {
      fqn: ['shop', 'marts', 'finance', 'revenue'],
      file: 'models/marts/finance/revenue.sql',
      tags: ['finance'],
      config: { materialized: 'incremental', group: 'finance', meta: { owner: 'bo' } },
    }),
    makeNode(REP, { file: 'models/report.sql' }),
    makeNode(UTIL, { file: 'models/util_dates.sql' }),
    makeNode(SNAP, { file: 'snapshots/orders_snapshot.sql', config: { materialized: 'snapshot' } }),
    makeNode(ANA, { fqn: ['shop', 'analysis', 'adhoc'], file: 'analyses/adhoc.sql' }),
    makeNode(T_NN, {
      fqn: ['shop', 'marts', 'not_null_orders_id'],
      file: 'models/marts/_marts.yml',
      test: { name: 'not_null' },
      config: { severity: 'warn' },
    }),
    makeNode(T_UQ, { fqn: ['shop', 'staging', 'unique_stg_orders_id'], file: 'models/staging/_schema.yml', test: { name: 'unique' } }),
    makeNode(T_SRC, {
      fqn: ['shop', 'staging', 'source_not_null_raw_orders_id'],
      file: 'models/staging/_sources.yml',
      test: { name: 'not_null' },
    }),
    makeNode(T_EXPR, {
      fqn: ['shop', 'marts', 'finance', 'dbt_utils_expression_is_true_revenue'],
      file: 'models/marts/finance/_finance.yml',
      test: { name: 'expression_is_true', namespace: 'dbt_utils' },
    }),
    makeNode(T_SING, { file: 'tests/assert_revenue_positive.sql', singular: true }),
    makeNode(UNIT, { fqn: ['shop', 'marts', 'orders', 'test_orders_math'], file: 'models/marts/_marts.yml', model: ORD }),
  ],
  [
    [S_ORD, STG_O],
    [S_CUS, STG_C],
    [SEED, STG_C],
    [STG_O, ORD],
    [STG_C, ORD],
    [STG_C, CUS],
    [ORD, REV],
    [UTIL, REV],
    [REV, REP],
    [CUS, REP],
    [STG_O, SNAP],
    [ORD, ANA],
    [ORD, T_NN],
    [STG_O, T_UQ],
    [S_ORD, T_SRC],
    [REV, T_EXPR],
    [REV, T_SING],
    [ORD, UNIT],
  ],
);

const ALL = shop.nodes();
const SOURCES = [S_ORD, S_CUS];
const without = (ids: readonly string[], drop: readonly string[]) => ids.filter((id) => !drop.includes(id));
const sorted = (ids: Iterable<string>) => [...ids].sort();

/** Selects with indirect selection off, so each method's own matches show. */
function pick(select: string | readonly string[], more: SelectionCriteria = {}, graph: Graph = shop): string[] {
  return sorted(selectNodes(graph, { select: typeof select === 'string' ? [select] : select, indirectSelection: 'empty', ...more }));
}

function thrown(fn: () => unknown): BmpError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as BmpError;
  }
  throw new Error('expected an error');
}

// ---------------------------------------------------------------------------------------------

describe('selectNodes: defaults', () => {
  it('selects every node, in graph order, when nothing is selected', () => {
    expect([...selectNodes(shop, {})]).toEqual(ALL);
    expect([...selectNodes(shop, { select: [] })]).toEqual(ALL);
    expect([...selectNodes(shop)]).toEqual(ALL);
  });

  it('returns results in graph order', () => {
    expect([...selectNodes(shop, { select: ['revenue stg_orders orders'], indirectSelection: 'empty' })]).toEqual([STG_O, ORD, REV]);
  });

  it('+exposure:x and @metric:x select what the resource depends on (through semantic models); the resource itself runs nothing', () => {
    const resources = [
      { uniqueId: 'exposure.shop.dash', resourceType: 'exposure', name: 'dash', packageName: 'shop', dependsOn: [ORD] },
      { uniqueId: 'semantic_model.shop.sm', resourceType: 'semantic_model', name: 'sm', packageName: 'shop', dependsOn: [CUS] },
      { uniqueId: 'metric.shop.revenue_metric', resourceType: 'metric', name: 'revenue_metric', packageName: 'shop', dependsOn: ['semantic_model.shop.sm'] },
    ];
    const sel = (s: string) => [...selectNodes(shop, { select: [s], indirectSelection: 'empty', resources })].sort();
    expect(sel('exposure:dash')).toEqual([]);
    expect(sel('1+exposure:dash')).toEqual([ORD]);
    expect(sel('+exposure:dash')).toEqual([...selectNodes(shop, { select: ['+orders'], indirectSelection: 'empty' })].sort());
    expect(sel('+metric:revenue_*')).toEqual([...selectNodes(shop, { select: ['+customers'], indirectSelection: 'empty' })].sort());
    expect(sel('+exposure:shop.dash')).toEqual(sel('+exposure:dash'));
    expect(sel('+exposure:nope')).toEqual([]);
  });

  it('returns an empty set when nothing matches', () => {
    expect(selectNodes(shop, { select: ['no_such_model'] }).size).toBe(0);
    expect(selectNodes(shop, { select: ['exposure:x metric:x semantic_model:x saved_query:x'] }).size).toBe(0);
  });

  it('throws the parse errors of select and exclude', () => {
    expect(thrown(() => selectNodes(shop, { select: ['tagg:x'] })).code).toBe('BMP_SELECTOR_UNKNOWN_METHOD');
    expect(thrown(() => selectNodes(shop, { exclude: ['tag:'] })).code).toBe('BMP_SELECTOR_INVALID');
  });
});

describe('selectNodes: the default (bare name) and fqn methods', () => {
  it('matches a node name', () => {
    expect(pick('orders')).toEqual([ORD]);
    expect(pick('util_dates')).toEqual([UTIL]);
  });

  it('matches fqn folders and dotted paths, with or without the package', () => {
    expect(pick('staging')).toEqual(sorted([STG_O, STG_C, T_UQ, T_SRC]));
    expect(pick('marts.finance')).toEqual(sorted([REV, T_EXPR]));
    expect(pick('shop.marts.finance.revenue')).toEqual([REV]);
    expect(pick('marts.finance.revenue')).toEqual([REV]);
    expect(pick('fqn:utils.util_dates')).toEqual([UTIL]);
    expect(pick('marts.revenue')).toEqual([]);
  });

  it('selects every non-source node of a project by its name', () => {
    expect(pick('shop')).toEqual(sorted(without(ALL, [...SOURCES, UTIL])));
    expect(pick('utils')).toEqual([UTIL]);
  });

  it('matches globs against the fqn and the node name', () => {
    expect(pick('stg_*')).toEqual(sorted([STG_O, STG_C]));
    expect(pick('marts.*')).toEqual(sorted([ORD, CUS, REV, T_NN, T_EXPR, UNIT]));
    expect(pick('*')).toEqual(sorted(without(ALL, SOURCES)));
    expect(pick('[oc]*')).toEqual(sorted([ORD, CUS, SEED, SNAP]));
    expect(pick('stg_[!o]*')).toEqual([STG_C]);
    expect(pick('stg_[^o]*')).toEqual([STG_C]);
    expect(pick('customer?')).toEqual([CUS]);
  });

  it('uses the path method for values with a slash and file for file names', () => {
    expect(pick('models/marts/finance')).toEqual(sorted([REV, T_EXPR]));
    expect(pick('revenue.sql')).toEqual([REV]);
    expect(pick('countries.csv')).toEqual([SEED]);
  });
});

describe('selectNodes: methods', () => {
  it('tag:', () => {
    expect(pick('tag:nightly')).toEqual(sorted([ORD, CUS]));
    expect(pick('tag:fin*')).toEqual(sorted([ORD, REV]));
    expect(pick('tag:raw')).toEqual([S_ORD]);
    expect(pick('tag:none')).toEqual([]);
  });

  it('path: folders, files, globs, properties files', () => {
    expect(pick('path:models/staging')).toEqual(sorted([S_ORD, S_CUS, STG_O, STG_C, T_UQ, T_SRC]));
    expect(pick('path:./models/staging/')).toEqual(pick('path:models/staging'));
    expect(pick('path:models/marts/*.sql')).toEqual(sorted([ORD, CUS]));
    expect(pick('path:models/**/revenue.sql')).toEqual([REV]);
    expect(pick('path:models/marts/_marts.yml')).toEqual(sorted([ORD, T_NN, UNIT]));
    expect(pick('path:models/mart')).toEqual([]);
    expect(pick('path:seeds')).toEqual([SEED]);
    expect(pick('path:models')).toEqual(sorted(without(ALL, [SEED, SNAP, ANA, T_SING])));
  });

  it('file: by file name or stem', () => {
    expect(pick('file:orders.sql')).toEqual([ORD]);
    expect(pick('file:orders')).toEqual([ORD]);
    expect(pick('file:*.csv')).toEqual([SEED]);
    expect(pick('file:_sources.yml')).toEqual(sorted([S_ORD, S_CUS, T_SRC]));
  });

  it('config.<key>: strings, nested keys, lists, booleans, severity', () => {
    expect(pick('config.materialized:table')).toEqual(sorted([ORD, CUS]));
    expect(pick('config.materialized:incremental')).toEqual([REV]);
    expect(pick('config.meta.owner:ana')).toEqual([ORD]);
    expect(pick('config.tags:nightly')).toEqual(sorted([ORD, CUS]));
    expect(pick('config.contract.enforced:false')).toEqual([ORD]);
    expect(pick('config.contract.enforced:FALSE')).toEqual([ORD]);
    expect(pick('config.enabled:true')).toEqual(sorted(ALL));
    expect(pick('config.enabled:false')).toEqual([]);
    expect(pick('config.severity:WARN')).toEqual([T_NN]);
    expect(pick('config.materialized:TABLE')).toEqual([]);
    expect(pick('config.no_such_key:x')).toEqual([]);
  });

  it('resource_type:', () => {
    expect(pick('resource_type:model')).toEqual(sorted([STG_O, STG_C, ORD, CUS, REV, REP, UTIL]));
    expect(pick('resource_type:seed')).toEqual([SEED]);
    expect(pick('resource_type:source')).toEqual(sorted(SOURCES));
    expect(pick('resource_type:snapshot')).toEqual([SNAP]);
    expect(pick('resource_type:analysis')).toEqual([ANA]);
    expect(pick('resource_type:test')).toEqual(sorted([T_NN, T_UQ, T_SRC, T_EXPR, T_SING]));
    expect(pick('resource_type:unit_test')).toEqual([UNIT]);
    expect(pick('resource_type:exposure')).toEqual([]);
  });

  it('test_type:', () => {
    expect(pick('test_type:generic')).toEqual(sorted([T_NN, T_UQ, T_SRC, T_EXPR]));
    expect(pick('test_type:schema')).toEqual(pick('test_type:generic'));
    expect(pick('test_type:singular')).toEqual([T_SING]);
    expect(pick('test_type:data')).toEqual(sorted([T_NN, T_UQ, T_SRC, T_EXPR, T_SING]));
    expect(pick('test_type:unit')).toEqual([UNIT]);
  });

  it('test_name:', () => {
    expect(pick('test_name:not_null')).toEqual(sorted([T_NN, T_SRC]));
    expect(pick('test_name:uni*')).toEqual([T_UQ]);
    expect(pick('test_name:expression_is_true')).toEqual([T_EXPR]);
    expect(pick('test_name:dbt_utils.expression_is_true')).toEqual([T_EXPR]);
    expect(pick('test_name:test_orders_math')).toEqual([UNIT]);
    expect(pick('test_name:assert_revenue_positive')).toEqual([]);
  });

  it('package:', () => {
    expect(pick('package:utils')).toEqual([UTIL]);
    expect(pick('package:sh*')).toEqual(sorted(without(ALL, [UTIL])));
    expect(pick('package:this', { projectName: 'utils' })).toEqual([UTIL]);
  });

  it('source:', () => {
    expect(pick('source:raw')).toEqual(sorted(SOURCES));
    expect(pick('source:raw.orders')).toEqual([S_ORD]);
    expect(pick('source:raw.cust*')).toEqual([S_CUS]);
    expect(pick('source:*.customers')).toEqual([S_CUS]);
    expect(pick('source:shop.raw.customers')).toEqual([S_CUS]);
    expect(pick('source:utils.raw.customers')).toEqual([]);
    expect(pick('source:stripe')).toEqual([]);
  });

  it('unit_test:, group:, access:, version:', () => {
    expect(pick('unit_test:test_orders_math')).toEqual([UNIT]);
    expect(pick('unit_test:shop.test_*')).toEqual([UNIT]);
    expect(pick('unit_test:utils.test_*')).toEqual([]);
    expect(pick('group:finance')).toEqual([REV]);
    expect(pick('access:public')).toEqual([ORD]);
    expect(pick('access:protected')).toEqual(sorted([STG_O, STG_C, CUS, REV, REP, UTIL]));
    expect(pick('version:none')).toEqual(pick('resource_type:model'));
    expect(pick('version:latest')).toEqual([]);
  });
});

describe('selectNodes: graph operators', () => {
  it('+m selects all ancestors, N+m up to N generations', () => {
    expect(pick('+orders')).toEqual(sorted([ORD, STG_O, STG_C, S_ORD, S_CUS, SEED]));
    expect(pick('1+orders')).toEqual(sorted([ORD, STG_O, STG_C]));
    expect(pick('2+revenue')).toEqual(sorted([REV, ORD, UTIL, STG_O, STG_C]));
    expect(pick('0+orders')).toEqual([ORD]);
  });

  it('m+ selects all descendants (tests included), m+N up to N generations', () => {
    expect(pick('orders+')).toEqual(sorted([ORD, REV, REP, ANA, T_NN, UNIT, T_EXPR, T_SING]));
    expect(pick('orders+1')).toEqual(sorted([ORD, REV, ANA, T_NN, UNIT]));
    expect(pick('orders+0')).toEqual([ORD]);
    expect(pick('1+revenue+1')).toEqual(sorted([REV, ORD, UTIL, REP, T_EXPR, T_SING]));
  });

  it('applies operators to every node a method matched', () => {
    expect(pick('tag:staging+1')).toEqual(sorted([STG_O, STG_C, ORD, CUS, SNAP, T_UQ]));
    expect(pick('+tag:nightly')).toEqual(sorted([ORD, CUS, STG_O, STG_C, S_ORD, S_CUS, SEED]));
  });

  it('@m selects m, its descendants and all their ancestors', () => {
    expect(pick('@customers')).toEqual(sorted([CUS, REP, STG_C, S_CUS, SEED, REV, ORD, UTIL, STG_O, S_ORD]));
    expect(pick('@report')).toEqual(pick('+report'));
  });
});

describe('selectNodes: set operators', () => {
  it('unions list items and space-separated words', () => {
    expect(pick(['orders customers', 'revenue'])).toEqual(sorted([ORD, CUS, REV]));
  });

  it('intersects comma-separated atoms', () => {
    expect(pick('tag:nightly,config.materialized:table')).toEqual(sorted([ORD, CUS]));
    expect(pick('tag:finance,config.materialized:table')).toEqual([ORD]);
    expect(pick('+orders,tag:staging')).toEqual(sorted([STG_O, STG_C]));
    expect(pick(['tag:finance,marts.finance customers'])).toEqual(sorted([REV, CUS]));
  });

  it('subtracts --exclude, which always expands eagerly to attached tests', () => {
    expect(pick('shop', { exclude: ['staging'] })).toEqual(
      sorted([SEED, ORD, CUS, REV, REP, SNAP, ANA, T_NN, T_EXPR, T_SING, UNIT]),
    );
    expect(sorted(selectNodes(shop, { exclude: ['tag:nightly'] }))).toEqual(sorted(without(ALL, [ORD, CUS, T_NN, UNIT])));
    expect(sorted(selectNodes(shop, { select: ['orders'], exclude: ['orders'] }))).toEqual([]);
    expect(pick('orders+', { exclude: ['test_type:data', 'analysis'] })).toEqual(sorted([ORD, REV, REP, UNIT]));
  });

  it('filters the final set by resource type', () => {
    expect(pick('orders+', { resourceTypes: ['model'] })).toEqual(sorted([ORD, REV, REP]));
    expect(sorted(selectNodes(shop, { select: ['orders'], resourceTypes: ['test', 'unit_test'] }))).toEqual(sorted([T_NN, UNIT]));
    expect(pick('orders', { resourceTypes: [] })).toEqual([ORD]);
  });
});

// ---------------------------------------------------------------------------------------------
// Indirect selection, on a graph built for it: a → b, c alone, a source nothing reads.

const A = 'model.p.a';
const B = 'model.p.b';
const C = 'model.p.c';
const REFUNDS = 'source.p.raw.refunds';
const T_A = 'test.p.not_null_a_id.1';
const T_AB = 'test.p.relationships_a_b.2';
const T_AC = 'test.p.relationships_a_c.3';
const T_AR = 'test.p.relationships_a_refunds.4';
const U_B = 'unit_test.p.b.test_b';

const tiny = makeGraph(
  [
    makeNode(REFUNDS),
    makeNode(A),
    makeNode(B),
    makeNode(C),
    makeNode(T_A, { test: { name: 'not_null' } }),
    makeNode(T_AB, { test: { name: 'relationships' } }),
    makeNode(T_AC, { test: { name: 'relationships' } }),
    makeNode(T_AR, { test: { name: 'relationships' } }),
    makeNode(U_B, { model: B }),
  ],
  [
    [A, B],
    [A, T_A],
    [A, T_AB],
    [B, T_AB],
    [A, T_AC],
    [C, T_AC],
    [A, T_AR],
    [REFUNDS, T_AR],
    [B, U_B],
  ],
);

function indirect(select: readonly string[], mode: SelectionCriteria['indirectSelection'], more: SelectionCriteria = {}): string[] {
  return sorted(selectNodes(tiny, { select, ...(mode && { indirectSelection: mode }), ...more }));
}

describe('selectNodes: indirect selection', () => {
  it('eager (the default) adds every test with a selected parent', () => {
    expect(indirect(['a'], undefined)).toEqual(sorted([A, T_A, T_AB, T_AC, T_AR]));
    expect(indirect(['a'], 'eager')).toEqual(indirect(['a'], undefined));
    expect(indirect(['b'], 'eager')).toEqual(sorted([B, T_AB, U_B]));
  });

  it('cautious adds a test only when all its parents are selected', () => {
    expect(indirect(['a'], 'cautious')).toEqual(sorted([A, T_A]));
    expect(indirect(['b'], 'cautious')).toEqual(sorted([B, U_B]));
    expect(indirect(['a c'], 'cautious')).toEqual(sorted([A, C, T_A, T_AC]));
    expect(indirect(['a', 'b'], 'cautious')).toEqual(sorted([A, B, T_A, T_AB, U_B]));
    expect(indirect(['a,c'], 'cautious')).toEqual([]);
  });

  it('buildable also accepts parents upstream of the selection, and sources', () => {
    expect(indirect(['b'], 'buildable')).toEqual(sorted([B, T_AB, U_B]));
    expect(indirect(['a'], 'buildable')).toEqual(sorted([A, T_A, T_AR]));
    expect(indirect(['a c'], 'buildable')).toEqual(sorted([A, C, T_A, T_AC, T_AR]));
  });

  it('empty adds no tests, but keeps tests reached directly', () => {
    expect(indirect(['a'], 'empty')).toEqual([A]);
    expect(indirect(['a+'], 'empty')).toEqual(sorted([A, B, T_A, T_AB, T_AC, T_AR, U_B]));
    expect(indirect(['test_type:unit'], 'empty')).toEqual([U_B]);
    expect(indirect(['not_null_a_id'], 'cautious')).toEqual([T_A]);
  });

  it('keeps excluded tests out, whatever the mode', () => {
    expect(indirect(['a b'], 'eager', { exclude: ['b'] })).toEqual(sorted([A, T_A, T_AC, T_AR]));
    expect(indirect(['a b'], 'eager', { exclude: ['relationships_a_b'] })).toEqual(sorted([A, B, T_A, T_AC, T_AR, U_B]));
    expect(indirect(['a b'], 'cautious', { exclude: ['c'] })).toEqual(sorted([A, B, T_A, T_AB, U_B]));
    expect(indirect(['a'], 'eager', { exclude: ['test_type:data'] })).toEqual([A]);
  });

  it('uses the model under test as the only parent of a unit test', () => {
    const g = tiny.copy() as Graph;
    g.addDirectedEdge(C, U_B); // e.g. a fixture input: does not make c a parent for indirect selection
    expect(sorted(selectNodes(g, { select: ['c'], indirectSelection: 'eager' }))).toEqual(sorted([C, T_AC]));
    expect(sorted(selectNodes(g, { select: ['b'], indirectSelection: 'cautious' }))).toEqual(sorted([B, U_B]));
  });
});
