import { ConfigError, didYouMean, didYouMeanOf, type ErrorLocation } from '../errors.js';
import type { NodeConfig } from '../manifest/types.js';
import { ADDITIVE_KEYS, CONFIG_KEYS, MERGED_KEYS, NODE_CONFIG_KEYS, classifyConfigKey, isConfigKey, nearMisses, normalizeConfigKey, type ConfigResourceType } from './keys.js';

/** A `models:`/`seeds:`/`tests:` tree from project.yml: configs (`+key`) and folders, nested. */
export type ConfigTree = Readonly<Record<string, unknown>>;
export type RawConfig = Readonly<Record<string, unknown>>;

type Locate = (path: (string | number)[]) => ErrorLocation;

/** One place a custom config key is set (kept in the config, reported once per key). */
export interface CustomKeyUse {
  /** As written: `+owner`, `owner`. */
  readonly key: string;
  /** Normalized: no `+`, `_` for `-`. */
  readonly normalized: string;
  readonly resourceType?: ConfigResourceType;
  /** Unknown everywhere, another resource type's key, or another dbt adapter's key. */
  readonly origin: 'custom' | 'other-type' | 'other-adapter';
  readonly ownerTypes?: readonly ConfigResourceType[];
  readonly where: ErrorLocation;
  /** Written without `+` in a project.yml tree (dbt reads a bare non-mapping key as a config too). */
  readonly bare?: boolean;
}

/**
 * How a config is checked: against one resource type's keys and value rules (without one, against
 * every key bmp knows), and where custom keys are reported.
 */
export interface ConfigCheck {
  readonly resourceType?: ConfigResourceType;
  readonly onCustomKey?: (use: CustomKeyUse) => void;
}

/** The resource type a project.yml section configures. */
export const SECTION_TYPES: Readonly<Record<string, ConfigResourceType>> = {
  models: 'model',
  seeds: 'seed',
  snapshots: 'snapshot',
  tests: 'test',
  data_tests: 'test',
  sources: 'source',
  unit_tests: 'unit_test',
};

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  incremental_strategy: ['append', 'merge', 'delete+insert', 'insert_overwrite', 'microbatch'],
  on_schema_change: ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'],
  severity: ['error', 'warn'],
  batch_size: ['hour', 'day', 'month', 'year'],
  strategy: ['timestamp', 'check'],
  hard_deletes: ['ignore', 'invalidate', 'new_record'],
  store_failures_as: ['table', 'view', 'ephemeral'],
};

const BOOLEAN_KEYS = new Set(['enabled', 'full_refresh', 'incremental_insert_first', 'store_failures', 'invalidate_hard_deletes', 'quote_columns']);
const STRING_KEYS = new Set(['materialized', 'schema', 'database', 'alias', 'sql_header', 'event_time', 'updated_at', 'fail_calc', 'where', 'location', 'format', 'delimiter', 'target_schema']);
const STRING_OR_LIST_KEYS = new Set(['tags', 'pre_hook', 'post_hook', 'unique_key', 'merge_update_columns', 'merge_exclude_columns', 'incremental_predicates']);

/**
 * Keys whose values bmp checks only on some resource types, because only there do they mean
 * something bmp acts on (dbt types them `Any` or checks them late). The microbatch keys are checked
 * on the final config of a microbatch model ({@link checkStrategyConfig}), never per layer: a seed's
 * `+batch_size: 200` is an ordinary value, as in dbt.
 */
const CHECKED_ON: Readonly<Record<string, readonly ConfigResourceType[]>> = {
  incremental_strategy: ['model'],
  on_schema_change: ['model'],
  incremental_predicates: ['model'],
  merge_update_columns: ['model'],
  merge_exclude_columns: ['model'],
  merge_update_condition: ['model'],
  merge_insert_condition: ['model'],
  merge_update_set_expressions: ['model'],
  incremental_insert_first: ['model'],
  unique_key: ['model', 'snapshot'],
  batch_size: [],
  lookback: [],
  begin: [],
  concurrent_batches: [],
};

/**
 * Checks a project.yml config tree. `+key` is a config; a bare key is a config when it is a config
 * name or its value is not a mapping (dbt's rule), else a folder. A near miss of one of the section's
 * config keys is an error with the suggestion; any other unknown key is a custom config, reported
 * to `onCustomKey` and kept.
 * @throws ConfigError BMP_CONFIG_UNKNOWN_KEY, BMP_CONFIG_INVALID_VALUE
 */
