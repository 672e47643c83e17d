/**
 * package-lock.yml in dbt's format (pure): every package installed, the root's and those they pull in,
 * pinned (a hub version, a git commit), each with the folder name it installs to, and `sha1_hash` of
 * the packages spec it was resolved from.
 *
 * ```yaml
 * packages:
 *   - name: dbt_utils
 *     package: dbt-labs/dbt_utils
 *     version: 1.3.3
 *   - git: https://github.com/org/repo.git
 *     name: repo_pkg
 *     revision: 5e1f7c0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d
 * sha1_hash: 9302591a94f5f8dda50a5c5325ff8e4cd252e569
 * ```
 */
import { createHash } from 'node:crypto';
import { ConfigError, type ErrorLocation } from '../errors.js';
import { comparePyStrings, pyJsonDumps } from './py-json.js';
import type { PackageSpec } from './spec.js';
import type { YamlData } from './yaml-data.js';

interface LockCommon {
  /** The folder under the packages path (dbt writes it since 1.8; older lock files lack it). */
  readonly name?: string;
  readonly where?: ErrorLocation;
}
export interface HubLock extends LockCommon {
  readonly kind: 'hub';
  readonly package: string;
  readonly version: string;
}
export interface GitLock extends LockCommon {
  readonly kind: 'git';
  /** As written in the spec (templates unrendered, so no secret lands in the lock). */
  readonly git: string;
  /** A commit (dbt pins what the spec's revision pointed at). */
  readonly revision: string;
  readonly subdirectory?: string;
}
export interface LocalLock extends LockCommon {
  readonly kind: 'local';
  readonly local: string;
}
export interface TarballLock extends LockCommon {
  readonly kind: 'tarball';
  readonly tarball: string;
}
export type LockEntry = HubLock | GitLock | LocalLock | TarballLock;

export interface LockFile {
  readonly packages: readonly LockEntry[];
  readonly sha1Hash?: string;
}

/**
 * The `sha1_hash` dbt writes: SHA-1 of the entries' JSON (Python's `json.dumps(..., sort_keys=True)`
 * of each entry as dbt's package contract serializes it, rendered values with the unrendered entry
 * under `unrendered`), sorted, joined by newlines.
 * @example sha1OfSpecs(parsePackagesFile(readYamlData('packages:\n  - local: ../\n', 'packages.yml'), { fileKind: 'packages.yml' }).specs)
 *   // 'de2deba3d66ce03d8c02949013650cc9b94f6030'
 */
export function sha1OfSpecs(specs: readonly Pick<PackageSpec, 'hashDict'>[]): string {
  const lines = specs.map((s) => pyJsonDumps(s.hashDict)).sort(comparePyStrings);
  return createHash('sha1').update(lines.join('\n'), 'utf8').digest('hex');
}

/** A stable identity of what an entry installs (its name left out), to tell whether it is already there. */
export function lockKey(e: LockEntry): string {
  switch (e.kind) {
    case 'hub':
      return `hub:${e.package}@${e.version}`;
    case 'git':
      return `git:${e.git}@${e.revision}${e.subdirectory ? `#${e.subdirectory}` : ''}`;
    case 'local':
      return `local:${e.local}`;
    case 'tarball':
      return `tarball:${e.tarball}`;
  }
}

