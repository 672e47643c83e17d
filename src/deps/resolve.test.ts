import { describe, expect, it } from 'vitest';
import { BmpError } from '../errors.js';
import { resolvePackages, type HubVersion, type PackageMeta, type ResolveSources } from './resolve.js';
import { parsePackagesFile, type PackageSpec } from './spec.js';
import { readYamlData } from './yaml-data.js';

const specs = (yaml: string, file = 'packages.yml'): readonly PackageSpec[] => parsePackagesFile(readYamlData(yaml, file), { fileKind: 'packages.yml' }).specs;

interface FakeWorld {
  /** hub package → version → its packages.yml text (or '' for none) */
  hub?: Record<string, Record<string, string>>;
  /** git url → revision → { sha, name, packages } */
  git?: Record<string, Record<string, { sha: string; name: string; packages?: string }>>;
  local?: Record<string, { name: string; packages?: string }>;
  tarball?: Record<string, { packages?: string }>;
}

function fake(world: FakeWorld): ResolveSources & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async hubVersions(pkg) {
      calls.push(`hub ${pkg}`);
      const versions = world.hub?.[pkg];
      if (!versions) throw new BmpError('BMP_DEPS_NOT_FOUND', `no ${pkg}`);
      return Object.fromEntries(Object.entries(versions).map(([v, text]): [string, HubVersion] => [v, { name: pkg.split('/')[1]!, specs: text ? specs(text, `hub:${pkg}@${v}`) : [] }]));
    },
    async git(url, revision) {
      calls.push(`git ${url}@${revision ?? 'HEAD'}`);
      const r = world.git?.[url]?.[revision ?? 'HEAD'];
      if (!r) throw new BmpError('BMP_DEPS_GIT', `no ${url}@${revision}`);
      return { sha: r.sha, meta: { name: r.name, specs: r.packages ? specs(r.packages, `${url}/packages.yml`) : [] } };
    },
    async tarball(url) {
      calls.push(`tarball ${url}`);
      const t = world.tarball?.[url];
      return { name: 'ignored', specs: t?.packages ? specs(t.packages) : [] };
    },
    async local(dir): Promise<PackageMeta> {
      calls.push(`local ${dir}`);
      const l = world.local?.[dir];
      if (!l) throw new BmpError('BMP_DEPS_LOCAL_MISSING', `no ${dir}`);
      return { name: l.name, specs: l.packages ? specs(l.packages, `${dir}/packages.yml`) : [] };
    },
  };
}

const resolve = (root: string, world: FakeWorld) => resolvePackages({ specs: specs(root), rootDir: '/work/root', rootName: 'root_project', rootFile: 'packages.yml' }, fake(world));
const failure = async (p: Promise<unknown>): Promise<BmpError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof BmpError) return e;
    throw e;
  }
  throw new Error('resolved without an error');
};

describe('resolving hub packages', () => {
  it("intersects the root's range with what other packages require and takes the highest version meeting both", async () => {
    const r = await resolve('packages:\n  - package: a/x\n    version: [">=1.0.0", "<2.0.0"]\n  - package: b/y\n    version: 1.0.0\n', {
      hub: { 'a/x': { '1.0.0': '', '1.4.0': '', '1.6.0': '', '2.1.0': '' }, 'b/y': { '1.0.0': 'packages:\n  - package: a/x\n    version: "<1.5.0"\n' } },
    });
    expect(r.packages).toEqual([
      { kind: 'hub', package: 'a/x', version: '1.4.0', name: 'x' },
      { kind: 'hub', package: 'b/y', version: '1.0.0', name: 'y' },
    ]);
  });

  it('pulls in transitive packages the root never names', async () => {
    const r = await resolve('packages:\n  - package: b/y\n    version: ">=1.0.0"\n', {
      hub: { 'b/y': { '1.0.0': 'packages:\n  - package: c/z\n    version: [">=0.2.0", "<0.3.0"]\n' }, 'c/z': { '0.1.0': '', '0.2.5': '', '0.3.0': '' } },
    });
    expect(r.packages.map((p) => `${p.name}@${p.kind === 'hub' ? p.version : ''}`)).toEqual(['y@1.0.0', 'z@0.2.5']);
  });

  it('revises a choice when a package chosen later narrows it, and drops what only the old choice required', async () => {
    const r = await resolve('packages:\n  - package: a/x\n    version: ">=1.0.0"\n  - package: c/z\n    version: ">=1.0.0"\n', {
      hub: {
        'a/x': { '1.1.0': '', '1.6.0': 'packages:\n  - package: d/w\n    version: 1.0.0\n' },
        'c/z': { '2.0.0': 'packages:\n  - package: a/x\n    version: "<1.2.0"\n' },
        'd/w': { '1.0.0': '' },
      },
    });
    expect(r.packages.map((p) => `${p.name}@${p.kind === 'hub' ? p.version : ''}`)).toEqual(['x@1.1.0', 'z@2.0.0']);
  });

  it('reports a conflict naming both requirers, at the root entry', async () => {
    const e = await failure(
      resolve('packages:\n  - package: b/y\n    version: 1.0.0\n  - package: a/x\n    version: ">=1.0.0"\n', {
        hub: { 'a/x': { '0.9.0': '', '1.0.0': '' }, 'b/y': { '1.0.0': 'packages:\n  - package: a/x\n    version: "<1.0.0"\n' } },
      }),
    );
    expect(e.code).toBe('BMP_DEPS_VERSION_CONFLICT');
    expect(e.message).toBe("version conflict for a/x: '>=1.0.0' (required by packages.yml) and '<1.0.0' (required by b/y@1.0.0) cannot both hold");
    expect(e.where).toMatchObject({ file: 'packages.yml', line: 4 });
  });

  it('says which versions exist when none meets the ranges', async () => {
    const e = await failure(resolve('packages:\n  - package: a/x\n    version: ">=3.0.0"\n', { hub: { 'a/x': { '1.0.0': '', '2.0.0': '', '2.1.0-rc1': '' } } }));
    expect(e.code).toBe('BMP_DEPS_NO_VERSION');
    expect(e.message).toBe("no version of a/x meets '>=3.0.0' (required by packages.yml); the hub has 1.0.0, 2.0.0");
    expect(e.where).toMatchObject({ line: 2 });
  });

  it('installs prereleases only when asked', async () => {
    const world = { hub: { 'a/x': { '1.0.0': '', '1.1.0-rc1': '' } } };
    expect((await resolve('packages:\n  - package: a/x\n    version: ">=1.0.0"\n', world)).packages[0]).toMatchObject({ version: '1.0.0' });
    expect((await resolve('packages:\n  - package: a/x\n    version: ">=1.0.0"\n    install-prerelease: true\n', world)).packages[0]).toMatchObject({ version: '1.1.0-rc1' });
  });
});

