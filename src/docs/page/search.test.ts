import { describe, expect, it } from 'vitest';
import type { DocsNode } from '../types.js';
import { filterOf, matchScore, search, searchIndex } from './search.js';

function node(id: string, extra: Partial<DocsNode> = {}): DocsNode {
  const [resourceType, , ...rest] = id.split('.');
  const name = rest.join('.');
  return {
    uniqueId: id, resourceType: resourceType!, name, packageName: 'p', path: `models/${name}.sql`, description: '',
    config: {}, tags: [], columns: [], parents: [], children: [], testIds: [], ...extra,
  };
}

const NODES = [
  node('test.p.not_null_orders_id'),
  node('model.p.orders', { description: 'One row per order.', columns: [{ name: 'customer_id', description: '', tests: [] }] }),
  node('model.p.stg_orders', { tags: ['staging'] }),
  node('source.p.raw.orders', { name: 'orders', sourceName: 'raw', relation: 'raw.orders_table' }),
  node('seed.p.countries'),
  node('unit_test.p.orders_ut'),
];

describe('searchIndex', () => {
  it('lists by resource type (models, sources, seeds, ..., tests), then by display name', () => {
    expect(searchIndex(NODES).map((e) => e.name)).toEqual(['orders', 'stg_orders', 'raw.orders', 'countries', 'not_null_orders_id', 'orders_ut']);
  });
});

describe('matchScore', () => {
  const entry = (id: string) => searchIndex(NODES).find((e) => e.n.uniqueId === id)!;

  it('ranks exact name < name prefix < inside the name < elsewhere, summed over terms; -1 when a term matches nothing', () => {
    expect(matchScore(entry('model.p.orders'), ['orders'])).toBe(0);
    expect(matchScore(entry('model.p.stg_orders'), ['stg'])).toBe(1);
    expect(matchScore(entry('model.p.stg_orders'), ['orders'])).toBe(2);
    expect(matchScore(entry('model.p.orders'), ['customer_id'])).toBe(4);
    expect(matchScore(entry('model.p.stg_orders'), ['staging', 'stg'])).toBe(5);
    expect(matchScore(entry('model.p.orders'), ['orders', 'nowhere'])).toBe(-1);
  });

  it('searches the relation, description and the source name', () => {
    expect(matchScore(entry('source.p.raw.orders'), ['orders_table'])).toBe(4);
    expect(matchScore(entry('source.p.raw.orders'), ['raw.'])).toBe(1);
    expect(matchScore(entry('model.p.orders'), ['per'])).toBe(4);
  });
});

describe('search', () => {
  const index = searchIndex(NODES);

  it('without terms: everything in list order, counted per filter (unit tests count as tests)', () => {
    const r = search(index, '  ', 'all');
    expect(r.ranked).toBe(false);
    expect(r.hits.map((h) => h.e.n.uniqueId)).toEqual(index.map((e) => e.n.uniqueId));
    expect(r.counts).toEqual({ all: 6, model: 2, source: 1, seed: 1, test: 2 });
    expect(filterOf(node('analysis.p.a'))).toBe('analysis');
    // exposures, metrics, semantic models, saved queries and groups share one filter
    expect(filterOf(node('exposure.p.e'))).toBe('exposure');
    expect(filterOf(node('metric.p.m'))).toBe('exposure');
  });

  it('with terms: best first (ties keep list order), case-insensitive; the type filter limits hits, not counts', () => {
    const r = search(index, 'ORDERS', 'all');
    expect(r.ranked).toBe(true);
    expect(r.hits.map((h) => [h.e.n.uniqueId, h.s])).toEqual([
      ['model.p.orders', 0], ['unit_test.p.orders_ut', 1], ['model.p.stg_orders', 2], ['source.p.raw.orders', 2], ['test.p.not_null_orders_id', 2],
    ]);
    const tests = search(index, 'orders', 'test');
    expect(tests.hits.map((h) => h.e.n.uniqueId)).toEqual(['unit_test.p.orders_ut', 'test.p.not_null_orders_id']);
    expect(tests.counts).toEqual(r.counts);
    expect(r.counts).toEqual({ all: 5, model: 2, source: 1, test: 2 });
  });
});
