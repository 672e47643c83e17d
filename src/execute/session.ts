import { join, normalize } from 'node:path';
import { Catalog, Database, DuckDbTemplateDatabase, firstLine, quoteIdent, type Connection } from '../adapters/duckdb/index.js';
import { compileNode, InvocationContext, renderInNodeContext, renderMaterialization, rendersTemplate, type CompiledNode, type CompileEnv, type ContextOutput, type DeferTo, type Invocation } from '../compile/index.js';
import type { LoadedConfig } from '../config/index.js';
import { BmpError } from '../errors.js';
import type { ProjectGraph } from '../graph/index.js';
import { analyzeStatic, type RegisteredMacro, type TemplateEngine } from '../jinja/index.js';
import { describeCsvError, MATERIALIZATIONS, materializationFor } from '../materializations/index.js';
import type { ExecutableNode, Manifest, SqlNode } from '../manifest/types.js';
import { relationName, sqlArtifactPath, type BmpEvent, type NodeResult, type NodeStatus, type NodeSummary } from '../report/index.js';
import type { BeforeMaterializeHook, NodeRunner, PluginRun } from './plugin.js';
import { SqlFileWriter } from './sql-files.js';

export interface SessionOptions {
  readonly cfg: LoadedConfig;
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly graph: ProjectGraph;
  readonly emit: (e: BmpEvent) => void;
  readonly fullRefresh?: boolean;
  /** Open the database read-only (compile, show, docs); a missing file means no database. */
  readonly readOnly?: boolean;
  readonly waitForLockSeconds?: number;
  /** The invocation: command, id, start time, typed flags (templates see it as `flags`, `invocation_id`). */
  readonly invocation: Invocation;
  /** The unique ids the command selected (`selected_resources`); default: `compileAhead`. */
  readonly selected?: readonly string[];
  /** Extra globals for templates (LLM macros). */
  readonly extraGlobals?: Readonly<Record<string, unknown>>;
  readonly threads?: number;
  /** Nodes this invocation will run: the static models among them compile while the database opens. */
  readonly compileAhead?: readonly string[];
  /** `--empty`: every model is built from empty inputs (see CompileEnv.empty). */
  readonly empty?: boolean;
  /** `--store-failures`: every data test stores its failing rows. */
  readonly storeFailures?: boolean;
  /** `--defer`: refs to nodes not built here read the state's relations (see CompileEnv.defer). */
  readonly defer?: DeferTo;
}

/** What a session is given before the database opens (see Session.compileAhead). */
interface AheadOfTime {
  readonly invocationId: string;
  readonly runStartedAt: string;
  /** The template context's invocation-wide members. */
  readonly context: InvocationContext;
  readonly ephemeralCache: Map<string, CompiledNode>;
  readonly compiled: Map<string, Promise<CompiledNode>>;
  /** Nodes the run has taken (compiled ahead or by itself): not compiled ahead any more. */
  readonly claimed: Set<string>;
  /** Set when the session closes or is interrupted: compiling ahead stops. */
  stopped: boolean;
}

/** How long one turn of compiling ahead may keep the main thread between two statements. */
const AHEAD_SLICE_MS = 0.5;
/** How long compiling ahead may take while DuckDB opens the database file. */
const AHEAD_FIRST_SLICE_MS = 5;

/**
 * One invocation against the database: the DuckDB instance, one connection per thread, the
 * catalog, and the compile environment.
 */
export class Session {
  readonly invocationId: string;
  readonly runStartedAt: string;
  readonly sqlFiles: SqlFileWriter;
  readonly compiledSql = new Map<string, string>();
  readonly ephemeralCache: Map<string, CompiledNode>;
  private interrupted = false;
  private checkpointFailure: string | undefined;
  private knownSchemas = new Set<string>();
  private readonly runners = new Map<string, NodeRunner>();
  private readonly beforeMaterializeHooks: BeforeMaterializeHook[] = [];
  private readonly teardowns: (() => Promise<void> | void)[] = [];
  private targetDirMemo: string | undefined;
  private relativeTargetDirMemo: string | undefined;
  private readonly compileEnvs = new Map<Connection | undefined, CompileEnv>();
  private readonly summaries = new Map<string, NodeSummary>();
  private readonly ahead: AheadOfTime;
  readonly context: InvocationContext;
  /** An in-memory database for templates' queries when there is no database file (compile, show). */
  private scratch: Promise<{ db: Database; conn: Connection }> | undefined;

