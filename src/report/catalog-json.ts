/**
 * `target/catalog.json` in dbt's catalog v1 layout (https://schemas.getdbt.com/dbt/catalog/v1.json):
 * what the database holds for each model, seed, snapshot and source: column types in order, table
 * and column comments, and the statistics DuckDB keeps.
 */
import type { CatalogTable } from '../adapters/duckdb/index.js';
import { stringifyMasked } from '../config/index.js';
import type { Manifest, Relation } from '../manifest/types.js';
import { artifactMetadata } from './artifacts.js';

const HAS_STATS = (value: boolean) => ({ id: 'has_stats', label: 'Has Stats?', value, include: false, description: 'Indicates whether there are statistics for this table' });

function tableJson(t: CatalogTable, uniqueId: string): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const c of t.columns) columns[c.name] = { type: c.type, index: c.index, name: c.name, comment: c.comment };
  const stats: Record<string, unknown> = {};
  if (t.rowCount !== undefined) {
    stats['row_count'] = { id: 'row_count', label: 'Row Count', value: t.rowCount, include: true, description: "Rows in the table, as DuckDB counts them (duckdb_tables().estimated_size)" };
    stats['index_count'] = { id: 'index_count', label: 'Indexes', value: t.indexCount ?? 0, include: (t.indexCount ?? 0) > 0, description: 'ART indexes on the table' };
  }
  stats['has_stats'] = HAS_STATS(t.rowCount !== undefined);
  return {
    metadata: { type: t.type, schema: t.schema, name: t.name, database: t.database, comment: t.comment, owner: null },
    columns,
    stats,
    unique_id: uniqueId,
  };
}

const key = (database: string, schema: string, name: string) => `${database}\u0000${schema}\u0000${name}`.toLowerCase();

/**
 * The catalog of the project's relations that exist in the database (nodes without a relation, or
 * whose relation was never built, are left out, as dbt does).
 * @example catalogJson(project.manifest, await readCatalogTables(conn), { invocationId })
 */
export function catalogJson(manifest: Manifest, tables: readonly CatalogTable[], meta: { invocationId: string; invocationStartedAt?: string; errors?: readonly string[] }): string {
  const byKey = new Map<string, CatalogTable>();
  for (const t of tables) byKey.set(key(t.database, t.schema, t.name), t);
  const find = (rel: Relation) => byKey.get(key(rel.database, rel.schema, rel.identifier));
  const nodes: Record<string, unknown> = {};
  for (const n of manifest.nodes.values()) {
    if (!n.relation || (n.resourceType !== 'model' && n.resourceType !== 'seed' && n.resourceType !== 'snapshot')) continue;
    const t = find(n.relation);
    if (t) nodes[n.uniqueId] = tableJson(t, n.uniqueId);
  }
  const sources: Record<string, unknown> = {};
  for (const s of manifest.sources.values()) {
    const t = s.relation && !s.externalLocation ? find(s.relation) : undefined;
    if (t) sources[s.uniqueId] = tableJson(t, s.uniqueId);
  }
  return stringifyMasked({
      metadata: artifactMetadata('catalog', 'v1', meta.invocationId, meta.invocationStartedAt),
      nodes,
      sources,
      errors: meta.errors?.length ? meta.errors : null,
    });
}
