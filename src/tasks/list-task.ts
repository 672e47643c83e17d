import { stringifyMasked } from '../config/index.js';
import type { ManifestNode, ResourceType } from '../manifest/types.js';
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
  if (output === 'json' && keys.length) {
    return dbtNodes(project.manifest, nodes, manifestOptions(project, '')).map((full) => stringifyMasked(Object.fromEntries(keys.filter((k) => k in full).map((k) => [k, full[k]]))));
  }
  return nodes.map((n) => {
    switch (output) {
      case 'name':
        // a source by its search name, source.table, as dbt prints it
        return n.resourceType === 'source' ? `${(n as { sourceName: string }).sourceName}.${n.name}` : n.name;
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
  });
}
