/**
 * Two nodes that write one relation would replace each other's table on every run (a model
 * `Upper.sql` beside `upper.sql`, two models with one `alias`, a snapshot whose target_schema and
 * alias land on a model's table): the second build silently destroys the first. dbt refuses such a
 * project at parse time, naming both resources; so does bmp, before the database is opened.
 */
import { ParseError } from '../errors.js';
import type { ExecutableNode } from '../manifest/types.js';

/**
 * Checks that no two nodes write the same relation. Names are compared as DuckDB resolves them:
 * case-insensitively (quoted or not), database, schema and identifier. Whatever package a node
 * comes from, only the relation it writes counts. Ephemeral models and tests write none.
 * @throws ParseError BMP_RELATION_COLLISION naming both nodes and their files
 */
export function checkRelationCollisions(nodes: Iterable<ExecutableNode>): void {
  const writers = new Map<string, ExecutableNode>();
  for (const node of nodes) {
    const rel = writtenRelation(node);
    if (!rel) continue;
    const key = [rel.database, rel.schema, rel.identifier].map((p) => p.toLowerCase()).join('\u0000');
    const first = writers.get(key);
    if (!first) {
      writers.set(key, node);
      continue;
    }
    const describe = (n: ExecutableNode) => `${n.uniqueId} (${n.originalFilePath})`;
    throw new ParseError(
      'BMP_RELATION_COLLISION',
      `two resources would write the relation ${rel.schema}.${rel.identifier}: ${describe(first)} and ${describe(node)}`,
      { file: node.originalFilePath, nodeId: node.uniqueId },
      'change the alias or schema of one of them',
    );
  }
}

function writtenRelation(node: ExecutableNode): ExecutableNode['relation'] | undefined {
  if (node.resourceType !== 'model' && node.resourceType !== 'seed' && node.resourceType !== 'snapshot') return undefined;
  if (node.config.materialized === 'ephemeral') return undefined;
  return node.relation;
}
