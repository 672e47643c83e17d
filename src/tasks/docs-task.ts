import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDocsData, runResultsFromJson, writeDocsSite, type CatalogColumn } from '../docs/index.js';
import { Session } from '../execute/index.js';
import { edgeMaps } from '../graph/index.js';
import { nullSink } from '../report/index.js';
import './plugins.js';
import { loadProject, type CommonOptions } from './project.js';
import { pluginGlobals } from './run-task.js';

/**
 * `bmp docs generate`: compile every node, read column types from the database (read-only, when it
 * exists) and the last run_results, and write target/docs/index.html with everything inlined.
 */
export async function generateDocs(opts: CommonOptions = {}): Promise<{ path: string; nodes: number }> {
  const project = await loadProject(opts);
  const session = await Session.open({ cfg: project.cfg, manifest: project.manifest, engine: project.engine, graph: project.graph, emit: opts.emit ?? nullSink, readOnly: true, threads: 1, extraGlobals: pluginGlobals(project, opts), flags: { command: 'docs' } });
  const compiled = new Map<string, string>();
  const catalog = new Map<string, CatalogColumn[]>();
  try {
    for (const node of project.manifest.nodes.values()) {
      if (node.resourceType === 'seed' || node.resourceType === 'unit_test') continue;
      try {
        compiled.set(node.uniqueId, (await session.compile(node, session.conns[0])).compiledSql);
      } catch {
        // a node that does not compile yet still gets its page, with its raw SQL
      }
    }
    for (const rel of session.catalog.all()) {
      catalog.set(`${rel.schema}.${rel.identifier}`.toLowerCase(), rel.columns.map((c) => ({ name: c.name, type: c.type })));
    }
  } finally {
    await session.close();
  }
  const resultsPath = join(project.targetDir, 'run_results.json');
  const runResults = existsSync(resultsPath) ? runResultsFromJson(JSON.parse(readFileSync(resultsPath, 'utf8'))) : undefined;
  const { parents } = edgeMaps(project.graph);
  const data = buildDocsData(project.manifest, { catalog, compiled, runResults, parents });
  const path = await writeDocsSite(join(project.targetDir, 'docs'), data);
  return { path, nodes: data.nodes.length };
}
