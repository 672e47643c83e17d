import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { dependencyMap } from '../../src/execute/scheduler.js';
import type { NodeAttributes } from '../../src/graph/index.js';
import type { LoadedProject } from '../../src/tasks/index.js';
import { buildOrdering } from '../../src/tasks/run-task.js';

/** A model chain a -> b -> c with relationships tests that point back upstream (the pipeline's shape). */
function project(): { project: LoadedProject; ids: string[] } {
  const g = new DirectedGraph<NodeAttributes>();
  const nodes = new Map<string, unknown>();
  const add = (id: string, type: string, deps: string[]) => {
    const node = { uniqueId: id, resourceType: type, dependsOn: { nodes: deps }, config: { materialized: 'table' } };
    nodes.set(id, node);
    g.addNode(id, { node: node as never });
  };
  add('m.a', 'model', []);
  add('m.b', 'model', ['m.a']);
  add('m.c', 'model', ['m.b']);
  add('m.d', 'model', ['m.c', 'm.a']);
  add('t.b_rel_a', 'test', ['m.b', 'm.a']);
  add('t.c_rel_a', 'test', ['m.c', 'm.a']);
  add('t.a', 'test', ['m.a']);
  for (const [id, n] of nodes) for (const d of (n as { dependsOn: { nodes: string[] } }).dependsOn.nodes) g.addDirectedEdge(d, id);
  return { project: { graph: g, manifest: { nodes } } as unknown as LoadedProject, ids: [...nodes.keys()] };
}

describe('build ordering', () => {
  it('gates each node on every test whose dependencies are all upstream of it, without cycles', () => {
    const { project: p, ids } = project();
    const { extraEdges, parentsOf } = buildOrdering(p, ids);
    expect(extraEdges.sort()).toEqual(
      [
        ['t.a', 'm.b'],
        ['t.a', 'm.c'],
        ['t.a', 'm.d'],
        ['t.b_rel_a', 'm.c'],
        ['t.b_rel_a', 'm.d'],
        ['t.c_rel_a', 'm.d'],
      ].sort(),
    );
    const deps = dependencyMap(ids, p.graph, extraEdges, parentsOf);
    const seen = new Set<string>();
    const visiting = new Set<string>();
    const visit = (n: string) => {
      expect(visiting.has(n)).toBe(false);
      if (seen.has(n)) return;
      visiting.add(n);
      for (const d of deps.get(n)!) visit(d);
      visiting.delete(n);
      seen.add(n);
    };
    for (const id of ids) visit(id);
  });
});

describe('build ordering of unit tests', () => {
  it("a unit test waits for its model's parents; the model waits for the unit test", () => {
    const g = new DirectedGraph<NodeAttributes>();
    const nodes = new Map<string, unknown>();
    const add = (id: string, type: string, deps: string[], extra: Record<string, unknown> = {}) => {
      const node = { uniqueId: id, resourceType: type, dependsOn: { nodes: deps }, config: { materialized: 'table' }, ...extra };
      nodes.set(id, node);
      g.addNode(id, { node: node as never });
    };
    add('s.raw', 'seed', []);
    add('m.stg', 'model', ['s.raw']);
    add('m.mart', 'model', ['m.stg']);
    add('u.mart', 'unit_test', ['m.mart', 'm.stg'], { model: 'm.mart' });
    for (const [id, n] of nodes) for (const d of (n as { dependsOn: { nodes: string[] } }).dependsOn.nodes) g.addDirectedEdge(d, id);
    const p = { graph: g, manifest: { nodes } } as unknown as LoadedProject;
    const ids = [...nodes.keys()];
    const { extraEdges, parentsOf } = buildOrdering(p, ids);
    const deps = dependencyMap(ids, g, extraEdges, parentsOf);
    expect([...deps.get('u.mart')!]).toEqual(['m.stg']);
    expect([...deps.get('m.mart')!].sort()).toEqual(['m.stg', 'u.mart']);
    // selected alone with its model, the unit test still waits for nothing that is not run
    const only = dependencyMap(['u.mart', 'm.mart'], g, [], buildOrdering(p, ['u.mart', 'm.mart']).parentsOf);
    expect([...only.get('u.mart')!]).toEqual([]);
  });
});
