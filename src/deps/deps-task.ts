/**
 * `bmp deps`: read packages.yml / dependencies.yml, resolve (or take package-lock.yml when it was made
 * from the same specs), install into the packages path, write the lock. Nothing is written when
 * something fails: files are fetched into a staging folder and put in place together at the end.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadProjectFile, parseCliVars } from '../config/index.js';
import { jinjaYamlSyntax } from '../jinja/index.js';
import { BmpError, ConfigError } from '../errors.js';
import { nullSink, type EventSink } from '../report/index.js';
import { addPackageEntry, packageEntry, type PackageSource } from './add-package.js';
import { PackageFetcher } from './fetcher.js';
import { DEFAULT_HUB_URL } from './hub.js';
import { commitInstall, INSTALLED_RECORD, isInstalled, readInstalledRecord, type Placement } from './install.js';
import { describeLock, formatLockFile, lockKey, parseLockFile, sha1OfSpecs, type LockEntry, type LockFile } from './lock-file.js';
import { readSpecFiles } from './package-files.js';
import { resolvePackages } from './resolve.js';
import { readYamlData } from './yaml-data.js';

export const LOCK_FILE = 'package-lock.yml';

export interface DepsOptions {
  readonly projectDir?: string;
  /** `--vars` (YAML text or an object): values for `var()` in packages.yml. */
  readonly vars?: string | Readonly<Record<string, unknown>>;
  /** `--lock`: resolve and write package-lock.yml, install nothing. */
  readonly lock?: boolean;
  /** `--upgrade`: resolve again even when package-lock.yml matches the specs. */
  readonly upgrade?: boolean;
  /** `--add-package NAME@VERSION`: add (or replace) an entry in the packages file. */
  readonly addPackage?: string;
  readonly source?: PackageSource;
  /** With addPackage: say what would change, change nothing. */
  readonly dryRun?: boolean;
  /** The package hub's base URL; default `DBT_PACKAGE_HUB_URL`, else https://hub.getdbt.com/. */
  readonly hubUrl?: string;
  readonly emit?: EventSink;
  /** Aborting stops fetching (nothing installed, nothing written). */
  readonly signal?: AbortSignal;
}

export interface DepsOutcome {
  /** The packages the lock lists, with what this run did with each. */
  readonly packages: readonly { readonly name: string; readonly source: string; readonly status: 'installed' | 'up to date' | 'locked' }[];
  readonly removed: readonly string[];
  /** package-lock.yml written (or, dry run, would be). */
  readonly lockWritten: boolean;
  /** Network fetches and clones made (empty when everything was installed already). */
  readonly fetched: readonly string[];
}

/**
 * Installs the project's packages.
 * @example const outcome = await deps({ projectDir: '.' })
 * @throws ConfigError BMP_DEPS_* (bad packages files, version conflicts, missing local folders), BMP_YAML_SYNTAX
 * @throws DependencyError BMP_DEPS_NETWORK, BMP_DEPS_GIT, BMP_DEPS_NOT_FOUND, BMP_DEPS_ARCHIVE, BMP_DEPS_NOT_A_PACKAGE
 * @throws UsageError BMP_CLI_ARGUMENT (a malformed --add-package)
 */
