import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * bmp's installed folder (the one holding its package.json and schemas/), found by walking up from
 * this module: the CLI runs either as compiled modules (dist/cli/...) or as one bundled file with
 * chunks (dist/cli/bin.js, dist/cli/chunks/...), so no fixed number of `..` fits both.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) return (root = join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
    dir = up;
  }
}
let root: string | undefined;
