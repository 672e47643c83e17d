/**
 * `graph`: the project's nodes, sources, exposures, metrics, macros and unit tests as dbt's node
 * dicts (what manifest.json holds, keyed by unique id). Each part is built the first time a
 * template reads it, once per invocation; while parsing the graph is empty, as dbt's is.
 */
import type { Manifest } from '../../manifest/types.js';
import type { ManifestDicts } from '../../report/index.js';

export type Graph = Readonly<Record<'nodes' | 'sources' | 'exposures' | 'metrics' | 'groups' | 'semantic_models' | 'saved_queries' | 'unit_tests' | 'macros', Readonly<Record<string, unknown>>>>;

export const EMPTY_GRAPH: Graph = Object.freeze({ nodes: {}, sources: {}, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {}, unit_tests: {}, macros: {} });

export function graphOf(manifest: Manifest, dicts: ManifestDicts): Graph {
  const built: Partial<Record<keyof Graph, Readonly<Record<string, unknown>>>> = {};
  const part = (key: keyof Graph, make: () => Record<string, unknown>) => ({ get: () => (built[key] ??= Object.freeze(make())), enumerable: true });
  return Object.defineProperties({} as Graph, {
    nodes: part('nodes', () => {
      const out: Record<string, unknown> = {};
      for (const n of manifest.nodes.values()) if (n.resourceType !== 'unit_test') out[n.uniqueId] = dicts.node(n);
      return out;
    }),
    unit_tests: part('unit_tests', () => {
      const out: Record<string, unknown> = {};
      for (const n of manifest.nodes.values()) if (n.resourceType === 'unit_test') out[n.uniqueId] = dicts.node(n);
      return out;
    }),
    sources: part('sources', () => Object.fromEntries([...manifest.sources.values()].map((s) => [s.uniqueId, dicts.node(s)]))),
    macros: part('macros', () => Object.fromEntries([...manifest.macros.values()].map((m) => [m.uniqueId, dicts.macro(m)]))),
    exposures: part('exposures', () => ({})),
    metrics: part('metrics', () => ({})),
    groups: part('groups', () => ({})),
    semantic_models: part('semantic_models', () => ({})),
    saved_queries: part('saved_queries', () => ({})),
  });
}
