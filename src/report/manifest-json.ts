/**
 * `target/manifest.json` in dbt's manifest v12 layout (https://schemas.getdbt.com/dbt/manifest/v12.json):
 * every field dbt writes for each node kind, with dbt's defaults where bmp has nothing to say, so
 * dbt-docs, elementary, recce, Dagster and Cosmos read it as they read dbt's.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { GLOBAL_MACRO_FILES, relationSql } from '../adapters/duckdb/index.js';
import { maskSecrets, secretReplacer, stringifyMasked } from '../config/index.js';
import { findMacroBlocks } from '../jinja/index.js';
import { macroCalls, macroResolver, type MacroResolver } from '../manifest/macro-deps.js';
import type { ColumnInfo, ExecutableNode, MacroDef, Manifest, ManifestNode, NodeConfig, Relation, SeedNode, SourceNode, SqlNode, UnitTestNode, UnitTestRows } from '../manifest/types.js';
import { artifactMetadata, inPackage, sqlArtifactPath, writePiecesAtomic } from './artifacts.js';

export interface ManifestJsonOptions {
  readonly invocationId: string;
  readonly invocationStartedAt?: string;
  readonly parents: (id: string) => readonly string[];
  readonly children: (id: string) => readonly string[];
  /** Compiled SQL by unique id (nodes compiled by this invocation). */
  readonly compiled?: ReadonlyMap<string, string>;
  /** The target path as configured (`target`), for `compiled_path`. */
  readonly targetPath: string;
  /**
   * Where a node without a relation of its own would live: a test's failing rows (dbt writes that as
   * the test's schema and alias), an ephemeral model or an analysis.
   */
  readonly fallbackRelation: (node: SqlNode) => Relation;
  /** `selectors.yml`, as dbt writes it (name → definition). */
  readonly selectors?: Readonly<Record<string, unknown>>;
  /** Resources dbt parses but bmp does not run (exposures, metrics, groups, ...), already in dbt's shape. */
  readonly extraResources?: ExtraResources;
}

/** The manifest sections filled from properties YAML that are neither nodes nor sources. */
export interface ExtraResources {
  readonly exposures: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly groups: Readonly<Record<string, unknown>>;
  readonly semantic_models: Readonly<Record<string, unknown>>;
  readonly saved_queries: Readonly<Record<string, unknown>>;
}

const EMPTY: readonly never[] = Object.freeze([]);
const NO_MAP: Readonly<Record<string, never>> = Object.freeze({});
const DOCS = Object.freeze({ show: true, node_color: null });
const CONTRACT_CONFIG = Object.freeze({ enforced: false, alias_types: true });
const CONTRACT = Object.freeze({ enforced: false, alias_types: true, checksum: null });

/** Config keys dbt writes for every model, with dbt's defaults. */
const MODEL_DEFAULTS = Object.freeze({
  enabled: true,
  alias: null,
  schema: null,
  database: null,
  tags: EMPTY,
  meta: NO_MAP,
  group: null,
  materialized: 'view',
  incremental_strategy: null,
  batch_size: null,
  lookback: 1,
  begin: null,
  persist_docs: NO_MAP,
  'post-hook': EMPTY,
  'pre-hook': EMPTY,
  quoting: NO_MAP,
  column_types: NO_MAP,
  full_refresh: null,
  unique_key: null,
  on_schema_change: 'ignore',
  on_configuration_change: 'apply',
  grants: NO_MAP,
  packages: EMPTY,
  docs: DOCS,
  contract: CONTRACT_CONFIG,
  event_time: null,
  concurrent_batches: null,
});

const DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  model: { ...MODEL_DEFAULTS, access: 'protected' },
  analysis: MODEL_DEFAULTS,
  seed: { ...MODEL_DEFAULTS, materialized: 'seed', delimiter: ',', quote_columns: null },
  snapshot: {
    ...MODEL_DEFAULTS,
    materialized: 'snapshot',
    strategy: null,
    target_schema: null,
    target_database: null,
    updated_at: null,
    check_cols: null,
    snapshot_meta_column_names: Object.freeze({ dbt_valid_to: null, dbt_valid_from: null, dbt_scd_id: null, dbt_updated_at: null, dbt_is_deleted: null }),
    dbt_valid_to_current: null,
  },
  test: {
    enabled: true,
    alias: null,
    schema: 'dbt_test__audit',
    database: null,
    tags: EMPTY,
    meta: NO_MAP,
    group: null,
    materialized: 'test',
    severity: 'ERROR',
    store_failures: null,
    store_failures_as: null,
    where: null,
    limit: null,
    fail_calc: 'count(*)',
    warn_if: '!= 0',
    error_if: '!= 0',
  },
};

/** bmp-only keys finalizeConfig always sets; dbt spells the hooks `pre-hook`/`post-hook`. */
const RENAMED = new Set(['pre_hook', 'post_hook']);

/** A node's config as dbt writes it: dbt's keys with their defaults, then bmp's values (hooks as dbt's Hook objects). */
export function dbtConfig(resourceType: string, config: NodeConfig): Record<string, unknown> {
  // copied key by key rather than spread: every dict then shares one hidden class per key order,
  // which JSON.stringify walks faster than 15,000 objects of their own shapes
  const out: Record<string, unknown> = {};
  const defaults: Readonly<Record<string, unknown>> = DEFAULTS[resourceType] ?? MODEL_DEFAULTS;
  for (const key in defaults) out[key] = defaults[key];
  for (const key in config) {
    if (RENAMED.has(key)) continue;
    const v = config[key];
    if (v !== undefined) out[key] = v;
  }
  if (config.pre_hook.length) out['pre-hook'] = config.pre_hook.map((sql, index) => ({ sql, transaction: true, index }));
  if (config.post_hook.length) out['post-hook'] = config.post_hook.map((sql, index) => ({ sql, transaction: true, index }));
  // bmp reads `unique_key: id` as a one-element list; dbt writes it back as the string
  if (Array.isArray(out['unique_key']) && (out['unique_key'] as unknown[]).length === 1) out['unique_key'] = (out['unique_key'] as unknown[])[0];
  if (resourceType === 'test' && typeof out['severity'] === 'string') out['severity'] = (out['severity'] as string).toUpperCase();
  return out;
}

/**
 * What the user set (bmp resolves configs as it reads them: this is the merged config without the
 * defaults bmp fills in), dbt's `unrendered_config`.
 */
function unrenderedConfig(config: NodeConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in config) {
    const v = config[key];
    if (v === undefined || (Array.isArray(v) && !v.length && (key === 'tags' || RENAMED.has(key))) || (key === 'meta' && !Object.keys(v as object).length) || (key === 'enabled' && v === true)) continue;
    out[RENAMED.has(key) ? key.replace('_', '-') : key] = v;
  }
  return out;
}

/** `"database"."schema"."identifier"`, as dbt-duckdb renders a relation. */
export function relationName(rel: Relation): string {
  return relationSql(rel, true);
}

function columnsJson(columns: Readonly<Record<string, ColumnInfo>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in columns) {
    const c = columns[name]!;
    out[name] = {
      name: c.name,
      description: c.description,
      meta: c.meta,
      data_type: c.data_type ?? null,
      constraints: EMPTY,
      quote: null,
      config: { meta: c.meta, tags: c.tags },
      tags: c.tags,
      granularity: null,
      doc_blocks: EMPTY,
    };
  }
  return out;
}

/**
 * Each macro's text (manifest.json's `macro_sql`) keyed by `file \0 name` (`test_<name>` for a
 * test block): the project's and packages' files, and dbt's global macros (package `dbt`), whose
 * text dbt writes too.
 */
