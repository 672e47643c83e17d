/**
 * Which resource types the lineage graph draws: shared by the generator (build-docs-data.ts,
 * render-html.ts) and the page (page/), so both sides agree. Tests hang off the nodes they test instead.
 */
export const LINEAGE_TYPES: readonly string[] = ['model', 'seed', 'source', 'snapshot', 'analysis'];

const LINEAGE_SET: ReadonlySet<string> = new Set(LINEAGE_TYPES);

export function isLineageType(resourceType: string): boolean {
  return LINEAGE_SET.has(resourceType);
}
