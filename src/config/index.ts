/**
 * load: project.yml + profiles.yml → typed, validated config. Unknown keys are errors with a
 * "did you mean"; keys dbt documents that bmp does not act on are warnings.
 */
import { resolve } from 'node:path';
import { loadTarget, type TargetConfig } from './profile.js';
import { loadPackages } from './packages.js';
import { buildProject, projectProfileName, readProjectFile, type ConfigWarning, type DispatchEntry, type ProjectConfig } from './project.js';
import { parseCliVars } from './vars.js';
import type { YamlTemplateSyntax } from './native-render.js';

export * from './node-config.js';
export * from './keys.js';
export * from './warnings.js';
export * from './warn-error.js';
export { NativeRenderer, NATIVE_FILTERS, TEXT_FILTERS, cliVarFunction, hasTemplate, templateTarget, yamlEnvVar, type YamlContext, type YamlTemplate, type YamlTemplateSyntax } from './native-render.js';
export { pyLiteralEval, pyStr, pyRepr } from './py-values.js';
export { loadProjectFile, readProjectFile, buildProject, type ProjectLoadOptions } from './project.js';
export { envVar, templateEnvVar } from './env-render.js';
export { maskSecrets, maskSecretsDeep, registerSecret, isSecretName, secretReplacer, stringifyMasked } from './secrets.js';
export { YamlFile, yamlLib } from './yaml-file.js';
export { PYYAML_EVERY_FLOAT_SCHEMA, PYYAML_PYTHON_SCHEMA, PYYAML_TAGS, PYYAML_WRITE_TAGS } from './pyyaml-scalars.js';
export { parseCliVars, resolveVar, projectVars, type VarLookup, type VarRender, type VarSources } from './vars.js';
export type { ProjectConfig, TargetConfig, DispatchEntry };
export { GLOBAL_NAMESPACE } from './packages.js';
export type { LlmConfig } from './profile.js';
export { profilesDirOf } from './profile.js';

export interface LoadOptions {
  readonly projectDir?: string;
  readonly profilesDir?: string;
  readonly target?: string;
  readonly threads?: number;
  /** `--vars` as YAML text or an object. */
  readonly vars?: string | Readonly<Record<string, unknown>>;
  /** `--target-path`: overrides project.yml's `target-path` for this invocation. */
  readonly targetPath?: string;
  /** `--profile`: the profile to load instead of project.yml's `profile`. */
  readonly profile?: string;
  /**
   * The template language of YAML values in project.yml and profiles.yml, handed down by the
   * template layer: `jinjaYamlSyntax()` (Jinja2's semantics). Required, so that no caller loads a
   * project whose `'%s' % x` renders with nunjucks' JavaScript semantics by forgetting it.
   */
  readonly yamlSyntax: YamlTemplateSyntax;
}

/** What a command says about the project to load; the layer that owns templates adds {@link LoadOptions.yamlSyntax}. */
export type ConfigOptions = Omit<LoadOptions, 'yamlSyntax'>;

export interface LoadedConfig {
  readonly project: ProjectConfig;
  readonly target: TargetConfig;
  /** project vars overridden key by key by --vars. */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly cliVars: Readonly<Record<string, unknown>>;
  /** The installed packages (each a project of its own), sorted by name. */
  readonly packages: readonly ProjectConfig[];
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Loads and validates the project and its target.
 * @example const cfg = await loadConfig({ projectDir: '.', vars: '{n: 3}', yamlSyntax: jinjaYamlSyntax() })
 * @throws ConfigError BMP_PROJECT_NOT_FOUND, BMP_YAML_SYNTAX, BMP_CONFIG_UNKNOWN_KEY, BMP_PROFILE_NOT_FOUND, BMP_TARGET_NOT_FOUND
 * @throws UsageError BMP_VARS_INVALID
 */
export async function loadConfig(opts: LoadOptions): Promise<LoadedConfig> {
  const warnings: ConfigWarning[] = [];
  const cliVars = typeof opts.vars === 'string' ? parseCliVars(opts.vars) : { ...(opts.vars ?? {}) };
  // as dbt: the profile name first (--vars and env_var only), then the target, then the project
  // rendered with both (so `{{ target.name }}` works in configs)
  const file = await readProjectFile(resolve(opts.projectDir ?? '.'), warnings);
  const yamlSyntax = opts.yamlSyntax;
  // JavaScript callers are not type-checked: a missing syntax would render YAML with nunjucks' semantics
  if (!yamlSyntax) throw new TypeError('loadConfig: opts.yamlSyntax is required (jinjaYamlSyntax() from the template layer)');
  const profileName = opts.profile ?? projectProfileName(file, cliVars, yamlSyntax) ?? 'default';
  const target = await loadTarget({ projectDir: file.dir, profilesDir: opts.profilesDir, profileName, target: opts.target, threads: opts.threads, cliVars, yamlSyntax }, warnings);
  const built = buildProject(file, warnings, { cliVars, target, yamlSyntax });
  const project = opts.targetPath ? { ...built, targetPath: opts.targetPath } : built;
  const packages = await loadPackages(project, warnings, { cliVars, target, yamlSyntax });
  return { project, target, vars: { ...project.vars, ...cliVars }, cliVars, packages, warnings };
}
