import { describe, expect, it } from 'vitest';
import { computeOverviewGroups } from './overview-groups.js';
import { computeOverviewLayout, type LayoutInput } from './overview-layout.js';

/** A layered random DAG, the same every run. */
function dag(size: number): LayoutInput[] {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const nodes: LayoutInput[] = [];
  for (let i = 0; i < size; i++) {
    const parents = i < 10 ? [] : [...new Set([0, 1, 2].slice(0, 1 + Math.floor(rand() * 3)).map(() => `n${Math.floor(rand() * i)}`))];
    nodes.push({ uniqueId: `n${i}`, name: `node_${i}`, parents });
  }
  return nodes;
}

describe('computeOverviewLayout', () => {
  it('puts every parent left of its children, depth by longest path, no two nodes on one spot', () => {
    const nodes = dag(800);
    const { positions, depth, width, height } = computeOverviewLayout(nodes);
    const seen = new Set<string>();
    for (const n of nodes) {
      const [x, y] = positions[n.uniqueId]!;
      expect(seen.has(`${x},${y}`)).toBe(false);
      seen.add(`${x},${y}`);
      expect(depth[n.uniqueId]).toBe(n.parents.length ? Math.max(...n.parents.map((p) => depth[p]!)) + 1 : 0);
      for (const p of n.parents) expect(positions[p]![0]).toBeLessThan(x);
      expect(x).toBeLessThanOrEqual(width + 200);
      expect(y).toBeLessThanOrEqual(height);
    }
  });

  it('wraps a wide layer into columns instead of one tall column', () => {
    const nodes = Array.from({ length: 400 }, (_, i) => ({ uniqueId: `s${i}`, name: `s${i}`, parents: [] }));
    const { width, height } = computeOverviewLayout(nodes);
    expect(width / height).toBeGreaterThan(0.8);
  });

  it('ignores unknown parents and survives a cycle', () => {
    const { positions } = computeOverviewLayout([
      { uniqueId: 'a', name: 'a', parents: ['b', 'ghost'] },
      { uniqueId: 'b', name: 'b', parents: ['a'] },
      { uniqueId: 'c', name: 'c', parents: [] },
    ]);
    expect(Object.keys(positions).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('computeOverviewGroups', () => {
  it('groups by folder (sources by source name), splitting big folders by depth', () => {
    const nodes = [
      ...Array.from({ length: 30 }, (_, i) => ({ uniqueId: `source.p.raw.t${i}`, resourceType: 'source', path: 'models/src.yml', sourceName: 'raw' })),
      ...Array.from({ length: 500 }, (_, i) => ({ uniqueId: `model.p.m${i}`, resourceType: 'model', path: `models/marts/m${i}.sql` })),
      { uniqueId: 'seed.p.s', resourceType: 'seed', path: 'seeds/s.csv' },
    ];
    const depth: Record<string, number> = {};
    nodes.forEach((n, i) => (depth[n.uniqueId] = n.resourceType === 'model' ? 1 + Math.floor((i - 30) / 60) : 0));
    const { groups, groupOf } = computeOverviewGroups(nodes, depth, undefined, 100);
    expect(Object.keys(groupOf)).toHaveLength(nodes.length);
    const sizes = new Map<number, number>();
    for (const g of Object.values(groupOf)) sizes.set(g, (sizes.get(g) ?? 0) + 1);
    groups.forEach((g, i) => {
      expect(sizes.get(i)).toBe(g.size);
      expect(g.size).toBeLessThanOrEqual(100);
    });
    expect(groups[groupOf['source.p.raw.t0']!]!.label).toBe('source raw');
    expect(groups[groupOf['seed.p.s']!]!.label).toBe('seeds');
    expect(groups[groupOf['model.p.m0']!]!.label).toBe('marts · depth 1');
    expect(groups.filter((g) => g.folder === 'marts').length).toBeGreaterThanOrEqual(5);
    // Each member's depth lies in its group's range, and group boxes never overlap.
    const spots = new Set(groups.map((g) => `${g.x},${g.y}`));
    expect(spots.size).toBe(groups.length);
    const marts = groups.filter((g) => g.folder === 'marts');
    expect(new Set(marts.map((g) => g.y)).size).toBe(1); // one lane
    expect(marts.map((g) => g.x)).toEqual([...marts.map((g) => g.x)].sort((a, b) => a - b));
  });

  it('splits one huge layer into parts', () => {
    const nodes = Array.from({ length: 250 }, (_, i) => ({ uniqueId: `m${i}`, resourceType: 'model', path: `models/stg/m${i}.sql` }));
    const { groups } = computeOverviewGroups(nodes, {}, undefined, 100);
    expect(groups.map((g) => [g.label, g.size])).toEqual([
      ['stg · depth 0 (1/3)', 84],
      ['stg · depth 0 (2/3)', 84],
      ['stg · depth 0 (3/3)', 82],
    ]);
  });
});
