import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, didYouMean, type ErrorLocation } from '../errors.js';
import { PROJECT_KEYS } from './keys.js';
import { cliVarFunction, NativeRenderer, templateTarget, yamlEnvVar, type YamlTemplateSyntax } from './native-render.js';
import { validateConfigTree, type ConfigTree } from './node-config.js';
import type { TargetConfig } from './profile.js';
import { CustomKeyReport, type ConfigWarning } from './warnings.js';
import { YamlFile } from './yaml-file.js';

export type { ConfigWarning } from './warnings.js';

export interface ProjectConfig {
  readonly name: string;
  readonly version?: string;
  readonly profile: string;
  /** Absolute project folder. */
  readonly projectDir: string;
  /** The project file as found (`project.yml` or `dbt_project.yml`), relative to projectDir. */
  readonly projectFile: string;
  readonly modelPaths: readonly string[];
  readonly seedPaths: readonly string[];
  readonly testPaths: readonly string[];
  readonly macroPaths: readonly string[];
  readonly snapshotPaths: readonly string[];
  readonly analysisPaths: readonly string[];
  readonly docsPaths: readonly string[];
  readonly targetPath: string;
  /** Where `bmp deps` installs packages (`packages-install-path`, default dbt_packages). */
  readonly packagesInstallPath: string;
  readonly cleanTargets: readonly string[];
  readonly onRunStart: readonly string[];
  readonly onRunEnd: readonly string[];
  readonly vars: Readonly<Record<string, unknown>>;
  readonly models: ConfigTree;
  readonly seeds: ConfigTree;
  readonly snapshots: ConfigTree;
  readonly tests: ConfigTree;
  readonly sources: ConfigTree;
  readonly unitTests: ConfigTree;
  /** `flags:` (dbt 1.8+): bmp acts on `warn_error` and `warn_error_options`. */
  readonly flags: Readonly<Record<string, unknown>>;
  /** `dispatch:` search orders, by macro namespace (read from the root project only, as in dbt). */
  readonly dispatch: readonly DispatchEntry[];
}

/** One `dispatch:` entry: where `adapter.dispatch(name, macro_namespace)` looks, in order. */
export interface DispatchEntry {
  readonly macroNamespace: string;
  readonly searchOrder: readonly string[];
}

/** How a project file is read: the root project's, or an installed package's. */
export interface ProjectFileOptions {
  /** Loading an installed package: keys dbt accepts and bmp ignores are not worth a warning there. */
  readonly asPackage?: boolean;
  /** The folder shown in error locations, relative to the root project (`dbt_packages/dbt_utils`). */
  readonly displayDir?: string;
}

