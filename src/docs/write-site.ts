import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLineageType } from './lineage.js';
import { computeOverviewLayout } from './overview-layout.js';
import { renderDocsHtml, type PageAssets } from './render-html.js';
import type { DocsData } from './types.js';

/** Where the build (scripts/bundle-cli.mjs) writes the page bundle, relative to the package root. */
export const PAGE_BUNDLE = 'dist/docs/page.js';

/**
 * The page bundle's path: {@link PAGE_BUNDLE} under the nearest folder with a package.json above
 * this module, which is the package root whether it runs from src/docs (tests), dist/docs (the
 * library) or dist/cli/chunks (the bundled CLI).
 */
export function pageBundlePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}: cannot find ${PAGE_BUNDLE}`);
    dir = up;
  }
  return join(dir, PAGE_BUNDLE);
}

let assetsPromise: Promise<PageAssets> | undefined;

/** Read the page bundle the build produced (once per process); no bundling happens at run time. */
export function loadPageAssets(): Promise<PageAssets> {
  assetsPromise ??= (async () => {
    const path = pageBundlePath();
    try {
      return { script: await readFile(path, 'utf8') };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new Error(`the docs page bundle ${path} is missing: this bmp was not built (run \`npm run build\`)`);
    }
  })();
  assetsPromise.catch(() => (assetsPromise = undefined));
  return assetsPromise;
}

/**
 * Write the docs site: one self-contained `index.html` (data, styles and scripts inlined) in
 * `dir`, which is created if needed. Returns the path of index.html.
 *
 * @example
 * const data = buildDocsData(manifest, { catalog, compiled, runResults });
 * const file = await writeDocsSite('target/docs', data); // open file://.../target/docs/index.html
 */
export async function writeDocsSite(dir: string, data: DocsData): Promise<string> {
  const assets = await loadPageAssets();
  const layout = computeOverviewLayout(data.nodes.filter((n) => isLineageType(n.resourceType)));
  const html = renderDocsHtml(data, assets, layout);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.html');
  await writeFile(file, html, 'utf8');
  return file;
}