export function macroTextByFile(manifest: Pick<Manifest, 'macroFiles'>): Map<string, string> {
  const out = new Map<string, string>();
  const files: [string, string][] = [...GLOBAL_MACRO_FILES.map((f): [string, string] => [f.file, f.text]), ...manifest.macroFiles];
  for (const [file, text] of files) {
    for (const b of findMacroBlocks(text)) out.set(`${file}\u0000${b.kind === 'test' ? `test_${b.name}` : b.name}`, b.text);
  }
  return out;
}

/** A model version as dbt writes it: a number when it reads as one (`2`, `1.5`), else the text. */
function versionJson(v: string | undefined): string | number | null {
  if (v === undefined) return null;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

class ManifestWriter {
  private readonly resolve: MacroResolver;
  private readonly createdAt = Date.now() / 1000;
  /** Each macro's text by file and name; found on first use (a node's dict for `model` needs none). */
  private macroTextMemo: Map<string, string> | undefined;

  constructor(
    private readonly manifest: Manifest,
    private readonly opts: ManifestJsonOptions,
  ) {
    this.resolve = macroResolver(manifest.macros, manifest.projectName);
  }

  private get macroText(): Map<string, string> {
    return (this.macroTextMemo ??= macroTextByFile(this.manifest));
  }

  private patchPath(n: { patchPath?: string; packageName: string; packagePath?: string }): string | null {
    return n.patchPath ? `${n.packageName}://${inPackage(n, n.patchPath)}` : null;
  }

  /** Fields every node kind has. */
  private base(n: ExecutableNode, database: string | null, schema: string, alias: string, relation: string | null): Record<string, unknown> {
    return {
      database,
      schema,
      name: n.name,
      resource_type: n.resourceType,
      package_name: n.packageName,
      path: n.path,
      original_file_path: inPackage(n, n.originalFilePath),
      unique_id: n.uniqueId,
      fqn: n.fqn,
      alias,
      checksum: { name: 'sha256', checksum: n.checksum },
      config: dbtConfig(n.resourceType, n.config),
      tags: n.tags,
      description: n.description,
      columns: columnsJson(n.columns),
      meta: n.meta,
      group: (n.config['group'] as string | undefined) ?? null,
      docs: (n.config['docs'] as object | undefined) ?? DOCS,
      patch_path: this.patchPath(n),
      build_path: null,
      unrendered_config: unrenderedConfig(n.config),
      created_at: this.createdAt,
      config_call_dict: NO_MAP,
      unrendered_config_call_dict: NO_MAP,
      relation_name: relation,
      raw_code: 'rawCode' in n ? n.rawCode : '',
      doc_blocks: EMPTY,
    };
  }

  sqlNode(n: SqlNode): Record<string, unknown> {
    const isTest = n.resourceType === 'test';
    const generic = isTest && n.testMetadata?.testType === 'generic';
    const own = n.relation;
    const rel = own ?? this.opts.fallbackRelation(n);
    const storesFailures = isTest && !!n.config['store_failures'];
    const relation = own || storesFailures ? relationName(rel) : null;
    const compiled = this.opts.compiled?.get(n.uniqueId);
    const out = this.base(n, rel.database, rel.schema, rel.identifier, relation);
    if (generic) out['raw_code'] = `{{ test_${n.testMetadata!.name}(**_dbt_generic_test_kwargs) }}`;
    out['language'] = 'sql';
    out['refs'] = n.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: versionJson(r.version) }));
    out['sources'] = n.sources;
    out['metrics'] = EMPTY;
    out['depends_on'] = { macros: this.nodeMacros(n, generic), nodes: n.dependsOn.nodes };
    out['compiled_path'] = compiled !== undefined ? sqlArtifactPath(this.opts.targetPath, 'compiled', this.manifest.projectName, n) : null;
    out['compiled'] = compiled !== undefined;
    out['compiled_code'] = compiled ?? null;
    out['extra_ctes_injected'] = compiled !== undefined;
    out['extra_ctes'] = EMPTY;
    out['contract'] = CONTRACT;
    if (n.resourceType === 'model') {
      out['access'] = (n.config['access'] as string | undefined) ?? 'protected';
      out['constraints'] = EMPTY;
      out['version'] = versionJson(n.version);
      out['latest_version'] = versionJson(n.latestVersion);
      out['deprecation_date'] = null;
      out['defer_relation'] = null;
      out['primary_key'] = EMPTY;
      out['time_spine'] = null;
    } else if (n.resourceType === 'snapshot') {
      out['defer_relation'] = null;
    } else if (generic) {
      const meta = n.testMetadata!;
      out['column_name'] = n.columnName ?? null;
      out['file_key_name'] = this.fileKeyName(n);
      out['attached_node'] = n.attachedNode ?? null;
      const kwargs: Record<string, unknown> = {};
      for (const key in meta.kwargs) kwargs[key] = meta.kwargs[key];
      kwargs['model'] = this.modelKwarg(n);
      out['test_metadata'] = { name: meta.name, kwargs, namespace: meta.namespace ?? null };
    }
    return out;
  }

  /** `models.orders` / `sources.raw`: the properties entry a generic test was declared under. */
  private fileKeyName(n: SqlNode): string | null {
    const target = n.attachedNode ? this.manifest.nodes.get(n.attachedNode) ?? this.manifest.sources.get(n.attachedNode) : undefined;
    if (!target) return null;
    return target.resourceType === 'source' ? `sources.${target.sourceName}` : `${target.resourceType}s.${target.name}`;
  }

  /** dbt's `model` kwarg of a generic test: the relation it tests, as a template. */
  private modelKwarg(n: SqlNode): string {
    const target = n.attachedNode ? this.manifest.nodes.get(n.attachedNode) ?? this.manifest.sources.get(n.attachedNode) : undefined;
    const call = target?.resourceType === 'source' ? `source('${target.sourceName}', '${target.name}')` : `ref('${target?.name ?? ''}')`;
    return `{{ get_where_subquery(${call}) }}`;
  }

  private nodeMacros(n: SqlNode, generic: boolean): string[] {
    const calls = macroCalls(n.rawCode, this.resolve);
    const hooks = [...n.config.pre_hook, ...n.config.post_hook];
    for (const h of hooks) for (const id of macroCalls(h, this.resolve)) if (!calls.includes(id)) calls.push(id);
    if (generic) {
      const meta = n.testMetadata!;
      const id = this.resolve(`test_${meta.name}`, meta.namespace) ?? this.resolve(`test_${meta.name}`);
      if (id && !calls.includes(id)) calls.unshift(id);
      for (const v of Object.values(meta.kwargs)) if (typeof v === 'string') for (const m of macroCalls(v, this.resolve)) if (!calls.includes(m)) calls.push(m);
    }
    return calls;
  }

  seed(n: SeedNode): Record<string, unknown> {
    const rel = n.relation!;
    const out = this.base(n, rel.database, rel.schema, rel.identifier, relationName(rel));
    out['root_path'] = dirname(n.absolutePath);
    out['depends_on'] = { macros: EMPTY };
    out['defer_relation'] = null;
    return out;
  }

  unitTest(n: UnitTestNode): Record<string, unknown> {
    const model = this.manifest.nodes.get(n.model);
    return {
      model: model?.name ?? n.model,
      given: n.given.map((g) => ({ input: g.input, ...rowsJson(g.rows) })),
      expect: rowsJson(n.expect),
      name: n.name,
      resource_type: 'unit_test',
      package_name: n.packageName,
      path: n.path,
      original_file_path: inPackage(n, n.originalFilePath),
      unique_id: n.uniqueId,
      fqn: n.fqn,
      description: n.description,
      overrides: n.overrides.vars || n.overrides.macros || n.overrides.env_vars ? { macros: n.overrides.macros ?? {}, vars: n.overrides.vars ?? {}, env_vars: n.overrides.env_vars ?? {} } : null,
      depends_on: { macros: EMPTY, nodes: n.dependsOn.nodes },
      config: { tags: n.config.tags, meta: n.config.meta, enabled: n.config.enabled },
      checksum: n.checksum,
      schema: model?.relation?.schema ?? null,
      created_at: this.createdAt,
      versions: n.versions ? { include: n.versions.include ?? null, exclude: n.versions.exclude ?? null } : null,
      version: n.version ?? null,
    };
  }

  source(s: SourceNode): Record<string, unknown> {
    const rel = s.relation!;
    const freshness = freshnessJson(s.freshness);
    const loadedAt = s.loadedAtField ?? null;
    return {
      database: rel.database,
      schema: rel.schema,
      name: s.name,
      resource_type: 'source',
      package_name: s.packageName,
      path: inPackage(s, s.path),
      original_file_path: inPackage(s, s.originalFilePath),
      unique_id: s.uniqueId,
      fqn: s.fqn,
      source_name: s.sourceName,
      source_description: s.sourceDescription,
      loader: s.loader ?? '',
      identifier: s.identifier,
      quoting: { database: null, schema: null, identifier: null, column: null },
      loaded_at_field: loadedAt,
      loaded_at_query: null,
      freshness,
      external: s.externalLocation ? { location: s.externalLocation, file_format: null, row_format: null, tbl_properties: null, partitions: null } : null,
      description: s.description,
      columns: columnsJson(s.columns),
      meta: s.meta,
      source_meta: NO_MAP,
      tags: s.tags,
      config: { ...s.config, enabled: s.config.enabled, event_time: (s.config.event_time) ?? null, freshness },
      patch_path: null,
      unrendered_config: unrenderedConfig(s.config),
      relation_name: s.externalLocation ? null : relationName(rel),
      created_at: this.createdAt,
      unrendered_database: null,
      unrendered_schema: null,
      doc_blocks: EMPTY,
    };
  }

  /** The manifest sections of exposures, groups, metrics, semantic models and saved queries. */
  private resources(): ExtraResources {
    const out = { exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {} } as Record<keyof ExtraResources, Record<string, unknown>>;
    const section = { exposure: 'exposures', metric: 'metrics', group: 'groups', semantic_model: 'semantic_models', saved_query: 'saved_queries' } as const;
    for (const r of this.manifest.resources?.values() ?? []) {
      const common = { name: r.name, resource_type: r.resourceType, package_name: r.packageName, path: r.originalFilePath, original_file_path: r.originalFilePath, unique_id: r.uniqueId };
      out[section[r.resourceType]][r.uniqueId] =
        r.resourceType === 'group'
          ? { ...common, ...r.properties }
          : { ...common, fqn: r.fqn, description: r.description, ...r.properties, depends_on: { macros: EMPTY, nodes: r.dependsOn }, created_at: this.createdAt };
    }
    return out;
  }

  macro(m: MacroDef): Record<string, unknown> {
    const sql = this.macroText.get(`${m.originalFilePath}\u0000${m.name}`) ?? '';
    const deps = macroCalls(sql, this.resolve).filter((id) => id !== m.uniqueId);
    return {
      name: m.name,
      resource_type: 'macro',
      package_name: m.packageName,
      path: inPackage(m, m.originalFilePath),
      original_file_path: inPackage(m, m.originalFilePath),
      unique_id: m.uniqueId,
      macro_sql: sql,
      depends_on: { macros: deps },
      description: m.description,
      meta: NO_MAP,
      docs: DOCS,
      patch_path: null,
      arguments: m.args.map((a) => ({ name: a, type: null, description: '' })),
      created_at: this.createdAt,
      supported_languages: null,
    };
  }

  /** Any node or source, in its manifest.json shape. */
  any(n: ManifestNode): Record<string, unknown> {
    if (n.resourceType === 'source') return this.source(n);
    if (n.resourceType === 'unit_test') return this.unitTest(n);
    if (n.resourceType === 'seed') return this.seed(n);
    return this.sqlNode(n);
  }

  /**
   * manifest.json's text in pieces, in dbt's key order: `nodes` (nearly all of the file) one node
   * at a time, so neither every node's dict nor the whole text has to be held at once; the other
   * sections are small and serialized whole. Secrets are masked in each piece (a piece is whole
   * JSON values with their keys).
   */
  *pieces(): Generator<string> {
    const { manifest, opts } = this;
    const metadata = {
      ...artifactMetadata('manifest', 'v12', opts.invocationId, opts.invocationStartedAt),
      project_name: manifest.projectName,
      project_id: createHash('md5').update(manifest.projectName).digest('hex'),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: 'duckdb',
      quoting: { database: true, schema: true, identifier: true, column: null },
    };
    const replacer = secretReplacer();
    yield `{"metadata":${stringifyMasked(metadata)},"nodes":{`;
    const unitTests: Record<string, unknown> = {};
    let first = true;
    for (const n of manifest.nodes.values()) {
      if (n.resourceType === 'unit_test') {
        unitTests[n.uniqueId] = this.unitTest(n);
        continue;
      }
      const dict = n.resourceType === 'seed' ? this.seed(n) : this.sqlNode(n);
      const key = `${first ? '' : ','}${JSON.stringify(n.uniqueId)}:`;
      first = false;
      // the key and the node apart (no concatenation the writer would have to flatten), unless a
      // secret is to be masked: then whole, so one spanning both is found
      if (replacer) yield maskSecrets(key + JSON.stringify(dict, replacer));
      else {
        yield key;
        yield JSON.stringify(dict);
      }
    }
    const sources: Record<string, unknown> = {};
    for (const s of manifest.sources.values()) sources[s.uniqueId] = this.source(s);
    const macros: Record<string, unknown> = {};
    for (const m of manifest.macros.values()) macros[m.uniqueId] = this.macro(m);
    const docs: Record<string, unknown> = {};
    for (const d of manifest.docs.values()) {
      docs[d.uniqueId] = { name: d.name, resource_type: 'doc', package_name: d.uniqueId.split('.')[1] ?? manifest.projectName, path: d.originalFilePath, original_file_path: d.originalFilePath, unique_id: d.uniqueId, block_contents: d.blockContents };
    }
    const overview = `doc.${manifest.projectName}.__overview__`;
    if (!docs[overview]) docs[overview] = { name: '__overview__', resource_type: 'doc', package_name: manifest.projectName, path: 'overview.md', original_file_path: 'overview.md', unique_id: overview, block_contents: OVERVIEW };
    const extra = opts.extraResources ?? this.resources();
    const parentMap: Record<string, readonly string[]> = {};
    const childMap: Record<string, string[] | readonly string[]> = {};
    for (const id of [...manifest.nodes.keys(), ...manifest.sources.keys()]) {
      parentMap[id] = opts.parents(id);
      childMap[id] = opts.children(id);
    }
    // exposures, metrics, semantic models and saved queries are in dbt's parent and child maps too
    for (const r of manifest.resources?.values() ?? []) {
      if (r.resourceType === 'group') continue;
      parentMap[r.uniqueId] = r.dependsOn;
      childMap[r.uniqueId] ??= [];
    }
    for (const r of manifest.resources?.values() ?? []) {
      for (const p of r.dependsOn) childMap[p] = [...(childMap[p] ?? []), r.uniqueId];
    }
    const groupMap: Record<string, string[]> = {};
    for (const n of manifest.nodes.values()) {
      const g = n.config['group'];
      if (typeof g === 'string') (groupMap[g] ??= []).push(n.uniqueId);
    }
    const rest = stringifyMasked({
      sources,
      macros,
      docs,
      exposures: extra?.exposures ?? {},
      metrics: extra?.metrics ?? {},
      groups: extra?.groups ?? {},
      selectors: opts.selectors ?? {},
      disabled: Object.fromEntries([...manifest.disabled].map((id) => [id, []])),
      parent_map: parentMap,
      child_map: childMap,
      group_map: groupMap,
      saved_queries: extra?.saved_queries ?? {},
      semantic_models: extra?.semantic_models ?? {},
      unit_tests: unitTests,
    });
    yield `},${rest.slice(1)}`;
  }
}

