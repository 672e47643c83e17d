/**
 * The runner of models, seeds and snapshots: compile, render hooks, run the materialization (bmp's
 * own or one written in Jinja by the project or a package), remember the relation as built.
 */
import type { Connection } from '../adapters/duckdb/index.js';
import { compileNode, renderInNodeContext, renderMaterialization, type CompiledNode } from '../compile/index.js';
import type { RegisteredMacro } from '../jinja/index.js';
import { MATERIALIZATIONS, materializationFor } from '../materializations/index.js';
import type { SqlNode } from '../manifest/types.js';
import type { NodeRunner } from './plugin.js';
import { enforceContract, enforcesContract } from './contract.js';
import { persistDocs } from './persist-docs.js';
import type { Session } from './session.js';

/** Models, seeds and snapshots: compile, hooks, materialize, remember the relation. */
export const runRelation: NodeRunner = async (session, node, conn) => {
  const soon = session.compileSoon(node, conn);
  const compiled = soon instanceof Promise ? await soon : soon;
  const compiledAt = Date.now();
  const cfg = compiled.config;
  if (cfg.materialized === 'ephemeral') return { status: 'success', message: 'OK (ephemeral)', adapterResponse: {}, compiled };
  const before = session.beforeMaterialize(compiled, conn);
  // (a promise only when a hook had work to wait for)
  const prepared = before instanceof Promise ? await before : before;
  const rel = node.relation!;
  const env = session.compileEnv(conn);
  const preHooks = cfg.pre_hook.length ? await Promise.all(cfg.pre_hook.map((h) => renderInNodeContext(node, h, env))) : [];
  const postHooks = cfg.post_hook.length ? await Promise.all(cfg.post_hook.map((h) => renderInNodeContext(node, h, env))) : [];
  // a materialization written in Jinja by the project (any name) or a package (a new name)
  const custom = session.jinjaMaterialization(String(cfg.materialized));
  if (custom && 'rawCode' in node) return runJinjaMaterialization(session, node, compiled, custom, conn, { pre: preHooks, post: postHooks }, prepared, compiledAt);
  // sql_header (config or set_sql_header): run just before the node's own statements, on its
  // connection, as dbt-duckdb puts it in front of them (a SET, a temporary macro, ...)
  if (typeof cfg.sql_header === 'string' && cfg.sql_header.trim()) preHooks.push(cfg.sql_header);
  // an enforced contract: the SQL's columns checked before anything is built, the constraints on
  // the built relation inside its transaction
  if ('rawCode' in node && enforcesContract(node)) postHooks.push(...(await enforceContract(conn, node, compiled.compiledSql, rel, cfg.pre_hook.length > 0)));
  const materialize = materializationFor(String(cfg.materialized), node.uniqueId);
  const existing = session.catalog.get(rel.schema, rel.identifier);
  const existingFresh = existing?.columnsStale ? await session.catalog.refresh(conn, rel.schema, rel.identifier) : existing;
  const { result, statements } = await conn.recording(() => materialize({
    compiled,
    relation: rel,
    existing: existingFresh,
    adapter: conn.adapter,
    catalog: session.catalog,
    fullRefresh: !!session.opts.fullRefresh,
    preHooks,
    postHooks,
    projectDir: session.cfg.project.projectDir,
    stateSchema: '_bmp',
    runStartedAt: session.runStartedAt,
    invocationId: session.invocationId,
    eventTimeStart: session.opts.invocation.options.eventTimeStart,
    eventTimeEnd: session.opts.invocation.options.eventTimeEnd,
    externalRoot: session.cfg.target.externalRoot,
    // microbatch: inputs with event_time filtered to the window; ephemerals compiled afresh per window
    compileForWindow: async (window, batchId) => (await compileNode(node, { ...session.compileEnv(conn), eventTimeWindow: { ...window, id: batchId } }, new Map())).compiledSql,
    isCancelled: () => session.isInterrupted,
    log: (message) => session.opts.emit({ code: 'Q004', type: 'log', message: `${node.name}: ${message}`, info: true, nodeId: node.uniqueId }),
  }));
  const kind = result.kind ?? (cfg.materialized === 'view' ? 'view' : 'table');
  session.catalog.markBuilt(rel.database, rel.schema, rel.identifier, kind);
  // descriptions as comments, once the relation is there (dbt-duckdb's persist_docs)
  if (cfg['persist_docs']) await persistDocs(session, conn, node, rel, kind === 'view' ? 'view' : 'table');
  // target/run/ holds what ran (the DDL/DML), as in dbt
  const afterward = () => session.artifacts.ran(node, statements);
  // message and row count are read when the result is made (a table reads its count from DuckDB's
  // result then, off the path to the next statement)
  return {
    status: 'success',
    get message() {
      return result.message;
    },
    get rowsAffected() {
      return result.rowsAffected;
    },
    get adapterResponse() {
      return { _message: result.message, code: kind, ...prepared };
    },
    compiled,
    compiledAt,
    afterward,
  };
};

/** The `{% materialization %}` macro a node's `materialized` names, if the project or a package defines one. */
export function jinjaMaterializationOf(session: Pick<Session, 'opts'>, name: string): RegisteredMacro | undefined {
  return session.opts.engine.registry.findMaterialization(name, name in MATERIALIZATIONS);
}

/**
 * A model built by a materialization written in Jinja: its statements run in one transaction (so a
 * failure leaves what was there), the relations it returns are remembered as built.
 */
async function runJinjaMaterialization(
  session: Session,
  node: SqlNode,
  compiled: CompiledNode,
  macro: RegisteredMacro,
  conn: Connection,
  hooks: { readonly pre: readonly string[]; readonly post: readonly string[] },
  prepared: Record<string, unknown>,
  compiledAt: number,
): Promise<Awaited<ReturnType<NodeRunner>>> {
  const env = session.compileEnv(conn);
  const { result, statements } = await conn.recording(() => conn.transaction(() => renderMaterialization(node, compiled.compiledSql, macro, env, hooks)));
  for (const r of result.relations) session.catalog.markBuilt(r.database, r.schema, r.identifier, r.type === 'view' ? 'view' : 'table');
  const afterward = () => session.artifacts.ran(node, statements);
  const name = String(compiled.config.materialized);
  return { status: 'success', message: `OK (${name})`, adapterResponse: { _message: `OK (${name})`, code: name, ...prepared }, compiled, compiledAt, afterward };
}
