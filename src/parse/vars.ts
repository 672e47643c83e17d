import { projectVars, resolveVar, type LoadedConfig } from '../config/index.js';
import type { ErrorLocation } from '../errors.js';

/**
 * `var()` as dbt resolves it for a node of `packageName` (default: the root project): config's
 * {@link resolveVar} over the project's sources (--vars; the root project's vars scoped to the
 * package, then global; a package's own vars, scoped then global).
 * @throws CompileError BMP_VAR_UNDEFINED when the var is nowhere and there is no fallback.
 */
export function lookupVar(cfg: LoadedConfig, name: string, fallback: unknown, hasFallback: boolean | undefined, where: ErrorLocation, packageName?: string): unknown {
  return resolveVar(projectVars(cfg, undefined, packageName), name, fallback, !!hasFallback, where);
}
