#!/usr/bin/env node
/**
 * Bundles the CLI (dist/cli/bin.js, as tsc emitted it) into one module plus lazily loaded chunks
 * (dist/cli/chunks/), so `bmp` starts by reading a few files instead of resolving ~120 modules: on
 * every command that is tens of milliseconds. The library entry (dist/index.js) stays unbundled.
 *
 * Packages loaded at start-up (commander, graphology, js-yaml, picomatch) and @duckdb/node-api's
 * JavaScript go into the bundle; native code and packages loaded on demand or carrying assets stay
 * external.
 *
 *   node scripts/bundle-cli.mjs      (run by `npm run build` after tsc)
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'dist', 'cli');
const entry = join(cliDir, 'bin.js');
const staging = join(root, 'dist', '.cli-bundle');

// native (the binding), loaded by require() on first use, or carrying files read at run time;
// @duckdb/node-api's JavaScript is bundled into the lazy chunk that opens databases
const EXTERNAL = ['@duckdb/node-bindings', 'nunjucks', 'yaml', 'cytoscape', 'cytoscape-dagre'];
const isExternal = (id) => id.startsWith('node:') || EXTERNAL.some((p) => id === p || id.startsWith(`${p}/`));

if (!existsSync(entry)) throw new Error(`${entry} is missing: run tsc first`);

// The bundled node-api code requires the binding from dist/, so it gets the top-level package: it
// must be the version node-api was built against (package.json pins it; this catches a drift).
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const wanted = readJson(join(root, 'node_modules/@duckdb/node-api/package.json')).dependencies['@duckdb/node-bindings'];
const found = readJson(join(root, 'node_modules/@duckdb/node-bindings/package.json')).version;
if (wanted !== found) {
  throw new Error(`@duckdb/node-api wants @duckdb/node-bindings ${wanted} but ${found} is installed at the top level: pin "@duckdb/node-bindings": "${wanted}" in package.json`);
}
rmSync(staging, { recursive: true, force: true });
const bundle = await rolldown({ input: entry, platform: 'node', external: isExternal, logLevel: 'warn' });
await bundle.write({ dir: staging, format: 'esm', entryFileNames: 'bin.js', chunkFileNames: 'chunks/[name]-[hash].js' });
await bundle.close();

rmSync(join(cliDir, 'chunks'), { recursive: true, force: true });
renameSync(join(staging, 'chunks'), join(cliDir, 'chunks'));
renameSync(join(staging, 'bin.js'), entry);
rmSync(staging, { recursive: true, force: true });
chmodSync(entry, 0o755);
