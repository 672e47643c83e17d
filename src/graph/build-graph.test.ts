import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';

import { topologicalOrder, type NodeAttributes, type ProjectGraph } from './build-graph.js';

/** A seeded random DAG: node i may depend on earlier nodes; ids are shuffled so id order is not dependency order. */
function randomDag(n: number, seed: number): ProjectGraph {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const graph: ProjectGraph = new DirectedGraph<NodeAttributes>();
  const ids = Array.from({ length: n }, (_, i) => `model.p.m${Math.floor(rand() * 1e6)}_${i}`);
  for (const id of ids) graph.addNode(id, { node: {} as NodeAttributes['node'] });
  for (let i = 1; i < n; i++) {
    const k = Math.floor(rand() * 4);
    for (let j = 0; j < k; j++) {
      const p = ids[Math.floor(rand() * i)]!;
      if (!graph.hasEdge(p, ids[i]!)) graph.addDirectedEdge(p, ids[i]!);
    }
  }
  return graph;
}

/** Kahn's algorithm written out plainly: roots sorted by id, then children in neighbour order. */
function reference(graph: ProjectGraph, subset: ReadonlySet<string>): string[] {
  const ids = [...subset];
  const inDeg = new Map(ids.map((id) => [id, graph.inNeighbors(id).filter((p) => subset.has(p)).length]));
  const out = ids.filter((id) => inDeg.get(id) === 0).sort();
  for (let head = 0; head < out.length; head++) {
    for (const c of graph.outNeighbors(out[head]!)) {
      if (!subset.has(c)) continue;
      inDeg.set(c, inDeg.get(c)! - 1);
      if (inDeg.get(c) === 0) out.push(c);
    }
  }
  return out;
}

describe('topologicalOrder', () => {
  it('orders the whole graph, most of it and a small part of it as plain Kahn does (parents first, same tie-breaks)', () => {
    for (const seed of [1, 7, 42]) {
      const graph = randomDag(400, seed);
      const all = new Set(graph.nodes());
      const most = new Set(graph.nodes().filter((_, i) => i % 7 !== 3));
      const few = new Set(graph.nodes().filter((_, i) => i % 9 === 0));
      expect(topologicalOrder(graph)).toEqual(reference(graph, all));
      expect(topologicalOrder(graph, most)).toEqual(reference(graph, most));
      expect(topologicalOrder(graph, few)).toEqual(reference(graph, few));
      const order = topologicalOrder(graph, most);
      const pos = new Map(order.map((id, i) => [id, i]));
      expect(order).toHaveLength(most.size);
      graph.forEachEdge((_e, _a, s, t) => {
        if (most.has(s) && most.has(t)) expect(pos.get(s)!).toBeLessThan(pos.get(t)!);
      });
    }
  });

  it('leaves out the nodes of a cycle and what depends on them (buildGraph reports the cycle)', () => {
    const graph: ProjectGraph = new DirectedGraph<NodeAttributes>();
    for (const id of ['a', 'b', 'c', 'd', 'e']) graph.addNode(id, { node: {} as NodeAttributes['node'] });
    graph.addDirectedEdge('a', 'b');
    graph.addDirectedEdge('b', 'c');
    graph.addDirectedEdge('c', 'b');
    graph.addDirectedEdge('c', 'd');
    expect(topologicalOrder(graph)).toEqual(['a', 'e']);
  });
});
