/**
 * `bmp deps` end to end: the real CLI against fixture packages written here (local folders, file://
 * git repositories made with the system git, a loopback hub serving index JSON and tarballs, tarball
 * URLs). Never the internet.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitRepo, makeProject, packageFiles, startFakeHub, tarGz, tempRoot, writeFiles, type FakeHub } from '../helpers/deps-fixtures.js';
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

const deps = (cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> => bmpAsync(['deps', ...args], { cwd, env: { DBT_PACKAGE_HUB_URL: 'http://127.0.0.1:9/', ...env } }).done;

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

  it('says so when there are no packages', async () => {
    const project = makeProject(root(), undefined);
    const out = await deps(project);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/No packages found in packages\.yml/);
    expect(readdirSync(project)).toEqual(['project.yml']);
  });
});
