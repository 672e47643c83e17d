import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isLineageType } from './build-docs-data.js';
import { computeOverviewLayout } from './overview-layout.js';
import { renderDocsHtml, type PageAssets } from './render-html.js';
import type { DocsData } from './types.js';

let assetsPromise: Promise<PageAssets> | undefined;

/** Read cytoscape's and cytoscape-dagre's minified browser builds from node_modules (once per process). */
export function loadPageAssets(): Promise<PageAssets> {
  assetsPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const cytoscapePath = require.resolve('cytoscape/dist/cytoscape.min.js');
    const dagrePath = join(dirname(require.resolve('cytoscape-dagre/package.json')), 'dist', 'cytoscape-dagre.min.js');
    const [cytoscape, cytoscapeDagre] = await Promise.all([readFile(cytoscapePath, 'utf8'), readFile(dagrePath, 'utf8')]);
    return { cytoscape: stripSourceMap(cytoscape), cytoscapeDagre: stripSourceMap(cytoscapeDagre) };
  })();
  assetsPromise.catch(() => (assetsPromise = undefined));
  return assetsPromise;
}

/** The `.map` files are not copied next to the page; a dangling reference only makes devtools complain. */
function stripSourceMap(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
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
