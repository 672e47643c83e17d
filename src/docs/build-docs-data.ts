import type { ColumnInfo, Manifest, ManifestNode } from '../manifest/types.js';
import { isSqlNode } from '../manifest/types.js';
import { isLineageType } from './lineage.js';
import type { CatalogColumn, DocsColumn, DocsData, DocsNode, DocsRunResult, DocsTestInfo } from './types.js';

export interface BuildDocsOptions {
  /**
   * Columns of each built relation as DuckDB reports them, keyed by lower-case
   * `schema.identifier` (or `database.schema.identifier`, which is looked up first).
   */
  readonly catalog?: ReadonlyMap<string, readonly CatalogColumn[]>;
  /** Compiled SQL by unique id. */
  readonly compiled?: ReadonlyMap<string, string>;
  /** The last run, by unique id (see {@link runResultsFromJson}). */
  readonly runResults?: ReadonlyMap<string, DocsRunResult>;
  /**
   * Parents of each node by unique id, as the graph stage computed them. Defaults to each node's
   * `dependsOn.nodes` (and a unit test's `model`).
   */
  readonly parents?: ReadonlyMap<string, readonly string[]>;
  /** Defaults to now. */
  readonly generatedAt?: Date | string;
}


/**
 * Turn a manifest (plus what DuckDB, the compiler and the last run know) into the data a docs
 * site shows. Pure: reads no file and no database.
 *
 * @example
 * const data = buildDocsData(manifest, {
 *   catalog: new Map([['main.orders', [{ name: 'order_id', type: 'INTEGER' }]]]),
 *   compiled: new Map([['model.shop.orders', 'select ...']]),
 *   runResults: runResultsFromJson(JSON.parse(runResultsText)),
 * });
 * await writeDocsSite('target/docs', data);
 */
