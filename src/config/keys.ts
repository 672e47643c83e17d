/**
 * The keys dbt documents, so a dbt-duckdb project runs unchanged: bmp acts on some, warns once about
 * the rest, and rejects anything else with a "did you mean".
 */

/** dbt_project.yml / project.yml top-level keys. `true` = bmp acts on it; `false` = accepted, warned. */
export const PROJECT_KEYS: Readonly<Record<string, boolean>> = {
  name: true,
  version: true,
  'config-version': true,
  profile: true,
  'model-paths': true,
  'seed-paths': true,
  'test-paths': true,
  'macro-paths': true,
  'snapshot-paths': true,
  'analysis-paths': true,
  'docs-paths': true,
  'target-path': true,
  'clean-targets': true,
  'on-run-start': true,
  'on-run-end': true,
  vars: true,
  models: true,
  seeds: true,
  snapshots: true,
  sources: true,
  tests: true,
  data_tests: true,
  unit_tests: true,
  'require-dbt-version': false,
  'asset-paths': false,
  'function-paths': false,
  'log-path': false,
  'packages-install-path': true,
  'query-comment': false,
  'dbt-cloud': false,
  flags: true,
  dispatch: true,
  'restrict-access': false,
  quoting: false,
  metrics: false,
  'semantic-models': false,
  'saved-queries': false,
  exposures: false,
  analyses: false,
  functions: false,
  'source-paths': false,
  'data-paths': false,
  'log-paths': false,
  'modules-path': false,
};

/** profiles.yml output keys for the duckdb adapter. */
export const TARGET_KEYS: Readonly<Record<string, boolean>> = {
  type: true,
  path: true,
  schema: true,
  database: true,
  threads: true,
  settings: true,
  config_options: true,
  llm: true,
  extensions: true,
  attach: true,
  secrets: false,
  plugins: false,
  filesystems: false,
  external_root: true,
  use_credential_provider: false,
  keep_open: false,
  module_paths: false,
  disable_transactions: false,
  retries: false,
  is_motherduck: false,
  motherduck_token: false,
  read_only: true,
};

/** The resource types whose configs bmp checks, each against its own keys. */
export type ConfigResourceType = 'model' | 'seed' | 'snapshot' | 'test' | 'source' | 'unit_test';

const NODE_AND_TEST = ['enabled', 'alias', 'schema', 'database', 'tags', 'meta', 'group'];
/** dbt's NodeConfig (models, seeds and snapshots share it). */
const NODE = [
  ...NODE_AND_TEST,
  'materialized', 'incremental_strategy', 'batch_size', 'lookback', 'begin', 'persist_docs', 'pre_hook', 'post_hook', 'quoting',
  'column_types', 'full_refresh', 'unique_key', 'on_schema_change', 'on_configuration_change', 'grants', 'packages', 'docs',
  'contract', 'event_time', 'concurrent_batches',
];

/**
 * The config keys of each resource type: dbt 1.10's (so no key dbt takes silently gets a warning
 * here) and the dbt-duckdb/bmp ones bmp acts on. A key outside its type's set is a custom config.
 */
export const CONFIG_KEYS: Readonly<Record<ConfigResourceType, ReadonlySet<string>>> = {
  model: new Set([
    ...NODE, 'access', 'freshness', 'sql_header', 'incremental_predicates', 'merge_update_columns', 'merge_exclude_columns', 'incremental_insert_first',
    // dbt-duckdb's MERGE options
    'merge_update_condition', 'merge_insert_condition', 'merge_update_set_expressions',
    // dbt-duckdb / bmp physical layout and external files
    'partition_by', 'indexes', 'location', 'format', 'options', 'delimiter', 'glue_register', 'glue_database', 'plugin', 'static_analysis',
  ]),
  seed: new Set([...NODE, 'delimiter', 'quote_columns']),
  snapshot: new Set([
    ...NODE, 'strategy', 'updated_at', 'check_cols', 'target_schema', 'target_database', 'snapshot_meta_column_names',
    'dbt_valid_to_current', 'hard_deletes', 'invalidate_hard_deletes',
  ]),
  test: new Set([...NODE_AND_TEST, 'materialized', 'severity', 'store_failures', 'store_failures_as', 'sql_header', 'where', 'limit', 'fail_calc', 'warn_if', 'error_if']),
  source: new Set(['enabled', 'event_time', 'meta', 'tags', 'freshness', 'loaded_at_field', 'loaded_at_query', 'plugin']),
  unit_test: new Set(['enabled', 'tags', 'meta']),
};

