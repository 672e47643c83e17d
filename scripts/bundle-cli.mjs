#!/usr/bin/env node
/**
 * Bundles the CLI (dist/cli/start.js, as tsc emitted it) into one CommonJS module plus lazily
 * loaded chunks (dist/cli/bundle/), so `bmp` starts by reading a few files instead of resolving ~120
 * modules: on every command that is tens of milliseconds. dist/cli/bin.js becomes a loader that
 * requires the bundle with V8's code cache (src/cli/code-cache.ts): CommonJS because Node 20 gives
 * ES modules no cached data. The library entry (dist/index.js) stays unbundled.
 *
 * Packages loaded at start-up (commander, graphology, js-yaml, picomatch) and @duckdb/node-api's
 * JavaScript go into the bundle; native code and packages loaded on demand or carrying assets stay
 * external.
 *
 * It also bundles the docs page (src/docs/page/main.ts with cytoscape and cytoscape-dagre) into one
 * minified browser script, dist/docs/page.js, which `bmp docs generate` inlines into index.html as
 * it is (src/docs/write-site.ts): the page is built here, never at run time.
 *
 *   node scripts/bundle-cli.mjs      (run by `npm run build` after tsc)
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'dist', 'cli');
const entry = join(cliDir, 'start.js');
const bin = join(cliDir, 'bin.js');
const bundleDir = join(cliDir, 'bundle');
const staging = join(root, 'dist', '.cli-bundle');

// native (the binding), loaded by require() on first use, or carrying files read at run time;
// @duckdb/node-api's JavaScript is bundled into the lazy chunk that opens databases
const EXTERNAL = ['@duckdb/node-bindings', 'nunjucks', 'yaml'];
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
const { output: files } = await bundle.write({ dir: staging, format: 'cjs', entryFileNames: 'cli-[hash].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' });
await bundle.close();
const main = files.find((f) => f.type === 'chunk' && f.isEntry).fileName;
// the bundle is compiled through vm.Script (dist/cli/code-cache.js), where import() is not available
// on Node 20: a lazy import of bmp's own modules becomes require(), one of a package or builtin must not stay
const names = new Set(files.map((f) => f.fileName));
for (const f of files) {
  const external = f.type === 'chunk' ? f.dynamicImports.filter((d) => !names.has(d)) : [];
  if (external.length) throw new Error(`${f.fileName} imports ${external.join(', ')} with import(): use require() or a static import (the CLI bundle runs as CommonJS through vm.Script)`);
}

rmSync(join(cliDir, 'chunks'), { recursive: true, force: true });
rmSync(bundleDir, { recursive: true, force: true });
renameSync(staging, bundleDir);
writeFileSync(bin, `#!/usr/bin/env node
// bmp's CLI: the bundle (./bundle/, made by scripts/bundle-cli.mjs) loaded with V8's code cache (./code-cache.js)
import { runBundledCli } from './code-cache.js';

await runBundledCli(new URL('./bundle/${main}', import.meta.url));
`);
chmodSync(bin, 0o755);

// The docs page: browser modules (type-checked by src/docs/page/tsconfig.json in `npm run typecheck`
// and `npm run build`) and cytoscape in one IIFE. The MIT notice of cytoscape goes in front, as its
// own minified build carries it; cytoscape-dagre's /*! notice is kept by the minifier.
const pageOut = join(root, 'dist', 'docs', 'page.js');
const cytoscapeDir = join(root, 'node_modules', 'cytoscape');
const cytoscapeNotice = `/*! cytoscape ${readJson(join(cytoscapeDir, 'package.json')).version} | ${readFileSync(join(cytoscapeDir, 'LICENSE'), 'utf8').trim().replaceAll('*/', '* /')} */`;
const page = await rolldown({
  input: join(root, 'src', 'docs', 'page', 'main.ts'),
  platform: 'browser',
  tsconfig: join(root, 'src', 'docs', 'page', 'tsconfig.json'),
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  logLevel: 'warn',
});
const { output } = await page.generate({ format: 'iife', strict: true, minify: true, banner: cytoscapeNotice });
await page.close();
mkdirSync(dirname(pageOut), { recursive: true });
writeFileSync(pageOut, output[0].code);
