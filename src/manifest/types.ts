/**
 * The parsed project: nodes keyed by dbt-style unique ids (`model.<project>.<name>`).
 * Everything here is plain readonly data; later stages return new values instead of mutating.
 */

import type { RefIndex } from './lookup.js';

export type ResourceType = 'model' | 'seed' | 'test' | 'source' | 'snapshot' | 'unit_test' | 'analysis';

export type Materialization =
  | 'view'
  | 'table'
  | 'ephemeral'
  | 'incremental'
  | 'seed'
  | 'test'
  | 'snapshot'
  | 'external'
  | (string & {});

/** The merged config of a node: project.yml < properties YAML < in-file `config()`. */
export interface NodeConfig {
  readonly enabled: boolean;
  readonly materialized: Materialization;
  readonly schema?: string;
  readonly database?: string;
  readonly alias?: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly pre_hook: readonly string[];
  readonly post_hook: readonly string[];
  // What load-time validation (config/node-config.ts checkValue) guarantees for the keys bmp acts
  // on: enums lower-cased, string-or-list keys as lists, partition_by as a mapping.
  readonly full_refresh?: boolean;
  readonly store_failures?: boolean;
  readonly invalidate_hard_deletes?: boolean;
  readonly quote_columns?: boolean;
  readonly concurrent_batches?: boolean;
  readonly sql_header?: string;
  readonly event_time?: string;
  readonly updated_at?: string;
  readonly fail_calc?: string;
  readonly where?: string;
  readonly location?: string;
  readonly format?: string;
  readonly delimiter?: string;
  readonly target_schema?: string;
  readonly unique_key?: readonly string[];
  readonly merge_update_columns?: readonly string[];
  readonly merge_exclude_columns?: readonly string[];
  readonly incremental_insert_first?: boolean;
  readonly incremental_predicates?: readonly string[];
  readonly incremental_strategy?: 'append' | 'merge' | 'delete+insert' | 'insert_overwrite' | 'microbatch';
  readonly on_schema_change?: 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';
  readonly severity?: 'error' | 'warn';
  readonly batch_size?: 'hour' | 'day' | 'month' | 'year';
  readonly strategy?: 'timestamp' | 'check';
  readonly hard_deletes?: 'ignore' | 'invalidate' | 'new_record';
  readonly store_failures_as?: 'table' | 'view' | 'ephemeral';
  /** A comparison like `>10` or `!=0`. */
  readonly warn_if?: string;
  readonly error_if?: string;
  readonly limit?: number;
  readonly lookback?: number;
  readonly partition_by?: { readonly field: string; readonly granularity?: 'hour' | 'day' | 'month' | 'year' };
  readonly indexes?: readonly { readonly columns: readonly string[]; readonly unique?: boolean }[];
  readonly column_types?: Readonly<Record<string, string>>;
  /** Custom keys (`meta`-like, dbt allows any) and keys bmp only passes through. */
  readonly [key: string]: unknown;
}

export interface ColumnInfo {
  readonly name: string;
  readonly description: string;
  readonly data_type?: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** `constraints:` (enforced with `contract: {enforced: true}`). */
  readonly constraints?: readonly Constraint[];
}

/** A column's or model's constraint, as written (dbt's `constraints:`). */
export interface Constraint {
  readonly type: string;
  /** `check`: the condition each row must meet. */
  readonly expression?: string;
  /** A model-level constraint: the columns it is on. */
  readonly columns?: readonly string[];
  readonly name?: string;
}

export interface RefCall {
  readonly package?: string;
  readonly name: string;
  /** `ref('m', v=2)` (also `version=`): that version of a versioned model. */
  readonly version?: string;
}

export interface DependsOn {
  readonly nodes: readonly string[];
  readonly macros: readonly string[];
}

export interface NodeBase {
  readonly uniqueId: string;
  readonly resourceType: ResourceType;
  readonly name: string;
  readonly packageName: string;
  /**
   * Path relative to the root project folder, with forward slashes (`models/stg/x.sql`; a package's
   * files are under its folder: `dbt_packages/dbt_utils/models/x.sql`).
   */
  readonly originalFilePath: string;
  /** For a package's nodes: the package folder relative to the root project (`dbt_packages/dbt_utils`). */
  readonly packagePath?: string;
  /** Path relative to the resource folder it was found in (`stg/x.sql`). */
  readonly path: string;
  readonly fqn: readonly string[];
  readonly description: string;
  readonly config: NodeConfig;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly columns: Readonly<Record<string, ColumnInfo>>;
  /** Properties YAML file that described this node, if any (relative to the project folder). */
  readonly patchPath?: string;
  /** Where the relation lives once built (not for ephemeral models, tests, unit tests). */
  readonly relation?: Relation;
  readonly checksum: string;
}

/** A SQL node: model, snapshot, analysis or singular/generic test. */
export interface SqlNode extends NodeBase {
  readonly resourceType: 'model' | 'test' | 'snapshot' | 'analysis';
  readonly rawCode: string;
  readonly refs: readonly RefCall[];
  readonly sources: readonly (readonly [string, string])[];
  readonly dependsOn: DependsOn;
  /** Set on tests. */
  readonly testMetadata?: TestMetadata;
  /** The node a generic test is attached to (dbt's `attached_node`). */
  readonly attachedNode?: string;
  /** For generic tests: the column name tested, if any. */
  readonly columnName?: string;
  /**
   * For generic tests: the config keys its properties entry sets (and, for a package's test, the
   * root project's `tests:`). A `config()` call its test macro makes while rendering overrides the
   * test's other configs (defaults, the project's `tests:`), not these: dbt renders the entry's
   * config after the macro.
   */
  readonly configFixed?: readonly string[];
  /** Model-level `constraints:` (enforced with `contract: {enforced: true}`). */
  readonly constraints?: readonly Constraint[];
  /** A versioned model's version (`versions:` in YAML) and its model's latest version. */
  readonly version?: string;
  readonly latestVersion?: string;
}

