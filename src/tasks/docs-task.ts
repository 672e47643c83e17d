import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalogTables, type CatalogTable } from '../adapters/duckdb/index.js';
import { maskSecretsDeep } from '../config/index.js';
import { buildDocsData, runResultsFromJson, writeDocsSite, type CatalogColumn } from '../docs/index.js';
import { openSession, pluginTemplateGlobals } from '../execute/index.js';
import { edgeMaps } from '../graph/index.js';
import { catalogJson, nullSink, writeFileAtomic } from '../report/index.js';
import { defaultPlugins } from './plugins.js';
import { invocationFor, loadProject, writeManifest, type CommonOptions } from './project.js';
import { ensureTargetWritable } from './target-dir.js';

export interface DocsOutcome {
  /** bmp's own docs site (target/docs/index.html). */
  readonly path: string;
  readonly nodes: number;
  /** target/catalog.json and target/manifest.json, as dbt's `docs generate` writes them. */
  readonly catalogPath: string;
  readonly manifestPath: string;
  /** Relations described in catalog.json (nodes and sources). */
  readonly catalogEntries: number;
}

/**
 * `bmp docs generate`: compile every node, read column types, comments and statistics from the
 * database (read-only, when it exists) and the last run_results; write target/manifest.json (with
 * compiled code), target/catalog.json (dbt's catalog v1, what dbt-docs reads) and
 * target/docs/index.html (bmp's site, everything inlined). `compile: false` (`--no-compile`) skips
 * compiling; `emptyCatalog` (`--empty-catalog`) writes a catalog without reading the database.
 */
export async function generateDocs(opts: CommonOptions & { readonly compile?: boolean; readonly emptyCatalog?: boolean } = {}): Promise<DocsOutcome> {
  const invocation = invocationFor('generate', opts);
  const plugins = opts.plugins ?? defaultPlugins();
  const project = await loadProject({ ...opts, invocation, plugins });
  ensureTargetWritable(project);
  const session = await openSession(project, invocation, 'read', { emit: opts.emit ?? nullSink, threads: 1, extraGlobals: pluginTemplateGlobals(plugins, 'run', { cfg: project.cfg, invocation }), selected: [...project.manifest.nodes.keys()] });
  const compiled = new Map<string, string>();
  let tables: CatalogTable[] = [];
  try {
    for (const node of opts.compile === false ? [] : project.manifest.nodes.values()) {
      if (node.resourceType === 'seed' || node.resourceType === 'unit_test') continue;
      try {
        compiled.set(node.uniqueId, (await session.compile(node, session.conns[0])).compiledSql);
      } catch {
        // a node that does not compile yet still gets its page, with its raw SQL
      }
    }
    if (session.conns[0] && !opts.emptyCatalog) tables = await readCatalogTables(session.conns[0]);
    await writeManifest(project, session.invocationId, session.compiledSql, session.runStartedAt);
  } finally {
    await session.close();
  }
  const catalogPath = join(project.targetDir, 'catalog.json');
  const catalogText = catalogJson(project.manifest, tables, { invocationId: session.invocationId, invocationStartedAt: session.runStartedAt });
  await writeFileAtomic(catalogPath, catalogText);
  const parsed = JSON.parse(catalogText) as { nodes: object; sources: object };
  const catalog = new Map<string, CatalogColumn[]>();
  for (const t of tables) catalog.set(`${t.schema}.${t.name}`.toLowerCase(), t.columns.map((c) => ({ name: c.name, type: c.type })));
  const resultsPath = join(project.targetDir, 'run_results.json');
  const runResults = existsSync(resultsPath) ? runResultsFromJson(JSON.parse(readFileSync(resultsPath, 'utf8'))) : undefined;
  const { parents } = edgeMaps(project.graph);
  // every string of the page, masked before it is escaped into HTML and JSON
  const data = maskSecretsDeep(buildDocsData(project.manifest, { catalog, compiled, runResults, parents }));
  const path = await writeDocsSite(join(project.targetDir, 'docs'), data);
  return { path, nodes: data.nodes.length, catalogPath, manifestPath: join(project.targetDir, 'manifest.json'), catalogEntries: Object.keys(parsed.nodes).length + Object.keys(parsed.sources).length };
}
