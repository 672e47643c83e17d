import { readdirSync, realpathSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Key of the watcher on the project folder itself. */
const TOP = '';

/** File kinds a project is made of; anything else (databases, editor swap files, Parquet) is ignored. */
const WATCHED_EXT = /\.(sql|ya?ml|csv|md)$/;

export interface FileWatcherOptions {
  /** Absolute project folder. */
  readonly projectDir: string;
  /** Folders relative to the project, watched with everything under them (model, macro, seed, test paths). */
  readonly roots: readonly string[];
  /** Files directly in the project folder (project.yml, profiles.yml). */
  readonly rootFiles: readonly string[];
  /** Relative folders whose files never count (the target path). */
  readonly ignore?: readonly string[];
  /** Called with each changed file (or deleted folder), relative to the project folder with forward slashes. */
  readonly onChange: (file: string) => void;
}

/**
 * Watches the project's folders with one non-recursive `fs.watch` per folder. A folder's watch
 * reports its entries by name, so it keeps seeing a file however an editor saves it, whereas Node
 * 20's recursive watch on Linux follows each file's inode and goes deaf to a file replaced by a
 * rename (the atomic save of JetBrains, Sublime, Emacs, `sed -i`). A folder created later is watched
 * when its parent reports it (its files count as new); a deleted one is forgotten.
 */
export class FileWatcher {
  /** Watched folders, relative to the project (TOP is the project folder itself). */
  private readonly watchers = new Map<string, FSWatcher>();
  private roots: readonly string[];
  private ignore: readonly string[];
  private watchedRoots: readonly string[] = [];
  private closed = false;

  constructor(private readonly opts: FileWatcherOptions) {
    this.roots = opts.roots;
    this.ignore = opts.ignore ?? [];
    this.sync();
  }

  /** Replaces the watched folders and the ignored ones (project.yml may have changed them). */
  setRoots(roots: readonly string[], ignore: readonly string[] = this.ignore): void {
    this.roots = roots;
    this.ignore = ignore;
    this.sync();
  }

  /** The root folders being watched right now, relative to the project. */
  get watching(): readonly string[] {
    return this.watchedRoots;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Watches the wanted roots that exist (with their folders), forgets the others. */
  private sync(): void {
    if (this.closed) return;
    const wanted = outermost(this.roots.map(normalizeRoot)).filter((r) => isDir(join(this.opts.projectDir, r)));
    const all = wanted.includes('.');
    for (const dir of [...this.watchers.keys()]) {
      if (dir !== TOP && !all && !wanted.some((r) => dir === r || dir.startsWith(r + '/'))) this.unwatch(dir);
    }
    if (!this.watchers.has(TOP)) this.open(TOP);
    if (all) {
      for (const e of entries(this.opts.projectDir)) if (e.dir) this.watchTree(e.name, false);
    } else for (const root of wanted) this.watchTree(root, false);
    this.watchedRoots = wanted;
  }

  /** Watches `dir` and every folder under it; with `report`, its files count as changed (a folder that appeared). */
  private watchTree(dir: string, report: boolean, seen = new Set<string>()): void {
    if (this.closed || this.skipped(dir)) return;
    const abs = join(this.opts.projectDir, dir);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return; // gone again
    }
    if (seen.has(real)) return; // a symbolic link back up the tree
    seen.add(real);
    if (!this.watchers.has(dir)) this.open(dir);
    for (const e of entries(abs)) {
      const rel = `${dir}/${e.name}`;
      if (e.dir) this.watchTree(rel, report, seen);
      else if (report && this.counts(rel)) this.opts.onChange(rel);
    }
  }

  private open(dir: string): void {
    try {
      const w = watch(join(this.opts.projectDir, dir), (_event, name) => this.onEvent(dir, name === null ? undefined : String(name)));
      w.on('error', () => this.unwatch(dir)); // the folder went away; its parent reports it if it comes back
      this.watchers.set(dir, w);
    } catch {
      // vanished between listing and watching: its parent reports it again
    }
  }

  /** Stops watching `dir` and the folders under it. */
  private unwatch(dir: string): void {
    for (const [d, w] of this.watchers) {
      if (d === dir || (dir !== TOP && d.startsWith(dir + '/'))) {
        w.close();
        this.watchers.delete(d);
      }
    }
  }

  private onEvent(dir: string, name: string | undefined): void {
    if (this.closed || name === undefined) return;
    const rel = toPosix(relative(this.opts.projectDir, join(this.opts.projectDir, dir, name)));
    const roots = this.roots.map(normalizeRoot);
    if (dir === TOP) {
      // a root folder created or deleted, or a top-level YAML file saved
      if (roots.some((r) => r === rel || r.startsWith(rel + '/'))) this.sync();
      if (this.opts.rootFiles.includes(rel)) this.opts.onChange(rel);
      if (!roots.includes('.')) return;
    }
    if (!rel || rel.startsWith('..') || this.skipped(rel)) return;
    if (isDir(join(this.opts.projectDir, rel))) {
      // a folder created or moved in: watch it, and what it holds is new
      if (!this.watchers.has(rel)) this.watchTree(rel, true);
      return;
    }
    if (this.watchers.has(rel)) {
      // a watched folder deleted or moved away: what it held is gone
      this.unwatch(rel);
      this.opts.onChange(rel);
      return;
    }
    if (this.counts(rel)) this.opts.onChange(rel);
  }

  /** A project file: a watched extension, not hidden, not under an ignored folder. */
  private counts(rel: string): boolean {
    return WATCHED_EXT.test(rel) && !this.skipped(rel);
  }

  /** Hidden files and folders, node_modules, and the ignored folders (target/). */
  private skipped(rel: string): boolean {
    if (rel.split('/').some((p) => (p.startsWith('.') && p !== '.') || p === 'node_modules')) return true;
    return this.ignore.some((i) => rel === normalizeRoot(i) || rel.startsWith(normalizeRoot(i) + '/'));
  }
}

/** The entries of a folder; a symbolic link to a folder counts as a folder. */
function entries(abs: string): { name: string; dir: boolean }[] {
  let list: Dirent[];
  try {
    list = readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
  return list.map((e) => ({ name: e.name, dir: e.isDirectory() || (e.isSymbolicLink() && isDir(join(abs, e.name))) }));
}

function normalizeRoot(r: string): string {
  const p = toPosix(r).replace(/^\.\/+/, '').replace(/\/+$/, '');
  return p === '' ? '.' : p;
}

/** Drops roots inside other roots (a tree watch already covers them). */
function outermost(roots: readonly string[]): string[] {
  const uniq = [...new Set(roots)].sort();
  return uniq.filter((r) => !uniq.some((o) => o !== r && (o === '.' || r.startsWith(o + '/'))));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
