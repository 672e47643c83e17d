import { describe, expect, it } from 'vitest';
import type { DocsNode, DocsRunResult } from '../types.js';
import { displayName, health, matKey, siteOf, statusClass, testStatus } from './nodes.js';

function node(id: string, extra: Partial<DocsNode> = {}): DocsNode {
  const [resourceType, , ...rest] = id.split('.');
  return {
    uniqueId: id, resourceType: resourceType!, name: rest.join('.'), packageName: 'p', path: '', description: '',
    config: {}, tags: [], columns: [], parents: [], children: [], testIds: [], ...extra,
  };
}
const ran = (status: string): DocsRunResult => ({ status, executionTime: 0 });

describe('nodes', () => {
  it('names sources with their source name', () => {
    expect(displayName(node('source.p.orders', { sourceName: 'raw' }))).toBe('raw.orders');
    expect(displayName(node('model.p.orders'))).toBe('orders');
  });

  it('colours models by materialization and everything else by resource type, unknowns as other', () => {
    expect(matKey(node('model.p.a', { materialized: 'incremental' }))).toBe('incremental');
    expect(matKey(node('model.p.a', { materialized: 'my_custom' }))).toBe('other');
    expect(matKey(node('model.p.a'))).toBe('other');
    expect(matKey(node('seed.p.a'))).toBe('seed');
    expect(matKey(node('exposure.p.a'))).toBe('other');
  });

  it('takes the worst test result (fail > warn > pass), and the node\'s own failure before its tests', () => {
    const n = node('model.p.a', { testIds: ['t1', 't2', 't3'] });
    expect(testStatus(n, {})).toBeNull();
    expect(testStatus(n, { t1: ran('pass'), t2: ran('warn') })).toBe('warn');
    expect(testStatus(n, { t1: ran('error'), t2: ran('warn'), t3: ran('success') })).toBe('fail');
    expect(testStatus(n, { t3: ran('skipped') })).toBeNull();
    expect(health(n, { 'model.p.a': ran('error'), t1: ran('pass') })).toBe('error');
    expect(health(n, { 'model.p.a': ran('skipped'), t1: ran('warn') })).toBe('warn');
    expect(health(n, { 'model.p.a': ran('skipped') })).toBe('skipped');
    expect(health(n, { 'model.p.a': ran('success') })).toBeNull();
    expect([statusClass('success'), statusClass('warn'), statusClass('error'), statusClass(undefined)]).toEqual(['ok', 'warn', 'bad', 'muted']);
  });

  it('indexes the payload: lineage nodes for the graph, run results defaulting to none', () => {
    const nodes = [node('model.p.a'), node('test.p.t'), node('source.p.s'), node('unit_test.p.u')];
    const site = siteOf({ data: { projectName: 'p', generatedAt: '', nodes }, overview: { positions: {}, depth: {} } });
    expect(site.graphNodes.map((n) => n.uniqueId)).toEqual(['model.p.a', 'source.p.s']);
    expect(site.byId.get('test.p.t')).toBe(nodes[1]);
    expect(site.run).toEqual({});
    expect(site.grouped).toBe(false);
    expect(siteOf({ data: { projectName: 'p', generatedAt: '', nodes }, overview: { positions: {}, depth: {}, groups: [], groupOf: {} } }).grouped).toBe(true);
  });
});
