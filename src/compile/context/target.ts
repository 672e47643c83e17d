/** `target`: the profile output the invocation runs against, as dbt exposes it (no secrets). */
import type { TargetConfig } from '../../config/index.js';

export interface TargetContext {
  readonly name: string;
  readonly target_name: string;
  readonly profile_name: string;
  readonly type: 'duckdb';
  readonly schema: string;
  readonly database: string;
  readonly threads: number;
  /** dbt-duckdb's target fields. */
  readonly path: string;
  readonly extensions: readonly string[];
  readonly external_root: string;
}

/** The `target` member, the same in every kind of context. */
export function targetContext(t: TargetConfig): TargetContext {
  return Object.freeze({
    name: t.name,
    target_name: t.name,
    profile_name: t.profileName,
    type: 'duckdb',
    schema: t.schema,
    database: t.database,
    threads: t.threads,
    path: t.path,
    extensions: Object.freeze([...t.extensions]),
    external_root: t.externalRoot,
  });
}
