import { DirectedGraph } from 'graphology';
import { GraphError } from '../errors.js';
import type { Manifest, ManifestNode } from '../manifest/types.js';

export interface NodeAttributes {
  readonly node: ManifestNode;
}

export type ProjectGraph = DirectedGraph<NodeAttributes>;

/**
 * One graphology DAG of every node and source, edges parent → child.
 * @throws GraphError BMP_GRAPH_CYCLE listing the cycle.
 */
export function buildGraph(manifest: Manifest): ProjectGraph {
  const graph: ProjectGraph = new DirectedGraph<NodeAttributes>();
  for (const s of manifest.sources.values()) graph.addNode(s.uniqueId, { node: s });
  for (const n of manifest.nodes.values()) graph.addNode(n.uniqueId, { node: n });
  for (const n of manifest.nodes.values()) {
    if (n.resourceType === 'seed') continue;
    const deps = n.dependsOn.nodes;
    for (let i = 0; i < deps.length; i++) {
      const dep = deps[i]!;
      // a node listed twice is one edge (indexOf: dependency lists are short)
      if (deps.indexOf(dep) === i && graph.hasNode(dep)) graph.addDirectedEdge(dep, n.uniqueId);
    }
  }
  // Kahn's order reaches every node exactly when there is no cycle: cheaper than looking for one
  const order = topologicalOrder(graph);
  const cycle = order.length === graph.order ? undefined : findCycle(graph);
  if (cycle) {
    const first = graph.getNodeAttributes(cycle[0]!).node;
    const names = cycle.map((id) => graph.getNodeAttributes(id).node.name);
    throw new GraphError('BMP_GRAPH_CYCLE', describeCycle(names), { file: first.originalFilePath, nodeId: first.uniqueId });
  }
  // a command that selects every node asks for the same order again
  wholeOrders.set(graph, { order, nodes: graph.order, edges: graph.size });
  return graph;
}

/** The order of every node of a graph buildGraph made, while the graph keeps its node and edge counts. */
const wholeOrders = new WeakMap<ProjectGraph, { readonly order: readonly string[]; readonly nodes: number; readonly edges: number }>();

/** A cycle as a list of node ids (each depends on the previous), or undefined. Tests are left out: they can't be in cycles of interest. */
export function findCycle(graph: ProjectGraph): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 = on stack, 2 = done
  const stack: string[] = [];
  for (const start of graph.nodes()) {
    if (state.has(start)) continue;
    // iterative DFS so 5,000-deep chains don't overflow the call stack
    const iters: [string, string[], number][] = [[start, graph.outNeighbors(start), 0]];
    state.set(start, 1);
    stack.push(start);
    while (iters.length) {
      const top = iters[iters.length - 1]!;
      if (top[2] < top[1].length) {
        const next = top[1][top[2]++]!;
        const s = state.get(next);
        if (s === 1) return stack.slice(stack.indexOf(next));
        if (!s) {
          state.set(next, 1);
          stack.push(next);
          iters.push([next, graph.outNeighbors(next), 0]);
        }
      } else {
        state.set(top[0], 2);
        stack.pop();
        iters.pop();
      }
    }
  }
  return undefined;
}

/**
 * Parents and children of every node, built in one pass over the edges (graphology allocates an
 * array per neighbour query; the manifest and the docs need all of them).
 */
export function edgeMaps(graph: ProjectGraph): { parents: Map<string, string[]>; children: Map<string, string[]> } {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  graph.forEachEdge((_e, _a, source, target) => {
    (parents.get(target) ?? parents.set(target, []).get(target)!).push(source);
    (children.get(source) ?? children.set(source, []).get(source)!).push(target);
  });
  return { parents, children };
}

/**
 * Node ids in dependency order (Kahn), ties broken by id for stable output: the roots sorted by id,
 * then each node's children in the order their edges were added.
 */
export function topologicalOrder(graph: ProjectGraph, subset?: ReadonlySet<string>): string[] {
  // a small subset walks its own neighbours; the whole graph (or most of it) reads every edge once
  // into arrays (graphology's neighbour callbacks cost a closure and an object walk per node)
  if (subset && subset.size * 4 < graph.order) return topologicalOrderByNeighbors(graph, subset);
  // every node (a subset of all of them is ordered as the whole graph is: roots by id, then edges)
  const whole = wholeOrders.get(graph);
  if (whole && whole.nodes === graph.order && whole.edges === graph.size && (!subset || subset.size === graph.order)) return [...whole.order];
  const ids = subset ? [...subset] : graph.nodes();
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i]!, i);
  const inDeg = new Int32Array(ids.length);
  const kids: (number[] | undefined)[] = new Array(ids.length);
  // forEachEdge visits a node's out-edges in the order they were added, as forEachOutNeighbor does
  graph.forEachEdge((_e, _a, source, target) => {
    const s = index.get(source);
    const t = index.get(target);
    if (s === undefined || t === undefined) return;
    inDeg[t]!++;
    (kids[s] ??= []).push(t);
  });
  const roots: string[] = [];
  for (let i = 0; i < ids.length; i++) if (inDeg[i] === 0) roots.push(ids[i]!);
  roots.sort();
  // `queue` (indexes) and `out` (ids) grow together: nodes are appended when ready, read in that order
  const out = roots;
  const queue = roots.map((id) => index.get(id)!);
  for (let head = 0; head < queue.length; head++) {
    const children = kids[queue[head]!];
    if (!children) continue;
    for (const c of children) {
      if (--inDeg[c]! === 0) {
        queue.push(c);
        out.push(ids[c]!);
      }
    }
  }
  return out;
}

function topologicalOrderByNeighbors(graph: ProjectGraph, subset: ReadonlySet<string>): string[] {
  const inDeg = new Map<string, number>();
  const ids = [...subset];
  for (const id of ids) {
    let d = 0;
    graph.forEachInNeighbor(id, (p) => void (subset.has(p) && d++));
    inDeg.set(id, d);
  }
  const out = ids.filter((id) => inDeg.get(id) === 0).sort();
  for (let head = 0; head < out.length; head++) {
    graph.forEachOutNeighbor(out[head]!, (child) => {
      if (!subset.has(child)) return;
      const d = inDeg.get(child)! - 1;
      inDeg.set(child, d);
      if (d === 0) out.push(child);
    });
  }
  return out;
}

/** `a -> b -> c -> a`; a long cycle (10,000 models) shows its first and last five and its length. */
export function describeCycle(names: readonly string[]): string {
  if (names.length <= 12) return `found a cycle: ${[...names, names[0]].join(' -> ')}`;
  const head = names.slice(0, 5).join(' -> ');
  const tail = [...names.slice(-5), names[0]].join(' -> ');
  return `found a cycle of ${names.length} nodes: ${head} -> ... (${names.length - 10} more) -> ${tail}`;
}
