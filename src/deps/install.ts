/**
 * Putting packages into the packages path (dbt_packages/) all at once or not at all: everything is
 * fetched into a staging folder first; then old folders are moved aside, new ones renamed into place
 * and the record of what is installed replaced, undoing every step if one fails. Local packages are
 * symbolic links to their folder, as dbt makes them.
 *
 * `.bmp-installed.json` in the packages path records which lock entry each folder came from, so a
 * run whose lock is already installed fetches nothing.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INSTALLED_RECORD = '.bmp-installed.json';

/** Folder name → the lock key it was installed from. */
export type InstalledRecord = Readonly<Record<string, string>>;

export function readInstalledRecord(packagesDir: string): InstalledRecord {
  try {
    const data = JSON.parse(readFileSync(join(packagesDir, INSTALLED_RECORD), 'utf8')) as { packages?: Record<string, string> };
    return data && typeof data.packages === 'object' && data.packages ? data.packages : {};
  } catch {
    return {};
  }
}

const lexists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether `name` is installed from `key` (and, for a link, still points at `linkTarget`).
 */
export function isInstalled(packagesDir: string, record: InstalledRecord, name: string, key: string, linkTarget?: string): boolean {
  if (record[name] !== key) return false;
  const path = join(packagesDir, name);
  if (!lexists(path)) return false;
  if (linkTarget !== undefined) {
    try {
      return lstatSync(path).isSymbolicLink() && readlinkSync(path) === linkTarget;
    } catch {
      return false;
    }
  }
  return !lstatSync(path).isSymbolicLink() && existsSync(join(path));
}

export type Placement = { readonly name: string; readonly key: string } & ({ readonly kind: 'dir'; readonly dir: string } | { readonly kind: 'link'; readonly target: string });

export interface CommitPlan {
  readonly packagesDir: string;
  /** For moving old folders aside (same file system as packagesDir, ideally). */
  readonly stagingDir: string;
  /** Packages to put in place (replacing what has their name). */
  readonly place: readonly Placement[];
  /** Names kept as they are. */
  readonly keep: readonly { readonly name: string; readonly key: string }[];
}

/** Renames, falling back to copy-and-delete across file systems. */
function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    rmSync(from, { recursive: true, force: true });
  }
}

/**
 * Makes the packages path hold exactly `keep` + `place` (anything else in it is removed, as dbt
 * empties it before installing) and records them. All or nothing: on any failure the packages path
 * is put back as it was and the error rethrown.
 * @returns the names removed (folders that are in neither list)
 */
export function commitInstall(plan: CommitPlan): string[] {
  const { packagesDir, stagingDir } = plan;
  const trash = join(stagingDir, 'replaced');
  mkdirSync(trash, { recursive: true });
  const undo: (() => void)[] = [];
  const created = !existsSync(packagesDir);
  const wanted = new Set([...plan.keep.map((k) => k.name), ...plan.place.map((p) => p.name)]);
  const removed: string[] = [];
  try {
    mkdirSync(packagesDir, { recursive: true });
    const existing = readdirSync(packagesDir);
    const aside = existing.filter((n) => n === INSTALLED_RECORD || !wanted.has(n) || plan.place.some((p) => p.name === n));
    for (const n of aside) {
      const from = join(packagesDir, n);
      const to = join(trash, n);
      move(from, to);
      undo.push(() => move(to, from));
      if (n !== INSTALLED_RECORD && !wanted.has(n)) removed.push(n);
    }
    for (const p of plan.place) {
      const dest = join(packagesDir, p.name);
      if (p.kind === 'link') symlinkSync(p.target, dest, 'dir');
      else move(p.dir, dest);
      undo.push(() => rmSync(dest, { recursive: true, force: true }));
    }
    const record = Object.fromEntries([...plan.keep, ...plan.place].map((p) => [p.name, p.key]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
    const tmp = join(stagingDir, INSTALLED_RECORD);
    writeFileSync(tmp, `${JSON.stringify({ written_by: 'bmp deps', packages: record }, null, 2)}\n`);
    move(tmp, join(packagesDir, INSTALLED_RECORD));
  } catch (e) {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch {
        /* keep undoing the rest */
      }
    }
    if (created) {
      try {
        rmdirSync(packagesDir);
      } catch {
        /* not empty: leave it */
      }
    }
    throw e;
  }
  return removed;
}