const OVERVIEW = `### Welcome!

This is the documentation of a project built with bmp, a dbt-style SQL framework on DuckDB.
Browse the models, seeds, sources and tests on the left, or open the lineage graph.`;

function rowsJson(r: UnitTestRows): { rows: unknown; format: string; fixture: string | null } {
  return { rows: r.format === 'dict' ? r.rows ?? [] : r.format === 'csv' ? r.csv ?? null : r.sql ?? null, format: r.format, fixture: r.fixture ?? null };
}

/** A source's `freshness:` as dbt writes it ({count, period} thresholds and a filter). */
export function freshnessJson(f: unknown): { warn_after: unknown; error_after: unknown; filter: string | null } | null {
  if (!f || typeof f !== 'object') return null;
  const x = f as { warn_after?: { count?: number; period?: string } | null; error_after?: { count?: number; period?: string } | null; filter?: string | null };
  const t = (v: { count?: number; period?: string } | null | undefined) => (v && typeof v === 'object' ? { count: v.count ?? null, period: v.period ?? null } : { count: null, period: null });
  return { warn_after: t(x.warn_after), error_after: t(x.error_after), filter: x.filter ?? null };
}

/**
 * The manifest as dbt writes it (manifest v12), secrets masked.
 * @example manifestJson(project.manifest, { invocationId, parents, children, targetPath: 'target', testSchema })
 */
