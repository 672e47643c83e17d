import { renderTemplatedVar, type LoadedConfig } from '../config/index.js';
import { CompileError, closeMatches, type ErrorLocation } from '../errors.js';

/**
 * `var()` as dbt resolves it for a node of `packageName` (default: the root project):
 * 1. `--vars`;
 * 2. the root project's vars scoped to the package (`vars: {dbt_date: {x: 1}}`), then its global vars;
 * 3. for a package's node, the package's own vars: scoped to itself, then global.
 * A value written as a template (`pw: "{{ env_var('DB_PASSWORD') }}"`) is rendered when read, as in dbt.
 * @throws CompileError BMP_VAR_UNDEFINED when the var is nowhere and there is no fallback.
 */
export function lookupVar(cfg: LoadedConfig, name: string, fallback: unknown, hasFallback: boolean | undefined, where: ErrorLocation, packageName?: string): unknown {
  if (name in cfg.cliVars) return cfg.cliVars[name];
  const root = cfg.project;
  const pkg = packageName ?? root.name;
  const scoped = root.vars[pkg];
  if (isMapping(scoped) && name in scoped) return renderTemplatedVar(scoped[name], where, cfg.vars);
  if (name in cfg.vars) return renderTemplatedVar(cfg.vars[name], where, cfg.vars);
  if (pkg !== root.name) {
    const own = cfg.packages.find((p) => p.name === pkg)?.vars;
    if (own) {
      const ownScoped = own[pkg];
      if (isMapping(ownScoped) && name in ownScoped) return renderTemplatedVar(ownScoped[name], where, cfg.vars);
      if (name in own) return renderTemplatedVar(own[name], where, cfg.vars);
    }
  }
  if (hasFallback) return fallback;
  throw new CompileError('BMP_VAR_UNDEFINED', `required var '${name}' not found in project.yml vars or --vars`, where, closeMatches(name, Object.keys(cfg.vars)).map((n) => `did you mean '${n}'?`)[0]);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