  private constructor(
    readonly opts: SessionOptions,
    readonly db: Database | undefined,
    readonly conns: Connection[],
    readonly catalog: Catalog,
    ahead: AheadOfTime,
  ) {
    this.invocationId = ahead.invocationId;
    this.runStartedAt = ahead.runStartedAt;
    this.ephemeralCache = ahead.ephemeralCache;
    this.ahead = ahead;
    this.context = ahead.context;
    this.sqlFiles = new SqlFileWriter(!!opts.readOnly);
  }

  /**
   * Compiles the static models among `ids` (templates that only call literal ref/source/config/var:
   * their SQL depends on the project alone, not on the database) ahead of the run: what fits in a
   * few milliseconds while DuckDB opens the file, then one slice of half a millisecond per turn of
   * the event loop, which runs while the main thread waits for DuckDB's statement (so compiling a
   * large project no longer delays the first statement). The run takes each node from here; a node
   * it reaches before its turn it compiles itself, and that node is skipped here.
   */
  private static compileAhead(opts: SessionOptions, ahead: AheadOfTime): void {
    const env = Session.projectEnv(opts, ahead);
    const ids = opts.compileAhead ?? [];
    let k = 0;
    const compileOne = (id: string): void => {
      if (ahead.claimed.has(id)) return;
      const node = opts.manifest.nodes.get(id);
      if (!node || node.resourceType !== 'model' || !analyzeStatic(node.rawCode)) return;
      // an ephemeral input may need the database (run_query) to compile: leave those for later
      if (node.dependsOn.nodes.some((d) => opts.manifest.nodes.get(d)?.config.materialized === 'ephemeral')) return;
      const compiled = compileNode(node, env, ahead.ephemeralCache);
      compiled.catch(() => undefined); // a failure is raised again when the node compiles for real
      ahead.compiled.set(id, compiled);
    };
    const slice = (ms: number): void => {
      if (ahead.stopped) return;
      const until = performance.now() + ms;
      do compileOne(ids[k++]!);
      while (k < ids.length && performance.now() < until);
      if (k < ids.length) setImmediate(() => slice(AHEAD_SLICE_MS));
    };
    if (ids.length) slice(AHEAD_FIRST_SLICE_MS);
  }

  static async open(opts: SessionOptions): Promise<Session> {
    const { target } = opts.cfg;
    const threads = opts.threads ?? target.threads;
    const onStatement = (sql: string, connection: number) => opts.emit({ code: 'E001', type: 'sql', sql, connection });
    // relative file paths in SQL (read_csv('data/x.csv'), a user's memories file) resolve against
    // the project folder, like every other path bmp reads, never against the shell's folder
    const settings = { file_search_path: opts.cfg.project.projectDir, ...target.settings };
    const invocation = opts.invocation;
    const context = new InvocationContext(opts.cfg, opts.engine, invocation, opts.manifest, opts.selected ?? opts.compileAhead ?? []);
    const ahead: AheadOfTime = { invocationId: invocation.invocationId, runStartedAt: invocation.startedAt.toISOString(), context, ephemeralCache: new Map(), compiled: new Map(), claimed: new Set(), stopped: false };
    const whileOpening = () => Session.compileAhead(opts, ahead);
    let db: Database | undefined;
    const conns: Connection[] = [];
    let catalog: Catalog;
    try {
      if (opts.readOnly && target.path !== ':memory:') {
        const { existsSync } = await import('node:fs');
        if (existsSync(target.path)) db = await Database.open({ path: target.path, readOnly: true, settings, onStatement, waitForLockSeconds: opts.waitForLockSeconds, whileOpening });
      } else {
        db = await Database.open({ path: target.path, settings, onStatement, waitForLockSeconds: opts.waitForLockSeconds, whileOpening });
      }
      if (db) for (let i = 0; i < Math.max(1, threads); i++) conns.push(await db.connect());
      catalog = conns[0] ? await Catalog.read(conns[0]) : new Catalog();
    } catch (err) {
      ahead.stopped = true; // no run will take what is compiled ahead
      throw err;
    }
    const session = new Session(opts, db, conns, catalog, ahead);
    if (conns[0]) {
      const schemas = await conns[0].rows<{ schema_name: string }>('select schema_name from duckdb_schemas()');
      session.knownSchemas = new Set(schemas.map((s) => s.schema_name.toLowerCase()));
    }
    return session;
  }

