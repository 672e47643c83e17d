import type { SqlNode } from '../manifest/types.js';
import type { LoadedProject } from './project.js';

/**
 * A node for SQL given on the command line (`compile --inline`, `show --inline`, `run-operation`): it
 * may ref() any node and use every macro; it is never built. dbt names it `sql_operation.<project>.<name>`.
 */
export function inlineNode(project: LoadedProject, rawCode: string, name = 'inline_query', kind: 'sql_operation' | 'operation' = 'sql_operation'): SqlNode {
  const pkg = project.manifest.projectName;
  return {
    uniqueId: `${kind}.${pkg}.${name}`,
    resourceType: 'model',
    name,
    packageName: pkg,
    originalFilePath: '<inline>',
    path: '<inline>',
    fqn: [pkg, name],
    description: '',
    config: { enabled: true, materialized: 'view', tags: [], meta: {}, pre_hook: [], post_hook: [] },
    tags: [],
    meta: {},
    columns: {},
    checksum: '',
    rawCode,
    refs: [],
    sources: [],
    dependsOn: { nodes: [...project.manifest.nodes.keys()], macros: [] },
  };
}
