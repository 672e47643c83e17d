/** The incremental configs, read from a node's config. */
import type { NodeConfig } from '../manifest/types.js';

export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert' | 'insert_overwrite' | 'microbatch';

/** `unique_key` as a list: `'a'`, `'a, b'` and `['a', 'b']` all work. */
export function uniqueKeyOf(config: NodeConfig): string[] {
  const k = config['unique_key'];
  if (!k) return [];
  return (Array.isArray(k) ? k : [k]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
}

/** The configured strategy; without one, delete+insert when there is a unique_key, else append. */
export function strategyOf(config: NodeConfig): IncrementalStrategy {
  const s = config['incremental_strategy'] as IncrementalStrategy | undefined;
  if (s) return s;
  return uniqueKeyOf(config).length ? 'delete+insert' : 'append';
}

export function predicatesOf(config: NodeConfig): string[] {
  const p = config['incremental_predicates'];
  return (Array.isArray(p) ? p : p ? [p] : []).map(String);
}

/** Strategies that delete target rows before inserting (unique indexes get in their way). */
export const DELETING: ReadonlySet<IncrementalStrategy> = new Set(['delete+insert', 'insert_overwrite', 'microbatch']);
