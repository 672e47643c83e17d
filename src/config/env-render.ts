import { ConfigError } from '../errors.js';
import { isSecretName, registerSecret } from './secrets.js';

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