export function validateConfigTree(tree: ConfigTree, locate: Locate, section: string, check: ConfigCheck = {}, path: string[] = []): void {
  const resourceType = check.resourceType ?? SECTION_TYPES[section];
  for (const [key, value] of Object.entries(tree)) {
    const here = [...path, key];
    const mapping = !!value && typeof value === 'object' && !Array.isArray(value);
    if (key.startsWith('+') || isConfigKey(key) || (!mapping && value !== null && value !== undefined)) {
      const norm = normalizeConfigKey(key);
      const cls = resourceType ? classifyConfigKey(norm, resourceType) : legacyClass(norm);
      if (cls.kind === 'typo') {
        const folderNote = key.startsWith('+') || isConfigKey(key) ? '' : ' (a folder would be a mapping)';
        throw new ConfigError('BMP_CONFIG_UNKNOWN_KEY', `unknown config '${key}' under '${section}'${folderNote}`, locate(here), suggestion(key, cls.suggestions));
      }
      if (cls.kind === 'custom') check.onCustomKey?.({ key, normalized: norm, resourceType, origin: cls.origin, ownerTypes: cls.ownerTypes, where: locate(here), bare: !key.startsWith('+') });
      validateConfigValue(norm, value, locate(here), resourceType);
    } else if (mapping) {
      validateConfigTree(value as ConfigTree, locate, section, { ...check, resourceType }, here);
    }
    // a bare key without a value (`staging:`) is an empty folder
  }
}

/** Without a resource type: any key bmp knows is known; typos are near misses of any of them. */
function legacyClass(norm: string): ReturnType<typeof classifyConfigKey> {
  if (norm in NODE_CONFIG_KEYS) return { kind: 'known' };
  const suggestions = nearMisses(norm, Object.keys(NODE_CONFIG_KEYS));
  return suggestions.length ? { kind: 'typo', suggestions } : { kind: 'custom', origin: 'custom' };
}

/** `did you mean '+materialized'?`, keeping the `+` the user wrote. */
function suggestion(key: string, suggestions: readonly string[]): string {
  const plus = key.startsWith('+') ? '+' : '';
  return didYouMeanOf(suggestions.map((s) => `${plus}${s}`)) ?? '';
}

/**
 * Validates one config value's type for a resource type; returns it normalized (`tags: x` →
 * `['x']`). A key the resource type does not know (a custom key) is returned as it is.
 * @throws ConfigError BMP_CONFIG_INVALID_VALUE
 */
export function validateConfigValue(key: string, value: unknown, where: ErrorLocation, resourceType?: ConfigResourceType): unknown {
  if (value === null || value === undefined) return value;
  if (resourceType && !CONFIG_KEYS[resourceType].has(key)) return value;
  const checkedOn = CHECKED_ON[key];
  if (checkedOn && !(resourceType ? checkedOn.includes(resourceType) : checkedOn.length > 0)) return value;
  return checkValue(key, value, where);
}

