/**
 * Resolving a project's packages and everything they pull in to pinned versions (the package-lock.yml
 * entries). What it needs from the outside world (hub versions, a git checkout's commit, a package's
 * own packages.yml) comes through {@link ResolveSources}, so the algorithm is tested with fakes.
 *
 * Every package's requirements are gathered from the root and from the versions currently chosen for
 * the packages that require it; hub version ranges are intersected and the highest version meeting
 * all of them is chosen; a git package takes the one revision its requirers agree on. Choices are
 * revised until they no longer change (a package's newly chosen version may require different things).
 */
import { posix, relative, resolve as resolvePath, sep } from 'node:path';
import { ConfigError, type ErrorCode, type ErrorLocation } from '../errors.js';
import { describeLock, type LockEntry } from './lock-file.js';
import { conflictingPair, pickVersion, sortVersions } from './semver.js';
import type { GitSpec, HubSpec, PackageSpec } from './spec.js';

/** What a package declares: its name (dbt_project.yml, or the hub's) and its own packages. */
export interface PackageMeta {
  readonly name: string;
  readonly specs: readonly PackageSpec[];
}

export interface HubVersion {
  /** The package's project name (the folder it installs to). */
  readonly name: string;
  readonly specs: readonly PackageSpec[];
}

export interface ResolveSources {
  /** The hub's versions of `namespace/name`. @throws BmpError when the package is not on the hub or the hub cannot be reached. */
  hubVersions(pkg: string, where: ErrorLocation): Promise<Readonly<Record<string, HubVersion>>>;
  /** The commit `revision` (HEAD when undefined) points at, and the package found there. */
  git(url: string, revision: string | undefined, subdirectory: string | undefined, where: ErrorLocation): Promise<{ readonly sha: string; readonly meta: PackageMeta }>;
  tarball(url: string, where: ErrorLocation): Promise<PackageMeta>;
  /** @param dir absolute */
  local(dir: string, where: ErrorLocation): Promise<PackageMeta>;
}

export interface ResolveInput {
  readonly specs: readonly PackageSpec[];
  /** Absolute folder of the root project (local paths are relative to it). */
  readonly rootDir: string;
  readonly rootName: string;
  /** The file the root specs come from, for messages (`packages.yml`). */
  readonly rootFile: string;
}

export interface ResolveResult {
  /** In the order packages were first required (the root's first). */
  readonly packages: readonly LockEntry[];
  readonly warnings: readonly { readonly message: string; readonly where?: ErrorLocation }[];
}

interface Requirement {
  readonly spec: PackageSpec;
  /** Who asked: the root's file name or the requiring package (`dbt-labs/dbt_date@0.21.0`). */
  readonly requiredBy: string;
  /** The root entry this requirement descends from (where errors point). */
  readonly origin: ErrorLocation;
  /** Absolute folder local paths are relative to. */
  readonly baseDir: string;
  readonly fromRoot: boolean;
}

interface Pin {
  readonly lock: LockEntry & { readonly name: string };
  readonly meta: PackageMeta;
  /** Folder a local package lives in (its own local dependencies are relative to it). */
  readonly localDir?: string;
}

const MAX_ROUNDS = 20;

/** The identity two requirements share when they ask for the same package. */
export function packageKey(spec: PackageSpec, baseDir: string): string {
  switch (spec.kind) {
    case 'hub':
      return `hub:${spec.package}`;
    case 'git':
      return `git:${spec.git.replace(/\.git$/, '').replace(/\/+$/, '')}${spec.subdirectory ? `#${spec.subdirectory}` : ''}`;
    case 'local':
      return `local:${resolvePath(baseDir, spec.local)}`;
    case 'tarball':
      return `tarball:${spec.tarball}`;
  }
}

const depError = (code: ErrorCode, message: string, where: ErrorLocation, hint?: string) => new ConfigError(code, message, where, hint);

/**
 * Resolves the root's specs and their transitive packages to pinned lock entries.
 * @throws ConfigError BMP_DEPS_VERSION_CONFLICT (two requirements no version meets, naming both requirers),
 *   BMP_DEPS_NO_VERSION, BMP_DEPS_GIT_REVISION_CONFLICT, BMP_DEPS_DUPLICATE_NAME, BMP_DEPS_UNRESOLVABLE;
 *   and whatever the sources throw (BMP_DEPS_NETWORK, BMP_DEPS_NOT_FOUND, ...)
 */
