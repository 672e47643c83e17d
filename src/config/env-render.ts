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

/**
 * `env_var()` in a model, macro, test or hook: as {@link envVar}, except dbt's secret variables
 * (`DBT_ENV_SECRET*`), which dbt allows only in profiles.yml and packages.yml (a model would
 * write the secret into compiled SQL and logs).
 * @throws ConfigError BMP_ENV_VAR_SECRET, BMP_ENV_VAR_MISSING
 */
export function templateEnvVar(name: string, fallback?: unknown): string {
  if (name.startsWith('DBT_ENV_SECRET')) {
    throw new ConfigError('BMP_ENV_VAR_SECRET', `env_var('${name}'): secret env vars (DBT_ENV_SECRET*) are allowed only in profiles.yml and packages.yml, as in dbt`, {}, 'read the secret in profiles.yml (a connection setting) instead of in a template');
  }
  return envVar(name, fallback);
}
