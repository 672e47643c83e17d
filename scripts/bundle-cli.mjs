#!/usr/bin/env node
/**
 * Bundles the CLI (dist/cli/bin.js, as tsc emitted it) into one module plus lazily loaded chunks
 * (dist/cli/chunks/), so `bmp` starts by reading a few files instead of resolving ~120 modules: on
 * every command that is tens of milliseconds. The library entry (dist/index.js) stays unbundled.
 *
 * Packages loaded at start-up (commander, graphology, js-yaml, picomatch) go into the bundle; the
 * ones loaded on demand or shipping native code or assets stay external.
 *
 *   node scripts/bundle-cli.mjs      (run by `npm run build` after tsc)
 */
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'dist', 'cli');
const entry = join(cliDir, 'bin.js');
const staging = join(root, 'dist', '.cli-bundle');

// loaded by require() on first use, native, or carrying files read at run time
const EXTERNAL = ['@duckdb/node-api', '@duckdb/node-bindings', 'nunjucks', 'yaml', 'cytoscape', 'cytoscape-dagre', 'zod'];
const isExternal = (id) => id.startsWith('node:') || EXTERNAL.some((p) => id === p || id.startsWith(`${p}/`));

if (!existsSync(entry)) throw new Error(`${entry} is missing: run tsc first`);
rmSync(staging, { recursive: true, force: true });
const bundle = await rolldown({ input: entry, platform: 'node', external: isExternal, logLevel: 'warn' });
await bundle.write({ dir: staging, format: 'esm', entryFileNames: 'bin.js', chunkFileNames: 'chunks/[name]-[hash].js' });
await bundle.close();

rmSync(join(cliDir, 'chunks'), { recursive: true, force: true });
renameSync(join(staging, 'chunks'), join(cliDir, 'chunks'));
renameSync(join(staging, 'bin.js'), entry);
rmSync(staging, { recursive: true, force: true });
chmodSync(entry, 0o755);