export async function resolvePackages(input: ResolveInput, sources: ResolveSources): Promise<ResolveResult> {
  let pins = new Map<string, Pin>();
  const hubCache = new Map<string, Promise<Readonly<Record<string, HubVersion>>>>();
  const hubVersions = (pkg: string, where: ErrorLocation) => {
    let p = hubCache.get(pkg);
    if (!p) hubCache.set(pkg, (p = sources.hubVersions(pkg, where)));
    return p;
  };
  const pinCache = new Map<string, Promise<Pin>>();

  for (let round = 0; round < MAX_ROUNDS; round++) {
    // gather requirements: the root's, then those of each reached package's current pin
    const reqs = new Map<string, Requirement[]>();
    const order: string[] = [];
    const add = (r: Requirement) => {
      const key = packageKey(r.spec, r.baseDir);
      const list = reqs.get(key);
      if (list) list.push(r);
      else {
        reqs.set(key, [r]);
        order.push(key);
      }
    };
    for (const spec of input.specs) add({ spec, requiredBy: input.rootFile, origin: spec.where, baseDir: input.rootDir, fromRoot: true });
    const next = new Map<string, Pin>();
    for (let i = 0; i < order.length; i++) {
      const key = order[i]!;
      const list = reqs.get(key)!;
      // requirements found later in this round are taken into account in the next round
      const pin = pins.get(key) ?? (await choose(key, list));
      next.set(key, pin);
      for (const spec of pin.meta.specs) {
        add({ spec, requiredBy: describeLock(pin.lock), origin: list[0]!.origin, baseDir: pin.localDir ?? input.rootDir, fromRoot: false });
      }
    }
    // with every requirement known, choose again; settled when nothing changes
    const chosen = new Map<string, Pin>();
    for (const key of order) chosen.set(key, await choose(key, reqs.get(key)!));
    const settled = order.every((k) => next.get(k) === chosen.get(k)) && chosen.size === next.size;
    pins = chosen;
    if (settled) return finish(order, reqs, pins, input);
  }
  throw depError('BMP_DEPS_UNRESOLVABLE', `package versions did not settle after ${MAX_ROUNDS} rounds (packages keep requiring different versions of each other)`, input.specs[0]?.where ?? { file: input.rootFile });

  async function choose(key: string, list: readonly Requirement[]): Promise<Pin> {
    const first = list[0]!;
    const spec = first.spec;
    switch (spec.kind) {
      case 'hub': {
        const hubReqs = list.map((r) => ({ r, spec: r.spec as HubSpec }));
        const items = hubReqs.flatMap(({ r, spec: s }) => s.constraints.map((constraint) => ({ constraint, r })));
        const pair = conflictingPair(items);
        if (pair) {
          const [a, b] = pair;
          const who = (x: typeof a) => `'${x.constraint.text}' (required by ${x.r.requiredBy})`;
          throw depError(
            'BMP_DEPS_VERSION_CONFLICT',
            `version conflict for ${spec.package}: ${who(a)} and ${who(b)} cannot both hold`,
            (a.r.fromRoot ? a.r.spec.where : b.r.fromRoot ? b.r.spec.where : a.r.origin),
            a.r.requiredBy === b.r.requiredBy ? undefined : 'widen one of the ranges, or pick versions of the requiring packages that agree',
          );
        }
        const versions = await hubVersions(spec.package, first.origin);
        const allowPre = hubReqs.some(({ spec: s }) => s.installPrerelease);
        const constraints = items.map((x) => x.constraint);
        const picked = pickVersion(Object.keys(versions), constraints, allowPre);
        if (!picked) {
          const available = sortVersions(Object.keys(versions)).filter((v) => allowPre || !/^\d+\.\d+\.\d+-?[A-Za-z0-9]/.test(v) || constraints.some((c) => c.version.prerelease));
          const shown = available.length > 8 ? ['...', ...available.slice(-8)] : available;
          throw depError(
            'BMP_DEPS_NO_VERSION',
            `no version of ${spec.package} meets ${constraints.map((c) => `'${c.text}'`).join(', ')} (required by ${[...new Set(list.map((r) => r.requiredBy))].join(', ')}); the hub has ${shown.join(', ') || 'no versions'}`,
            first.fromRoot ? first.spec.where : first.origin,
          );
        }
        return cached(`hub:${spec.package}@${picked}`, async () => {
          const v = versions[picked]!;
          return { lock: { kind: 'hub', package: spec.package, version: picked, name: v.name }, meta: { name: v.name, specs: v.specs } };
        });
      }
      case 'git': {
        const revs = list.filter((r) => (r.spec as GitSpec).revision !== undefined);
        const distinct = [...new Set(revs.map((r) => (r.spec as GitSpec).revision!))];
        if (distinct.length > 1) {
          const a = revs.find((r) => (r.spec as GitSpec).revision === distinct[0])!;
          const b = revs.find((r) => (r.spec as GitSpec).revision === distinct[1])!;
          throw depError(
            'BMP_DEPS_GIT_REVISION_CONFLICT',
            `git package ${spec.git} is required at revision '${distinct[0]}' by ${a.requiredBy} and at '${distinct[1]}' by ${b.requiredBy}: a git package takes exactly one revision`,
            a.fromRoot ? a.spec.where : b.fromRoot ? b.spec.where : a.origin,
          );
        }
        const revision = distinct[0];
        return cached(`${key}@${revision ?? 'HEAD'}`, async () => {
          const { sha, meta } = await sources.git(spec.git, revision, spec.subdirectory, first.fromRoot ? spec.where : first.origin);
          const rawGit = typeof spec.raw['git'] === 'string' ? (spec.raw['git'] as string) : spec.git;
          return { lock: { kind: 'git', git: rawGit, revision: sha, ...(spec.subdirectory ? { subdirectory: spec.subdirectory } : {}), name: meta.name }, meta };
        });
      }
      case 'local': {
        const dir = resolvePath(first.baseDir, spec.local);
        const written = first.fromRoot ? spec.local : toPosix(relative(input.rootDir, dir)) || '.';
        return cached(key, async () => {
          const meta = await sources.local(dir, first.fromRoot ? spec.where : first.origin);
          return { lock: { kind: 'local', local: written, name: meta.name }, meta, localDir: dir };
        });
      }
      case 'tarball':
        return cached(key, async () => {
          const meta = await sources.tarball(spec.tarball, first.fromRoot ? spec.where : first.origin);
          const rawUrl = typeof spec.raw['tarball'] === 'string' ? (spec.raw['tarball'] as string) : spec.tarball;
          // dbt installs a tarball under the entry's name
          return { lock: { kind: 'tarball', tarball: rawUrl, name: spec.name }, meta: { name: spec.name, specs: meta.specs } };
        });
    }
  }

  function cached(key: string, make: () => Promise<Pin>): Promise<Pin> {
    let p = pinCache.get(key);
    if (!p) pinCache.set(key, (p = make()));
    return p;
  }
}