  get cfg(): LoadedConfig {
    return this.opts.cfg;
  }

  /** The environment every compile of this invocation shares. */
  compileEnv(conn?: Connection): CompileEnv {
    let env = this.compileEnvs.get(conn);
    if (!env) this.compileEnvs.set(conn, (env = this.makeCompileEnv(conn)));
    return env;
  }

  private makeCompileEnv(conn?: Connection): CompileEnv {
    const base = Session.projectEnv(this.opts, this);
    const connection = conn ? async () => conn : () => this.scratchConnection();
    return { ...base, catalog: this.catalog, context: { ...base.context, database: new DuckDbTemplateDatabase(connection, this.catalog) } };
  }

  /** A connection to an in-memory database, opened the first time a template queries without a database file. */
  private async scratchConnection(): Promise<Connection> {
    this.scratch ??= (async () => {
      const db = await Database.open({ path: ':memory:' });
      return { db, conn: await db.connect() };
    })();
    return (await this.scratch).conn;
  }

  /** The part of the compile environment that needs no database (what {@link compileAhead} has). */
  private static projectEnv(opts: SessionOptions, ahead: Pick<AheadOfTime, 'context'>): CompileEnv {
    return {
      cfg: opts.cfg,
      manifest: opts.manifest,
      engine: opts.engine,
      context: { shared: ahead.context, extraGlobals: opts.extraGlobals },
      fullRefresh: !!opts.fullRefresh,
      output: (nodeId) => templateOutput(opts.emit, nodeId),
      empty: !!opts.empty,
      defer: opts.defer,
    };
  }

  /** Installs what a plugin's setup returned, for this session only (runners, the before-materialize step, teardown). */
  use(run: PluginRun): void {
    for (const [type, runner] of Object.entries(run.runners ?? {})) if (runner) this.runners.set(type, runner);
    if (run.beforeMaterialize) this.beforeMaterializeHooks.push(run.beforeMaterialize);
    if (run.teardown) this.teardowns.push(() => run.teardown?.());
  }

  /** Runs the teardown of every plugin run installed with {@link use}, in order. */
  async teardownPlugins(): Promise<void> {
    for (const t of this.teardowns.splice(0)) await t();
  }

