/**
 * `target/graph_summary.json`, as dbt writes it when it links the graph (1.6+): every node of the
 * DAG numbered 0..n-1 with its unique_id, its resource type and the numbers of its children, so a
 * tool can read the DAG's shape without the manifest. `linked` is the graph of dependencies;
 * `with_test_edges` (build only) adds the edges that make a node wait for the tests upstream of it.
 */
import type { ProjectGraph } from '../graph/index.js';
import type { ProjectResource } from '../manifest/types.js';

interface SummaryNode {
  readonly name: string;
  readonly type: string;
  succ?: number[];
}

/**
 * The DAG dbt links: the project's graph (sources, then nodes, with their edges), then the resources
 * outside the run (semantic models, exposures, metrics, saved queries) below what they depend on.
 */
function linkedGraph(graph: ProjectGraph, resources: Iterable<ProjectResource>): { types: Map<string, string>; children: Map<string, string[]> } {
  const types = new Map<string, string>();
  const children = new Map<string, string[]>();
  graph.forEachNode((id, { node }) => {
    types.set(id, node.resourceType);
    children.set(id, graph.outNeighbors(id));
  });
  const all = [...resources];
  for (const r of all) {
    types.set(r.uniqueId, r.resourceType);
    children.set(r.uniqueId, []);
  }
  for (const type of ['semantic_model', 'exposure', 'metric', 'saved_query'] as const) {
    for (const r of all) {
      if (r.resourceType !== type) continue;
      for (const dep of r.dependsOn) {
        const kids = children.get(dep);
        if (kids && !kids.includes(r.uniqueId)) kids.push(r.uniqueId);
      }
    }
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
export function graphSummaryJson(graph: ProjectGraph, resources: Iterable<ProjectResource>, invocationId: string, testEdges?: readonly (readonly [string, string])[]): string {
  const { types, children } = linkedGraph(graph, resources);
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