export function manifestJson(manifest: Manifest, opts: ManifestJsonOptions): string {
  return [...new ManifestWriter(manifest, opts).pieces()].join('');
}

/**
 * Writes manifest.json to `path` (atomically, as {@link writeFileAtomic}) as it is serialized, a
 * node at a time: the same text as {@link manifestJson} without holding every node's dict or the
 * whole text (about 34 MB at 5,000 models and 10,000 tests) at once.
 */
export async function writeManifestJson(path: string, manifest: Manifest, opts: ManifestJsonOptions): Promise<void> {
  await writePiecesAtomic(path, new ManifestWriter(manifest, opts).pieces());
}

/** The dicts manifest.json holds for single nodes and macros (what templates see in `graph` and `model`). */
export interface ManifestDicts {
  node(n: ManifestNode): Record<string, unknown>;
  macro(m: MacroDef): Record<string, unknown>;
}

/** Makes manifest.json's dict of any one node or macro, on demand. */
export function manifestDicts(manifest: Manifest, opts: Pick<ManifestJsonOptions, 'targetPath' | 'fallbackRelation' | 'compiled'>): ManifestDicts {
  const w = new ManifestWriter(manifest, { invocationId: '', parents: () => [], children: () => [], ...opts });
  return {
    node: (n) => (n.resourceType === 'source' ? w.source(n) : n.resourceType === 'seed' ? w.seed(n) : n.resourceType === 'unit_test' ? w.unitTest(n) : w.sqlNode(n)),
    macro: (m) => w.macro(m),
  };
}

/**
 * Nodes and sources as manifest.json holds them (dbt's fields), for `ls --output json --output-keys`.
 * @example dbtNodes(manifest, [node], opts)[0]!['description']
 */
export function dbtNodes(manifest: Manifest, nodes: readonly ManifestNode[], opts: ManifestJsonOptions): Record<string, unknown>[] {
  const writer = new ManifestWriter(manifest, opts);
  return nodes.map((n) => writer.any(n));
}

export type { ManifestNode };
