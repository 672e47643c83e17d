/**
 * `target/graph_summary.json`, as dbt writes it when it links the graph (1.6+): every node of the
 * DAG numbered 0..n-1 with its unique_id, its resource type and the numbers of its children, so a
 * tool can read the DAG's shape without the manifest. `linked` is the graph of dependencies;
 * `with_test_edges` (build only) adds the edges that make a node wait for the tests upstream of it.
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
 * graph_summary.json's text. `testEdges` (build): the edges that hold a node back until a test of
 * what it reads passes — the build's own, by dbt's default rule (a test holds back every node
 * downstream of all the nodes it tests), for the nodes the build runs.
 */
export function graphSummaryJson(manifest: Manifest, invocationId: string, testEdges?: readonly (readonly [string, string])[]): string {
  const { types, children } = linkedGraph(manifest);
  const out: Record<string, unknown> = { _invocation_id: invocationId, linked: summary(types, children) };
  if (testEdges) {
    const more = new Map([...children].map(([id, kids]) => [id, [...kids]]));
    for (const [test, node] of testEdges) {
      const kids = more.get(test);
      if (kids && types.has(node) && !kids.includes(node)) kids.push(node);
    }
    out['with_test_edges'] = summary(types, more);
  }
  return JSON.stringify(out);
}
