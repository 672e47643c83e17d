import { randomUUID } from 'node:crypto';
import { compileNode } from '../compile/index.js';
import { openSession, pluginTemplateGlobals } from '../execute/index.js';
import type { ResourceType } from '../manifest/types.js';
import { nullSink } from '../report/index.js';
import { inlineNode } from './inline-node.js';
import { ensureTargetWritable } from './target-dir.js';
import { defaultPlugins } from './plugins.js';
import { deferFor, invocationFor, loadProject, selectFor, writeGraphSummary, writeManifest, type CommonOptions, type LoadedProject } from './project.js';

export interface CompileOutcome {
  readonly compiled: ReadonlyMap<string, string>;
  /** `--inline`: the inline SQL, compiled (dbt prints it). */
  readonly inline?: string;
  /** When the selection is one model or analysis: its name and compiled SQL (dbt prints it). */
  readonly single?: { readonly name: string; readonly uniqueId: string; readonly sql: string };
}

/**
 * `bmp compile`: render every selected node to target/compiled (or, with `inlineSql`, only that
 * SQL). Opens the database read-only (when the file exists) for run_query and is_incremental();
 * never creates or changes a relation. The first node that fails to compile stops it (exit 2, as dbt).
 */
export async function compile(opts: CommonOptions & { readonly inlineSql?: string } = {}): Promise<CompileOutcome> {
  const invocation = invocationFor('compile', opts);
  const plugins = opts.plugins ?? defaultPlugins();
  const project = await loadProject({ ...opts, invocation, plugins });
  const types: ResourceType[] = ['model', 'test', 'snapshot', 'analysis'];
  const ids = opts.inlineSql !== undefined ? [] : selectFor(project, opts, types);
  ensureTargetWritable(project);
  const session = await openSession(project, invocation, 'read', { emit: opts.emit ?? nullSink, threads: 1, extraGlobals: pluginTemplateGlobals(plugins, 'run', { cfg: project.cfg, invocation }), selected: ids, defer: deferFor(project, opts, ids) });
  let inline: string | undefined;
  try {
    if (opts.inlineSql !== undefined) inline = (await compileNode(inlineNode(project, opts.inlineSql), session.compileEnv(session.conns[0]))).compiledSql;
    for (const id of ids) {
      const node = project.manifest.nodes.get(id)!;
      await session.compile(node, session.conns[0]);
    }
    await writeManifest(project, session.invocationId, session.compiledSql, session.runStartedAt);
    await writeGraphSummary(project, session.invocationId);
  } finally {
    await session.close();
  }
  return { compiled: session.compiledSql, inline, single: singleNode(project, ids, session.compiledSql) };
}

function singleNode(project: LoadedProject, ids: readonly string[], compiled: ReadonlyMap<string, string>): CompileOutcome['single'] {
  const shown = ids.map((id) => project.manifest.nodes.get(id)!).filter((n) => n.resourceType === 'model' || n.resourceType === 'analysis');
  if (shown.length !== 1) return undefined;
  const n = shown[0]!;
  return { name: n.name, uniqueId: n.uniqueId, sql: compiled.get(n.uniqueId) ?? '' };
}

/** `bmp parse`: load and parse the project (every error it can find without the database) and write target/manifest.json. */
export async function parse(opts: CommonOptions = {}): Promise<{ readonly manifestPath: string; readonly nodes: number }> {
  const project = await loadProject(opts);
  await writeManifest(project, opts.invocationId ?? randomUUID(), undefined, new Date().toISOString());
  return { manifestPath: `${project.targetDir}/manifest.json`, nodes: project.manifest.nodes.size + project.manifest.sources.size };
}
