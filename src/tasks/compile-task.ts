import { pluginTemplateGlobals, Session } from '../execute/index.js';
import type { ResourceType } from '../manifest/types.js';
import { nullSink } from '../report/index.js';
import { ensureTargetWritable } from './target-dir.js';
import { defaultPlugins } from './plugins.js';
import { invocationFor, loadProject, selectFor, writeManifest, type CommonOptions } from './project.js';

export interface CompileOutcome {
  readonly compiled: ReadonlyMap<string, string>;
  readonly errors: readonly { uniqueId: string; message: string }[];
}

/**
 * `bmp compile`: render every selected node to target/compiled. Opens the database read-only (when
 * the file exists) for run_query and is_incremental(); never creates or changes a relation.
 */
export async function compile(opts: CommonOptions & { readonly inlineSql?: string } = {}): Promise<CompileOutcome> {
  const invocation = invocationFor('compile', opts);
  const plugins = opts.plugins ?? defaultPlugins();
  const project = await loadProject({ ...opts, invocation, plugins });
  const types: ResourceType[] = ['model', 'test', 'snapshot', 'analysis'];
  const ids = selectFor(project, opts, types);
  ensureTargetWritable(project);
  const session = await Session.open({ cfg: project.cfg, manifest: project.manifest, engine: project.engine, graph: project.graph, emit: opts.emit ?? nullSink, readOnly: true, threads: 1, extraGlobals: pluginTemplateGlobals(plugins, 'run', { cfg: project.cfg, invocation }), invocation, selected: ids });
  const errors: { uniqueId: string; message: string }[] = [];
  try {
    for (const id of ids) {
      const node = project.manifest.nodes.get(id)!;
      await session.compile(node, session.conns[0]);
    }
    await writeManifest(project, session.invocationId, session.compiledSql, session.runStartedAt);
  } finally {
    await session.close();
  }
  return { compiled: session.compiledSql, errors };
}
