import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, didYouMean } from '../errors.js';
import { renderYamlValues } from './env-render.js';
import { PROJECT_KEYS } from './keys.js';
import { validateConfigTree, type ConfigTree } from './node-config.js';
import { YamlFile } from './yaml-file.js';

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
}

export interface ConfigWarning {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads `project.yml` (or `dbt_project.yml` when absent) from `projectDir`.
 * @throws ConfigError BMP_PROJECT_NOT_FOUND, BMP_YAML_SYNTAX, BMP_PROJECT_UNKNOWN_KEY, BMP_PROJECT_INVALID
 */
export async function loadProjectFile(projectDir: string, warnings: ConfigWarning[]): Promise<ProjectConfig> {
  const dir = resolve(projectDir);
  const fileName = ['project.yml', 'dbt_project.yml'].find((f) => existsSync(join(dir, f)));
  if (!fileName) {
    throw new ConfigError('BMP_PROJECT_NOT_FOUND', `no project.yml or dbt_project.yml in ${dir}`, { file: dir }, 'pass --project-dir, or run `bmp init`');
  }
  const yaml = await YamlFile.read(join(dir, fileName), fileName);
  const raw = yaml.data;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('BMP_PROJECT_INVALID', `${fileName} must be a mapping of keys`, { file: fileName });
  }
  for (const key of Object.keys(raw)) {
    if (!(key in PROJECT_KEYS)) {
      throw new ConfigError('BMP_PROJECT_UNKNOWN_KEY', `unknown key '${key}'`, yaml.locate([key]), didYouMean(key, Object.keys(PROJECT_KEYS)));
    }
    if (!PROJECT_KEYS[key]) {
      const loc = yaml.locate([key]);
      warnings.push({ code: 'BMP_KEY_IGNORED', message: `'${key}' is accepted for dbt compatibility but bmp does not act on it`, file: fileName, line: loc.line });
    }
  }
  // vars and hooks keep their templates for later rendering with the full context.
  const data = renderYamlValues(raw, (p) => yaml.lazyLocate(p, 'value'), undefined, [], (p) => p[0] === 'vars' || p[0] === 'on-run-start' || p[0] === 'on-run-end' || p.includes('+pre-hook') || p.includes('+post-hook') || p.includes('pre-hook') || p.includes('post-hook')) as Record<string, unknown>;

  const str = (key: string, required = false): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) {
      if (required) throw new ConfigError('BMP_PROJECT_INVALID', `'${key}' is required`, { file: fileName });
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
  const vars = data['vars'] ?? {};
  if (typeof vars !== 'object' || Array.isArray(vars)) throw new ConfigError('BMP_PROJECT_INVALID', `'vars' must be a mapping`, yaml.locate(['vars'], 'value'));
  const targetPath = str('target-path') ?? 'target';

  const tree = (key: string): ConfigTree => {
    const v = data[key];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError('BMP_PROJECT_INVALID', `'${key}' must be a mapping`, yaml.locate([key], 'value'));
    validateConfigTree(v as ConfigTree, (p) => yaml.lazyLocate([key, ...p]), key);
    return v as ConfigTree;
  };
  const hooks = (key: string): string[] => {
    const v = data[key];
    if (v === undefined || v === null) return [];
    const arr = Array.isArray(v) ? v : [v];
    return arr.map(String);
  };

  return {
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
  };
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
