/**
 * deps: dbt packages declared in packages.yml / dependencies.yml, resolved to package-lock.yml and
 * installed into the packages path (dbt_packages/). The command is {@link deps}; the pure parts
 * (spec parsing, version ranges, resolution, the lock file) are exported for tests and tools.
 */
export { deps, LOCK_FILE, type DepsOptions, type DepsOutcome } from './deps-task.js';
export { PACKAGE_SOURCES, packageEntry, addPackageEntry, samePackage, type PackageSource } from './add-package.js';
export { parsePackagesFile, ENTRY_KEYS, type PackageSpec, type LocalSpec, type GitSpec, type HubSpec, type TarballSpec } from './spec.js';
export { parseConstraint, parseVersion, compareVersions, satisfies, compatible, pickVersion, conflictingPair, type Version, type Constraint } from './semver.js';
export { sha1OfSpecs, parseLockFile, formatLockFile, lockKey, type LockEntry, type LockFile } from './lock-file.js';
export { resolvePackages, packageKey, type ResolveSources, type PackageMeta, type HubVersion } from './resolve.js';
export { readYamlData, type YamlData } from './yaml-data.js';
export { pyJsonDumps, PyFloat } from './py-json.js';
export { DEFAULT_HUB_URL } from './hub.js';
export { INSTALLED_RECORD } from './install.js';
export { DependencyError } from './errors.js';
