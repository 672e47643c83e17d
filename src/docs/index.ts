/**
 * `bmp docs`: build the data of a docs site from a manifest, write it as one self-contained HTML
 * page (target/docs/index.html, opens from disk) and serve it on 127.0.0.1.
 *
 * @example
 * const data = buildDocsData(manifest, {
 *   catalog,                                   // Map<'main.orders', [{ name, type }]> from DuckDB
 *   compiled,                                  // Map<uniqueId, compiled SQL>
 *   runResults: runResultsFromJson(JSON.parse(await readFile('target/run_results.json', 'utf8'))),
 * });
 * const file = await writeDocsSite('target/docs', data);
 * const server = await serveDocs('target/docs', { port: 8080 });
 */
export { buildDocsData, runResultsFromJson, compiledFromRunResults, type BuildDocsOptions } from './build-docs-data.js';
export { isLineageType, LINEAGE_TYPES } from './lineage.js';
export { writeDocsSite, loadPageAssets, pageBundlePath, PAGE_BUNDLE } from './write-site.js';
export { serveDocs, type DocsServer, type ServeDocsOptions } from './serve-docs.js';
export { renderDocsHtml, escapeHtml, jsonForScript, scriptSafe, type PageAssets } from './render-html.js';
export { computeOverviewLayout, type OverviewLayout, type LayoutInput } from './overview-layout.js';
export type { DocsData, DocsNode, DocsColumn, DocsRunResult, DocsTestInfo, CatalogColumn, PagePayload } from './types.js';
