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
  flags: false,
  dispatch: false,
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
  attach: false,
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

/** Node config keys (models, seeds, snapshots, tests, sources, unit tests), hyphens normalized to `_`. */
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
  // accepted from dbt, not acted on
  persist_docs: false,
  contract: false,
  grants: false,
  group: false,
  access: false,
  on_configuration_change: false,
  quoting: false,
  packages: false,
  labels: false,
  glue_register: false,
  external: false,
  loaded_at_field: false,
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
