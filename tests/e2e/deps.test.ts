/**
 * `bmp deps` end to end: the real CLI against fixture packages written here (local folders, file://
 * git repositories made with the system git, a loopback hub serving index JSON and tarballs, tarball
 * URLs). Never the internet.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedUrl, gitRepo, makeProject, packageFiles, startFakeHub, tarGz, tempRoot, writeFiles, type FakeHub } from '../helpers/deps-fixtures.js';
import { bmpAsync, removeDir, type CliResult } from '../helpers/project.js';

const roots: string[] = [];
function root(): string {
  const r = tempRoot();
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) removeDir(r);
});

let deadHub = '';
beforeAll(async () => {
  deadHub = await closedUrl();
});
const deps = (cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> => bmpAsync(['deps', ...args], { cwd, env: { DBT_PACKAGE_HUB_URL: deadHub, ...env } }).done;

/** Every file and link under `dir` (links not followed) with its content or target: equal snapshots, equal trees. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = '';
        walk(p);
      } else out[rel] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const lines = (s: string) => s.split('\n').filter(Boolean);
const expectOneLineError = (r: CliResult, code: string, where: RegExp) => {
  expect(r.code).toBe(2);
  const err = lines(r.stderr);
  expect(err).toHaveLength(1);
  expect(err[0]).toMatch(where);
  expect(err[0]).toContain(`[${code}]`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe('bmp deps: local packages', () => {
  it("links a local package into dbt_packages/ under its dbt_project.yml name, writes dbt's lock format, and a second run changes nothing", async () => {
    const r = root();
    writeFiles(join(r, 'packages_src/a_folder'), packageFiles('pkg_a', { packages: 'packages:\n  - local: ../b_folder\n' }));
    writeFiles(join(r, 'packages_src/b_folder'), packageFiles('pkg_b'));
    const project = makeProject(r, '# my packages\npackages:\n  - local: ../packages_src/a_folder\n');

    const first = await deps(project);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(readlinkSync(join(project, 'dbt_packages/pkg_a'))).toBe(join(r, 'packages_src/a_folder'));
    expect(readlinkSync(join(project, 'dbt_packages/pkg_b'))).toBe(join(r, 'packages_src/b_folder'));
    expect(readFileSync(join(project, 'dbt_packages/pkg_a/macros/pkg_a.sql'), 'utf8')).toContain('pkg_a_version');
    const lock = readFileSync(join(project, 'package-lock.yml'), 'utf8');
    expect(lock).toMatch(/^packages:\n {2}- local: \.\.\/packages_src\/a_folder\n {4}name: pkg_a\n {2}- local: \.\.\/packages_src\/b_folder\n {4}name: pkg_b\nsha1_hash: [0-9a-f]{40}\n$/);
    expect(first.stdout).toMatch(/Wrote package-lock\.yml/);

    const before = snapshot(project);
    const second = await deps(project);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/dbt_packages\/pkg_a is up to date/);
    expect(second.stdout).toMatch(/2 packages: 0 installed, 2 up to date/);
    expect(second.stdout).not.toMatch(/Resolving|package-lock\.yml/);
    expect(snapshot(project)).toEqual(before);
  });

  it("removes packages no longer required without touching a linked package's own files", async () => {
    const r = root();
    writeFiles(join(r, 'pkg_a'), packageFiles('pkg_a'));
    const project = makeProject(r, 'packages:\n  - local: ../pkg_a\n');
    expect((await deps(project)).code).toBe(0);
    writeFileSync(join(project, 'packages.yml'), 'packages:\n  - local: ../pkg_b\n');
    writeFiles(join(r, 'pkg_b'), packageFiles('pkg_b'));
    const again = await deps(project);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Removed dbt_packages\/pkg_a/);
    expect(readdirSync(join(project, 'dbt_packages')).sort()).toEqual(['.bmp-installed.json', 'pkg_b']);
    expect(readFileSync(join(r, 'pkg_a/macros/pkg_a.sql'), 'utf8')).toContain('pkg_a_version');
  });

  it('takes dependencies.yml and packages-install-path, and warns that projects: is not acted on', async () => {
    const r = root();
    writeFiles(join(r, 'pkg_a'), packageFiles('pkg_a'));
    const project = makeProject(r, undefined, {
      'project.yml': 'name: root_project\nprofile: root_project\npackages-install-path: vendor/packages\n',
      'dependencies.yml': 'projects:\n  - name: upstream\npackages:\n  - local: ../pkg_a\n',
    });
    const out = await deps(project);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/\[WARNING\] dependencies\.yml:1: 'projects'.*not act on it/);
    expect(lstatSync(join(project, 'vendor/packages/pkg_a')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(project, 'dbt_packages'))).toBe(false);
  });

  it("renders the project file as every command does: Jinja2's semantics and --vars (packages-install-path)", async () => {
    const r = root();
    writeFiles(join(r, 'pkg_a'), packageFiles('pkg_a'));
    const project = makeProject(r, undefined, {
      // deps reads no profile: `target` is an empty mapping there, as dbt_utils' integration project relies on
      'project.yml': `name: root_project\nprofile: root_project\npackages-install-path: "{{ 'vendor/%s' % var('dir') }}"\nmodels:\n  +materialized: "{{ 'ephemeral' if target.name == 'trino' else 'table' }}"\n`,
      'packages.yml': 'packages:\n  - local: ../pkg_a\n',
    });
    const out = await deps(project, ['--vars', '{dir: pkgs}']);
    expect(out.code).toBe(0);
    expect(lstatSync(join(project, 'vendor/pkgs/pkg_a')).isSymbolicLink()).toBe(true);
  });

  it('bad input is one located line, exit 2, and nothing written', async () => {
    const r = root();
    const cases: [string, string, RegExp][] = [
      ['packages:\n  - local: ../missing\n', 'BMP_DEPS_LOCAL_MISSING', /^Config Error \(packages\.yml:2:5\): local package folder \.\.\/missing does not exist/],
      ['packages:\n  - locla: ../x\n', 'BMP_DEPS_UNKNOWN_KEY', /packages\.yml:2.*did you mean 'local'/],
      ['packages:\n  - local: ../x\n   bad: [\n', 'BMP_YAML_SYNTAX', /packages\.yml:\d+/],
      ['packages:\n  - package: dbt-labs/dbt_utils\n    version: "1.0"\n', 'BMP_DEPS_VERSION_INVALID', /packages\.yml:3.*'1\.0' is not a version/],
    ];
    for (const [yml, code, where] of cases) {
      const project = makeProject(join(r, code), yml);
      const before = snapshot(project);
      const out = await deps(project);
      expectOneLineError(out, code, where);
      expect(snapshot(project)).toEqual(before);
    }
  });

  it('a broken package-lock.yml is a located error; --upgrade writes it anew', async () => {
    const r = root();
    writeFiles(join(r, 'pkg_a'), packageFiles('pkg_a'));
    const project = makeProject(r, 'packages:\n  - local: ../pkg_a\n', { 'package-lock.yml': 'packages:\n  - package: acme/utils\nsha1_hash: abc\n' });
    expectOneLineError(await deps(project), 'BMP_DEPS_LOCK_INVALID', /^Config Error \(package-lock\.yml:2:5\): entry 1 \(acme\/utils\) has no version \(fix it, or run bmp deps --upgrade/);
    expect(existsSync(join(project, 'dbt_packages'))).toBe(false);
    const fixed = await deps(project, ['--upgrade']);
    expect(fixed.code).toBe(0);
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toMatch(/^packages:\n {2}- local: \.\.\/pkg_a\n/);
  });

  it('says so when there are no packages', async () => {
    const project = makeProject(root(), undefined);
    const out = await deps(project);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/No packages found in packages\.yml/);
    expect(readdirSync(project)).toEqual(['project.yml']);
  });
});

describe('bmp deps: git packages', () => {
  it('clones at the revision, pins the commit in the lock, installs from the lock, and --upgrade moves on', async () => {
    const r = root();
    const repo = gitRepo(r, 'utils');
    const v1 = repo.commit({ ...packageFiles('git_utils', { version: '1.0.0' }), 'README.md': 'v1' });
    repo.tag('v1.0.0');
    const project = makeProject(r, `packages:\n  - git: ${repo.url}\n    revision: v1.0.0\n`);
    const out = await deps(project);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(readFileSync(join(project, 'dbt_packages/git_utils/macros/git_utils.sql'), 'utf8')).toContain("'1.0.0'");
    expect(existsSync(join(project, 'dbt_packages/git_utils/.git'))).toBe(false);
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toMatch(new RegExp(`^packages:\\n  - git: ${repo.url.replace(/[/.]/g, '\\$&')}\\n    name: git_utils\\n    revision: ${v1}\\nsha1_hash: [0-9a-f]{40}\\n$`));

    // the lock pins the commit: a moved tag and a new HEAD do not change what a fresh install gets
    const v2 = repo.commit(packageFiles('git_utils', { version: '2.0.0' }));
    rmSync(join(project, 'dbt_packages'), { recursive: true });
    expect((await deps(project)).code).toBe(0);
    expect(readFileSync(join(project, 'dbt_packages/git_utils/macros/git_utils.sql'), 'utf8')).toContain("'1.0.0'");

    // an unpinned package follows HEAD when resolving again, with dbt's warning
    writeFileSync(join(project, 'packages.yml'), `packages:\n  - git: ${repo.url}\n`);
    const unpinned = await deps(project);
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toMatch(/\[WARNING\] packages\.yml:2: The git package ".*utils" is not pinned, using HEAD/);
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toContain(`revision: ${v2}`);
    expect(readFileSync(join(project, 'dbt_packages/git_utils/macros/git_utils.sql'), 'utf8')).toContain("'2.0.0'");
    const v3 = repo.commit(packageFiles('git_utils', { version: '3.0.0' }));
    expect((await deps(project)).stdout).toMatch(/up to date/);
    const upgraded = await deps(project, ['--upgrade']);
    expect(upgraded.code).toBe(0);
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toContain(`revision: ${v3}`);
    expect(readFileSync(join(project, 'dbt_packages/git_utils/macros/git_utils.sql'), 'utf8')).toContain("'3.0.0'");
  });

  it('installs a subdirectory of a repository, and its own packages (a hub package)', async () => {
    const hub = await startFakeHub();
    try {
      hub.packages['acme/helpers'] = { '0.3.0': { files: packageFiles('helpers', { version: '0.3.0' }) } };
      const r = root();
      const repo = gitRepo(r, 'mono');
      const inner = packageFiles('inner', { packages: 'packages:\n  - package: acme/helpers\n    version: [">=0.3.0", "<0.4.0"]\n' });
      const sha = repo.commit({ ...Object.fromEntries(Object.entries(inner).map(([k, v]) => [`pkgs/inner/${k}`, v])), 'README.md': 'root' });
      const project = makeProject(r, `packages:\n  - git: ${repo.url}\n    revision: ${sha}\n    subdirectory: pkgs/inner\n`);
      const out = await deps(project, [], { DBT_PACKAGE_HUB_URL: hub.url });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(readdirSync(join(project, 'dbt_packages')).sort()).toEqual(['.bmp-installed.json', 'helpers', 'inner']);
      expect(existsSync(join(project, 'dbt_packages/inner/README.md'))).toBe(false);
      expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toContain(`    subdirectory: pkgs/inner\n`);
    } finally {
      await hub.close();
    }
  });

  it('a missing revision or repository is one line naming the package, exit 2', async () => {
    const r = root();
    const repo = gitRepo(r, 'x');
    repo.commit(packageFiles('x'));
    const project = makeProject(r, `packages:\n  - git: ${repo.url}\n    revision: no-such-tag\n`);
    expectOneLineError(await deps(project), 'BMP_DEPS_GIT', new RegExp(`^Dependency Error \\(packages\\.yml:2:5\\): package ${repo.url.replace(/[/.]/g, '\\$&')}: no revision 'no-such-tag'`));
    writeFileSync(join(project, 'packages.yml'), `packages:\n  - git: file://${r}/nowhere.git\n`);
    expectOneLineError(await deps(project), 'BMP_DEPS_GIT', /git clone failed/);
    expect(readdirSync(project).sort()).toEqual(['packages.yml', 'project.yml']);
  });
});

describe('bmp deps: the package hub and tarballs', () => {
  let hub: FakeHub;
  beforeAll(async () => {
    hub = await startFakeHub();
  });
  afterAll(async () => {
    await hub.close();
  });
  afterEach(() => {
    hub.requests.length = 0;
    for (const k of Object.keys(hub.packages)) delete hub.packages[k];
    for (const k of Object.keys(hub.files)) delete hub.files[k];
    hub.hang.clear();
  });
  const hubEnv = () => ({ DBT_PACKAGE_HUB_URL: hub.url });

  it('resolves ranges across packages, installs the tarballs, and an offline re-run fetches nothing', async () => {
    hub.packages['acme/utils'] = Object.fromEntries(['0.9.0', '1.0.0', '1.2.0', '1.3.0', '2.0.0'].map((v) => [v, { files: packageFiles('utils', { version: v }) }]));
    hub.packages['acme/dates'] = { '0.5.0': { files: packageFiles('dates', { version: '0.5.0' }), packages: [{ package: 'acme/utils', version: ['>=1.0.0', '<1.3.0'] }] } };
    const r = root();
    const project = makeProject(r, 'packages:\n  - package: acme/utils\n    version: [">=1.0.0", "<2.0.0"]\n  - package: acme/dates\n    version: 0.5.0\n');
    const out = await deps(project, [], hubEnv());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(readFileSync(join(project, 'dbt_packages/utils/macros/utils.sql'), 'utf8')).toContain("'1.2.0'");
    expect(readFileSync(join(project, 'dbt_packages/dates/dbt_project.yml'), 'utf8')).toContain("name: 'dates'");
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toMatch(/^packages:\n {2}- name: utils\n {4}package: acme\/utils\n {4}version: 1\.2\.0\n {2}- name: dates\n {4}package: acme\/dates\n {4}version: 0\.5\.0\nsha1_hash: [0-9a-f]{40}\n$/);
    expect(hub.requests).toContain('/api/v1/index.json');
    expect(hub.requests.filter((p) => p.startsWith('/tarballs/'))).toEqual(expect.arrayContaining(['/tarballs/acme/utils/1.2.0.tar.gz', '/tarballs/acme/dates/0.5.0.tar.gz']));

    // offline: the hub is unreachable, everything is installed at the locked versions
    hub.requests.length = 0;
    const before = snapshot(project);
    const offline = await deps(project, [], { DBT_PACKAGE_HUB_URL: deadHub });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/2 packages: 0 installed, 2 up to date/);
    expect(snapshot(project)).toEqual(before);
    expect(hub.requests).toEqual([]);

    // --upgrade resolves again; arriving at the same versions, it downloads and rewrites nothing
    const upgrade = await deps(project, ['--upgrade'], hubEnv());
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toMatch(/Resolving packages \(--upgrade\)/);
    expect(upgrade.stdout).not.toMatch(/package-lock\.yml$/m);
    expect(hub.requests).toContain('/api/v1/acme/utils.json');
    expect(hub.requests.filter((p) => p.startsWith('/tarballs/'))).toEqual([]);
    expect(snapshot(project)).toEqual(before);
  });

  it('a hub that cannot be reached is one line naming the package and the URL, exit 2, nothing written', async () => {
    const project = makeProject(root(), 'packages:\n  - package: acme/utils\n    version: 1.0.0\n');
    const out = await deps(project, [], { DBT_PACKAGE_HUB_URL: deadHub });
    expectOneLineError(out, 'BMP_DEPS_NETWORK', new RegExp(`^Dependency Error \\(packages\\.yml:2:5\\): package acme/utils: could not fetch ${deadHub.replace(/[.]/g, '\\.')}api/v1/index\\.json \\(the hub's index of packages\\): connection refused \\[`));
    expect(readdirSync(project).sort()).toEqual(['packages.yml', 'project.yml']);
  });

  it('a failed download leaves dbt_packages/ and the lock exactly as they were', async () => {
    hub.packages['acme/utils'] = { '1.0.0': { files: packageFiles('utils', { version: '1.0.0' }) }, '1.1.0': { files: packageFiles('utils', { version: '1.1.0' }) } };
    hub.packages['acme/broken'] = { '1.0.0': { files: packageFiles('broken'), tarballStatus: 404 } };
    const r = root();
    writeFiles(join(r, 'pkg_local'), packageFiles('pkg_local'));
    const project = makeProject(r, 'packages:\n  - package: acme/utils\n    version: 1.0.0\n  - local: ../pkg_local\n');
    expect((await deps(project, [], hubEnv())).code).toBe(0);
    const before = snapshot(project);
    // upgrade one package, drop another, add one whose download fails: all of it or none of it
    writeFileSync(join(project, 'packages.yml'), 'packages:\n  - package: acme/utils\n    version: 1.1.0\n  - package: acme/broken\n    version: 1.0.0\n');
    const after = snapshot(project);
    const out = await deps(project, [], hubEnv());
    expectOneLineError(out, 'BMP_DEPS_NETWORK', /package acme\/broken@1\.0\.0: could not fetch http:\/\/127\.0\.0\.1:\d+\/tarballs\/acme\/broken\/1\.0\.0\.tar\.gz \(its tarball\): HTTP 404/);
    expect(snapshot(project)).toEqual(after);
    expect(after['dbt_packages/utils/macros/utils.sql']).toBe(before['dbt_packages/utils/macros/utils.sql']);
    expect(readdirSync(project).filter((n) => n.startsWith('.bmp-deps-'))).toEqual([]);
  });

  it('a version conflict between packages names both requirers, at the root entry', async () => {
    hub.packages['acme/utils'] = { '0.9.0': { files: packageFiles('utils') }, '1.0.0': { files: packageFiles('utils') } };
    hub.packages['acme/dates'] = { '0.5.0': { files: packageFiles('dates'), packages: [{ package: 'acme/utils', version: '<1.0.0' }] } };
    const project = makeProject(root(), 'packages:\n  - package: acme/dates\n    version: 0.5.0\n  - package: acme/utils\n    version: ">=1.0.0"\n');
    expectOneLineError(await deps(project, [], hubEnv()), 'BMP_DEPS_VERSION_CONFLICT', /^Config Error \(packages\.yml:4:5\): version conflict for acme\/utils: '>=1\.0\.0' \(required by packages\.yml\) and '<1\.0\.0' \(required by acme\/dates@0\.5\.0\) cannot both hold/);
  });

  it('a package not on the hub is a located error with a suggestion', async () => {
    hub.packages['acme/utils'] = { '1.0.0': { files: packageFiles('utils') } };
    const project = makeProject(root(), 'packages:\n  - package: acme/utlis\n    version: 1.0.0\n');
    expectOneLineError(await deps(project, [], hubEnv()), 'BMP_DEPS_NOT_FOUND', /packages\.yml:2:5.*acme\/utlis was not found in the package hub's index.*did you mean 'acme\/utils'/);
  });

  it('installs a tarball URL under its entry name', async () => {
    hub.files['/downloads/thing.tar.gz'] = tarGz('thing-main', packageFiles('thing_pkg'));
    const project = makeProject(root(), `packages:\n  - tarball: ${hub.url}downloads/thing.tar.gz\n    name: thing\n`);
    const out = await deps(project, [], hubEnv());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(readFileSync(join(project, 'dbt_packages/thing/dbt_project.yml'), 'utf8')).toContain('thing_pkg');
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toContain(`  - name: thing\n    tarball: ${hub.url}downloads/thing.tar.gz\n`);
    hub.files['/downloads/bad.tar.gz'] = Buffer.from('<html>not a tarball</html>');
    writeFileSync(join(project, 'packages.yml'), `packages:\n  - tarball: ${hub.url}downloads/bad.tar.gz\n    name: bad\n`);
    expectOneLineError(await deps(project, [], hubEnv()), 'BMP_DEPS_ARCHIVE', /not a tar archive/);
    expect(existsSync(join(project, 'dbt_packages/thing'))).toBe(true);
  });

  it('--add-package adds the entry (keeping comments), --dry-run and --lock change only what they say', async () => {
    hub.packages['acme/utils'] = { '1.0.0': { files: packageFiles('utils', { version: '1.0.0' }) }, '1.4.0': { files: packageFiles('utils', { version: '1.4.0' }) } };
    const r = root();
    writeFiles(join(r, 'pkg_local'), packageFiles('pkg_local'));
    const project = makeProject(r, '# keep me\npackages:\n  - local: ../pkg_local # mine\n');
    const before = snapshot(project);
    const dry = await deps(project, ['--add-package', 'acme/utils@>=1.0.0,<2.0.0', '--dry-run'], hubEnv());
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would add \{"package":"acme\/utils","version":\[">=1\.0\.0","<2\.0\.0"\]\} to packages\.yml/);
    expect(dry.stdout).toMatch(/Would install acme\/utils@1\.4\.0 as dbt_packages\/utils/);
    expect(snapshot(project)).toEqual(before);

    const locked = await deps(project, ['--add-package', 'acme/utils@1.0.0', '--lock'], hubEnv());
    expect(locked.code).toBe(0);
    expect(readFileSync(join(project, 'packages.yml'), 'utf8')).toBe('# keep me\npackages:\n  - local: ../pkg_local # mine\n  - package: acme/utils\n    version: 1.0.0\n');
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toContain('version: 1.0.0');
    expect(existsSync(join(project, 'dbt_packages'))).toBe(false);

    const added = await deps(project, ['--add-package', 'acme/utils@1.4.0'], hubEnv());
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Replacing \{"package":"acme\/utils","version":"1\.0\.0"\}/);
    expect(readFileSync(join(project, 'packages.yml'), 'utf8')).toBe('# keep me\npackages:\n  - local: ../pkg_local # mine\n  - package: acme/utils\n    version: 1.4.0\n');
    expect(readFileSync(join(project, 'dbt_packages/utils/macros/utils.sql'), 'utf8')).toContain("'1.4.0'");
  });

  it('Ctrl-C during a download installs and writes nothing (exit 130); a killed run leaves its staging folder to the next run', async () => {
    hub.packages['acme/utils'] = { '1.0.0': { files: packageFiles('utils', { version: '1.0.0' }) }, '1.1.0': { files: packageFiles('utils', { version: '1.1.0' }) } };
    const project = makeProject(root(), 'packages:\n  - package: acme/utils\n    version: 1.0.0\n');
    expect((await deps(project, [], hubEnv())).code).toBe(0);
    writeFileSync(join(project, 'packages.yml'), 'packages:\n  - package: acme/utils\n    version: 1.1.0\n');
    const before = snapshot(project);
    hub.hang.add('/tarballs/acme/utils/1.1.0.tar.gz');
    const waitForDownload = async () => {
      for (let i = 0; i < 200 && !hub.requests.includes('/tarballs/acme/utils/1.1.0.tar.gz'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(hub.requests).toContain('/tarballs/acme/utils/1.1.0.tar.gz');
    };

    const interrupted = bmpAsync(['deps'], { cwd: project, env: hubEnv() });
    await waitForDownload();
    interrupted.child.kill('SIGTERM');
    const r = await interrupted.done;
    expect(r.code).toBe(130);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/interrupted: nothing was installed or written \[BMP_INTERRUPTED\]/)]);
    expect(snapshot(project)).toEqual(before);

    hub.requests.length = 0;
    const installedBefore = snapshot(join(project, 'dbt_packages'));
    const killed = bmpAsync(['deps'], { cwd: project, env: hubEnv() });
    await waitForDownload();
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(readdirSync(project).filter((n) => n.startsWith('.bmp-deps-'))).toHaveLength(1);
    expect(snapshot(join(project, 'dbt_packages'))).toEqual(installedBefore);
    expect(readFileSync(join(project, 'package-lock.yml'), 'utf8')).toBe(before['package-lock.yml']);
    expect(readFileSync(join(project, 'dbt_packages/utils/macros/utils.sql'), 'utf8')).toContain("'1.0.0'");

    hub.hang.clear();
    const next = await deps(project, [], hubEnv());
    expect(next.code).toBe(0);
    expect(readFileSync(join(project, 'dbt_packages/utils/macros/utils.sql'), 'utf8')).toContain("'1.1.0'");
    expect(readdirSync(project).filter((n) => n.startsWith('.bmp-deps-'))).toEqual([]);
  });
});
