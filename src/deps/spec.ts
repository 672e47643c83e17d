/**
 * packages.yml / dependencies.yml → validated package specs (pure: text in, specs or a located error out).
 *
 * Entries, as dbt documents them:
 * ```yaml
 * packages:
 *   - local: ../my_package
 *   - git: https://github.com/org/repo.git
 *     revision: 1.2.0          # tag, branch or commit; default HEAD (warned unless warn-unpinned: false)
 *     subdirectory: pkg        # where dbt_project.yml is inside the repository
 *   - package: dbt-labs/dbt_utils
 *     version: [">=1.0.0", "<2.0.0"]
 *     install-prerelease: true
 *   - tarball: https://example.com/pkg.tar.gz
 *     name: pkg
 * ```
 */
import { ConfigError, didYouMean, type ErrorLocation } from '../errors.js';
import { NativeRenderer, cliVarFunction, yamlEnvVar } from '../config/index.js';
import { jinjaYamlSyntax } from '../jinja/index.js';
import { PyFloat } from './py-json.js';
import { parseConstraint, type Constraint } from './semver.js';
import type { YamlData } from './yaml-data.js';

interface SpecCommon {
  /** Where the entry was written (its first key). */
  readonly where: ErrorLocation;
  /** The entry as dbt's contract serializes it, rendered values plus the unrendered entry: what sha1_hash covers. */
  readonly hashDict: Readonly<Record<string, unknown>>;
  /** The entry as written (templates unrendered), for package-lock.yml. */
  readonly raw: Readonly<Record<string, unknown>>;
}
export interface LocalSpec extends SpecCommon {
  readonly kind: 'local';
  readonly local: string;
}
export interface GitSpec extends SpecCommon {
  readonly kind: 'git';
  readonly git: string;
  readonly revision?: string;
  readonly warnUnpinned: boolean;
  readonly subdirectory?: string;
}
export interface HubSpec extends SpecCommon {
  readonly kind: 'hub';
  /** `namespace/name`. */
  readonly package: string;
  readonly constraints: readonly Constraint[];
  readonly installPrerelease: boolean;
}
export interface TarballSpec extends SpecCommon {
  readonly kind: 'tarball';
  readonly tarball: string;
  readonly name: string;
}
export type PackageSpec = LocalSpec | GitSpec | HubSpec | TarballSpec;

/** The keys each kind of entry takes (as written in packages.yml). */
export const ENTRY_KEYS = {
  local: ['local'],
  git: ['git', 'revision', 'warn-unpinned', 'subdirectory'],
  hub: ['package', 'version', 'install-prerelease', 'install_prerelease'],
  tarball: ['tarball', 'name'],
} as const;
const KIND_KEYS = ['local', 'git', 'package', 'tarball', 'private'] as const;

export interface ParsedPackagesFile {
  readonly specs: readonly PackageSpec[];
  /** dependencies.yml's `projects:` (dbt Mesh), accepted and not acted on. */
  readonly projects?: unknown;
  /** Whether the file has a `packages:` key. */
  readonly hasPackages: boolean;
}

export interface ParseOptions {
  /** `dependencies.yml` takes no templates; `packages.yml` renders `env_var` and `var`. */
  readonly fileKind: 'packages.yml' | 'dependencies.yml';
  /** Values for `var()` in packages.yml (`--vars`). */
  readonly vars?: Readonly<Record<string, unknown>>;
}

