import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The e2e project's global setup (vitest.config.ts): end-to-end tests spawn dist/cli/bin.js and load
 * dist/docs/page.js, so rebuild and bundle both once, to match the sources under test.
 * tsc emits even when types are off (the build in `npm ci`/`npm run typecheck` is where types fail),
 * so a type error elsewhere does not stop unrelated tests from running against fresh JavaScript.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`warning: tsc reported errors (tests run on the emitted JavaScript):\n${r.stdout.split('\n').slice(0, 10).join('\n')}\n`);
  if (!existsSync(`${root}/dist/cli/bin.js`)) throw new Error('dist/cli/bin.js was not built');
  // and bundle the CLI and the docs page as `npm run build` does, so the tests run what ships
  const b = spawnSync(process.execPath, [`${root}/scripts/bundle-cli.mjs`], { cwd: root, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`bundling the CLI and the docs page failed:\n${b.stderr}`);
}
