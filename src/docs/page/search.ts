/** The node list's search: an index of every node, type filters and match scoring. Pure (unit-tested). */
import type { DocsNode } from '../types.js';
import { displayName } from './nodes.js';
import { TYPE_ORDER } from './palette.js';

export interface SearchEntry {
  readonly n: DocsNode;
  /** Display name, lower case. */
  readonly name: string;
  /** Position of the resource type in {@link TYPE_ORDER}. */
  readonly order: number;
  /** Unique id, path, description, tags, relation and column names, lower case. */
  readonly hay: string;
}

export interface Filter {
  readonly key: string;
  readonly label: string;
  readonly types: readonly string[] | null;
}

export const FILTERS: readonly Filter[] = [
  { key: 'all', label: 'All', types: null }, { key: 'model', label: 'Models', types: ['model'] },
  { key: 'source', label: 'Sources', types: ['source'] }, { key: 'seed', label: 'Seeds', types: ['seed'] },
  { key: 'snapshot', label: 'Snapshots', types: ['snapshot'] }, { key: 'test', label: 'Tests', types: ['test', 'unit_test'] },
  { key: 'analysis', label: 'Analyses', types: ['analysis'] },
  { key: 'exposure', label: 'Exposures & metrics', types: ['exposure', 'metric', 'semantic_model', 'saved_query', 'group'] },
];

/** The search index, in list order: by resource type, then name. */
export function searchIndex(nodes: readonly DocsNode[]): SearchEntry[] {
  const index = nodes.map((n) => ({
    n, name: displayName(n).toLowerCase(), order: TYPE_ORDER.indexOf(n.resourceType),
    hay: [n.uniqueId, n.path, n.description, n.tags.join(' '), n.relation || '', n.columns.map((c) => c.name).join(' ')].join('\n').toLowerCase(),
  }));
  index.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return index;
}

/** The filter chip a node is counted under. */
export function filterOf(n: DocsNode): string {
  for (const f of FILTERS) if (f.types?.includes(n.resourceType)) return f.key;
  return 'all';
}

/**
 * How well an entry matches every term (lower case): lower is better, -1 is no match. Per term: an
 * exact name 0, a name prefix 1, inside the name 2, elsewhere (id, path, description, tags,
 * relation, columns) 4.
 */
export function matchScore(entry: SearchEntry, terms: readonly string[]): number {
  let score = 0;
  for (const t of terms) {
    if (entry.name === t) continue;
    if (entry.name.indexOf(t) === 0) score += 1;
    else if (entry.name.indexOf(t) > 0) score += 2;
    else if (entry.hay.indexOf(t) >= 0) score += 4;
    else return -1;
  }
  return score;
}

export interface SearchHit {
  readonly e: SearchEntry;
  readonly s: number;
}

export interface SearchResult {
  /** Matches under the type filter: in list order without terms, best first (stable) with them. */
  readonly hits: SearchHit[];
  /** Matches per filter key (`all` counts every match), whatever the type filter. */
  readonly counts: Readonly<Record<string, number>>;
  /** Whether there were terms (the list is ranked, not grouped). */
  readonly ranked: boolean;
}

export function search(index: readonly SearchEntry[], query: string, typeFilter: string): SearchResult {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const counts: Record<string, number> = { all: 0 };
  const hits: SearchHit[] = [];
  for (const e of index) {
    const s = terms.length ? matchScore(e, terms) : 0;
    if (s < 0) continue;
    const f = filterOf(e.n);
    counts['all'] = (counts['all'] ?? 0) + 1;
    counts[f] = (counts[f] || 0) + 1;
    if (typeFilter === 'all' || typeFilter === f) hits.push({ e, s });
  }
  if (terms.length) hits.sort((a, b) => a.s - b.s);
  return { hits, counts, ranked: terms.length > 0 };
}