  /** Runs the before-materialize hooks; their figures, merged. */
  async beforeMaterialize(compiled: CompiledNode, conn: Connection): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const hook of this.beforeMaterializeHooks) Object.assign(out, await hook(compiled, conn));
    return out;
  }

  async compile(node: ExecutableNode, conn?: Connection): Promise<CompiledNode> {
    const ahead = this.ahead.compiled.get(node.uniqueId);
    this.ahead.compiled.delete(node.uniqueId);
    this.ahead.claimed.add(node.uniqueId);
    let compiled = ahead && (await ahead.catch(() => undefined));
    if (!compiled) {
      if (conn && rendersTemplate(node, this.opts.engine)) await this.refreshStale(conn, node);
      compiled = await compileNode(node, this.compileEnv(conn), this.ephemeralCache);
    }
    if (compiled.compiledSql) {
      this.compiledSql.set(node.uniqueId, compiled.compiledSql);
      this.sqlFiles.write(sqlArtifactPath(this.targetDir, 'compiled', this.opts.manifest.projectName, node), compiled.compiledSql);
    }
    return compiled;
  }

  /** The target folder, absolute and normalized (artifact paths are concatenated onto it). */
  get targetDir(): string {
    return (this.targetDirMemo ??= join(this.cfg.project.projectDir, this.cfg.project.targetPath));
  }

  /** The target folder as configured, normalized, for the paths artifacts record (`target/compiled/...`). */
  private get relativeTargetDir(): string {
    return (this.relativeTargetDirMemo ??= normalize(this.cfg.project.targetPath).replace(/[\\/]+$/, ''));
  }

  /** Reads back columns of relations built earlier in this run, before a template may ask for them. */
  private async refreshStale(conn: Connection, node: ExecutableNode): Promise<void> {
    const ids = [...('dependsOn' in node ? node.dependsOn.nodes : []), node.uniqueId];
    for (const id of ids) {
      const rel = (this.opts.manifest.nodes.get(id) ?? this.opts.manifest.sources.get(id))?.relation;
      if (rel && this.catalog.get(rel.schema, rel.identifier)?.columnsStale) await this.catalog.refresh(conn, rel.schema, rel.identifier);
    }
  }

  async ensureSchemas(schemas: Iterable<string>): Promise<void> {
    const conn = this.conns[0];
    if (!conn) return;
    for (const s of schemas) {
      if (this.knownSchemas.has(s.toLowerCase())) continue;
      await conn.run(`create schema if not exists ${quoteIdent(s)}`);
      this.knownSchemas.add(s.toLowerCase());
    }
  }

  /** Runs one node on `conn`, turning every failure into an error result (never throws for node errors). */
  async runNode(node: ExecutableNode, conn: Connection, worker: number): Promise<NodeResult> {
    return (await this.runNodeSettled(node, conn, worker)).result();
  }

  /**
   * Runs one node and answers as soon as its status is known; the full result (timings, paths, the
   * runner's follow-up work such as writing target/run) is made by `result()`, which the run task
   * calls after the node's children have started: between two statements of a chain only what
   * decides the next one runs.
   */
  async runNodeSettled(node: ExecutableNode, conn: Connection, worker: number): Promise<{ readonly status: NodeStatus; result(): NodeResult }> {
    const t0 = Date.now();
    const commitsBefore = conn.commits;
    let status: NodeStatus;
    let message = '';
    let extra: Awaited<ReturnType<NodeRunner>> | undefined;
    try {
      const runner = this.runners.get(node.resourceType) ?? this.defaultRunner(node);
      extra = await runner(this, node, conn);
      status = extra.status; // the rest of what the runner returned is read in result()
    } catch (err) {
      if (this.interrupted) {
        ({ status, message } = interruptedOutcome(err, conn.commits > commitsBefore));
      } else if (err instanceof BmpError) {
        status = 'error';
        message = `${err.message}${err.hint ? ` (${err.hint})` : ''}`;
        // the chain of macro calls (or DuckDB's details) under the message, as the CLI prints them
        if (err.details) message = withIndentedDetails(`${message}\n${err.details}`);
      } else {
        status = 'error';
        const msg = (err as Error).message ?? String(err);
        message = node.resourceType === 'seed' ? describeCsvError(msg) : withIndentedDetails(msg);
        if (this.opts.invocation.options.debug) message += `\n${(err as Error).stack}`;
      }
    }
    const t1 = Date.now();
    let made: NodeResult | undefined;
    const result = (): NodeResult => {
      if (made) return made;
      extra?.afterward?.();
      const started = new Date(t0).toISOString();
      const finished = new Date(t1).toISOString();
      const compiledAt = extra?.compiledAt !== undefined ? new Date(extra.compiledAt).toISOString() : finished;
      const compiledPath = this.compiledSql.has(node.uniqueId) ? sqlArtifactPath(this.relativeTargetDir, 'compiled', this.opts.manifest.projectName, node) : undefined;
      return (made = {
        uniqueId: node.uniqueId,
        status,
        message: extra ? extra.message : message,
        rowsAffected: extra?.rowsAffected,
        failures: extra?.failures,
        executionTime: (t1 - t0) / 1000,
        timing: [
          { name: 'compile', startedAt: started, completedAt: compiledAt },
          { name: 'execute', startedAt: compiledAt, completedAt: finished },
        ],
        threadId: `Thread-${worker + 1}`,
        compiledPath,
        compiledCode: this.compiledSql.get(node.uniqueId),
        relationName: node.relation ? relationName(node.relation) : undefined,
        adapterResponse: extra?.adapterResponse ?? {},
      });
    };
    return { status, result };
  }

  private defaultRunner(node: ExecutableNode): NodeRunner {
    if (node.resourceType === 'test' || node.resourceType === 'unit_test') {
      return async () => {
        throw new BmpError('BMP_NO_RUNNER', `no runner for ${node.resourceType === 'test' ? 'data tests' : 'unit tests'}: the testing plugin is not among the invocation's plugins`, { nodeId: node.uniqueId }, 'pass plugins: defaultPlugins() (or a list that includes testingPlugin())');
      };
    }
    return runRelation;
  }

  /** What events say about a node (made once per node: each run reports it twice). */
  summary(node: ExecutableNode): NodeSummary {
    let s = this.summaries.get(node.uniqueId);
    if (!s) this.summaries.set(node.uniqueId, (s = this.makeSummary(node)));
    return s;
  }

  private makeSummary(node: ExecutableNode): NodeSummary {
    const rel = node.relation;
    return {
      uniqueId: node.uniqueId,
      name: node.name,
      resourceType: node.resourceType,
      materialized: String(node.config.materialized),
      relation: rel ? `${rel.schema}.${rel.identifier}` : undefined,
      path: node.path,
      meta: node.meta,
      relationParts: rel,
      relationName: rel ? relationName(rel) : undefined,
      attachedNode: 'attachedNode' in node ? node.attachedNode : undefined,
    };
  }

  interrupt(): void {
    this.interrupted = true;
    this.ahead.stopped = true;
    this.db?.interruptAll();
  }

  get isInterrupted(): boolean {
    return this.interrupted;
  }

  /** Why the checkpoint of {@link checkpointDuring} failed (a full disk), if it did. */
  get checkpointError(): string | undefined {
    return this.checkpointFailure;
  }

  /**
   * Runs `work` (writing artifacts) while DuckDB checkpoints on one of its own threads, so the
   * checkpoint that closing would do on this thread overlaps bmp's last writes instead of following
   * them. Best effort: when the checkpoint cannot run now, closing does it.
   */
  async checkpointDuring(work: () => Promise<void>): Promise<void> {
    const conn = this.conns[0];
    const checkpoint = conn && !this.opts.readOnly && !this.interrupted
      ? conn.run('checkpoint').catch((err: Error) => {
          this.checkpointFailure = firstLine(err.message ?? String(err));
          return 0;
        })
      : undefined;
    try {
      await work();
      // and target/compiled + target/run are written here meanwhile (this thread would only wait)
      if (checkpoint) this.sqlFiles.writeNow();
    } finally {
      await checkpoint;
    }
  }

  async close(): Promise<void> {
    this.ahead.stopped = true;
    // what is left of target/ goes to the writer thread while DuckDB closes (checkpoints) on this one
    const written = this.sqlFiles.flush();
    try {
      if (this.scratch) (await this.scratch.catch(() => undefined))?.db.close();
      this.db?.close();
    } finally {
      try {
        await written;
      } finally {
        await this.sqlFiles.close();
      }
    }
  }
}

