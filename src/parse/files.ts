import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

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
export async function readProjectFiles(projectDir: string, roots: readonly string[], exts: readonly string[]): Promise<SourceFile[]> {
  const found: { abs: string; root: string }[] = [];
  for (const root of roots) {
    const absRoot = join(projectDir, root);
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(absRoot, { recursive: true, withFileTypes: true });
    } catch {
      continue; // a missing folder is an empty one, as in dbt
    }
    for (const e of entries) {
      if (!e.isFile() || !exts.some((x) => e.name.endsWith(x))) continue;
      const abs = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
      if (abs.slice(absRoot.length).split(sep).some((p) => p.startsWith('.'))) continue;
      found.push({ abs, root });
    }
  }
  found.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  return Promise.all(
    found.map(async ({ abs, root }) => {
      const text = readFileSync(abs, 'utf8');
      return {
        absolutePath: abs,
        path: toPosix(relative(projectDir, abs)),
        relativeToRoot: toPosix(relative(join(projectDir, root), abs)),
        root,
        text,
        checksum: sha256(text),
      };
    }),
  );
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
