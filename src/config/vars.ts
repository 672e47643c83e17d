import { CompileError, ConfigError, UsageError, didYouMean, type ErrorLocation } from '../errors.js';
import { renderTemplatedVar } from './env-render.js';
import { YamlFile } from './yaml-file.js';

/** Parses `--vars '{k: v}'` (YAML or JSON). */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  if (!text || !text.trim()) return {};
  let value: unknown;
  try {
    value = YamlFile.parseFast(text, '--vars', { pythonValues: true }).pythonValue([]); // `{x: 1.0}` keeps its float, `{d: 2024-01-31}` is a date, as in dbt
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const { line, column } = err.where;
    const pos = column === undefined ? '' : line === 1 ? ` at column ${column}` : ` at line ${line}, column ${column}`;
    throw new UsageError('BMP_VARS_INVALID', `--vars is not valid YAML${pos}: ${err.message.replace(/^invalid YAML: /, '')}`, {}, `e.g. --vars '{working_memory_capacity: 9}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('BMP_VARS_INVALID', `--vars must be a YAML mapping, got ${JSON.stringify(text)}`, {}, `e.g. --vars '{working_memory_capacity: 9}'`);
  }
  return value as Record<string, unknown>;
}

/** `var(name, default)` as a function: what a template (or a YAML value) calls. */
export type VarLookup = (name: string, fallback: unknown, hasFallback: boolean) => unknown;

/** Where vars come from, highest priority first. */
export interface VarSources {
  /** `--vars`: win over everything. */
  readonly cli: Readonly<Record<string, unknown>>;
  /**
   * The root project's `vars:` (global keys, and keys scoped under a project's name). Absent while
   * rendering project.yml/dbt_project.yml and profiles.yml, where dbt's `var()` sees `--vars` only.
   */
  readonly project?: { readonly name: string; readonly vars: Readonly<Record<string, unknown>> };
  /** For a package's node: the package's name and its own `vars:` (after the root project's). */
  readonly package?: { readonly name: string; readonly vars?: Readonly<Record<string, unknown>> };
  /** Replacements for one compile (a unit test's `overrides.vars`); above everything. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/**
 * `var()` as dbt resolves it: overrides, then --vars, then the root project's vars scoped to the
 * node's package (the root project itself for its own nodes), then its global vars, then a
 * package's own vars (scoped, then global), then the default. A value written as a template
 * (`pw: "{{ env_var('DB_PASSWORD') }}"`) is rendered when read, as in dbt.
 * @throws CompileError BMP_VAR_UNDEFINED when the var is nowhere and has no default.
 */
export function resolveVar(sources: VarSources, name: string, fallback: unknown, hasFallback: boolean, where: ErrorLocation = {}): unknown {
  const key = String(name);
  if (sources.overrides && key in sources.overrides) return sources.overrides[key];
  if (key in sources.cli) return sources.cli[key];
  const project = sources.project;
  if (project) {
    const lookup: VarLookup = (n, d, has) => resolveVar(sources, n, d, has, where);
    const pkg = sources.package?.name ?? project.name;
    const scoped = project.vars[pkg];
    if (isMapping(scoped) && key in scoped) return renderTemplatedVar(scoped[key], where, lookup);
    if (key in project.vars) return renderTemplatedVar(project.vars[key], where, lookup);
    const own = pkg !== project.name ? sources.package?.vars : undefined;
    if (own) {
      const ownScoped = own[pkg];
      if (isMapping(ownScoped) && key in ownScoped) return renderTemplatedVar(ownScoped[key], where, lookup);
      if (key in own) return renderTemplatedVar(own[key], where, lookup);
    }
  }
  if (hasFallback) return fallback;
  const known = [...Object.keys(sources.cli), ...Object.keys(project?.vars ?? {})];
  const from = project ? 'project.yml vars or --vars' : '--vars (project and profile files see only --vars, as in dbt)';
  throw new CompileError('BMP_VAR_UNDEFINED', `required var '${key}' not found in ${from}`, where, didYouMean(key, known));
}

/**
 * The var sources of a loaded project (every template but the project and profile files), for a
 * node of `packageName` (default: the root project).
 */
export function projectVars(
  cfg: { readonly project: { readonly name: string; readonly vars: Readonly<Record<string, unknown>> }; readonly cliVars: Readonly<Record<string, unknown>>; readonly packages?: readonly { readonly name: string; readonly vars: Readonly<Record<string, unknown>> }[] },
  overrides?: Readonly<Record<string, unknown>>,
  packageName?: string,
): VarSources {
  const pkg = packageName && packageName !== cfg.project.name ? { name: packageName, vars: cfg.packages?.find((p) => p.name === packageName)?.vars } : undefined;
  return { cli: cfg.cliVars, project: { name: cfg.project.name, vars: cfg.project.vars }, package: pkg, overrides };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