/**
 * DuckDB's whole message, its first line the summary and the rest (`LINE n` with its caret,
 * candidate bindings, "did you mean") indented under it, blank lines dropped: printed under the
 * node's error as it is, kept so in run_results.json.
 */
function withIndentedDetails(message: string): string {
  const [summary, ...details] = message.trim().split('\n');
  return [summary!.trim(), ...details.filter((l) => l.trim()).map((l) => `    ${l.trimEnd()}`)].join('\n');
}

/**
 * What a node cut short by Ctrl-C reports: a materialization that knows what it kept says so
 * (BMP_INTERRUPTED: microbatches committed so far); work that committed before the interrupt
 * stopped something after it (an index being created again) is a success that says what is left;
 * anything else was rolled back.
 */
function interruptedOutcome(err: unknown, committed: boolean): { status: NodeStatus; message: string } {
  if (err instanceof BmpError && err.code === 'BMP_INTERRUPTED') return { status: 'error', message: err.message };
  if (committed) return { status: 'success', message: `committed before the interrupt; ${err instanceof BmpError ? err.message : `then interrupted: ${firstLine((err as Error).message ?? String(err))}`}` };
  return { status: 'error', message: 'interrupted; its changes were rolled back' };
}

/** Template output (log, print, exceptions.warn) as events. */
function templateOutput(emit: (e: BmpEvent) => void, nodeId: string | undefined): ContextOutput {
  return {
    log: (message, info) => emit({ code: 'Q004', type: 'log', message, info, nodeId }),
    // dbt's PrintEvent: shown under --quiet, dropped by --no-print
    print: (message) => emit({ code: 'Q004', type: 'log', message, info: true, nodeId, print: true }),
    warn: (message) => emit({ code: 'A001', type: 'warning', message, name: 'JinjaLogWarning' }),
  };
}