const typeName = (v: unknown): string => (v === null || v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : v instanceof PyFloat ? `number ${v}` : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
const hasTemplate = (v: unknown): boolean => (typeof v === 'string' ? v.includes('{{') || v.includes('{%') : Array.isArray(v) ? v.some(hasTemplate) : isMap(v) ? Object.values(v).some(hasTemplate) : false);

/**
 * Validates a packages file's data into specs.
 * @example parsePackagesFile(readYamlData('packages:\n  - local: ../pkg\n', 'packages.yml'), { fileKind: 'packages.yml' })
 * @throws ConfigError BMP_DEPS_INVALID, BMP_DEPS_UNKNOWN_KEY, BMP_DEPS_VERSION_INVALID, BMP_DEPS_UNSUPPORTED, BMP_ENV_VAR_MISSING
 */
export function parsePackagesFile(yaml: YamlData, opts: ParseOptions): ParsedPackagesFile {
  const file = yaml.file;
  const data = yaml.data;
  if (data === null || data === undefined || (isMap(data) && Object.keys(data).length === 0)) return { specs: [], hasPackages: false };
  if (!isMap(data)) throw new ConfigError('BMP_DEPS_INVALID', `${opts.fileKind} must be a mapping with a 'packages:' list, got ${typeName(data)}`, { file, line: 1 });
  const allowed = opts.fileKind === 'dependencies.yml' ? ['packages', 'projects'] : ['packages'];
  for (const key of Object.keys(data)) {
    if (allowed.includes(key)) continue;
    if (key === 'projects') throw new ConfigError('BMP_DEPS_INVALID', `'projects' cannot be in packages.yml (dbt reads it from dependencies.yml only)`, yaml.locate([key]));
    throw new ConfigError('BMP_DEPS_UNKNOWN_KEY', `unknown key '${key}' in ${opts.fileKind}`, yaml.locate([key]), didYouMean(key, allowed) ?? `${opts.fileKind} takes ${allowed.map((k) => `'${k}:'`).join(' and ')}`);
  }
  const list = data['packages'];
  const hasPackages = 'packages' in data;
  if (list === null || list === undefined) return { specs: [], projects: data['projects'], hasPackages };
  if (!Array.isArray(list)) throw new ConfigError('BMP_DEPS_INVALID', `'packages' must be a list of entries, got ${typeName(list)}`, yaml.locate(['packages'], 'value'));
  // one renderer for the file's templates, made only when an entry holds one
  let renderer: NativeRenderer | undefined;
  const rendererOf = () => (renderer ??= packagesRenderer(opts.vars, opts.fileKind));
  const specs = list.map((entry, i) => parseEntry(entry, i, yaml, opts, rendererOf));
  return { specs, projects: data['projects'], hasPackages };
}

function parseEntry(entry: unknown, i: number, yaml: YamlData, opts: ParseOptions, rendererOf: () => NativeRenderer): PackageSpec {
  const path = ['packages', i];
  const where = yaml.locate(path, 'value');
  if (!isMap(entry)) throw new ConfigError('BMP_DEPS_INVALID', `package entry ${i + 1} must be a mapping (local:, git:, package: or tarball:), got ${typeName(entry)}`, where);
  const kinds = KIND_KEYS.filter((k) => k in entry);
  if (kinds.length === 0) {
    const first = Object.keys(entry)[0] ?? '';
    const hint = didYouMean(first, KIND_KEYS.filter((k) => k !== 'private'));
    throw new ConfigError('BMP_DEPS_UNKNOWN_KEY', `package entry ${i + 1} has none of 'local', 'git', 'package' or 'tarball'${first ? ` (unknown key '${first}')` : ''}`, first ? yaml.locate([...path, first]) : where, hint);
  }
  if (kinds.length > 1) throw new ConfigError('BMP_DEPS_INVALID', `package entry ${i + 1} has both '${kinds[0]}' and '${kinds[1]}': one source per entry`, yaml.locate([...path, kinds[1]!]));
  const kindKey = kinds[0]!;
  if (kindKey === 'private') throw new ConfigError('BMP_DEPS_UNSUPPORTED', `'private' packages go through dbt Cloud's git integrations, which bmp does not have`, yaml.locate([...path, 'private']), "use 'git:' with the repository's URL");
  const kind = kindKey === 'package' ? 'hub' : kindKey;
  const keys: readonly string[] = ENTRY_KEYS[kind];
  for (const key of Object.keys(entry)) {
    if (keys.includes(key)) continue;
    const other = (Object.keys(ENTRY_KEYS) as (keyof typeof ENTRY_KEYS)[]).find((k) => (ENTRY_KEYS[k] as readonly string[]).includes(key));
    throw new ConfigError('BMP_DEPS_UNKNOWN_KEY', `unknown key '${key}' in a ${kind === 'hub' ? 'package (hub)' : kind} entry`, yaml.locate([...path, key]), didYouMean(key, keys) ?? (other ? `'${key}' belongs to ${other} entries` : `${kind} entries take ${keys.map((k) => `'${k}'`).join(', ')}`));
  }
  if (opts.fileKind === 'dependencies.yml' && hasTemplate(entry)) {
    const key = Object.keys(entry).find((k) => hasTemplate(entry[k]))!;
    throw new ConfigError('BMP_DEPS_INVALID', `dependencies.yml does not render templates ({{ ... }})`, yaml.locate([...path, key], 'value'), 'entries that need env_var() belong in packages.yml');
  }
  const rendered = render(entry, (p) => yaml.locate([...path, ...p], 'value'), rendererOf);
  const at = (key: string) => yaml.locate([...path, key], 'value');
  const str = (key: string, required: boolean): string | undefined => {
    const v = rendered[key];
    if (v === undefined || v === null || v === '') {
      if (required) throw new ConfigError('BMP_DEPS_INVALID', `'${key}' is required in a ${kind === 'hub' ? 'package (hub)' : kind} entry`, v === undefined ? where : at(key));
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || v instanceof PyFloat) return String(v);
    throw new ConfigError('BMP_DEPS_INVALID', `'${key}' must be a string, got ${typeName(v)}`, at(key));
  };
  const bool = (key: string): boolean | undefined => {
    const v = rendered[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    throw new ConfigError('BMP_DEPS_INVALID', `'${key}' must be true or false, got ${typeName(v)}`, at(key));
  };
  const raw = entry;
  const orNull = (v: unknown) => (v === undefined ? null : v);
  switch (kind) {
    case 'local': {
      const local = str('local', true)!;
      return { kind, local, where, raw, hashDict: { local: rendered['local'], unrendered: raw } };
    }
    case 'tarball': {
      const tarball = str('tarball', true)!;
      const name = str('name', true)!;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError('BMP_DEPS_INVALID', `tarball package name '${name}' must be letters, digits and underscores (it names the folder under the packages path)`, at('name'));
      return { kind, tarball, name, where, raw, hashDict: { tarball: rendered['tarball'], name: rendered['name'], unrendered: raw } };
    }
    case 'git': {
      const git = str('git', true)!;
      const revision = str('revision', false);
      const subdirectory = str('subdirectory', false);
      if (subdirectory !== undefined && (subdirectory.startsWith('/') || subdirectory.split(/[\\/]/).includes('..'))) {
        throw new ConfigError('BMP_DEPS_INVALID', `'subdirectory' must be a path inside the repository, got '${subdirectory}'`, at('subdirectory'));
      }
      const warn = bool('warn-unpinned');
      return {
        kind,
        git,
        ...(revision !== undefined ? { revision } : {}),
        ...(subdirectory !== undefined ? { subdirectory: subdirectory.replace(/\/+$/, '') } : {}),
        warnUnpinned: warn !== false,
        where,
        raw,
        hashDict: { git: rendered['git'], revision: orNull(rendered['revision']), 'warn-unpinned': orNull(rendered['warn-unpinned']), subdirectory: orNull(rendered['subdirectory']), unrendered: raw },
      };
    }
    case 'hub': {
      const pkg = str('package', true)!;
      if (!pkg.includes('/')) throw new ConfigError('BMP_DEPS_INVALID', `'${pkg}' has no namespace: packages on the hub are named namespace/name`, at('package'), `e.g. dbt-labs/${pkg}`);
      const version = rendered['version'];
      if (version === undefined || version === null || version === '' || (Array.isArray(version) && version.length === 0)) {
        throw new ConfigError('BMP_DEPS_INVALID', `${pkg} is missing the version: packages from the hub need 'version'`, version === undefined ? where : at('version'), `e.g. version: [">=1.0.0", "<2.0.0"]`);
      }
      const texts = (Array.isArray(version) ? version : [version]).map((v, j) => {
        if (typeof v === 'string' || typeof v === 'number' || v instanceof PyFloat) return String(v);
        throw new ConfigError('BMP_DEPS_INVALID', `'version' must be a version or a list of them, got ${typeName(v)}`, Array.isArray(version) ? yaml.locate([...path, 'version', j], 'value') : at('version'));
      });
      const constraints = texts.flatMap((t) => t.split(',').map((s) => s.trim()).filter(Boolean)).map((t) => {
        const c = parseConstraint(t);
        if (!c) throw new ConfigError('BMP_DEPS_VERSION_INVALID', `'${t}' is not a version or version range for ${pkg}`, at('version'), 'write major.minor.patch, optionally after >=, >, <, <= or =, e.g. ">=1.0.0"');
        return c;
      });
      const pre = bool('install-prerelease') ?? bool('install_prerelease') ?? false;
      return { kind, package: pkg, constraints, installPrerelease: pre, where, raw, hashDict: { package: rendered['package'], version, install_prerelease: pre, unrendered: raw } };
    }
  }
}

/**
 * Renders templates in an entry's string values as dbt renders packages.yml: Jinja2's semantics,
 * native values, `env_var()` and `var()` seeing only --vars; other values (floats included) stay.
 */
function render(entry: Record<string, unknown>, where: (path: (string | number)[]) => ErrorLocation, rendererOf: () => NativeRenderer): Record<string, unknown> {
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') return hasTemplate(v) ? rendererOf().render(v, where(path)) : v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  return walk(entry, []) as Record<string, unknown>;
}

/** The renderer for templates in packages.yml and in a lock's kept templates (git URLs with tokens). */
export function packagesRenderer(vars: Readonly<Record<string, unknown>> | undefined, fileKind: string): NativeRenderer {
  return new NativeRenderer({ env_var: yamlEnvVar, var: cliVarFunction(vars ?? {}, fileKind) }, jinjaYamlSyntax());
}