/** What rendering a project file may use: `--vars` (as in dbt, the only vars visible there) and the target. */
export interface ProjectLoadOptions {
  readonly cliVars?: Readonly<Record<string, unknown>>;
  /** The template language of YAML values, handed down by the template layer (`jinjaYamlSyntax()`): required, so no caller renders with nunjucks' semantics by forgetting it. */
  readonly yamlSyntax: YamlTemplateSyntax;
  /** The selected target, for `{{ target.name }}` in configs (absent: `target` is undefined). */
  readonly target?: TargetConfig;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The flags bmp acts on; the rest of `flags:` is accepted and ignored. */
const ACTED_FLAGS = new Set(['warn_error', 'warn_error_options']);
const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

/** A project file read and its top-level keys checked, not yet rendered. */
export interface ProjectFile {
  readonly dir: string;
  readonly fileName: string;
  /** The file as errors name it (a package's under its folder: `dbt_packages/x/dbt_project.yml`). */
  readonly shownName: string;
  readonly yaml: YamlFile;
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * Reads `project.yml` (or `dbt_project.yml` when absent) and checks its top-level keys.
 * @throws ConfigError BMP_PROJECT_NOT_FOUND, BMP_YAML_SYNTAX, BMP_PROJECT_UNKNOWN_KEY, BMP_PROJECT_INVALID
 */
export async function readProjectFile(projectDir: string, warnings: ConfigWarning[], options: ProjectFileOptions = {}): Promise<ProjectFile> {
  const dir = resolve(projectDir);
  const fileName = ['project.yml', 'dbt_project.yml'].find((f) => existsSync(join(dir, f)));
  if (!fileName) {
    throw new ConfigError('BMP_PROJECT_NOT_FOUND', `no project.yml or dbt_project.yml in ${dir}`, { file: dir }, 'pass --project-dir, or run `bmp init`');
  }
  const shown = `${options.displayDir ? `${options.displayDir}/` : ''}${fileName}`;
  const yaml = await YamlFile.read(join(dir, fileName), shown, { pythonValues: true });
  const raw = yaml.data;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('BMP_PROJECT_INVALID', `${shown} must be a mapping of keys`, { file: shown });
  }
  for (const key of Object.keys(raw)) {
    if (!(key in PROJECT_KEYS)) {
      throw new ConfigError('BMP_PROJECT_UNKNOWN_KEY', `unknown key '${key}'`, yaml.locate([key]), didYouMean(key, Object.keys(PROJECT_KEYS)));
    }
    const value = (raw as Record<string, unknown>)[key];
    const ignoredFlags = key === 'flags' && value && typeof value === 'object' ? Object.keys(value).filter((f) => !ACTED_FLAGS.has(f)) : [];
    if (options.asPackage) continue; // keys a package's author wrote for dbt are not the user's to fix
    if (!PROJECT_KEYS[key] || (key === 'flags' && (ignoredFlags.length || !value || !Object.keys(value as object).length))) {
      const loc = yaml.locate([key]);
      const which = key === 'flags' && ignoredFlags.length ? `'flags' (${ignoredFlags.join(', ')})` : `'${key}'`;
      const acted = key === 'flags' ? '; of flags, bmp acts on warn_error and warn_error_options' : '';
      warnings.push({
        code: 'BMP_KEY_IGNORED',
        name: 'KeyNotActedOn',
        subject: key,
        message: `${which} is a dbt setting bmp accepts but does not act on${acted}: the project runs without it (silence with --warn-error-options '{"silence": ["KeyNotActedOn"]}')`,
        file: shown,
        line: loc.line,
      });
    }
  }
  return { dir, fileName, shownName: shown, yaml, raw: raw as Record<string, unknown> };
}

/**
 * The profile a project names, rendered as dbt renders it before the profile is known (`--vars`
 * and env_var only).
 */
export function projectProfileName(file: ProjectFile, cliVars: Readonly<Record<string, unknown>>, yamlSyntax: YamlTemplateSyntax): string | undefined {
  const renderer = new NativeRenderer({ env_var: yamlEnvVar, var: cliVarFunction(cliVars, file.fileName) }, yamlSyntax);
  const v = renderer.render(file.raw['profile'] ?? file.raw['name'], file.yaml.lazyLocate(['profile' in file.raw ? 'profile' : 'name'], 'value'));
  return v === undefined || v === null ? undefined : String(v);
}

/**
 * Reads `project.yml` (or `dbt_project.yml` when absent) from `projectDir`: values rendered as
 * dbt's native environment renders them (`--vars`, env_var, target), config trees checked.
 * @throws ConfigError BMP_PROJECT_NOT_FOUND, BMP_YAML_SYNTAX, BMP_PROJECT_UNKNOWN_KEY, BMP_PROJECT_INVALID, BMP_CONFIG_UNKNOWN_KEY, BMP_CONFIG_INVALID_VALUE, BMP_YAML_TEMPLATE, BMP_VAR_UNDEFINED
 */
export async function loadProjectFile(projectDir: string, warnings: ConfigWarning[], opts: ProjectLoadOptions): Promise<ProjectConfig> {
  return buildProject(await readProjectFile(projectDir, warnings), warnings, opts);
}

/** Renders and checks a project file read by {@link readProjectFile}. */
export function buildProject(file: ProjectFile, warnings: ConfigWarning[], opts: ProjectLoadOptions): ProjectConfig {
  const { dir, fileName, yaml, raw } = file;
  const renderer = new NativeRenderer({
    env_var: yamlEnvVar,
    var: cliVarFunction(opts.cliVars ?? {}, file.shownName),
    // without a profile (bmp deps) `target` is an empty mapping, as in dbt: `target.name` is undefined, not an error
    target: opts.target ? templateTarget(opts.target) : {},
  }, opts.yamlSyntax);
  // dbt renders hooks and vars later, with the full context; everything else now
  const skip = (p: readonly (string | number)[]): boolean => {
    const first = p[0];
    if (first === 'vars' || first === 'on-run-start' || first === 'on-run-end' || first === 'query-comment') return true;
    return (first === 'models' || first === 'seeds' || first === 'snapshots' || first === 'tests' || first === 'data_tests') && p.some((k) => typeof k === 'string' && HOOK_KEYS.has(k.replace(/^[+ ]+/, '')));
  };
  const data = renderer.renderTree(raw, (p) => yaml.lazyLocate(p, 'value'), skip) as Record<string, unknown>;

  const str = (key: string, required = false): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) {
      if (required) throw new ConfigError('BMP_PROJECT_INVALID', `'${key}' is required`, { file: file.shownName });
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError('BMP_PROJECT_INVALID', `'${key}' must be a string, got ${typeName(v)}`, yaml.locate([key], 'value'));
    return String(v);
  };
  const list = (key: string, fallback: string[]): string[] => {
    const v = data[key];
    if (v === undefined || v === null) return fallback;
    const arr = Array.isArray(v) ? v : [v];
    if (!arr.every((x) => typeof x === 'string')) throw new ConfigError('BMP_PROJECT_INVALID', `'${key}' must be a list of strings`, yaml.locate([key], 'value'));
    return arr as string[];
  };
  const name = str('name', true)!;
  if (!NAME_RE.test(name)) throw new ConfigError('BMP_PROJECT_INVALID', `project name '${name}' must be letters, digits and underscores`, yaml.locate(['name'], 'value'));
  // vars keep YAML's integral floats (`1.0`), which print as Python prints them
  const vars = data['vars'] === undefined || data['vars'] === null ? {} : yaml.pythonValue(['vars']);
  if (typeof vars !== 'object' || Array.isArray(vars)) throw new ConfigError('BMP_PROJECT_INVALID', `'vars' must be a mapping`, yaml.locate(['vars'], 'value'));
  const targetPath = str('target-path') ?? 'target';