/** Models, seeds and snapshots: compile, hooks, materialize, remember the relation. */
export const runRelation: NodeRunner = async (session, node, conn) => {
  const compiled = await session.compile(node, conn);
  const compiledAt = Date.now();
  const cfg = compiled.config;
  if (cfg.materialized === 'ephemeral') return { status: 'success', message: 'OK (ephemeral)', adapterResponse: {}, compiled };
  const prepared = await session.beforeMaterialize(compiled, conn);
  const rel = node.relation!;
  const env = session.compileEnv(conn);
  const preHooks = cfg.pre_hook.length ? await Promise.all(cfg.pre_hook.map((h) => renderInNodeContext(node, h, env))) : [];
  const postHooks = cfg.post_hook.length ? await Promise.all(cfg.post_hook.map((h) => renderInNodeContext(node, h, env))) : [];
  // a materialization written in Jinja by the project (any name) or a package (a new name)
  const custom = jinjaMaterializationOf(session, String(cfg.materialized));
  if (custom && 'rawCode' in node) return runJinjaMaterialization(session, node, compiled, custom, conn, { pre: preHooks, post: postHooks }, prepared, compiledAt);
  const materialize = materializationFor(String(cfg.materialized), node.uniqueId);
  const existing = session.catalog.get(rel.schema, rel.identifier);
  const existingFresh = existing?.columnsStale ? await session.catalog.refresh(conn, rel.schema, rel.identifier) : existing;
  const { result, statements } = await conn.recording(() => materialize({
    compiled,
    relation: rel,
    existing: existingFresh,
    conn,
    catalog: session.catalog,
    fullRefresh: !!session.opts.fullRefresh,
    preHooks,
    postHooks,
    projectDir: session.cfg.project.projectDir,
    stateSchema: '_bmp',
    columnsOf: async (sql) => (await conn.query(`describe ${sql}`)).rows.map((r, i) => ({ name: String(r['column_name']), type: String(r['column_type']), index: i })),
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
  // target/run/ holds what ran (the DDL/DML), as in dbt
  const afterward = () => session.sqlFiles.write(sqlArtifactPath(session.targetDir, 'run', session.opts.manifest.projectName, node), statements.filter((x) => !/^(begin|commit|rollback)/i.test(x)).join(';\n\n') + ';');
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
  const afterward = () => session.sqlFiles.write(sqlArtifactPath(session.targetDir, 'run', session.opts.manifest.projectName, node), statements.filter((x) => !/^(begin|commit|rollback)/i.test(x)).join(';\n\n') + ';');
  const name = String(compiled.config.materialized);
  return { status: 'success', message: `OK (${name})`, adapterResponse: { _message: `OK (${name})`, code: name, ...prepared }, compiled, compiledAt, afterward };
}