/** How an entry reads in messages: `dbt-labs/dbt_utils@1.3.3`, `https://host/repo.git@5e1f7c0`, `../pkg`. */
export function describeLock(e: LockEntry): string {
  switch (e.kind) {
    case 'hub':
      return `${e.package}@${e.version}`;
    case 'git':
      return `${e.git}${e.subdirectory ? `/${e.subdirectory}` : ''}@${/^[0-9a-f]{40}$/.test(e.revision) ? e.revision.slice(0, 7) : e.revision}`;
    case 'local':
      return e.local;
    case 'tarball':
      return e.tarball;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads package-lock.yml's data.
 * @throws ConfigError BMP_DEPS_LOCK_INVALID
 */
export function parseLockFile(yaml: YamlData): LockFile {
  const data = yaml.data;
  const bad = (message: string, path: (string | number)[]) => new ConfigError('BMP_DEPS_LOCK_INVALID', message, yaml.locate(path), 'fix it, or run bmp deps --upgrade to write it anew');
  if (!isMap(data)) throw bad('package-lock.yml must be a mapping with packages: and sha1_hash:', []);
  const list = data['packages'] ?? [];
  if (!Array.isArray(list)) throw bad(`'packages' must be a list`, ['packages']);
  const packages = list.map((raw, i): LockEntry => {
    const path = ['packages', i];
    if (!isMap(raw)) throw bad(`entry ${i + 1} must be a mapping`, path);
    const s = (k: string): string | undefined => (raw[k] === undefined || raw[k] === null ? undefined : String(raw[k]));
    const name = s('name');
    const common = { ...(name ? { name } : {}), where: yaml.locate(path, 'value') };
    if (raw['package'] !== undefined) {
      if (s('version') === undefined) throw bad(`entry ${i + 1} (${s('package')}) has no version`, path);
      return { kind: 'hub', package: s('package')!, version: s('version')!, ...common };
    }
    if (raw['git'] !== undefined) {
      if (s('revision') === undefined) throw bad(`entry ${i + 1} (${s('git')}) has no revision`, path);
      return { kind: 'git', git: s('git')!, revision: s('revision')!, ...(s('subdirectory') ? { subdirectory: s('subdirectory')! } : {}), ...common };
    }
    if (raw['local'] !== undefined) return { kind: 'local', local: s('local')!, ...common };
    if (raw['tarball'] !== undefined) {
      if (!name) throw bad(`entry ${i + 1} (${s('tarball')}) has no name`, path);
      return { kind: 'tarball', tarball: s('tarball')!, ...common };
    }
    throw bad(`entry ${i + 1} is none of package:, git:, local: or tarball:`, path);
  });
  const hash = data['sha1_hash'];
  return { packages, ...(hash !== undefined && hash !== null ? { sha1Hash: String(hash) } : {}) };
}

/** The entry's fields as dbt writes them. */
function lockFields(e: LockEntry): Record<string, string> {
  const name: Record<string, string> = e.name ? { name: e.name } : {};
  switch (e.kind) {
    case 'hub':
      return { package: e.package, version: e.version, ...name };
    case 'git':
      return { git: e.git, revision: e.revision, ...(e.subdirectory ? { subdirectory: e.subdirectory } : {}), ...name };
    case 'local':
      return { local: e.local, ...name };
    case 'tarball':
      return { tarball: e.tarball, ...name };
  }
}

/**
 * package-lock.yml's text as dbt writes it (PyYAML: keys sorted, list items indented under `packages:`).
 * @example formatLockFile({ packages: [{ kind: 'local', local: '../', name: 'dbt_utils' }], sha1Hash: 'de2d…' })
 *   // 'packages:\n  - local: ../\n    name: dbt_utils\nsha1_hash: de2d…\n'
 */
export function formatLockFile(lock: LockFile): string {
  const lines = ['packages:'];
  if (!lock.packages.length) lines[0] = 'packages: []';
  for (const e of lock.packages) {
    const fields = Object.entries(lockFields(e)).sort(([a], [b]) => comparePyStrings(a, b));
    fields.forEach(([k, v], i) => lines.push(`${i === 0 ? '  - ' : '    '}${k}: ${yamlScalar(v)}`));
  }
  if (lock.sha1Hash) lines.push(`sha1_hash: ${yamlScalar(lock.sha1Hash)}`);
  return `${lines.join('\n')}\n`;
}

/** A YAML scalar that reads back as the same string under YAML 1.1 and 1.2: plain where safe, else single-quoted. */
export function yamlScalar(s: string): string {
  const plainSafe =
    s !== '' &&
    /^[A-Za-z0-9_./~$(][A-Za-z0-9_./~$()@+=%&!:,;?*-]*$/.test(s) &&
    !/: |:$| #/.test(s) &&
    !/^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/.test(s) &&
    !/^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|\.(?:inf|Inf|INF|nan|NaN|NAN)|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/.test(s) &&
    !/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/.test(s);
  return plainSafe ? s : `'${s.replace(/'/g, "''")}'`;
}