/**
 * Every config key bmp knows (any resource type; `true` = bmp acts on it somewhere), hyphens
 * normalized to `_`. The editor schema (schemas/project.schema.json) offers exactly these.
 */
export const NODE_CONFIG_KEYS: Readonly<Record<string, boolean>> = {
  enabled: true,
  materialized: true,
  schema: true,
  database: true,
  alias: true,
  tags: true,
  meta: true,
  pre_hook: true,
  post_hook: true,
  docs: true,
  full_refresh: true,
  sql_header: true,
  // incremental
  unique_key: true,
  incremental_strategy: true,
  on_schema_change: true,
  incremental_predicates: true,
  merge_update_columns: true,
  merge_exclude_columns: true,
  merge_update_condition: true,
  merge_insert_condition: true,
  merge_update_set_expressions: true,
  incremental_insert_first: true,
  event_time: true,
  batch_size: true,
  lookback: true,
  begin: true,
  concurrent_batches: false,
  // bmp / dbt-duckdb physical layout
  partition_by: true,
  indexes: true,
  location: true,
  format: true,
  options: true,
  // seeds
  column_types: true,
  quote_columns: false,
  delimiter: true,
  // tests
  severity: true,
  warn_if: true,
  error_if: true,
  fail_calc: true,
  store_failures: true,
  store_failures_as: true,
  where: true,
  limit: true,
  // snapshots
  strategy: true,
  updated_at: true,
  check_cols: true,
  hard_deletes: true,
  invalidate_hard_deletes: true,
  snapshot_meta_column_names: false,
  dbt_valid_to_current: false,
  target_schema: true,
  target_database: false,
  contract: true,
  // descriptions as comments (dbt-duckdb's)
  persist_docs: true,
  // accepted from dbt, not acted on
  grants: false,
  group: false,
  access: false,
  on_configuration_change: false,
  quoting: false,
  packages: false,
  labels: false,
  glue_register: false,
  glue_database: false,
  external: false,
  loaded_at_field: false,
  loaded_at_query: false,
  freshness: false,
  identifier: false,
  deprecation_date: false,
  latest_version: false,
  cluster_by: false,
  static_analysis: false,
  event_time_start: false,
  unlogged: false,
  batch_id: false,
  plugin: false,
};

/**
 * Configs of other dbt adapters (Spark, Databricks, Athena, BigQuery, Snowflake, Redshift,
 * Postgres). A project that targets several warehouses carries them; on DuckDB they do nothing.
 * Never read as a typo of a bmp key (`partitioned_by` is Athena's, not a misspelt `partition_by`).
 */
export const OTHER_ADAPTER_KEYS: ReadonlySet<string> = new Set([
  'partitioned_by', 'clustered_by', 'buckets', 'file_format', 'table_type', 'table_properties', 'tblproperties', 'location_root',
  'liquid_clustered_by', 'zorder', 'write_format', 'lf_tags_config', 'lf_grants', 's3_data_dir', 's3_data_naming', 'external_location',
  'work_group', 'force_batch', 'partition_expiration_days', 'require_partition_filter', 'kms_key_name', 'hours_to_expiration',
  'grant_access_to', 'enable_refresh', 'refresh_interval_minutes', 'max_staleness', 'transient', 'copy_grants', 'query_tag',
  'snowflake_warehouse', 'secure', 'automatic_clustering', 'target_lag', 'table_format', 'base_location_subpath', 'dist', 'sort',
  'sort_type', 'bind', 'backup', 'auto_refresh', 'unlogged', 'cluster_by', 'labels', 'on_table_exists', 'file_format',
]);
/** Config keys whose values accumulate along the hierarchy instead of replacing. */
export const ADDITIVE_KEYS = new Set(['tags', 'pre_hook', 'post_hook']);
export const MERGED_KEYS = new Set(['meta', 'docs']);