function finish(order: readonly string[], reqs: ReadonlyMap<string, Requirement[]>, pins: ReadonlyMap<string, Pin>, input: ResolveInput): ResolveResult {
  const warnings: { message: string; where?: ErrorLocation }[] = [];
  const byName = new Map<string, string>();
  const packages: LockEntry[] = [];
  for (const key of order) {
    const pin = pins.get(key)!;
    const list = reqs.get(key)!;
    const where = list[0]!.fromRoot ? list[0]!.spec.where : list[0]!.origin;
    const name = pin.lock.name;
    if (name === input.rootName) {
      throw depError('BMP_DEPS_DUPLICATE_NAME', `package ${describeLock(pin.lock)} is named '${name}', as the root project is: package names must differ from the project's`, where);
    }
    const clash = byName.get(name);
    if (clash) {
      throw depError('BMP_DEPS_DUPLICATE_NAME', `two packages install as '${name}': ${clash} and ${describeLock(pin.lock)} (required by ${list[0]!.requiredBy})`, where, 'require the package from one source only');
    }
    byName.set(name, describeLock(pin.lock));
    const spec = list[0]!.spec;
    if (spec.kind === 'git') {
      const revision = list.map((r) => (r.spec as GitSpec).revision).find((r) => r !== undefined);
      const warn = list.every((r) => (r.spec as GitSpec).warnUnpinned);
      if (warn && (revision === undefined || revision === 'main' || revision === 'master')) {
        warnings.push({
          message: `The git package "${spec.git}" is ${revision === undefined ? 'not pinned, using HEAD (default branch)' : `pinned to the "${revision}" branch`}: this can bring breaking changes into your project without warning (pin a tag or commit with 'revision:', or set 'warn-unpinned: false')`,
          where,
        });
      }
    }
    packages.push(pin.lock);
  }
  return { packages, warnings };
}

const toPosix = (p: string) => p.split(sep).join(posix.sep);
