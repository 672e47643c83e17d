import { stringifyMasked } from '../config/index.js';
import type { ManifestNode, ProjectResource, ResourceType } from '../manifest/types.js';
import { evaluateSelector, resourceNameMatches, SELECTABLE_RESOURCE_TYPES, type SelectorsFile } from '../graph/index.js';
import { dbtNodes } from '../report/index.js';
import { invocationFor, loadProject, manifestOptions, selectFor, type CommonOptions } from './project.js';

export type ListOutput = 'selector' | 'name' | 'path' | 'json';

/** `bmp ls`: the selected nodes, one per line (dbt's formats). */
export async function list(opts: CommonOptions & { readonly output?: ListOutput; readonly outputKeys?: readonly string[] } = {}): Promise<string[]> {
  const project = await loadProject({ ...opts, invocation: invocationFor('list', opts) });
  // dbt lists analyses only when asked (--resource-type analysis or all), and in unique_id order
  const asked = opts.resourceTypes ?? [];
  const all: ResourceType[] = ['model', 'seed', 'snapshot', 'source', 'test', 'unit_test', ...(asked.some((t) => t === 'all' || t === 'analysis') ? (['analysis'] as const) : [])];
  const ids = selectFor(project, opts, all).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const nodes = ids.map((id) => (project.graph.getNodeAttributes(id).node as ManifestNode));
  const output = opts.output ?? 'selector';
  // --output-keys: any key of the node as manifest.json has it (description, columns, fqn, ...)
  const keys = opts.outputKeys?.flatMap((k) => k.split(/[\s,]+/)).filter(Boolean) ?? [];
  const pick = (full: Record<string, unknown>) => stringifyMasked(Object.fromEntries(keys.filter((k) => k in full).map((k) => [k, full[k]])));
  const nodeLines = output === 'json' && keys.length ? dbtNodes(project.manifest, nodes, manifestOptions(project, '')).map(pick) : nodes.map((n) => nodeLine(n, output));
  // exposures, metrics, semantic models and saved queries, listed as dbt lists them
  const resources = listedResources(project.manifest.resources?.values() ?? [], opts, project.selectors);
  const resourceLines = resources.map((r) => {
    const full = { name: r.name, resource_type: r.resourceType, package_name: r.packageName, original_file_path: r.originalFilePath, unique_id: r.uniqueId, fqn: r.fqn, description: r.description, ...r.properties, depends_on: { nodes: r.dependsOn } };
    if (output === 'json') return keys.length ? pick(full) : stringifyMasked({ name: r.name, resource_type: r.resourceType, package_name: r.packageName, original_file_path: r.originalFilePath, unique_id: r.uniqueId, depends_on: { nodes: r.dependsOn } });
    return output === 'name' ? r.name : output === 'path' ? r.originalFilePath : `${r.resourceType}:${r.fqn.join('.')}`;
  });
  if (!resources.length) return nodeLines;
  const byId = [...nodes.map((n, i) => [n.uniqueId, nodeLines[i]!] as const), ...resources.map((r, i) => [r.uniqueId, resourceLines[i]!] as const)];
  return byId.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, line]) => line);
}

/**
 * The resources `ls` prints beside the nodes: every one of the listed types with no selection (dbt's
 * default listing includes them), or those a `<type>:<name>` selector names (no graph operator).
 */
function listedResources(all: Iterable<ProjectResource>, opts: CommonOptions, selectors: SelectorsFile | undefined): ProjectResource[] {
  const asked = opts.resourceTypes ?? [];
  const excluded = opts.excludeResourceTypes ?? [];
  const types = new Set<string>(SELECTABLE_RESOURCE_TYPES.filter((t) => (!asked.length || asked.some((a) => a === 'all' || a === 'default' || a === t)) && !excluded.includes(t)));
  const candidates = [...all].filter((r) => types.has(r.resourceType));
  // `exposure:x`, with any graph operator around it (`+exposure:x` lists x and, as nodes, its parents)
  const names = (words: readonly string[], r: ProjectResource) =>
    words.some((w) => {
      const m = /^(?:\d*\+|@)?([a-z_]+):([^+@,]+)\+?\d*$/.exec(w);
      return !!m && m[1] === r.resourceType && resourceNameMatches(r, m[2]!);
    });
  // a named selector: its unions, intersections and exclusions, word by word, over these resources too
  if (opts.selector) {
    const chosen = evaluateSelector(selectors, opts.selector, (spec) => new Set(candidates.filter((r) => names(spec.split(/\s+/), r)).map((r) => r.uniqueId)));
    return candidates.filter((r) => chosen.has(r.uniqueId));
  }
  const split = (list: readonly string[] | undefined) => (list ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  const select = split(opts.select);
  const exclude = split(opts.exclude);
  return candidates.filter((r) => (!select.length || names(select, r)) && !names(exclude, r));
}

function nodeLine(n: ManifestNode, output: ListOutput): string {
  switch (output) {
    case 'name':
      // dbt's search name: a source as source.table, a model version as name.v<version>
      if (n.resourceType === 'source') return `${(n as { sourceName: string }).sourceName}.${n.name}`;
      return n.resourceType === 'model' && n.version !== undefined ? `${n.name}.v${n.version}` : n.name;
    case 'path':
      return n.originalFilePath;
    case 'json': {
      const full: Record<string, unknown> = {
        name: n.name,
        resource_type: n.resourceType,
        package_name: n.packageName,
        original_file_path: n.originalFilePath,
        unique_id: n.uniqueId,
        alias: n.relation?.identifier,
        config: n.config,
        tags: n.tags,
        depends_on: 'dependsOn' in n ? n.dependsOn : undefined,
      };
      if (n.resourceType === 'source') full['source_name'] = n.sourceName;
      return stringifyMasked(full);
    }
    default:
      if (n.resourceType === 'source') return `source:${n.fqn[0]}.${(n as { sourceName: string }).sourceName}.${n.name}`;
      if (n.resourceType === 'unit_test') return `unit_test:${n.fqn.join('.')}`;
      return n.fqn.join('.');
  }
}
