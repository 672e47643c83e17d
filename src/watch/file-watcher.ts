import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Key of the non-recursive watcher on the project folder itself. */
const TOP = '';

/** File kinds a project is made of; anything else (databases, editor swap files, Parquet) is ignored. */
const WATCHED_EXT = /\.(sql|ya?ml|csv|md)$/;

export interface FileWatcherOptions {
  /** Absolute project folder. */
  readonly projectDir: string;
  /** Folders relative to the project, watched recursively (model, macro, seed, test paths). */
  readonly roots: readonly string[];
  /** Files directly in the project folder (project.yml, profiles.yml). */
  readonly rootFiles: readonly string[];
  /** Relative folders whose files never count (the target path). */
  readonly ignore?: readonly string[];
  /** Called with each changed file, relative to the project folder with forward slashes. */
  readonly onChange: (file: string) => void;
}

/**
 * node:fs `watch` over the project's folders (recursive, which Node 20 supports on Linux) and its
 * top-level YAML files. A root folder created later is picked up when the project folder reports it.
 */
export class FileWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private roots: readonly string[];
  private ignore: readonly string[];
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

  /** The folders being watched right now, relative to the project. */
  get watching(): readonly string[] {
    return [...this.watchers.keys()].filter((k) => k !== TOP);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private sync(): void {
    if (this.closed) return;
    const wanted = outermost(this.roots.map(normalizeRoot)).filter((r) => isDir(join(this.opts.projectDir, r)));
    for (const [root, w] of this.watchers) {
      if (root !== TOP && !wanted.includes(root)) {
        w.close();
        this.watchers.delete(root);
      }
    }
    if (!this.watchers.has(TOP)) this.open(TOP, false);
    for (const root of wanted) if (!this.watchers.has(root)) this.open(root, true);
  }

  private open(root: string, recursive: boolean): void {
    const abs = join(this.opts.projectDir, root);
    try {
      const w = watch(abs, { recursive }, (_event, name) => this.onEvent(root, name === null ? undefined : String(name)));
      w.on('error', () => {
        // the folder went away: forget it; it is watched again when it reappears
        w.close();
        if (this.watchers.get(root) === w) this.watchers.delete(root);
      });
      this.watchers.set(root, w);
    } catch {
      // vanished between the check and the watch: the project folder's watcher brings it back
    }
  }

  private onEvent(root: string, name: string | undefined): void {
    if (this.closed || name === undefined) return;
    const rel = toPosix(relative(this.opts.projectDir, join(this.opts.projectDir, root, name)));
    if (root === TOP) {
      // a root folder (re)created, or a top-level YAML file saved
      if (this.roots.map(normalizeRoot).some((r) => r === rel || r.startsWith(rel + '/')) && !this.watchers.has(rel)) this.sync();
      if (this.opts.rootFiles.includes(rel)) this.opts.onChange(rel);
      return;
    }
    if (!WATCHED_EXT.test(rel)) return;
    const parts = rel.split('/');
    if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return;
    if (this.ignore.some((i) => rel === i || rel.startsWith(normalizeRoot(i) + '/'))) return;
    this.opts.onChange(rel);
  }
}

function normalizeRoot(r: string): string {
  const p = toPosix(r).replace(/^\.\/+/, '').replace(/\/+$/, '');
  return p === '' ? '.' : p;
}

/** Drops roots inside other roots (a recursive watch already covers them). */
function outermost(roots: readonly string[]): string[] {
  const uniq = [...new Set(roots)].sort();
  return uniq.filter((r) => !uniq.some((o) => o !== r && (o === '.' || r.startsWith(o + '/'))));
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
