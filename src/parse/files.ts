import * as crypto from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Absolute path. */
  readonly absolutePath: string;
  /** Relative to the project folder, forward slashes. */
  readonly path: string;
  /** Relative to the resource root it was found under (`stg/x.sql`). */
  readonly relativeToRoot: string;
  /** The resource root as configured (`models`). */
  readonly root: string;
  readonly text: string;
  readonly checksum: string;
}

/**
 * Lists files under each root (relative to projectDir) whose name ends with one of `exts`, and reads
 * them. Synchronous on purpose: for thousands of small files one blocking read each is several
 * times cheaper than the open/stat/read/close round trips of promise-based reads.
 */
/**
 * Folder listings shared by the calls of one parse (models/ is listed for SQL, YAML, Markdown and
 * Python files: once is enough). Keyed by the folder as given.
 */
export type FolderListings = Map<string, readonly import('node:fs').Dirent[]>;

export async function readProjectFiles(projectDir: string, roots: readonly string[], exts: readonly string[], listings: FolderListings = new Map()): Promise<SourceFile[]> {
  const base = resolve(projectDir);
  const found: { abs: string; absRoot: string; root: string }[] = [];
  for (const root of roots) {
    const absRoot = join(base, root);
    // symbolic links are followed, as dbt does: a linked folder is listed in turn (once per real
    // folder, so a link back up the tree ends)
    const folders = [absRoot];
    const seen = new Set<string>();
    for (let i = 0; i < folders.length; i++) {
      const folder = folders[i]!;
      let entries: readonly import('node:fs').Dirent[];
      try {
        const real = realpathSync(folder);
        if (seen.has(real)) continue;
        seen.add(real);
        let listed = listings.get(folder);
        if (!listed) listings.set(folder, (listed = readdirSync(folder, { recursive: true, withFileTypes: true })));
        entries = listed;
      } catch {
        continue; // a missing folder is an empty one, as in dbt
      }
      for (const e of entries) {
        const link = e.isSymbolicLink();
        if (!link && !e.isFile()) continue;
        // readdir gives normalized absolute folders: concatenating is path.join without its cost
        const abs = `${e.parentPath ?? (e as unknown as { path: string }).path}${sep}${e.name}`;
        if (abs.includes(`${sep}.`, absRoot.length)) continue; // hidden files and folders
        if (link) {
          const target = statOrUndefined(abs);
          if (target?.isDirectory()) folders.push(abs);
          if (!target?.isFile()) continue;
        }
        if (!exts.some((x) => e.name.endsWith(x))) continue;
        found.push({ abs, absRoot, root });
      }
    }
  }
  found.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  const files: SourceFile[] = [];
  for (const { abs, absRoot, root } of found) {
    const text = readFileSync(abs, 'utf8');
    files.push({
      absolutePath: abs,
      path: abs.startsWith(base + sep) ? toPosix(abs.slice(base.length + 1)) : toPosix(relative(base, abs)),
      relativeToRoot: abs.startsWith(absRoot + sep) ? toPosix(abs.slice(absRoot.length + 1)) : toPosix(relative(absRoot, abs)),
      root,
      text,
      checksum: sha256(text),
    });
  }
  return files;
}

/** Node's one-shot `crypto.hash` (20.12+: no Hash object per file), else createHash. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined; // a dangling link
  }
}
