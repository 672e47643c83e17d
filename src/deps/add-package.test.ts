import { describe, expect, it } from 'vitest';
import { addPackageEntry, packageEntry, samePackage } from './add-package.js';

describe('--add-package NAME@VERSION', () => {
  it('makes the entry for each source', () => {
    expect(packageEntry('dbt-labs/dbt_utils@1.3.3', 'hub')).toEqual({ package: 'dbt-labs/dbt_utils', version: '1.3.3' });
    expect(packageEntry('dbt-labs/dbt_utils@>=1.0.0,<2.0.0', 'hub')).toEqual({ package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'] });
    expect(packageEntry('https://github.com/org/repo.git@v1.2.0', 'git')).toEqual({ git: 'https://github.com/org/repo.git', revision: 'v1.2.0' });
    expect(packageEntry('git@github.com:org/repo.git', 'git')).toEqual({ git: 'git@github.com:org/repo.git' });
    expect(packageEntry('git@github.com:org/repo.git@main', 'git')).toEqual({ git: 'git@github.com:org/repo.git', revision: 'main' });
    expect(packageEntry('../my_pkg', 'local')).toEqual({ local: '../my_pkg' });
    expect(packageEntry('https://host/p.tar.gz@my_pkg', 'tarball')).toEqual({ tarball: 'https://host/p.tar.gz', name: 'my_pkg' });
  });

  it('refuses what cannot be an entry', () => {
    expect(() => packageEntry('dbt_utils@1.0.0', 'hub')).toThrow(/namespace\/name/);
    expect(() => packageEntry('dbt-labs/dbt_utils', 'hub')).toThrow(/needs a version/);
    expect(() => packageEntry('https://host/p.tar.gz', 'tarball')).toThrow(/needs the name/);
    expect(() => packageEntry(' ', 'hub')).toThrow(/needs a package/);
  });
});

describe('replacing entries for the same package', () => {
  it("matches across sources and spellings, as dbt's duplicate check does", () => {
    expect(samePackage('https://github.com/dbt-labs/dbt-utils.git', 'dbt-labs/dbt_utils')).toBe(true);
    expect(samePackage('dbt-labs/dbt_utils', 'dbt-labs/dbt_utils')).toBe(true);
    expect(samePackage('dbt-labs/dbt_utils_extra', 'dbt-labs/dbt_utils')).toBe(false);
    expect(samePackage('https://github.com/org/dbt-core-utils.git', 'org/dbt-core')).toBe(false);
    expect(samePackage('../packages/my_pkg', '../packages/my_pkg')).toBe(true);
  });

  it('appends to the list, keeps comments and other entries, and drops the replaced one', () => {
    const before = '# top\npackages:\n  - local: ../a # why\n  - package: dbt-labs/dbt_utils\n    version: 1.0.0\n';
    const { text, removed } = addPackageEntry(before, { package: 'dbt-labs/dbt_utils', version: ['>=1.1.0', '<2.0.0'] });
    expect(removed).toEqual([{ package: 'dbt-labs/dbt_utils', version: '1.0.0' }]);
    expect(text).toBe('# top\npackages:\n  - local: ../a # why\n  - package: dbt-labs/dbt_utils\n    version: [ ">=1.1.0", "<2.0.0" ]\n');
  });

  it('creates the list in an empty or missing file', () => {
    expect(addPackageEntry('', { local: '../a' }).text).toBe('packages:\n  - local: ../a\n');
    expect(addPackageEntry('packages:\n', { local: '../a' }).text).toBe('packages:\n  - local: ../a\n');
  });
});