export async function deps(opts: DepsOptions = {}): Promise<DepsOutcome> {
  const emit = opts.emit ?? nullSink;
  const info = (message: string) => emit({ code: 'A002', type: 'info', message });
  const vars = typeof opts.vars === 'string' ? parseCliVars(opts.vars) : { ...(opts.vars ?? {}) };
  // rendered as every command renders it (Jinja2's semantics, `--vars`), for `packages-install-path`
  const project = await loadProjectFile(resolve(opts.projectDir ?? '.'), [], { cliVars: vars, yamlSyntax: jinjaYamlSyntax() });
  const rootDir = project.projectDir;
  const packagesDir = resolve(rootDir, project.packagesInstallPath);
  const packagesLabel = `${relative(rootDir, packagesDir) || '.'}/`;

  let files = readSpecFiles(rootDir, { vars });
  for (const w of files.warnings) emit({ code: 'A001', type: 'warning', message: w.message, file: w.where.file, line: w.where.line });

  // --add-package: the packages file as it will be, checked before anything is fetched
  let newPackagesText: string | undefined;
  if (opts.addPackage !== undefined) {
    const entry = packageEntry(opts.addPackage, opts.source ?? 'hub');
    const path = join(rootDir, files.file);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const { text, removed } = addPackageEntry(before, entry);
    const parsed = readSpecFiles(rootDir, { vars, override: { file: files.file, text } });
    files = parsed;
    newPackagesText = text;
    for (const r of removed) info(`${opts.dryRun ? 'Would replace' : 'Replacing'} ${JSON.stringify(r)} in ${files.file}`);
    info(`${opts.dryRun ? 'Would add' : 'Adding'} ${JSON.stringify(entry)} to ${files.file}`);
  }

  if (!files.specs.length) {
    info(`No packages found in ${files.file}: nothing to install`);
    return { packages: [], removed: [], lockWritten: false, fetched: [] };
  }

  const lockPath = join(rootDir, LOCK_FILE);
  let lock: LockFile | undefined;
  try {
    lock = existsSync(lockPath) ? parseLockFile(readYamlData(readFileSync(lockPath, 'utf8'), LOCK_FILE)) : undefined;
  } catch (e) {
    // --upgrade replaces the lock: a broken one does not stand in its way
    if (!opts.upgrade) throw e;
  }
  const hash = sha1OfSpecs(files.specs);
  const reason = !lock ? `no ${LOCK_FILE} yet` : opts.upgrade ? '--upgrade' : lock.sha1Hash !== hash ? `${files.file} changed since ${LOCK_FILE} was written` : undefined;

  cleanStaleStaging(rootDir);
  const stagingDir = mkdtempSync(join(rootDir, `.bmp-deps-${process.pid}-`));
  const fetched: string[] = [];
  // the first failed download stops the others (their files would be thrown away anyway)
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const fetcher = new PackageFetcher({
    rootDir,
    stagingDir,
    hubUrl: opts.hubUrl ?? process.env['DBT_PACKAGE_HUB_URL'] ?? DEFAULT_HUB_URL,
    vars,
    signal,
    onFetch: (what) => fetched.push(what),
    onWarning: (message, where) => emit({ code: 'A001', type: 'warning', message, file: where.file, line: where.line }),
  });
  try {
    let entries: readonly LockEntry[];
    if (reason) {
      info(`Resolving packages (${reason})`);
      const result = await resolvePackages({ specs: files.specs, rootDir, rootName: project.name, rootFile: files.file }, fetcher);
      for (const w of result.warnings) emit({ code: 'A001', type: 'warning', message: w.message, file: w.where?.file, line: w.where?.line });
      entries = result.packages;
    } else entries = lock!.packages;
    // resolving again (--upgrade) may well arrive at the same lock: then it is left as it is
    const lockText = reason ? formatLockFile({ packages: entries, sha1Hash: hash }) : undefined;
    const newLock = lockText !== undefined && (!existsSync(lockPath) || readFileSync(lockPath, 'utf8') !== lockText) ? lockText : undefined;

    if (opts.dryRun) {
      for (const e of entries) info(`Would install ${describeLock(e)}${e.name ? ` as ${packagesLabel}${e.name}` : ''}`);
      return { packages: entries.map((e) => ({ name: e.name ?? '?', source: describeLock(e), status: 'locked' as const })), removed: [], lockWritten: false, fetched };
    }
    if (opts.lock) {
      if (newPackagesText !== undefined) writeAtomically(join(rootDir, files.file), newPackagesText);
      if (newLock) writeAtomically(lockPath, newLock);
      info(newLock ? `Wrote ${LOCK_FILE} (${entries.length} package${entries.length === 1 ? '' : 's'})` : `${LOCK_FILE} is up to date`);
      return { packages: entries.map((e) => ({ name: e.name ?? '?', source: describeLock(e), status: 'locked' as const })), removed: [], lockWritten: !!newLock, fetched };
    }

    // what is installed already (recorded, in place) stays; the rest is fetched into staging
    const record = readInstalledRecord(packagesDir);
    const keep: { name: string; key: string }[] = [];
    const todo: { entry: LockEntry; key: string }[] = [];
    for (const entry of entries) {
      const key = lockKey(entry);
      const name = entry.name ?? Object.keys(record).find((n) => record[n] === key);
      const link = entry.kind === 'local' ? resolve(rootDir, entry.local) : undefined;
      if (name && isInstalled(packagesDir, record, name, key, link)) keep.push({ name, key });
      else todo.push({ entry, key });
    }
    const obtained = await inParallel(todo, DOWNLOADS_AT_ONCE, stop, async ({ entry, key }) => ({ ...(await fetcher.obtain(entry)), key, entry }));
    const names = new Map<string, string>();
    for (const p of [...keep.map((k) => ({ name: k.name, what: k.key })), ...obtained.map((o) => ({ name: o.name, what: describeLock(o.entry) }))]) {
      const clash = names.get(p.name);
      if (clash) throw new ConfigError('BMP_DEPS_DUPLICATE_NAME', `two packages install as '${p.name}': ${clash} and ${p.what}`, { file: LOCK_FILE }, 'run bmp deps --upgrade');
      names.set(p.name, p.what);
    }
    const place: Placement[] = obtained.map((o) => (o.kind === 'link' ? { kind: 'link', name: o.name, key: o.key, target: o.target } : { kind: 'dir', name: o.name, key: o.key, dir: o.dir }));
    const existingNames = existsSync(packagesDir) ? readdirSync(packagesDir) : [];
    const nothingToDo = !place.length && existingNames.every((n) => n === INSTALLED_RECORD || keep.some((k) => k.name === n));
    if (opts.signal?.aborted) throw opts.signal.reason;
    const removed = nothingToDo ? [] : commitInstall({ packagesDir, stagingDir, place, keep });
    if (newPackagesText !== undefined) writeAtomically(join(rootDir, files.file), newPackagesText);
    if (newLock) writeAtomically(lockPath, newLock);

    for (const o of obtained) info(o.kind === 'link' ? `Linked ${packagesLabel}${o.name} -> ${describeLock(o.entry)}` : `Installed ${describeLock(o.entry)} into ${packagesLabel}${o.name}`);
    for (const k of keep) info(`${packagesLabel}${k.name} is up to date`);
    if (removed.length) info(`Removed ${removed.map((n) => packagesLabel + n).join(', ')} (no longer required)`);
    if (newLock) info(`${lock ? 'Updated' : 'Wrote'} ${LOCK_FILE}`);
    info(`${entries.length} package${entries.length === 1 ? '' : 's'}: ${obtained.length} installed, ${keep.length} up to date`);
    return {
      packages: [...obtained.map((o) => ({ name: o.name, source: describeLock(o.entry), status: 'installed' as const })), ...keep.map((k) => ({ name: k.name, source: describeLock(entries.find((e) => lockKey(e) === k.key)!), status: 'up to date' as const }))],
      removed,
      lockWritten: !!newLock,
      fetched,
    };
  } catch (e) {
    if (opts.signal?.aborted && !(e instanceof BmpError && e.code === 'BMP_INTERRUPTED')) throw opts.signal.reason ?? e;
    throw e;
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

const DOWNLOADS_AT_ONCE = 4;

/**
 * `work` over `items`, `limit` at a time, results in the items' order. On the first failure `stop`
 * is aborted, the rest are waited for (so nothing still writes into the staging folder) and that
 * first error is thrown.
 */
async function inParallel<T, R>(items: readonly T[], limit: number, stop: AbortController, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        if (!failure) {
          failure = { error };
          stop.abort(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.bmp-tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Staging folders a killed run left behind (their process is gone). */
function cleanStaleStaging(rootDir: string): void {
  for (const name of readdirSync(rootDir)) {
    const m = /^\.bmp-deps-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) rmSync(join(rootDir, name), { recursive: true, force: true });
  }
}