describe('resolving git, local and tarball packages', () => {
  const sha = (c: string) => c.repeat(40);

  it('pins a git package to the commit its revision points at, and warns when it is not pinned', async () => {
    const r = await resolve('packages:\n  - git: https://h/r.git\n    revision: v1\n  - git: https://h/u.git\n', {
      git: { 'https://h/r.git': { v1: { sha: sha('a'), name: 'r' } }, 'https://h/u.git': { HEAD: { sha: sha('b'), name: 'u' } } },
    });
    expect(r.packages).toEqual([
      { kind: 'git', git: 'https://h/r.git', revision: sha('a'), name: 'r' },
      { kind: 'git', git: 'https://h/u.git', revision: sha('b'), name: 'u' },
    ]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message).toMatch(/"https:\/\/h\/u\.git" is not pinned, using HEAD/);
    expect(r.warnings[0]!.where).toMatchObject({ line: 4 });
    const quiet = await resolve('packages:\n  - git: https://h/u.git\n    warn-unpinned: false\n', { git: { 'https://h/u.git': { HEAD: { sha: sha('b'), name: 'u' } } } });
    expect(quiet.warnings).toEqual([]);
  });

  it('refuses two revisions of one git package, naming who asked for each', async () => {
    const e = await failure(
      resolve('packages:\n  - git: https://h/r.git\n    revision: v1\n  - local: ../p\n', {
        git: { 'https://h/r.git': { v1: { sha: sha('a'), name: 'r' }, v2: { sha: sha('c'), name: 'r' } } },
        local: { '/work/p': { name: 'p', packages: 'packages:\n  - git: https://h/r\n    revision: v2\n' } },
      }),
    );
    expect(e.code).toBe('BMP_DEPS_GIT_REVISION_CONFLICT');
    expect(e.message).toBe("git package https://h/r.git is required at revision 'v1' by packages.yml and at 'v2' by ../p: a git package takes exactly one revision");
  });

  it("reads a local package's own local packages relative to it, and locks them relative to the project", async () => {
    const r = await resolve('packages:\n  - local: ../p1\n', {
      local: { '/work/p1': { name: 'p1', packages: 'packages:\n  - local: ../p2\n' }, '/work/p2': { name: 'p2' } },
    });
    expect(r.packages).toEqual([
      { kind: 'local', local: '../p1', name: 'p1' },
      { kind: 'local', local: '../p2', name: 'p2' },
    ]);
  });

  it('installs a tarball under its entry name', async () => {
    const r = await resolve('packages:\n  - tarball: https://h/p.tgz\n    name: my_pkg\n', { tarball: { 'https://h/p.tgz': {} } });
    expect(r.packages).toEqual([{ kind: 'tarball', tarball: 'https://h/p.tgz', name: 'my_pkg' }]);
  });

  it('refuses two packages installing under one name, and a package named as the project', async () => {
    const dup = await failure(
      resolve('packages:\n  - package: a/x\n    version: 1.0.0\n  - git: https://h/x.git\n    revision: v1\n', {
        hub: { 'a/x': { '1.0.0': '' } },
        git: { 'https://h/x.git': { v1: { sha: sha('d'), name: 'x' } } },
      }),
    );
    expect(dup.code).toBe('BMP_DEPS_DUPLICATE_NAME');
    expect(dup.message).toMatch(/two packages install as 'x': a\/x@1\.0\.0 and https:\/\/h\/x\.git@ddddddd/);
    const self = await failure(resolve('packages:\n  - local: ../me\n', { local: { '/work/me': { name: 'root_project' } } }));
    expect(self.code).toBe('BMP_DEPS_DUPLICATE_NAME');
  });

  it('asks each source once for the same package', async () => {
    const sources = fake({ hub: { 'a/x': { '1.0.0': '' }, 'b/y': { '1.0.0': 'packages:\n  - package: a/x\n    version: ">=1.0.0"\n' } } });
    await resolvePackages({ specs: specs('packages:\n  - package: a/x\n    version: 1.0.0\n  - package: b/y\n    version: 1.0.0\n'), rootDir: '/work/root', rootName: 'r', rootFile: 'packages.yml' }, sources);
    expect(sources.calls.sort()).toEqual(['hub a/x', 'hub b/y']);
  });
});
