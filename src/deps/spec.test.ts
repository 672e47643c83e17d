import { afterEach, describe, expect, it } from 'vitest';
import { BmpError } from '../errors.js';
import { parsePackagesFile, type ParseOptions } from './spec.js';
import { readYamlData } from './yaml-data.js';
import { parseLockFile } from './lock-file.js';

const parse = (text: string, opts: Partial<ParseOptions> = {}) => parsePackagesFile(readYamlData(text, opts.fileKind ?? 'packages.yml'), { fileKind: 'packages.yml', ...opts });
const error = (text: string, opts: Partial<ParseOptions> = {}): BmpError => {
  try {
    parse(text, opts);
  } catch (e) {
    if (e instanceof BmpError) return e;
    throw e;
  }
  throw new Error('no error');
};

afterEach(() => {
  delete process.env['BMP_TEST_DEPS_REV'];
});

describe('package entries', () => {
  it('reads local, git, hub and tarball entries', () => {
    const { specs } = parse(`packages:
  - local: ../pkg
  - git: https://example.com/org/repo.git
    revision: v1.2.0
    subdirectory: sub/dir/
    warn-unpinned: false
  - package: dbt-labs/dbt_utils
    version: [">=1.0.0", "<2.0.0"]
    install-prerelease: true
  - tarball: https://example.com/pkg.tar.gz
    name: my_pkg
`);
    expect(specs.map((s) => s.kind)).toEqual(['local', 'git', 'hub', 'tarball']);
    expect(specs[0]).toMatchObject({ local: '../pkg', where: { file: 'packages.yml', line: 2 } });
    expect(specs[1]).toMatchObject({ git: 'https://example.com/org/repo.git', revision: 'v1.2.0', subdirectory: 'sub/dir', warnUnpinned: false });
    expect(specs[2]).toMatchObject({ package: 'dbt-labs/dbt_utils', installPrerelease: true });
    expect(specs[2]!.kind === 'hub' && specs[2]!.constraints.map((c) => c.text)).toEqual(['>=1.0.0', '<2.0.0']);
    expect(specs[3]).toMatchObject({ tarball: 'https://example.com/pkg.tar.gz', name: 'my_pkg' });
  });

  it('takes a single version, a comma-separated range, and a git revision written as a number', () => {
    const { specs } = parse(`packages:
  - package: a/b
    version: 1.3.3
  - package: c/d
    version: ">=0.9.0, <1.0.0"
  - git: https://example.com/x.git
    revision: 1.0
`);
    expect(specs[0]!.kind === 'hub' && specs[0]!.constraints.map((c) => c.text)).toEqual(['1.3.3']);
    expect(specs[1]!.kind === 'hub' && specs[1]!.constraints.map((c) => c.text)).toEqual(['>=0.9.0', '<1.0.0']);
    expect(specs[2]).toMatchObject({ revision: '1.0' });
  });

  it("renders env_var and var in packages.yml, as dbt's package renderer does", () => {
    process.env['BMP_TEST_DEPS_REV'] = 'v9.9.9';
    const { specs } = parse(`packages:
  - git: "https://example.com/{{ var('org') }}/repo.git"
    revision: "{{ env_var('BMP_TEST_DEPS_REV') }}"
`, { vars: { org: 'acme' } });
    expect(specs[0]).toMatchObject({ git: 'https://example.com/acme/repo.git', revision: 'v9.9.9' });
    expect(specs[0]!.raw).toEqual({ git: "https://example.com/{{ var('org') }}/repo.git", revision: "{{ env_var('BMP_TEST_DEPS_REV') }}" });
  });

  it("renders with Jinja2's semantics and dbt's native values, as every other project file", () => {
    const { specs } = parse(`packages:
  - git: "{{ 'https://%s/%s.git' % ('example.com', var('repo')) }}"
    revision: "{{ ['v1', 'v2'][-1] }}"
    warn-unpinned: "{{ var('warn', False) }}"
  - package: dbt-labs/dbt_utils
    version: "{{ '>=' ~ var('major', 1) ~ '.0.0' }}"
    install-prerelease: "{{ var('pre', True) }}"
`, { vars: { repo: 'pkg' } });
    expect(specs[0]).toMatchObject({ git: 'https://example.com/pkg.git', revision: 'v2', warnUnpinned: false });
    expect(specs[1]).toMatchObject({ package: 'dbt-labs/dbt_utils', installPrerelease: true });
    // an expression of literals folds to text, as in dbt_project.yml (docs/COMPATIBILITY.md)
    expect(error(`packages:\n  - package: a/b\n    version: "1.0.0"\n    install-prerelease: "{{ 1 == 1 }}"\n`).format()).toMatch(/must be true or false, got string "True"/);
  });

  it('a var that is neither given by --vars nor defaulted is a located error naming it', () => {
    const e = error(`packages:\n  - local: "{{ var('pkg_dir') }}"\n`);
    expect(e.format()).toMatch(/required var 'pkg_dir' not found: in packages.yml only --vars are visible/);
    expect(e.where).toMatchObject({ file: 'packages.yml', line: 2 });
  });

  it('an empty file, or packages: with nothing, is no packages', () => {
    expect(parse('').specs).toEqual([]);
    expect(parse('packages:\n').specs).toEqual([]);
    expect(parse('packages: []\n').specs).toEqual([]);
  });
});

