import { describe, expect, it } from 'vitest';
import type { DocsNode } from '../types.js';
import { AUTO_LIMIT, bfsLayers, resolveDepths } from './depths.js';

/** A chain a <- b <- c <- d plus a wide fan of e_i under d, and an edge to a node not in the data. */
function graph(fan: number): Map<string, DocsNode> {
  const parents: Record<string, string[]> = { a: [], b: ['a'], c: ['b', 'ghost'], d: ['c'] };
  for (let i = 0; i < fan; i++) parents[`e${i}`] = ['d'];
  const m = new Map<string, DocsNode>();
  for (const [id, ps] of Object.entries(parents)) {
    const children = Object.keys(parents).filter((k) => parents[k]!.includes(id));
    m.set(id, { uniqueId: id, resourceType: 'model', name: id, packageName: 'p', path: '', description: '', config: {}, tags: [], columns: [], parents: ps, children, testIds: [] });
  }
  return m;
}

describe('lineage depth', () => {
  it('walks layers breadth-first, each node once, skipping ids not in the data', () => {
    const g = graph(3);
    expect(bfsLayers(g, 'd', 'parents')).toEqual([['c'], ['b'], ['a']]);
    expect(bfsLayers(g, 'b', 'children')).toEqual([['c'], ['d'], ['e0', 'e1', 'e2']]);
    expect(bfsLayers(g, 'a', 'parents')).toEqual([]);
  });

  it('auto grows each side while the total stays within the limit; numbers and all are taken as given', () => {
    const g = graph(AUTO_LIMIT);
    const up = bfsLayers(g, 'c', 'parents');
    const down = bfsLayers(g, 'c', 'children');
    // c, b, a up; d then 80 e's down: the fan would pass the limit, so auto stops before it
    expect(resolveDepths(up, down, 'auto', 'auto')).toEqual({ up: 2, down: 1, maxUp: 2, maxDown: 2 });
    // all 80 e's drawn: the upstream side stays at its first layer
    expect(resolveDepths(up, down, 'auto', 'all')).toEqual({ up: 1, down: 2, maxUp: 2, maxDown: 2 });
    expect(resolveDepths(up, down, '1', '10')).toEqual({ up: 1, down: 2, maxUp: 2, maxDown: 2 });
    expect(resolveDepths(up, down, 'auto', 'auto', 1000)).toEqual({ up: 2, down: 2, maxUp: 2, maxDown: 2 });
    expect(resolveDepths([], [], 'auto', 'auto')).toEqual({ up: 0, down: 0, maxUp: 0, maxDown: 0 });
  });
});