export interface TestMetadata {
  readonly name: string; // unique, not_null, or a custom generic test
  readonly namespace?: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** generic tests come from YAML; singular tests are .sql files */
  readonly testType: 'generic' | 'singular';
}

export interface SeedNode extends NodeBase {
  readonly resourceType: 'seed';
  /** Absolute path of the CSV file. */
  readonly absolutePath: string;
  readonly dependsOn: DependsOn;
}

export interface SourceNode extends NodeBase {
  readonly resourceType: 'source';
  readonly sourceName: string;
  readonly sourceDescription: string;
  readonly identifier: string;
  /** When set, the source is a file read with read_csv/read_parquet and not a table. */
  readonly externalLocation?: string;
  readonly loader?: string;
  /** The column `source freshness` reads (`max(loaded_at_field)`). */
  readonly loadedAtField?: string;
  /** `{warn_after: {count, period}, error_after: {...}, filter}`, as written; null turns it off. */
  readonly freshness?: unknown;
}

export interface UnitTestNode extends NodeBase {
  readonly resourceType: 'unit_test';
  /** The model under test (unique id). */
  readonly model: string;
  readonly given: readonly UnitTestInput[];
  readonly expect: UnitTestRows;
  readonly overrides: {
    readonly vars?: Readonly<Record<string, unknown>>;
    readonly macros?: Readonly<Record<string, unknown>>;
    readonly env_vars?: Readonly<Record<string, unknown>>;
  };
  /** Which versions of a versioned model it tests (`versions: {include}` / `{exclude}`; all by default). */
  readonly versions?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
  /** The version of the model this copy of the unit test runs against (one copy per version, as in dbt). */
  readonly version?: string;
  readonly dependsOn: DependsOn;
}

export interface UnitTestInput {
  /** `ref('x')` or `source('a', 'b')`, as written. */
  readonly input: string;
  readonly rows: UnitTestRows;
}

export interface UnitTestRows {
  readonly format: 'dict' | 'csv' | 'sql';
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
  readonly csv?: string;
  readonly sql?: string;
  readonly fixture?: string;
}

export type ExecutableNode = SqlNode | SeedNode | UnitTestNode;
export type ManifestNode = ExecutableNode | SourceNode;

export interface Relation {
  readonly database: string;
  readonly schema: string;
  readonly identifier: string;
  /**
   * The relation lives in another database than the target's (a source with `database:` naming
   * an attached database): it renders with its database, `"db"."schema"."table"`.
   */
  readonly attached?: boolean;
}

export interface MacroDef {
  readonly uniqueId: string; // macro.<package>.<name>
  readonly name: string;
  readonly packageName: string;
  /** Where the package lives, relative to the root project (undefined for the root and for bmp's own macros). */
  readonly packagePath?: string;
  readonly originalFilePath: string;
  /** 1-based line in the file where `{% macro` starts. */
  readonly line: number;
  readonly kind: 'macro' | 'test' | 'materialization';
  readonly args: readonly string[];
  readonly description: string;
}

export interface DocBlock {
  readonly uniqueId: string; // doc.<project>.<name>
  readonly name: string;
  readonly originalFilePath: string;
  readonly blockContents: string;
}

/**
 * An exposure, group, metric, semantic model or saved query: parsed into the manifest (dbt's
 * sections of the same names) and shown in the docs; never run.
 */
export interface ProjectResource {
  readonly uniqueId: string;
  readonly resourceType: 'exposure' | 'group' | 'metric' | 'semantic_model' | 'saved_query';
  readonly name: string;
  readonly label?: string;
  readonly description: string;
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly fqn: readonly string[];
  /** Unique ids it depends on: models, seeds, snapshots, sources, semantic models, metrics. */
  readonly dependsOn: readonly string[];
  /** Its other fields, in dbt's manifest shape (type, owner, type_params, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface Manifest {
  readonly projectName: string;
  readonly nodes: ReadonlyMap<string, ExecutableNode>;
  readonly sources: ReadonlyMap<string, SourceNode>;
  readonly macros: ReadonlyMap<string, MacroDef>;
  readonly docs: ReadonlyMap<string, DocBlock>;
  /** Macro source files (absolute path → text) to feed the template environment. */
  readonly macroFiles: ReadonlyMap<string, string>;
  /** Disabled nodes, by unique id (refs to them give a specific error). */
  readonly disabled: ReadonlySet<string>;
  /** What `ref()` can name, by package (see manifest/lookup.ts). */
  readonly refIndex: RefIndex;
  /** Exposures, groups, metrics, semantic models and saved queries, by unique id. */
  readonly resources?: ReadonlyMap<string, ProjectResource>;
}

export function isSqlNode(n: ManifestNode): n is SqlNode {
  return 'rawCode' in n;
}

/** A root-relative path as dbt records it: relative to the node's package folder (the same path for the root project's). */
export function inPackage(node: { readonly packagePath?: string }, path: string): string {
  const prefix = node.packagePath;
  return prefix !== undefined && path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : path;
}
