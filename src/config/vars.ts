import { CompileError, ConfigError, UsageError, didYouMean, type ErrorLocation } from '../errors.js';
import { hasTemplate } from './native-render.js';
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
  /**
   * Renders a var whose value is a string holding a template (`"{{ target.schema }}_raw"`) with the
   * context of the template that called `var()`, as dbt's var() does (a string comes back, never a
   * native value). Without it such a value comes back as written: only for callers that check a var
   * exists without using it.
   */
  readonly render?: VarRender;
}

/** See {@link VarSources.render}. */
export type VarRender = (template: string, name: string) => unknown;

/**
 * `var()` as dbt resolves it: overrides, then --vars, then the root project's vars scoped to the
 * node's package (the root project itself for its own nodes), then its global vars, then a
 * package's own vars (scoped, then global), then the default. A value written as a template
 * (`pw: "{{ env_var('DB_PASSWORD') }}"`, `"{{ target.schema }}_raw"`) is rendered when read, with
 * the calling template's context ({@link VarSources.render}), as in dbt.
 * @throws CompileError BMP_VAR_UNDEFINED when the var is nowhere and has no default.
 */
export function resolveVar(sources: VarSources, name: string, fallback: unknown, hasFallback: boolean, where: ErrorLocation = {}): unknown {
  const key = String(name);
  const found = findVar(sources, key);
  if (found) {
    const v = found.value;
    return typeof v === 'string' && sources.render && hasTemplate(v) ? sources.render(v, key) : v;
  }
  if (hasFallback) return fallback; // a default is never rendered (dbt returns it as given)
  const project = sources.project;
  const known = [...Object.keys(sources.cli), ...Object.keys(project?.vars ?? {})];
  const from = project ? 'project.yml vars or --vars' : '--vars (project and profile files see only --vars, as in dbt)';
  throw new CompileError('BMP_VAR_UNDEFINED', `required var '${key}' not found in ${from}`, where, didYouMean(key, known));
}

/** Where a var's value is, highest priority first; undefined when it is nowhere. */
function findVar(sources: VarSources, key: string): { value: unknown } | undefined {
  if (sources.overrides && key in sources.overrides) return { value: sources.overrides[key] };
  if (key in sources.cli) return { value: sources.cli[key] };
  const project = sources.project;
  if (!project) return undefined;
  const pkg = sources.package?.name ?? project.name;
  const scoped = project.vars[pkg];
  if (isMapping(scoped) && key in scoped) return { value: scoped[key] };
  if (key in project.vars) return { value: project.vars[key] };
  const own = pkg !== project.name ? sources.package?.vars : undefined;
  if (own) {
    const ownScoped = own[pkg];
    if (isMapping(ownScoped) && key in ownScoped) return { value: ownScoped[key] };
    if (key in own) return { value: own[key] };
  }
  return undefined;
}

/**
 * The var sources of a loaded project (every template but the project and profile files), for a
 * node of `packageName` (default: the root project).
 */
export function projectVars(
  cfg: { readonly project: { readonly name: string; readonly vars: Readonly<Record<string, unknown>> }; readonly cliVars: Readonly<Record<string, unknown>>; readonly packages?: readonly { readonly name: string; readonly vars: Readonly<Record<string, unknown>> }[] },
  overrides: Readonly<Record<string, unknown>> | undefined,
  packageName: string | undefined,
  render: VarRender | undefined,
): VarSources {
  const pkg = packageName && packageName !== cfg.project.name ? { name: packageName, vars: cfg.packages?.find((p) => p.name === packageName)?.vars } : undefined;
  return { cli: cfg.cliVars, project: { name: cfg.project.name, vars: cfg.project.vars }, package: pkg, overrides, render };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
