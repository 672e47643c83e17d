/**
 * load: project.yml + profiles.yml → typed, validated config. Unknown keys are errors with a
 * "did you mean"; keys dbt documents that bmp does not act on are warnings.
 */
import { resolve } from 'node:path';
import { loadTarget, type TargetConfig } from './profile.js';
import { loadProjectFile, type ConfigWarning, type ProjectConfig } from './project.js';

export { loadProjectFile };
import { parseCliVars } from './vars.js';

export * from './node-config.js';
export * from './keys.js';
export { envVar, renderTemplatedVar, renderYamlValues } from './env-render.js';
export { maskSecrets, registerSecret, isSecretName } from './secrets.js';
export { YamlFile, yamlLib } from './yaml-file.js';
export { parseCliVars } from './vars.js';
export type { ProjectConfig, ConfigWarning, TargetConfig };
export type { LlmConfig } from './profile.js';

export interface LoadOptions {
  readonly projectDir?: string;
  readonly profilesDir?: string;
  readonly target?: string;
  readonly threads?: number;
  /** `--vars` as YAML text or an object. */
  readonly vars?: string | Readonly<Record<string, unknown>>;
}

export interface LoadedConfig {
  readonly project: ProjectConfig;
  readonly target: TargetConfig;
  /** project vars overridden key by key by --vars. */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly cliVars: Readonly<Record<string, unknown>>;
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Loads and validates the project and its target.
 * @example const cfg = await loadConfig({ projectDir: '.', vars: '{n: 3}' })
 * @throws ConfigError BMP_PROJECT_NOT_FOUND, BMP_YAML_SYNTAX, BMP_CONFIG_UNKNOWN_KEY, BMP_PROFILE_NOT_FOUND, BMP_TARGET_NOT_FOUND
 * @throws UsageError BMP_VARS_INVALID
 */
export async function loadConfig(opts: LoadOptions = {}): Promise<LoadedConfig> {
  const warnings: ConfigWarning[] = [];
  const cliVars = typeof opts.vars === 'string' ? parseCliVars(opts.vars) : { ...(opts.vars ?? {}) };
  const project = await loadProjectFile(resolve(opts.projectDir ?? '.'), warnings);
  const target = await loadTarget(
    { projectDir: project.projectDir, profilesDir: opts.profilesDir, profileName: project.profile, target: opts.target, threads: opts.threads },
    warnings,
  );
  return { project, target, vars: { ...project.vars, ...cliVars }, cliVars, warnings };
}
