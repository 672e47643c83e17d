import { relationSql } from '../adapters/duckdb/index.js';
import { compileNode } from '../compile/index.js';
import { openSession, pluginTemplateGlobals } from '../execute/index.js';
import { SqlError, UsageError } from '../errors.js';
import { inlineNode } from './inline-node.js';
import { nullSink } from '../report/index.js';
import { defaultPlugins } from './plugins.js';
import { invocationFor, loadProject, selectFor, type CommonOptions } from './project.js';

export interface ShowResult {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly Record<string, unknown>[];
  readonly sql: string;
  /** The node shown (its name); none for --inline. */
  readonly node?: string;
}

/**
 * `bmp show`: run a model's compiled SQL (or `--inline` SQL, which may use ref/source) and return
 * the first `limit` rows. Read-only: the model's SQL runs as a query, nothing is materialized.
 */
export async function show(opts: CommonOptions & { readonly inline?: string; readonly limit?: number } = {}): Promise<ShowResult> {
  const invocation = invocationFor('show', opts);
  const plugins = opts.plugins ?? defaultPlugins();
  const project = await loadProject({ ...opts, invocation, plugins });
  const session = await openSession(project, invocation, 'read', { emit: opts.emit ?? nullSink, threads: 1, extraGlobals: pluginTemplateGlobals(plugins, 'run', { cfg: project.cfg, invocation }) });
  try {
    let sql: string;
    let shownId = `sql_operation.${project.manifest.projectName}.inline`;
    let label: string | undefined;
    if (opts.inline) {
      sql = (await compileNode(inlineNode(project, opts.inline), session.compileEnv(session.conns[0]))).compiledSql;
    } else {
      const ids = selectFor(project, { ...opts, indirectSelection: 'empty' }, ['model', 'seed', 'snapshot', 'test', 'analysis']);
      if (ids.length !== 1) throw new UsageError('BMP_SHOW_SELECTION', `show needs exactly one node (-s model) or --inline, the selection matched ${ids.length}`);
      const node = project.manifest.nodes.get(ids[0]!)!;
      shownId = node.uniqueId;
      label = node.name;
      if (node.resourceType === 'seed') sql = `select * from ${relationSql(node.relation!)}`;
      else sql = (await session.compile(node, session.conns[0])).compiledSql;
    }
    const conn = session.conns[0];
    if (!conn) throw new UsageError('BMP_SHOW_NO_DATABASE', `the database ${project.cfg.target.path} does not exist yet; run bmp build first`);
    const limit = opts.limit ?? 5;
    let result: Awaited<ReturnType<typeof conn.query>>;
    try {
      result = await conn.query(limit >= 0 ? `select * from (\n${sql}\n) as bmp_show limit ${Math.floor(limit)}` : sql);
    } catch (err) {
      // DuckDB rejected the SQL: a failure of what was shown (exit 1), not an internal error
      const [summary, ...details] = String((err as Error).message ?? err).split('\n');
      throw new SqlError('BMP_SQL_ERROR', summary!.trim(), { nodeId: shownId }, details.join('\n'));
    }
    return { columns: result.columns, rows: result.rows, sql, node: label };
  } finally {
    await session.close();
  }
}