  const customKeys = new CustomKeyReport();
  const tree = (key: string): ConfigTree => {
    const v = data[key];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError('BMP_PROJECT_INVALID', `'${key}' must be a mapping`, yaml.locate([key], 'value'));
    validateConfigTree(v as ConfigTree, (p) => yaml.lazyLocate([key, ...p]), key, { onCustomKey: customKeys.add });
    return v as ConfigTree;
  };
  const hooks = (key: string): string[] => {
    const v = data[key];
    if (v === undefined || v === null) return [];
    const arr = Array.isArray(v) ? v : [v];
    return arr.map(String);
  };
  const flags = data['flags'];

  const project: ProjectConfig = {
    name,
    version: str('version'),
    profile: str('profile') ?? name,
    projectDir: dir,
    projectFile: fileName,
    modelPaths: list('model-paths', list('source-paths', ['models'])),
    seedPaths: list('seed-paths', list('data-paths', ['seeds'])),
    testPaths: list('test-paths', ['tests']),
    macroPaths: list('macro-paths', ['macros']),
    snapshotPaths: list('snapshot-paths', ['snapshots']),
    analysisPaths: list('analysis-paths', ['analyses']),
    docsPaths: list('docs-paths', []),
    targetPath,
    packagesInstallPath: str('packages-install-path') ?? 'dbt_packages',
    cleanTargets: list('clean-targets', [targetPath]),
    onRunStart: hooks('on-run-start'),
    onRunEnd: hooks('on-run-end'),
    vars: vars as Record<string, unknown>,
    models: tree('models'),
    seeds: tree('seeds'),
    snapshots: tree('snapshots'),
    tests: { ...tree('tests'), ...tree('data_tests') },
    sources: tree('sources'),
    unitTests: tree('unit_tests'),
    flags: flags && typeof flags === 'object' && !Array.isArray(flags) ? (flags as Record<string, unknown>) : {},
    dispatch: dispatchEntries(data['dispatch'], (p) => yaml.locate(['dispatch', ...p], 'value')),
  };
  warnings.push(...customKeys.warnings());
  return project;
}

/**
 * `dispatch: [{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}]`.
 * @throws ConfigError BMP_PROJECT_INVALID for any other shape.
 */
function dispatchEntries(value: unknown, locate: (path: (string | number)[]) => ErrorLocation): DispatchEntry[] {
  if (value === undefined || value === null) return [];
  const shape = 'a list of {macro_namespace: <package>, search_order: [<package>, ...]}';
  if (!Array.isArray(value)) throw new ConfigError('BMP_PROJECT_INVALID', `'dispatch' must be ${shape}`, locate([]));
  return value.map((entry: unknown, i) => {
    const e = entry as { macro_namespace?: unknown; search_order?: unknown } | null;
    const order = e?.search_order;
    if (!e || typeof e !== 'object' || typeof e.macro_namespace !== 'string' || !Array.isArray(order) || !order.every((x) => typeof x === 'string')) {
      throw new ConfigError('BMP_PROJECT_INVALID', `'dispatch' entry ${i + 1} must be {macro_namespace: <package>, search_order: [<package>, ...]}`, locate([i]));
    }
    return { macroNamespace: e.macro_namespace, searchOrder: order as string[] };
  });
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
