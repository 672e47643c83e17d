import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, didYouMean, type ErrorLocation } from '../errors.js';
import { cliVarFunction, NativeRenderer, yamlEnvVar, type YamlTemplateSyntax } from './native-render.js';
import { isSecretName, registerSecret } from './secrets.js';
import { TARGET_KEYS } from './keys.js';
import type { ConfigWarning } from './project.js';
import { YamlFile } from './yaml-file.js';

export interface LlmConfig {
  readonly provider: 'offline' | 'ollama' | (string & {});
  readonly [key: string]: unknown;
}

export interface TargetConfig {
  readonly name: string;
  readonly profileName: string;
  readonly type: 'duckdb';
  /** Absolute file path, or ':memory:'. */
  readonly path: string;
  /** The catalog name DuckDB gives the file (its base name), as `target.database`. */
  readonly database: string;
  readonly schema: string;
  readonly threads: number;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly llm: LlmConfig;
  readonly extensions: readonly string[];
  /** dbt-duckdb's `attach:`: other databases attached when the target opens (sources read them with `database:`). */
  readonly attach: readonly AttachedDatabase[];
  readonly externalRoot: string;
  /** Where the profile was read from. */
  readonly profilesFile?: string;
}

export interface AttachedDatabase {
  /** Absolute path (relative ones resolve against the project folder), or a URI DuckDB reads (`md:`, `s3://`). */
  readonly path: string;
  /** The catalog name (default: the file's base name, as DuckDB names it). */
  readonly alias: string;
  /** `type:` (`sqlite`, `postgres`, ...) when the file is not a DuckDB database. */
  readonly type?: string;
  readonly readOnly: boolean;
}

export interface ProfileOptions {
  readonly projectDir: string;
  readonly profilesDir?: string;
  readonly profileName: string;
  readonly target?: string;
  readonly threads?: number;
  /** `--vars`: the only vars profiles.yml templates see, as in dbt. */
  readonly cliVars?: Readonly<Record<string, unknown>>;
  /** The template language of YAML values, handed down by the template layer (`jinjaYamlSyntax()`). */
  readonly yamlSyntax: YamlTemplateSyntax;
}

/** Where profiles.yml is looked for, in order: --profiles-dir alone, else the environment, the project folder, ~/.bmp, ~/.dbt. */
function profilesDirCandidates(opts: { readonly profilesDir?: string; readonly projectDir: string }): string[] {
  return opts.profilesDir
    ? [resolve(opts.profilesDir)]
    : [process.env['BMP_PROFILES_DIR'], process.env['DBT_PROFILES_DIR'], opts.projectDir, join(homedir(), '.bmp'), join(homedir(), '.dbt')].filter((d): d is string => !!d);
}

/** The folder profiles.yml is read from (the first candidate holding one), else the one dbt would use (~/.dbt). */
export function profilesDirOf(opts: { readonly profilesDir?: string; readonly projectDir: string }): string {
  const dirs = profilesDirCandidates(opts);
  return dirs.find((d) => existsSync(join(d, 'profiles.yml'))) ?? (opts.profilesDir ? dirs[0]! : join(homedir(), '.dbt'));
}

/**
 * Finds profiles.yml (--profiles-dir, then the project folder, then ~/.bmp and ~/.dbt) and returns the
 * selected target with every relative path resolved against the project folder.
 * @throws ConfigError BMP_PROFILE_NOT_FOUND, BMP_TARGET_NOT_FOUND, BMP_PROFILE_INVALID
 */
