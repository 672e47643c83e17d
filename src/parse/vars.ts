import { projectVars, resolveVar, type LoadedConfig, type VarRender } from '../config/index.js';
import type { ErrorLocation } from '../errors.js';

/**
 * `var()` as dbt resolves it for a node of `packageName` (default: the root project): config's
 * {@link resolveVar} over the project's sources (--vars; the root project's vars scoped to the
 * package, then global; a package's own vars, scoped then global). `render` renders a value that
 * holds a template with the caller's context; without it such a value comes back as written.
 * @throws CompileError BMP_VAR_UNDEFINED when the var is nowhere and there is no fallback.
 */
export function lookupVar(cfg: LoadedConfig, name: string, fallback: unknown, hasFallback: boolean | undefined, where: ErrorLocation, packageName: string | undefined, render: VarRender | undefined): unknown {
  return resolveVar(projectVars(cfg, undefined, packageName, render), name, fallback, !!hasFallback, where);
}
