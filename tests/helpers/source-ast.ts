/**
 * Reading bmp's own sources for the architecture checks (tests/unit/architecture.test.ts): the
 * `.ts` files of a folder and a walk over each one's syntax tree, parsed with rolldown's parser.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAst } from 'rolldown/parseAst';

export interface AstNode {
  readonly type?: string;
  readonly [key: string]: unknown;
}

/** Calls `onNode` for every node of `source`'s syntax tree, parents before children, in source order. */
export function visitAst(source: string, filename: string, onNode: (node: AstNode) => void): void {
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    const n = node as AstNode;
    onNode(n);
    for (const key in n) if (key !== 'type' && key !== 'start' && key !== 'end') visit(n[key]);
  };
  visit(parseAst(source, { lang: 'ts' }, filename));
}

/**
 * The source files under `root` (no tests, no declarations), sorted, each with its path relative to
 * `root` written with `/`. `skip` leaves out a file or a whole folder by that relative path.
 */
export function sourceFiles(root: string, skip: (rel: string) => boolean = () => false): { path: string; rel: string }[] {
  const files: { path: string; rel: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path).split('\\').join('/');
      if (skip(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) files.push({ path, rel });
    }
  };
  walk(root);
  return files;
}