export function buildDocsData(manifest: Manifest, opts: BuildDocsOptions = {}): DocsData {
  const all = new Map<string, ManifestNode>();
  for (const [id, n] of manifest.sources) all.set(id, n);
  for (const [id, n] of manifest.nodes) all.set(id, n);

  const parentsOf = (n: ManifestNode): string[] => {
    const given = opts.parents?.get(n.uniqueId);
    const raw = given ?? defaultParents(n);
    return unique(raw.filter((p) => p !== n.uniqueId && all.has(p)));
  };

  // Lineage edges between lineage nodes, and tests grouped by the nodes they depend on.
  const lineageParents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  const testIds = new Map<string, string[]>();
  const testParents = new Map<string, string[]>();
  for (const n of all.values()) {
    const ps = parentsOf(n).filter((p) => isLineageType(all.get(p)!.resourceType));
    if (isLineageType(n.resourceType)) {
      lineageParents.set(n.uniqueId, ps);
      for (const p of ps) push(children, p, n.uniqueId);
    } else {
      testParents.set(n.uniqueId, ps);
      for (const p of ps) push(testIds, p, n.uniqueId);
    }
  }

  // Column-level tests: a generic test with a column name, attached to one node.
  const columnTests = new Map<string, Map<string, string[]>>();
  for (const n of all.values()) {
    if (!isSqlNode(n) || n.resourceType !== 'test' || !n.columnName) continue;
    const ps = testParents.get(n.uniqueId) ?? [];
    const attached = n.attachedNode ?? (ps.length === 1 ? ps[0] : undefined);
    if (!attached) continue;
    let byColumn = columnTests.get(attached);
    if (!byColumn) columnTests.set(attached, (byColumn = new Map()));
    push(byColumn, n.columnName.toLowerCase(), n.uniqueId);
  }

  const nodes: DocsNode[] = [];
  for (const n of all.values()) {
    const relation = n.relation ? `${n.relation.schema}.${n.relation.identifier}` : undefined;
    const catalogCols = n.relation ? lookupCatalog(opts.catalog, n.relation) : undefined;
    const base = {
      uniqueId: n.uniqueId,
      resourceType: n.resourceType,
      name: n.name,
      packageName: n.packageName,
      path: n.originalFilePath,
      description: n.description || (n.resourceType === 'source' ? n.sourceDescription : '') || '',
      config: plainConfig(n.config as unknown as Record<string, unknown>),
      tags: [...(n.tags ?? [])],
      columns: mergeColumns(n.columns, catalogCols, columnTests.get(n.uniqueId)),
      parents: lineageParents.get(n.uniqueId) ?? testParents.get(n.uniqueId) ?? [],
      children: children.get(n.uniqueId) ?? [],
      testIds: (testIds.get(n.uniqueId) ?? []).sort(),
    };
    const extra: {
      materialized?: string;
      relation?: string;
      rawCode?: string;
      compiledCode?: string;
      sourceName?: string;
      test?: DocsTestInfo;
    } = {};
    if (n.resourceType !== 'source') extra.materialized = String(n.config.materialized ?? defaultMaterialized(n.resourceType));
    if (relation && n.config.materialized !== 'ephemeral') extra.relation = relation;
    if (isSqlNode(n)) extra.rawCode = n.rawCode;
    const compiled = opts.compiled?.get(n.uniqueId);
    if (compiled !== undefined) extra.compiledCode = compiled;
    if (n.resourceType === 'source') extra.sourceName = n.sourceName;
    const test = testInfo(n);
    if (test) extra.test = test;
    if (n.resourceType === 'unit_test') extra.rawCode = unitTestText(n);
    nodes.push({ ...base, ...extra });
  }
  // exposures, metrics, semantic models, saved queries and groups: pages of their own (never run,
  // not in the lineage graph), listing what they depend on
  for (const r of manifest.resources?.values() ?? []) {
    nodes.push({
      uniqueId: r.uniqueId,
      resourceType: r.resourceType,
      name: r.label ?? r.name,
      packageName: r.packageName,
      path: r.originalFilePath,
      description: r.description,
      config: plainConfig((r.properties['config'] as Record<string, unknown> | undefined) ?? {}),
      tags: Array.isArray(r.properties['tags']) ? (r.properties['tags'] as string[]) : [],
      columns: [],
      parents: r.dependsOn.filter((p) => all.has(p) || manifest.resources?.has(p)),
      children: [],
      testIds: [],
      rawCode: JSON.stringify(r.properties, null, 2),
    });
  }
  nodes.sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));

  const data: { -readonly [K in keyof DocsData]: DocsData[K] } = {
    projectName: manifest.projectName,
    generatedAt: toIso(opts.generatedAt),
    nodes,
  };
  if (opts.runResults) data.runResults = Object.fromEntries(opts.runResults);
  return data;
}

/**
 * Read a `run_results.json` (bmp's or dbt's) into the map {@link buildDocsData} takes.
 * Entries without a `unique_id` are ignored; a file that is not run results gives an empty map.
 */
export function runResultsFromJson(json: unknown): Map<string, DocsRunResult> {
  const out = new Map<string, DocsRunResult>();
  const results = isRecord(json) && Array.isArray(json.results) ? json.results : [];
  for (const r of results) {
    if (!isRecord(r)) continue;
    const id = r.unique_id ?? r.uniqueId;
    if (typeof id !== 'string') continue;
    const time = r.execution_time ?? r.executionTime;
    const entry: { -readonly [K in keyof DocsRunResult]: DocsRunResult[K] } = {
      status: typeof r.status === 'string' ? r.status : String(r.status ?? 'unknown'),
      executionTime: typeof time === 'number' ? time : 0,
    };
    if (typeof r.message === 'string' && r.message) entry.message = r.message;
    if (typeof r.failures === 'number') entry.failures = r.failures;
    out.set(id, entry);
  }
  return out;
}

/**
 * Compiled SQL by unique id from a `run_results.json` (`compiled_code` of each result), for nodes
 * the docs command did not compile itself.
 */
