import { ConfigError, didYouMean, type ErrorLocation } from '../errors.js';
import type { NodeConfig } from '../manifest/types.js';
import { ADDITIVE_KEYS, MERGED_KEYS, NODE_CONFIG_KEYS, isConfigKey, normalizeConfigKey } from './keys.js';

/** A `models:`/`seeds:`/`tests:` tree from project.yml: configs (`+key`) and folders, nested. */
export type ConfigTree = Readonly<Record<string, unknown>>;
export type RawConfig = Readonly<Record<string, unknown>>;

type Locate = (path: (string | number)[]) => ErrorLocation;

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  incremental_strategy: ['append', 'merge', 'delete+insert', 'insert_overwrite', 'microbatch'],
  on_schema_change: ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'],
  severity: ['error', 'warn'],
  batch_size: ['hour', 'day', 'month', 'year'],
  strategy: ['timestamp', 'check'],
  hard_deletes: ['ignore', 'invalidate', 'new_record'],
  store_failures_as: ['table', 'view', 'ephemeral'],
};

const BOOLEAN_KEYS = new Set(['enabled', 'full_refresh', 'store_failures', 'invalidate_hard_deletes', 'quote_columns']);
const STRING_KEYS = new Set(['materialized', 'schema', 'database', 'alias', 'sql_header', 'event_time', 'updated_at', 'fail_calc', 'where', 'location', 'format', 'delimiter', 'target_schema']);
const STRING_OR_LIST_KEYS = new Set(['tags', 'pre_hook', 'post_hook', 'unique_key', 'merge_update_columns', 'merge_exclude_columns', 'incremental_predicates']);

/**
 * Checks a project.yml config tree: `+key` must be a config, a bare key is a config when it is a
 * config name (dbt's rule), a folder when its value is a mapping, and an error otherwise.
 */
export function validateConfigTree(tree: ConfigTree, locate: Locate, section: string, path: string[] = []): void {
  for (const [key, value] of Object.entries(tree)) {
    const here = [...path, key];
    if (key.startsWith('+') || isConfigKey(key)) {
      const norm = normalizeConfigKey(key);
      if (!(norm in NODE_CONFIG_KEYS)) {
        throw new ConfigError('BMP_CONFIG_UNKNOWN_KEY', `unknown config '${key}' under '${section}'`, locate(here), suggestKey(key));
      }
      validateConfigValue(norm, value, locate(here));
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      validateConfigTree(value as ConfigTree, locate, section, here);
    } else {
      throw new ConfigError('BMP_CONFIG_UNKNOWN_KEY', `unknown config '${key}' under '${section}' (a folder would be a mapping)`, locate(here), suggestKey(key));
    }
  }
}

function suggestKey(key: string): string | undefined {
  const plus = key.startsWith('+') ? '+' : '';
  const norm = normalizeConfigKey(key);
  const hint = didYouMean(norm, Object.keys(NODE_CONFIG_KEYS));
  return hint?.replace(/'([^']+)'/g, (_, k: string) => `'${plus}${k}'`);
}

/** Validates one config value's type; returns it normalized (`tags: x` → `['x']`). */
export function validateConfigValue(key: string, value: unknown, where: ErrorLocation): unknown {
  const fail = (expected: string): never => {
    throw new ConfigError('BMP_CONFIG_INVALID_VALUE', `config '${key}' must be ${expected}, got ${JSON.stringify(value)}`, where);
  };
  if (value === null || value === undefined) return value;
  if (BOOLEAN_KEYS.has(key) && typeof value !== 'boolean') fail('true or false');
  if (STRING_KEYS.has(key) && typeof value !== 'string') fail('a string');
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
  if ((key === 'meta' || key === 'column_types' || key === 'docs' || key === 'options') && (typeof value !== 'object' || Array.isArray(value))) fail('a mapping');
  if ((key === 'warn_if' || key === 'error_if') && (typeof value !== 'string' || !/^\s*(==|!=|<>|>=|<=|>|<|=)\s*-?\d+(\.\d+)?\s*$/.test(value))) {
    fail(`a comparison like '>10' or '!=0'`);
  }
  if (key === 'limit' && (typeof value !== 'number' || value < 0)) fail('a non-negative number');
  if (key === 'lookback' && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) fail('a non-negative integer');
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

/**
 * Validates and normalizes a raw config mapping (from `config()` or YAML `config:`):
 * hyphens to underscores, types checked, unknown keys rejected with a suggestion. `locateKey`, when
 * given, says where each key was written (errors then point at the key, not at the whole entry).
 */
export function normalizeConfig(raw: RawConfig, where: ErrorLocation, locateKey?: (key: string) => ErrorLocation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const norm = normalizeConfigKey(key);
    const at = locateKey ? locateKey(key) : where;
    if (!(norm in NODE_CONFIG_KEYS)) {
      throw new ConfigError('BMP_CONFIG_UNKNOWN_KEY', `unknown config '${key}'`, at, didYouMean(norm, Object.keys(NODE_CONFIG_KEYS)));
    }
    out[norm] = validateConfigValue(norm, value, at);
  }
  return out;
}

/** The configs that apply to `fqn` from a project.yml tree, outermost first. */
export function folderConfigs(tree: ConfigTree, fqn: readonly string[]): Record<string, unknown>[] {
  const folders = walkFolders(tree, fqn.slice(0, -1));
  const name = fqn[fqn.length - 1];
  const last = folders.level && name !== undefined ? childLevel(folders.level, name) : undefined;
  return last ? [...folders.layers, layerOf(last)] : folders.layers;
}

// Nodes in one folder share their folder layers: computed once per folder (5,000-model projects).
const folderCache = new WeakMap<ConfigTree, Map<string, { layers: Record<string, unknown>[]; level: ConfigTree | undefined }>>();

function walkFolders(tree: ConfigTree, path: readonly string[]): { layers: Record<string, unknown>[]; level: ConfigTree | undefined } {
  let byPath = folderCache.get(tree);
  if (!byPath) folderCache.set(tree, (byPath = new Map()));
  const key = path.join('\u0000');
  const hit = byPath.get(key);
  if (hit) return hit;
  let result: { layers: Record<string, unknown>[]; level: ConfigTree | undefined };
  if (!path.length) result = { layers: [layerOf(tree)], level: tree };
  else {
    const parent = walkFolders(tree, path.slice(0, -1));
    const level = parent.level ? childLevel(parent.level, path[path.length - 1]!) : undefined;
    result = { layers: level ? [...parent.layers, layerOf(level)] : parent.layers, level };
  }
  byPath.set(key, result);
  return result;
}

function childLevel(level: ConfigTree, name: string): ConfigTree | undefined {
  const child: unknown = level[name];
  return child && typeof child === 'object' && !Array.isArray(child) && !isConfigKey(name) ? (child as ConfigTree) : undefined;
}

function layerOf(level: ConfigTree): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+') || isConfigKey(key)) {
      const norm = normalizeConfigKey(key);
      layer[norm] = validateConfigValue(norm, value, {});
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
  return Object.freeze({
    ...merged,
    enabled: merged['enabled'] !== false,
    materialized: (merged['materialized'] as string | undefined) ?? defaultMaterialized,
    tags: (merged['tags'] as string[] | undefined) ?? NONE,
    meta: (merged['meta'] as Record<string, unknown> | undefined) ?? NO_META,
    pre_hook: (merged['pre_hook'] as string[] | undefined) ?? NONE,
    post_hook: (merged['post_hook'] as string[] | undefined) ?? NONE,
  }) as NodeConfig;
}
