import { createRequire } from 'node:module';
import type nunjucksTypes from 'nunjucks';
import { BmpError, ConfigError, type ErrorLocation } from '../errors.js';
import { isSecretName, registerSecret } from './secrets.js';
import type { VarLookup } from './vars.js';

/** `env_var('NAME', default)` as dbt defines it: a string, or an error when unset without default. */
export function envVar(name: string, fallback?: unknown): string {
  const value = process.env[name];
  if (value !== undefined) {
    if (isSecretName(name)) registerSecret(value);
    return value;
  }
  if (fallback !== undefined) return String(fallback);
  throw new ConfigError('BMP_ENV_VAR_MISSING', `env var required but not provided: '${name}'`);
}

let yamlEnv: nunjucksTypes.Environment | undefined;

/** Loaded only when a YAML value holds a template. */
function environment(): nunjucksTypes.Environment {
  if (!yamlEnv) {
    const nunjucks = createRequire(import.meta.url)('nunjucks') as typeof nunjucksTypes;
    yamlEnv = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    yamlEnv.addGlobal('env_var', envVar);
  }
  return yamlEnv;
}

/**
 * Renders `{{ ... }}` in YAML string values (env_var, and `var` when vars are given). A value that is
 * only a template and renders to a number or boolean becomes that type, as dbt's native rendering does.
 */
export function renderYamlValues(value: unknown, where: (path: (string | number)[]) => ErrorLocation, vars?: VarLookup | Readonly<Record<string, unknown>>, path: (string | number)[] = [], skip?: (path: (string | number)[]) => boolean): unknown {
  if (skip?.(path)) return value;
  if (typeof value === 'string') {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    let out: string;
    try {
      const lookup: VarLookup = typeof vars === 'function' ? vars : (k, d) => (vars && k in vars ? vars[k] : d);
      out = environment().renderString(value, { var: (k: string, ...rest: unknown[]) => lookup(k, rest[0], rest.length > 0) });
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (cause instanceof BmpError) throw new ConfigError(cause.code, cause.message, where(path), cause.hint);
      throw new ConfigError('BMP_YAML_TEMPLATE', `cannot render ${JSON.stringify(value)}: ${(err as Error).message.split('\n').pop()?.trim()}`, where(path));
    }
    const whole = /^\s*\{\{[^}]*\}\}\s*$/.test(value);
    if (whole) {
      if (/^-?\d+(\.\d+)?$/.test(out.trim())) return Number(out);
      if (out === 'True' || out === 'true') return true;
      if (out === 'False' || out === 'false') return false;
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => renderYamlValues(v, where, vars, [...path, i], skip));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderYamlValues(v, where, vars, [...path, k], skip)]));
  }
  return value;
}

/**
 * A var whose value is a template string (`pw: "{{ env_var('DB_PASSWORD') }}"`) renders when read, as
 * dbt's `var()` does; other values come back unchanged.
 * @throws ConfigError BMP_ENV_VAR_MISSING / BMP_YAML_TEMPLATE, located at `where`.
 */
export function renderTemplatedVar(value: unknown, where: ErrorLocation, vars?: VarLookup): unknown {
  if (typeof value !== 'string' || (!value.includes('{{') && !value.includes('{%'))) return value;
  return renderYamlValues(value, () => where, vars);
}