export function compiledFromRunResults(json: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const results = isRecord(json) && Array.isArray(json.results) ? json.results : [];
  for (const r of results) {
    if (isRecord(r) && typeof r.unique_id === 'string' && typeof r.compiled_code === 'string') out.set(r.unique_id, r.compiled_code);
  }
  return out;
}

function defaultParents(n: ManifestNode): readonly string[] {
  if (n.resourceType === 'source') return [];
  const deps = n.dependsOn.nodes;
  if (n.resourceType === 'unit_test' && !deps.includes(n.model)) return [n.model, ...deps];
  return deps;
}

function defaultMaterialized(resourceType: string): string {
  return resourceType === 'unit_test' ? 'unit' : resourceType;
}

function lookupCatalog(
  catalog: BuildDocsOptions['catalog'],
  rel: { database: string; schema: string; identifier: string },
): readonly CatalogColumn[] | undefined {
  if (!catalog) return undefined;
  const short = `${rel.schema}.${rel.identifier}`.toLowerCase();
  return (rel.database ? catalog.get(`${rel.database}.${short}`.toLowerCase()) : undefined) ?? catalog.get(short);
}

/** Catalog columns first, in table order; then documented columns the table doesn't have. */
function mergeColumns(
  documented: Readonly<Record<string, ColumnInfo>> | undefined,
  catalog: readonly CatalogColumn[] | undefined,
  tests: Map<string, string[]> | undefined,
): DocsColumn[] {
  const docs = new Map<string, ColumnInfo>();
  for (const [key, c] of Object.entries(documented ?? {})) docs.set((c.name || key).toLowerCase(), { ...c, name: c.name || key });
  const out: DocsColumn[] = [];
  const seen = new Set<string>();
  const add = (name: string, type: string | undefined, description: string) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    const col: { -readonly [K in keyof DocsColumn]: DocsColumn[K] } = {
      name,
      description,
      tests: [...(tests?.get(key) ?? [])].sort(),
    };
    if (type) col.type = type;
    out.push(col);
  };
  for (const c of catalog ?? []) {
    const d = docs.get(c.name.toLowerCase());
    add(c.name, c.type || d?.data_type, d?.description ?? '');
  }
  for (const d of docs.values()) add(d.name, d.data_type, d.description ?? '');
  // Tests on columns neither documented nor in the catalog still deserve a row.
  for (const key of tests?.keys() ?? []) add(key, undefined, '');
  return out;
}

function testInfo(n: ManifestNode): DocsTestInfo | undefined {
  if (n.resourceType === 'unit_test') return { kind: 'unit', testName: n.name, attachedNode: n.model };
  if (!isSqlNode(n) || n.resourceType !== 'test') return undefined;
  const meta = n.testMetadata;
  const info: { -readonly [K in keyof DocsTestInfo]: DocsTestInfo[K] } = {
    kind: meta?.testType ?? 'singular',
    testName: meta?.name ?? n.name,
  };
  if (n.columnName) info.columnName = n.columnName;
  if (n.attachedNode) info.attachedNode = n.attachedNode;
  if (meta && Object.keys(meta.kwargs).length) info.kwargs = meta.kwargs;
  return info;
}

function unitTestText(n: ManifestNode): string | undefined {
  if (n.resourceType !== 'unit_test') return undefined;
  return JSON.stringify({ model: n.model, given: n.given, expect: n.expect, overrides: n.overrides }, null, 2);
}

/** A JSON-safe copy of a config: undefined and function values dropped, keys sorted. */
function plainConfig(config: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config ?? {}).sort()) {
    const v = toJsonValue(config![key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function toJsonValue(v: unknown, depth = 0): unknown {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || depth > 20) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, depth + 1) ?? null);
  if (v instanceof Map) return toJsonValue(Object.fromEntries(v), depth);
  if (v instanceof Set) return toJsonValue([...v], depth);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const j = toJsonValue(x, depth + 1);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return String(v);
}

function toIso(d: Date | string | undefined): string {
  if (d === undefined) return new Date().toISOString();
  return typeof d === 'string' ? d : d.toISOString();
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