export async function loadTarget(opts: ProfileOptions, warnings: ConfigWarning[]): Promise<TargetConfig> {
  const dirs = profilesDirCandidates(opts);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir) {
    throw new ConfigError('BMP_PROFILE_NOT_FOUND', `no profiles.yml found (looked in ${dirs.join(', ')})`, {}, 'create profiles.yml in the project folder or pass --profiles-dir');
  }
  const file = join(dir, 'profiles.yml');
  const display = file.startsWith(opts.projectDir + '/') ? file.slice(opts.projectDir.length + 1) : file;
  const yaml = await YamlFile.read(file, display);
  const all = (yaml.data ?? {}) as Record<string, unknown>;
  const profile = all[opts.profileName] as Record<string, unknown> | undefined;
  if (!profile || typeof profile !== 'object') {
    const names = Object.keys(all).filter((k) => k !== 'config');
    throw new ConfigError('BMP_PROFILE_NOT_FOUND', `profile '${opts.profileName}' not found in ${display}`, { file: display }, didYouMean(opts.profileName, names) ?? (names.length ? `profiles there: ${names.join(', ')}` : undefined));
  }
  const declared = profile['target'];
  if (declared !== undefined && declared !== null && typeof declared !== 'string') {
    throw new ConfigError('BMP_PROFILE_INVALID', `'target' in profile '${opts.profileName}' must be the name of one of its outputs`, yaml.locate([opts.profileName, 'target'], 'value'));
  }
  const targetName = opts.target ?? declared ?? 'dev';
  const outputs = (profile['outputs'] ?? {}) as Record<string, unknown>;
  const rawTarget = outputs[targetName];
  if (!rawTarget || typeof rawTarget !== 'object') {
    throw new ConfigError('BMP_TARGET_NOT_FOUND', `target '${targetName}' not found in profile '${opts.profileName}'`, yaml.locate([opts.profileName, 'outputs']), didYouMean(targetName, Object.keys(outputs)) ?? `targets: ${Object.keys(outputs).join(', ') || 'none'}`);
  }
  const where = (p: (string | number)[]) => yaml.lazyLocate([opts.profileName, 'outputs', targetName, ...p], 'value');
  const renderer = new NativeRenderer({ env_var: yamlEnvVar, var: cliVarFunction(opts.cliVars ?? {}, 'profiles.yml') }, opts.yamlSyntax);
  const t = renderer.renderTree(rawTarget, where) as Record<string, unknown>;
  registerSecretValues(t);
  for (const key of Object.keys(t)) {
    if (!(key in TARGET_KEYS)) {
      throw new ConfigError('BMP_PROFILE_UNKNOWN_KEY', `unknown key '${key}' in target '${targetName}'`, yaml.locate([opts.profileName, 'outputs', targetName, key]), didYouMean(key, Object.keys(TARGET_KEYS)));
    }
    if (!TARGET_KEYS[key]) {
      warnings.push({
        code: 'BMP_KEY_IGNORED',
        name: 'KeyNotActedOn',
        subject: key,
        message: `target key '${key}' is a dbt-duckdb setting bmp accepts but does not act on: the target works without it (silence with --warn-error-options '{"silence": ["KeyNotActedOn"]}')`,
        file: display,
        line: yaml.locate([opts.profileName, 'outputs', targetName, key]).line,
      });
    }
  }
  const type = t['type'] ?? 'duckdb';
  if (type !== 'duckdb') throw new ConfigError('BMP_PROFILE_INVALID', `target type '${String(type)}' is not supported; bmp runs on duckdb`, where(['type']));
  const rawPath = t['path'] ?? ':memory:';
  if (typeof rawPath !== 'string') throw new ConfigError('BMP_PROFILE_INVALID', `'path' must be a string`, where(['path']));
  const path = rawPath === ':memory:' || rawPath.startsWith('md:') ? rawPath : isAbsolute(rawPath) ? rawPath : resolve(opts.projectDir, rawPath);
  const threadsRaw = opts.threads ?? t['threads'] ?? 1;
  const threads = Number(threadsRaw);
  if (!Number.isInteger(threads) || threads < 1) throw new ConfigError('BMP_PROFILE_INVALID', `'threads' must be a positive integer, got ${JSON.stringify(threadsRaw)}`, where(['threads']));
  const schema = t['schema'] ?? 'main';
  if (typeof schema !== 'string') throw new ConfigError('BMP_PROFILE_INVALID', `'schema' must be a string`, where(['schema']));
  const settings = { ...((t['config_options'] as object) ?? {}), ...((t['settings'] as object) ?? {}) };
  const llm = (t['llm'] ?? { provider: 'offline' }) as LlmConfig;
  if (typeof llm !== 'object' || typeof llm.provider !== 'string') throw new ConfigError('BMP_PROFILE_INVALID', `'llm' must be a mapping with a 'provider'`, where(['llm']));
  const database = path === ':memory:' ? 'memory' : basename(path, extname(path));
  return {
    name: targetName,
    profileName: opts.profileName,
    type: 'duckdb',
    path,
    database,
    schema,
    threads,
    settings,
    llm,
    extensions: (t['extensions'] as string[] | undefined) ?? [],
    attach: attachedDatabases(t['attach'], opts.projectDir, (i, k) => where(['attach', i, ...(k ? [k] : [])])),
    externalRoot: resolve(opts.projectDir, (t['external_root'] as string | undefined) ?? '.'),
    profilesFile: display,
  };
}

/**
 * `attach:` entries (`{path, alias, type, read_only}`), checked.
 * @throws ConfigError BMP_PROFILE_INVALID
 */
function attachedDatabases(raw: unknown, projectDir: string, where: (i: number, key?: string) => ErrorLocation): AttachedDatabase[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ConfigError('BMP_PROFILE_INVALID', `'attach' must be a list of {path, alias, read_only}`, where(0));
  return raw.map((e: unknown, i) => {
    const entry = (typeof e === 'string' ? { path: e } : e) as Record<string, unknown> | null;
    const path = entry?.['path'];
    if (!entry || typeof entry !== 'object' || typeof path !== 'string' || !path) throw new ConfigError('BMP_PROFILE_INVALID', `'attach' entry ${i + 1} needs a 'path'`, where(i));
    const uri = /^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path);
    const absolute = path === ':memory:' || uri || isAbsolute(path) ? path : resolve(projectDir, path);
    // DuckDB's catalog name: the file's base name, also for a URI (md:my_db -> my_db)
    const alias = entry['alias'] ?? (path === ':memory:' ? 'memory' : basename(uri ? path.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '').split('?')[0]! : path, extname(path)));
    if (typeof alias !== 'string' || !alias) throw new ConfigError('BMP_PROFILE_INVALID', `'attach' entry ${i + 1}: 'alias' must be a name`, where(i, 'alias'));
    const type = entry['type'];
    if (type !== undefined && type !== null && typeof type !== 'string') throw new ConfigError('BMP_PROFILE_INVALID', `'attach' entry ${i + 1}: 'type' must be a name like sqlite`, where(i, 'type'));
    return { path: absolute, alias, ...(typeof type === 'string' && type ? { type } : {}), readOnly: entry['read_only'] === true };
  });
}

/** Values under secret-looking keys of a target (`llm.api_key`, `password`, `motherduck_token`) are masked in every output. */
function registerSecretValues(value: unknown, key = ''): void {
  if (typeof value === 'string') {
    if (isSecretName(key)) registerSecret(value);
  } else if (Array.isArray(value)) {
    for (const v of value) registerSecretValues(v, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) registerSecretValues(v, k);
  }
}