function checkValue(key: string, value: unknown, where: ErrorLocation): unknown {
  const fail = (expected: string): never => {
    throw new ConfigError('BMP_CONFIG_INVALID_VALUE', `config '${key}' must be ${expected}, got ${JSON.stringify(value)}`, where, templateHint(value, expected));
  };
  if (BOOLEAN_KEYS.has(key) && typeof value !== 'boolean') fail('true or false');
  if (STRING_KEYS.has(key) && typeof value !== 'string') fail('a string');
  if (key === 'pre_hook' || key === 'post_hook') {
    // dbt's hook forms: SQL text, or {sql: ..., transaction: ...} (what before_begin() and
    // after_commit() return), alone or in a list. bmp runs every hook where the hook's node runs
    // it (docs/MIGRATING.md), so the mapping's SQL is kept.
    const sqlOf = (h: unknown): string | undefined => (typeof h === 'string' ? h : h && typeof h === 'object' && !Array.isArray(h) && typeof (h as { sql?: unknown }).sql === 'string' ? (h as { sql: string }).sql : undefined);
    const list = Array.isArray(value) ? value : [value];
    const sqls = list.map(sqlOf);
    if (sqls.some((x) => x === undefined)) fail('SQL text, a {sql: ..., transaction: ...} mapping, or a list of them');
    return sqls;
  }
  if (STRING_OR_LIST_KEYS.has(key)) {
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail('a string or a list of strings');
  }
  const allowed = ENUMS[key];
  if (allowed) {
    const v = typeof value === 'string' ? value.toLowerCase() : value;
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new ConfigError('BMP_CONFIG_INVALID_VALUE', `config '${key}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`, where, typeof v === 'string' ? didYouMean(v, allowed) : undefined);
    }
    return v;
  }
  if ((key === 'meta' || key === 'column_types' || key === 'docs' || key === 'options' || key === 'merge_update_set_expressions') && (typeof value !== 'object' || Array.isArray(value))) fail('a mapping');
  if ((key === 'merge_update_condition' || key === 'merge_insert_condition') && typeof value !== 'string') fail('a SQL condition (text)');
  if ((key === 'warn_if' || key === 'error_if') && (typeof value !== 'string' || !/^\s*(==|!=|<>|>=|<=|>|<|=)\s*-?\d+(\.\d+)?\s*$/.test(value))) {
    fail(`a comparison like '>10' or '!=0'`);
  }
  if (key === 'limit' && (typeof value !== 'number' || value < 0)) fail('a non-negative number');
  if (key === 'lookback' && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) fail('a non-negative integer');
  if (key === 'concurrent_batches' && typeof value !== 'boolean') fail('true or false');
  if (key === 'partition_by') {
    const p = value as { field?: unknown; granularity?: unknown };
    if (typeof value === 'string') return { field: value, granularity: 'month' };
    if (typeof value !== 'object' || Array.isArray(value) || typeof p.field !== 'string') fail(`{field: <column>, granularity: day|month|year}`);
    if (p.granularity !== undefined && !['hour', 'day', 'month', 'year'].includes(String(p.granularity))) fail(`{field: <column>, granularity: day|month|year}`);
  }
  if (key === 'indexes') {
    if (!Array.isArray(value) || !value.every((i) => i && typeof i === 'object' && Array.isArray((i as { columns?: unknown }).columns))) {
      fail(`a list of {columns: [..], unique: bool}`);
    }
  }
  return value;
}

/** A templated YAML value renders to text unless a filter says otherwise: say which one. */
function templateHint(value: unknown, expected: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (expected === 'true or false' && /^(true|false)$/i.test(value.trim())) return "a template renders to text; end it with '| as_bool' (dbt's filter) or write true/false";
  if (/integer|number/.test(expected) && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return "a template renders to text; end it with '| as_number' (dbt's filter)";
  return undefined;
}

/**
 * Validates and normalizes a raw config mapping (from `config()` or YAML `config:`): hyphens to
 * underscores, types checked for the resource type, near misses of its keys rejected with a
 * suggestion, other unknown keys kept and reported to `check.onCustomKey`. `locateKey`, when given,
 * says where each key was written (errors then point at the key, not at the whole entry).
 * @throws ConfigError BMP_CONFIG_UNKNOWN_KEY, BMP_CONFIG_INVALID_VALUE
 */
export function normalizeConfig(raw: RawConfig, where: ErrorLocation, locateKey?: (key: string) => ErrorLocation, check: ConfigCheck = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const type = check.resourceType;
  for (const [key, value] of Object.entries(raw)) {
    const norm = normalizeConfigKey(key);
    const at = locateKey ? locateKey(key) : where;
    const cls = type ? classifyConfigKey(norm, type) : legacyClass(norm);
    if (cls.kind === 'typo') {
      throw new ConfigError('BMP_CONFIG_UNKNOWN_KEY', `unknown config '${key}'`, at, suggestion(norm, cls.suggestions));
    }
    if (cls.kind === 'custom') check.onCustomKey?.({ key, normalized: norm, resourceType: type, origin: cls.origin, ownerTypes: cls.ownerTypes, where: at });
    out[norm] = validateConfigValue(norm, value, at, type);
  }
  return out;
}

/**
 * The checks that depend on the final, merged config: a microbatch model's `batch_size`,
 * `lookback` and `concurrent_batches` (dbt checks them there too; elsewhere they are plain values).
 * @throws ConfigError BMP_CONFIG_INVALID_VALUE, located at the node's file
 */
export function checkStrategyConfig(config: NodeConfig, where: ErrorLocation): void {
  if (config.materialized !== 'incremental' || String(config['incremental_strategy'] ?? '').toLowerCase() !== 'microbatch') return;
  for (const key of ['batch_size', 'lookback', 'concurrent_batches']) {
    const v = config[key];
    if (v !== undefined && v !== null) checkValue(key, v, where);
  }
}

/** The configs that apply to `fqn` from a project.yml tree, outermost first. */
export function folderConfigs(tree: ConfigTree, fqn: readonly string[], resourceType?: ConfigResourceType): Record<string, unknown>[] {
  const folders = walkFolders(tree, fqn.slice(0, -1), resourceType);
  const name = fqn[fqn.length - 1];
  const last = folders.level && name !== undefined ? childLevel(folders.level, name) : undefined;
  return last ? [...folders.layers, layerOf(last, resourceType)] : folders.layers;
}

// Nodes in one folder share their folder layers: computed once per folder (5,000-model projects).
const folderCache = new WeakMap<ConfigTree, Map<string, { layers: Record<string, unknown>[]; level: ConfigTree | undefined }>>();

function walkFolders(tree: ConfigTree, path: readonly string[], resourceType?: ConfigResourceType): { layers: Record<string, unknown>[]; level: ConfigTree | undefined } {
  let byPath = folderCache.get(tree);
  if (!byPath) folderCache.set(tree, (byPath = new Map()));
  const key = `${resourceType ?? ''}\u0001${path.join('\u0000')}`;
  const hit = byPath.get(key);
  if (hit) return hit;
  let result: { layers: Record<string, unknown>[]; level: ConfigTree | undefined };
  if (!path.length) result = { layers: [layerOf(tree, resourceType)], level: tree };
  else {
    const parent = walkFolders(tree, path.slice(0, -1), resourceType);
    const level = parent.level ? childLevel(parent.level, path[path.length - 1]!) : undefined;
    result = { layers: level ? [...parent.layers, layerOf(level, resourceType)] : parent.layers, level };
  }
  byPath.set(key, result);
  return result;
}

function childLevel(level: ConfigTree, name: string): ConfigTree | undefined {
  const child: unknown = level[name];
  return child && typeof child === 'object' && !Array.isArray(child) && !isConfigKey(name) && !name.startsWith('+') ? (child as ConfigTree) : undefined;
}

/** The configs of one tree level: `+key`, config names, and bare keys with a non-mapping value. */
function layerOf(level: ConfigTree, resourceType?: ConfigResourceType): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    const mapping = !!value && typeof value === 'object' && !Array.isArray(value);
    if (key.startsWith('+') || isConfigKey(key) || (!mapping && value !== null && value !== undefined)) {
      const norm = normalizeConfigKey(key);
      layer[norm] = validateConfigValue(norm, value, {}, resourceType);
    }
  }
  return layer;
}

