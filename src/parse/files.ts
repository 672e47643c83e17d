import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
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

/** Lists files under each root (relative to projectDir) whose name ends with one of `exts`, and reads them in parallel. */
export async function readProjectFiles(projectDir: string, roots: readonly string[], exts: readonly string[]): Promise<SourceFile[]> {
  const found: { abs: string; root: string }[] = [];
  await Promise.all(
    roots.map(async (root) => {
      const absRoot = join(projectDir, root);
      let entries: string[];
      try {
        entries = await readdir(absRoot, { recursive: true });
      } catch {
        return; // a missing folder is an empty one, as in dbt
      }
      for (const e of entries) {
        if (exts.some((x) => e.endsWith(x)) && !e.split(sep).some((p) => p.startsWith('.'))) found.push({ abs: join(absRoot, e), root });
      }
    }),
  );
  found.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  return Promise.all(
    found.map(async ({ abs, root }) => {
      const text = await readFile(abs, 'utf8');
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