/** `pre-hook` → `pre_hook`, `+materialized` → `materialized`. */
export function normalizeConfigKey(key: string): string {
  return key.replace(/^\+/, '').replace(/-/g, '_');
}

export function isConfigKey(key: string): boolean {
  return normalizeConfigKey(key) in NODE_CONFIG_KEYS;
}

/** How a config key relates to a resource type's keys. */
export type KeyClass =
  | { readonly kind: 'known' }
  /** a near miss of one of the type's keys: an error, with the suggestion */
  | { readonly kind: 'typo'; readonly suggestions: readonly string[] }
  /** kept as a custom config: the type's own unknown key, another type's key, or another adapter's */
  | { readonly kind: 'custom'; readonly origin: 'custom' | 'other-type' | 'other-adapter'; readonly ownerTypes?: readonly ConfigResourceType[] };

/**
 * Sorts a config key (normalized: no `+`, `_` for `-`) for a resource type: one of its keys, a
 * near miss of one of them (a typo), or a custom key kept in the config. Another resource type's
 * key and another adapter's key are never typos.
 * @example classifyConfigKey('uniqe_key', 'model') // { kind: 'typo', suggestions: ['unique_key'] }
 * @example classifyConfigKey('owner', 'model') // { kind: 'custom', origin: 'custom' }
 */
export function classifyConfigKey(key: string, type: ConfigResourceType): KeyClass {
  const known = CONFIG_KEYS[type];
  if (known.has(key)) return KNOWN;
  if (key in NODE_CONFIG_KEYS) {
    const owners = (Object.keys(CONFIG_KEYS) as ConfigResourceType[]).filter((t) => CONFIG_KEYS[t].has(key));
    return { kind: 'custom', origin: owners.length ? 'other-type' : OTHER_ADAPTER_KEYS.has(key) ? 'other-adapter' : 'custom', ownerTypes: owners };
  }
  if (OTHER_ADAPTER_KEYS.has(key)) return { kind: 'custom', origin: 'other-adapter' };
  const suggestions = nearMisses(key, known);
  return suggestions.length ? { kind: 'typo', suggestions } : { kind: 'custom', origin: 'custom' };
}

const KNOWN: KeyClass = Object.freeze({ kind: 'known' });

/**
 * The candidates `word` is a near miss of, closest first. A near miss is a slip of the keyboard,
 * not a different word:
 * - it differs from the candidate only in letter case, or
 * - its edit distance to the candidate (insertions, deletions, substitutions, and swaps of two
 *   neighbouring letters, each counting 1) is at most one per six letters of the candidate
 *   (at least 1) and at most a quarter of its length, and
 * - it starts with the candidate's first letter (or swaps the first two).
 *
 * So `materialised`, `matrialzed`, `uniqe_key`, `tag` and `enable` are near misses, while
 * `event_type` (2 edits from the 10-letter `event_time`), `materialization`, `beta` (`meta`) and
 * `index` (2 edits from `indexes`) are custom keys.
 */
export function nearMisses(word: string, candidates: Iterable<string>): string[] {
  const w = word.toLowerCase();
  const scored: [number, string][] = [];
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (w === c) {
      if (word !== candidate) scored.push([0, candidate]);
      continue;
    }
    const allowed = Math.min(Math.max(1, Math.floor(c.length / 6)), Math.floor(c.length / 4));
    if (Math.abs(w.length - c.length) > allowed) continue;
    const startsAlike = w[0] === c[0] || (w[0] === c[1] && w[1] === c[0]);
    if (!startsAlike) continue;
    const d = osaDistance(w, c);
    if (d >= 1 && d <= allowed) scored.push([d, candidate]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  const best = scored[0]?.[0];
  return scored.filter(([d]) => d === best).map(([, c]) => c);
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
function osaDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = v;
    }
  }
  return rows[a.length]![b.length]!;
}
