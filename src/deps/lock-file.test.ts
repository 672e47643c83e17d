import { describe, expect, it } from 'vitest';
import { formatLockFile, parseLockFile, sha1OfSpecs, yamlScalar, type LockFile } from './lock-file.js';
import { PyFloat, pyJsonDumps } from './py-json.js';
import { parsePackagesFile } from './spec.js';
import { readYamlData } from './yaml-data.js';

const specsOf = (text: string, fileKind: 'packages.yml' | 'dependencies.yml' = 'packages.yml') => parsePackagesFile(readYamlData(text, fileKind), { fileKind }).specs;

describe("sha1_hash as dbt computes it", () => {
  // Hashes dbt-core wrote into package-lock.yml files next to these packages files.
  it('matches dbt for a local entry (dbt_utils 1.3.3 integration_tests)', () => {
    expect(sha1OfSpecs(specsOf('packages:\n    - local: ../\n'))).toBe('de2deba3d66ce03d8c02949013650cc9b94f6030');
  });

  it('matches dbt for hub entries with version ranges (a dependencies.yml)', () => {
    const text = 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.3.0", "<2.0.0"]\n  - package: metaplane/dbt_expectations\n    version: ["0.10.9", "<0.11.0"]\n';
    expect(sha1OfSpecs(specsOf(text, 'dependencies.yml'))).toBe('99b5dbc472f0e7c9354857bc8019f84738f6faab');
  });

  it('does not depend on entry order or layout, and does on values', () => {
    const a = sha1OfSpecs(specsOf('packages:\n  - local: ../a\n  - package: x/y\n    version: 1.0.0\n'));
    expect(sha1OfSpecs(specsOf('packages: [{package: x/y, version: 1.0.0}, {local: ../a}]\n'))).toBe(a);
    expect(sha1OfSpecs(specsOf('packages:\n  - local: ../a\n  - package: x/y\n    version: 1.0.1\n'))).not.toBe(a);
  });

  it("serializes entries as dbt's contracts do (defaults included, unrendered entry kept)", () => {
    const [git, hub] = specsOf('packages:\n  - git: https://x/y.git\n  - package: a/b\n    version: 1.0.0\n');
    expect(pyJsonDumps(git!.hashDict)).toBe('{"git": "https://x/y.git", "revision": null, "subdirectory": null, "unrendered": {"git": "https://x/y.git"}, "warn-unpinned": null}');
    expect(pyJsonDumps(hub!.hashDict)).toBe('{"install_prerelease": false, "package": "a/b", "unrendered": {"package": "a/b", "version": "1.0.0"}, "version": "1.0.0"}');
  });
});

describe("Python's json.dumps", () => {
  it('writes floats, non-ASCII text and nesting as Python does', () => {
    expect(pyJsonDumps({ b: [1, new PyFloat(1), 2.5, true, null], a: 'é☃😀\n"' })).toBe('{"a": "\\u00e9\\u2603\\ud83d\\ude00\\n\\"", "b": [1, 1.0, 2.5, true, null]}');
    expect(pyJsonDumps(new PyFloat(1e-7))).toBe('1e-07');
  });
});

describe('package-lock.yml', () => {
  const lock: LockFile = {
    packages: [
      { kind: 'hub', package: 'dbt-labs/dbt_utils', version: '1.3.3', name: 'dbt_utils' },
      { kind: 'git', git: "https://{{ env_var('TOKEN') }}@example.com/r.git", revision: '0123456789abcdef0123456789abcdef01234567', subdirectory: 'pkg', name: 'r' },
      { kind: 'local', local: '../', name: 'me' },
      { kind: 'tarball', tarball: 'https://example.com/p.tgz', name: 'p' },
      { kind: 'hub', package: 'a/b', version: '1.0', name: 'b' },
    ],
    sha1Hash: 'de2deba3d66ce03d8c02949013650cc9b94f6030',
  };

  it("is written in dbt's layout (sorted keys, indented items) and reads back", () => {
    const text = formatLockFile(lock);
    expect(text).toBe(`packages:
  - name: dbt_utils
    package: dbt-labs/dbt_utils
    version: 1.3.3
  - git: 'https://{{ env_var(''TOKEN'') }}@example.com/r.git'
    name: r
    revision: 0123456789abcdef0123456789abcdef01234567
    subdirectory: pkg
  - local: ../
    name: me
  - name: p
    tarball: https://example.com/p.tgz
  - name: b
    package: a/b
    version: '1.0'
sha1_hash: de2deba3d66ce03d8c02949013650cc9b94f6030
`);
    const back = parseLockFile(readYamlData(text, 'package-lock.yml'));
    expect(back.sha1Hash).toBe(lock.sha1Hash);
    expect(back.packages.map(({ where: _w, ...e }) => e)).toEqual(lock.packages);
  });

  it('reads lock files older dbt wrote (no names, items not indented)', () => {
    const back = parseLockFile(readYamlData('packages:\n- local: ../\nsha1_hash: de2deba3d66ce03d8c02949013650cc9b94f6030\n', 'package-lock.yml'));
    expect(back.packages).toMatchObject([{ kind: 'local', local: '../' }]);
    expect(back.packages[0]!.name).toBeUndefined();
  });

  it('reports a broken entry with its line', () => {
    expect(() => parseLockFile(readYamlData('packages:\n  - package: a/b\n', 'package-lock.yml'))).toThrow(/entry 1 \(a\/b\) has no version/);
  });

  it('quotes only what YAML would read as something else', () => {
    for (const s of ['1.3.3', '../', 'https://x/y.git', 'dbt-labs/dbt_utils', 'abc123']) expect(yamlScalar(s)).toBe(s);
    for (const s of ['1.0', '1', 'yes', 'no', 'null', '', '- x', 'a: b', '#x', '0123', '1e5', "it's"]) {
      expect(yamlScalar(s)).toMatch(/^'/);
      expect(readYamlData(`v: ${yamlScalar(s)}\n`, 'x.yml').data).toEqual({ v: s });
    }
  });
});
