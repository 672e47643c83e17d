/**
 * `target/graph_summary.json`, as dbt writes it when it links the graph (1.6+): every node of the
 * DAG numbered 0..n-1 with its unique_id, its resource type and the numbers of its children, so a
 * tool can read the DAG's shape without the manifest. `linked` is the graph of dependencies;
 * `with_test_edges` (build only) adds the edges that make a node wait for its parents' tests.
 */
import type { Manifest } from '../manifest/types.js';

interface SummaryNode {
  readonly name: string;
  readonly type: string;
  succ?: number[];
}

/** The DAG dbt links: sources, then nodes, then the resources outside the run (exposures, metrics, ...). */
function linkedGraph(manifest: Manifest): { types: Map<string, string>; children: Map<string, string[]> } {
  const types = new Map<string, string>();
  const children = new Map<string, string[]>();
  const add = (id: string, type: string) => {
    if (!types.has(id)) types.set(id, type);
    if (!children.has(id)) children.set(id, []);
  };
  for (const s of manifest.sources.values()) add(s.uniqueId, 'source');
  const link = (id: string, type: string, deps: readonly string[]) => {
    add(id, type);
    for (const dep of deps) {
      const known = manifest.nodes.get(dep) ?? manifest.sources.get(dep) ?? manifest.resources?.get(dep);
      if (!known) continue;
      add(dep, known.resourceType);
      const kids = children.get(dep)!;
      if (!kids.includes(id)) kids.push(id);
    }
  };
  for (const n of manifest.nodes.values()) link(n.uniqueId, n.resourceType, n.resourceType === 'seed' ? [] : n.dependsOn.nodes);
  for (const type of ['semantic_model', 'exposure', 'metric', 'saved_query'] as const) {
    for (const r of manifest.resources?.values() ?? []) if (r.resourceType === type) link(r.uniqueId, r.resourceType, r.dependsOn);
  }
  return { types, children };
}

function summary(types: ReadonlyMap<string, string>, children: ReadonlyMap<string, readonly string[]>): Record<string, SummaryNode> {
  const index = new Map<string, number>();
  for (const id of types.keys()) index.set(id, index.size);
  const out: Record<string, SummaryNode> = {};
  for (const [id, type] of types) {
    const node: SummaryNode = { name: id, type };
    const kids = children.get(id) ?? [];
    if (kids.length) node.succ = kids.map((k) => index.get(k)!);
    out[String(index.get(id))] = node;
  }
  return out;
}

/**
 * The edges `build` adds from a test to the nodes that wait for it, by dbt's rule: a test of one
 * node holds that node's children back; a test of several nodes (relationships) holds back the
 * first nodes downstream that descend from all of them.
 */
function testEdges(manifest: Manifest, children: ReadonlyMap<string, readonly string[]>): [string, string][] {
  const executable = new Set<string>();
  const multiTested = new Set<string>();
  const testsOf = new Map<string, string[]>();
  const parents = new Map<string, number>();
  for (const kids of children.values()) for (const k of kids) parents.set(k, (parents.get(k) ?? 0) + 1);
  const edges: [string, string][] = [];
  const singleTested = new Map<string, string[]>();
  for (const n of manifest.nodes.values()) {
    if (n.resourceType === 'unit_test') continue;
    if (n.resourceType !== 'test') {
      executable.add(n.uniqueId);
      continue;
    }
    const deps = n.dependsOn.nodes;
    for (const d of deps) testsOf.set(d, [...(testsOf.get(d) ?? []), n.uniqueId]);
    if (deps.length === 1) singleTested.set(deps[0]!, [...(singleTested.get(deps[0]!) ?? []), n.uniqueId]);
    else for (const d of deps) multiTested.add(d);
  }
  for (const [id, tests] of singleTested) {
    for (const child of children.get(id) ?? []) if (executable.has(child)) for (const t of tests) edges.push([t, child]);
  }
  if (!multiTested.size) return edges;
  // a walk from the nodes without parents: each node hands its children the tests still awaited
  // and its multi-tested ancestors; a child that has all of a test's nodes among its ancestors
  // waits for that test, and its own children no longer do
  interface Seen { visits: number; ancestors: Set<string>; awaits: Map<string, readonly string[]> }
  const seen = new Map<string, Seen>();
  const ready: string[] = [];
  for (const id of executable) {
    if (!parents.get(id)) {
      ready.push(id);
      seen.set(id, { visits: 0, ancestors: new Set(), awaits: new Map() });
    }
  }
  while (ready.length) {
    const id = ready.shift()!;
    const cur = seen.get(id)!;
    const handed = new Map(cur.awaits);
    for (const t of testsOf.get(id) ?? []) {
      const deps = manifest.nodes.get(t)!.dependsOn.nodes;
      if (deps.length > 1) handed.set(t, deps);
    }
    for (const child of children.get(id) ?? []) {
      if (!executable.has(child)) continue;
      let s = seen.get(child);
      if (!s) seen.set(child, (s = { visits: 0, ancestors: new Set(), awaits: new Map() }));
      s.visits++;
      for (const [t, deps] of handed) s.awaits.set(t, deps);
      for (const a of cur.ancestors) s.ancestors.add(a);
      if (multiTested.has(id)) s.ancestors.add(id);
      if (s.visits === parents.get(child)) {
        for (const [t, deps] of s.awaits) {
          if (deps.every((d) => s.ancestors.has(d))) {
            edges.push([t, child]);
            s.awaits.delete(t);
          }
        }
        ready.push(child);
      }
    }
    seen.delete(id);
  }
  return edges;
}

/** graph_summary.json's text. */
export function graphSummaryJson(manifest: Manifest, invocationId: string, withTestEdges: boolean): string {
  const { types, children } = linkedGraph(manifest);
  const out: Record<string, unknown> = { _invocation_id: invocationId, linked: summary(types, children) };
  if (withTestEdges) {
    const more = new Map([...children].map(([id, kids]) => [id, [...kids]]));
    for (const [test, node] of testEdges(manifest, children)) {
      const kids = more.get(test)!;
      if (!kids.includes(node)) kids.push(node);
    }
    out['with_test_edges'] = summary(types, more);
  }
  return JSON.stringify(out);
}