/** Merges config layers, later wins; tags and hooks accumulate, meta merges. */
export function mergeConfigs(...layers: readonly (Readonly<Record<string, unknown>> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const key in layer) {
      const value = layer[key];
      if (value === undefined) continue;
      if (ADDITIVE_KEYS.has(key)) {
        const prev = (out[key] as unknown[] | undefined) ?? [];
        const next = Array.isArray(value) ? value : [value];
        out[key] = key === 'tags' ? [...new Set([...prev, ...next])] : [...prev, ...next];
      } else if (MERGED_KEYS.has(key) && value && typeof value === 'object') {
        out[key] = { ...((out[key] as object) ?? {}), ...(value as object) };
      } else {
        out[key] = value;
      }
    }
  }
  return out;
}

// shared by every config that has none (read-only: a project's 15,000 nodes need not carry 60,000 empties)
const NONE: readonly string[] = Object.freeze([]);
const NO_META: Readonly<Record<string, unknown>> = Object.freeze({});

/** Fills the defaults every node config carries. */
export function finalizeConfig(merged: Record<string, unknown>, defaultMaterialized: string): NodeConfig {
  // `{...merged, enabled: ...}` in effect, built key by key: V8 gives nearly every object made by a
  // spread followed by more keys a hidden class of its own, and a project has 15,000 configs
  const out: Record<string, unknown> = {};
  for (const key in merged) out[key] = merged[key];
  out['enabled'] = merged['enabled'] !== false;
  out['materialized'] = (merged['materialized'] as string | undefined) ?? defaultMaterialized;
  out['tags'] = (merged['tags'] as string[] | undefined) ?? NONE;
  out['meta'] = (merged['meta'] as Record<string, unknown> | undefined) ?? NO_META;
  out['pre_hook'] = (merged['pre_hook'] as string[] | undefined) ?? NONE;
  out['post_hook'] = (merged['post_hook'] as string[] | undefined) ?? NONE;
  return Object.freeze(out) as NodeConfig;
}