describe("packages.yml and package-lock.yml values read as PyYAML (YAML 1.1) reads them", () => {
  it('y and n are strings, on/off/yes/no booleans, 0.10 the float 0.1, 1.0 a float', () => {
    const data = readYamlData('a: y\nb: n\nc: on\nd: off\ne: yes\nf: No\ng: 0.10\nh: 1.0\ni: 017\nj: 1e3\n', 'packages.yml').data as Record<string, unknown>;
    expect([data['a'], data['b'], data['c'], data['d'], data['e'], data['f']]).toEqual(['y', 'n', true, false, true, false]);
    expect(String(data['g'])).toBe('0.1');
    expect(String(data['h'])).toBe('1.0');
    expect(data['i']).toBe(15);
    expect(data['j']).toBe('1e3');
  });

  it('in entries: a git revision `n` and a subdirectory `y` stay names; warn-unpinned: off is false', () => {
    const { specs } = parse('packages:\n  - git: https://example.com/r.git\n    revision: n\n    subdirectory: y\n    warn-unpinned: off\n');
    expect(specs[0]).toMatchObject({ revision: 'n', subdirectory: 'y', warnUnpinned: false });
  });

  it('an unquoted version 0.10 is the float 0.1, as under dbt: not a version', () => {
    expect(error('packages:\n  - package: a/b\n    version: 0.10\n')).toMatchObject({ code: 'BMP_DEPS_VERSION_INVALID', message: expect.stringContaining("'0.1' is not a version") as unknown, where: { line: 3 } });
  });

  it('a lock file with `revision: y` reads back the name y', () => {
    const back = parseLockFile(readYamlData('packages:\n  - git: https://example.com/r.git\n    name: r\n    revision: y\nsha1_hash: x\n', 'package-lock.yml'));
    expect(back.packages[0]).toMatchObject({ kind: 'git', revision: 'y' });
  });
});

describe('bad packages files: one located error each', () => {
  it.each([
    ['packages:\n  - locl: ../x\n', 'BMP_DEPS_UNKNOWN_KEY', 2, /has none of 'local', 'git', 'package' or 'tarball'.*did you mean 'local'/],
    ['packages:\n  - package: dbt-labs/dbt_utils\n    versoin: 1.0.0\n', 'BMP_DEPS_UNKNOWN_KEY', 3, /unknown key 'versoin'.*did you mean 'version'/],
    ['packages:\n  - git: https://x/y.git\n    version: 1.0.0\n', 'BMP_DEPS_UNKNOWN_KEY', 3, /unknown key 'version' in a git entry.*'version' belongs to hub entries/],
    ['pakages:\n  - local: ../x\n', 'BMP_DEPS_UNKNOWN_KEY', 1, /unknown key 'pakages'.*did you mean 'packages'/],
    ['packages:\n  - package: dbt_utils\n    version: 1.0.0\n', 'BMP_DEPS_INVALID', 2, /no namespace.*dbt-labs\/dbt_utils/],
    ['packages:\n  - package: dbt-labs/dbt_utils\n', 'BMP_DEPS_INVALID', 2, /missing the version/],
    ['packages:\n  - package: dbt-labs/dbt_utils\n    version: ">=1.0"\n', 'BMP_DEPS_VERSION_INVALID', 3, /'>=1\.0' is not a version/],
    ['packages:\n  - tarball: https://x/y.tgz\n', 'BMP_DEPS_INVALID', 2, /'name' is required/],
    ['packages:\n  - local: ../a\n    git: https://x\n', 'BMP_DEPS_INVALID', 3, /both 'local' and 'git'/],
    ['packages:\n  - private: org/repo\n', 'BMP_DEPS_UNSUPPORTED', 2, /private/],
    ['packages:\n  - git: https://x/y.git\n    subdirectory: ../../etc\n', 'BMP_DEPS_INVALID', 3, /inside the repository/],
    ['packages:\n  - git: https://x/y.git\n    warn-unpinned: maybe\n', 'BMP_DEPS_INVALID', 3, /true or false/],
    ['packages: ../x\n', 'BMP_DEPS_INVALID', 1, /must be a list/],
    ['packages:\n  - ../x\n', 'BMP_DEPS_INVALID', 2, /must be a mapping/],
    ['projects:\n  - name: x\n', 'BMP_DEPS_INVALID', 1, /'projects' cannot be in packages.yml/],
    ['packages:\n  - local: [unclosed\n', 'BMP_YAML_SYNTAX', 2, /invalid YAML/],
  ])('%j', (text, code, line, message) => {
    const e = error(text);
    expect(e.code).toBe(code);
    expect(e.where.file).toBe('packages.yml');
    expect(e.where.line).toBe(line);
    expect(e.format()).toMatch(message);
    expect(e.format()).not.toMatch(/\n/);
  });

  it('dependencies.yml takes projects: (not acted on) and no templates', () => {
    expect(parse('projects:\n  - name: other\npackages:\n  - local: ../x\n', { fileKind: 'dependencies.yml' }).projects).toEqual([{ name: 'other' }]);
    const e = error(`packages:\n  - git: "{{ env_var('X') }}"\n`, { fileKind: 'dependencies.yml' });
    expect(e.code).toBe('BMP_DEPS_INVALID');
    expect(e.where).toMatchObject({ file: 'dependencies.yml', line: 2 });
    expect(e.format()).toMatch(/does not render templates.*packages\.yml/);
  });

  it('an env var that is not set is a located error', () => {
    const e = error(`packages:\n  - git: "{{ env_var('BMP_TEST_DEPS_UNSET_VAR') }}"\n`);
    expect(e.format()).toMatch(/env var required but not provided: 'BMP_TEST_DEPS_UNSET_VAR'/);
    expect(e.where).toMatchObject({ file: 'packages.yml', line: 2 });
  });
});
