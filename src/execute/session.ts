/**
 * One invocation against the database, made of three parts with one job each: the
 * {@link Warehouse} (DuckDB, connections, catalog, interruption), the {@link Compiler} (template
 * context, compile environments, caches) and the {@link ArtifactWriter} (target/compiled,
 * target/run). The session itself runs nodes: the runner table plugins fill, the
 * before-materialize steps, a node's result. Open one with {@link openSession}.
 */
import { firstLine, type Catalog, type Connection, type Database } from '../adapters/duckdb/index.js';
import type { CompiledNode, CompileEnv, DeferTo, Invocation, InvocationContext } from '../compile/index.js';
import type { LoadedConfig } from '../config/index.js';
import { BmpError } from '../errors.js';
import type { ProjectGraph } from '../graph/index.js';
import type { RegisteredMacro, TemplateEngine } from '../jinja/index.js';
import { describeCsvError } from '../materializations/index.js';
import type { ExecutableNode, Manifest } from '../manifest/types.js';
import { inPackage, relationName, type BmpEvent, type NodeResult, type NodeStatus, type NodeSummary } from '../report/index.js';
import { ArtifactWriter } from './artifact-writer.js';
import { Compiler } from './compiler.js';
import type { BeforeMaterializeHook, NodeRunner, PluginRun } from './plugin.js';
import { jinjaMaterializationOf, runRelation } from './run-relation.js';
import type { SqlFileWriter } from './sql-files.js';
import { Warehouse, type EarlyWarehouse, type WarehouseMode } from './warehouse.js';

/** What a session needs of a loaded project (tasks' LoadedProject has it). */
export interface SessionProject {
  readonly cfg: LoadedConfig;
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly graph: ProjectGraph;
}

export interface SessionOptions {
  readonly emit: (e: BmpEvent) => void;
  readonly fullRefresh?: boolean;
  readonly waitForLockSeconds?: number;
  /** The unique ids the command selected (`selected_resources`); default: `compileAhead`. */
  readonly selected?: readonly string[];
  /** Extra globals for templates (what plugins add, e.g. `llm_generate`). */
  readonly extraGlobals?: Readonly<Record<string, unknown>>;
  /** Connections (default: the target's threads). */
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

/** What a session was opened with (plugins and runners read it). */
export interface OpenedSession extends SessionProject, SessionOptions {
  readonly invocation: Invocation;
  readonly mode: WarehouseMode;
}

/**
 * Opens `project`'s database for `invocation`: `read` for commands that only look (compile, show,
 * docs, partitions; a missing database file means none), `write` for those that build. The static
 * models among `compileAhead` compile while DuckDB opens the file. `early`: the database already
 * opening for this invocation ({@link Warehouse.openEarly}, started while the project loaded).
 */
export async function openSession(project: SessionProject, invocation: Invocation, mode: WarehouseMode, o: SessionOptions, early?: EarlyWarehouse): Promise<Session> {
  const opts: OpenedSession = { ...o, cfg: project.cfg, manifest: project.manifest, engine: project.engine, graph: project.graph, invocation, mode };
  const compiler = new Compiler({ cfg: opts.cfg, manifest: opts.manifest, engine: opts.engine, invocation, emit: opts.emit, fullRefresh: opts.fullRefresh, selected: opts.selected ?? opts.compileAhead ?? [], extraGlobals: opts.extraGlobals, empty: opts.empty, defer: opts.defer });
  let warehouse: Warehouse;
  try {
    if (early) {
      compiler.compileAhead(opts.compileAhead ?? []);
      warehouse = await early.warehouse;
    } else {
      warehouse = await Warehouse.open(opts.cfg.target, mode, {
        threads: opts.threads ?? opts.cfg.target.threads,
        emit: opts.emit,
        projectDir: opts.cfg.project.projectDir,
        waitForLockSeconds: opts.waitForLockSeconds,
        whileOpening: () => compiler.compileAhead(opts.compileAhead ?? []),
      });
    }
  } catch (err) {
    compiler.stop(); // no run will take what is compiled ahead
    throw err;
  }
  compiler.useCatalog(warehouse.catalog);
  // a command that only reads has a core free to write target/ as files come
  const artifacts = new ArtifactWriter(opts.cfg.project.projectDir, opts.cfg.project.targetPath, opts.manifest.projectName, mode === 'read');
  return new Session(opts, warehouse, compiler, artifacts);
}

export class Session {
  private readonly runners = new Map<string, NodeRunner>();
  private readonly beforeMaterializeHooks: BeforeMaterializeHook[] = [];
  private readonly teardowns: (() => Promise<void> | void)[] = [];
  private readonly waitChecks: ((id: string) => boolean)[] = [];
  private readonly summaries = new Map<string, NodeSummary>();
  /** The `{% materialization %}` macro each `materialized` name found (or not), asked once per name. */
  private readonly jinjaMaterializations = new Map<string, RegisteredMacro | undefined>();

  constructor(
    readonly opts: OpenedSession,
    readonly warehouse: Warehouse,
    readonly compiler: Compiler,
    readonly artifacts: ArtifactWriter,
  ) {}

  get cfg(): LoadedConfig {
    return this.opts.cfg;
  }
  get db(): Database | undefined {
    return this.warehouse.db;
  }
  get conns(): readonly Connection[] {
    return this.warehouse.conns;
  }
  get catalog(): Catalog {
    return this.warehouse.catalog;
  }
  get invocationId(): string {
    return this.compiler.invocationId;
  }
  get runStartedAt(): string {
    return this.compiler.runStartedAt;
  }
  get context(): InvocationContext {
    return this.compiler.context;
  }
  get ephemeralCache(): Map<string, CompiledNode> {
    return this.compiler.ephemeralCache;
  }
  get sqlFiles(): SqlFileWriter {
    return this.artifacts.files;
  }
  get compiledSql(): ReadonlyMap<string, string> {
    return this.artifacts.compiledSql;
  }
  /** The target folder, absolute and normalized. */
  get targetDir(): string {
    return this.artifacts.targetDir;
  }

  /** The environment every compile on `conn` shares. */
  compileEnv(conn?: Connection): CompileEnv {
    return this.compiler.env(conn);
  }

  /** Compiles a node and writes its SQL to target/compiled. */
  async compile(node: ExecutableNode, conn?: Connection): Promise<CompiledNode> {
    const compiled = await this.compiler.compile(node, conn);
    if (compiled.compiledSql) this.artifacts.compiled(node, compiled.compiledSql);
    return compiled;
  }

  /**
   * {@link compile}, answering at once (not a promise) when the node was compiled ahead and that
   * compile has finished: a chain's next statement starts without waiting for a turn of the
   * microtask queue.
   */
  compileSoon(node: ExecutableNode, conn?: Connection): CompiledNode | Promise<CompiledNode> {
    const compiled = this.compiler.compiledAhead(node);
    if (!compiled) return this.compile(node, conn);
    if (compiled.compiledSql) this.artifacts.compiled(node, compiled.compiledSql);
    return compiled;
  }

  ensureSchemas(schemas: Iterable<string>): Promise<void> {
    return this.warehouse.ensureSchemas(schemas);
  }

  /** Installs what a plugin's setup returned, for this session only (runners, the before-materialize step, teardown). */
  use(run: PluginRun): void {
    for (const [type, runner] of Object.entries(run.runners ?? {})) if (runner) this.runners.set(type, runner);
    if (run.beforeMaterialize) this.beforeMaterializeHooks.push(run.beforeMaterialize);
    if (run.teardown) this.teardowns.push(() => run.teardown?.());
    if (run.waitsOnRunningWork) this.waitChecks.push((id) => run.waitsOnRunningWork!(id));
  }

  /** Whether a plugin says node `id` would only wait for work another worker is doing ({@link PluginRun.waitsOnRunningWork}). */
  waitsOnRunningWork(id: string): boolean {
    for (const waits of this.waitChecks) if (waits(id)) return true;
    return false;
  }

  /** Runs the teardown of every plugin run installed with {@link use}, in order. */
  async teardownPlugins(): Promise<void> {
    for (const t of this.teardowns.splice(0)) await t();
  }

  /**
   * Runs the before-materialize hooks; their figures, merged. Answers at once (not a promise) when
   * no hook had anything to wait for, as for a model that calls no LLM. `scratch`: the database
   * the statement runs in when it is not the user's (a unit test's), see {@link BeforeMaterializeHook}.
   */
  beforeMaterialize(compiled: CompiledNode, conn: Connection, scratch?: Connection): Record<string, unknown> | Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    const hooks = this.beforeMaterializeHooks;
    for (let i = 0; i < hooks.length; i++) {
      const figures = hooks[i]!(compiled, conn, scratch);
      if (isThenable(figures)) return this.beforeMaterializeFrom(i, figures, out, compiled, conn, scratch);
      Object.assign(out, figures);
    }
    return out;
  }

  private async beforeMaterializeFrom(i: number, pending: PromiseLike<Readonly<Record<string, unknown>> | undefined>, out: Record<string, unknown>, compiled: CompiledNode, conn: Connection, scratch: Connection | undefined): Promise<Record<string, unknown>> {
    Object.assign(out, await pending);
    const hooks = this.beforeMaterializeHooks;
    for (let k = i + 1; k < hooks.length; k++) Object.assign(out, await hooks[k]!(compiled, conn, scratch));
    return out;
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
    let errorTitle: string | undefined;
    let errorLocation: string | undefined;
    let extra: Awaited<ReturnType<NodeRunner>> | undefined;
    try {
      const runner = this.runners.get(node.resourceType) ?? this.defaultRunner(node);
      extra = await runner(this, node, conn);
      status = extra.status; // the rest of what the runner returned is read in result()
    } catch (err) {
      if (this.warehouse.isInterrupted) {
        ({ status, message } = interruptedOutcome(err, conn.commits > commitsBefore));
      } else if (err instanceof BmpError) {
        status = 'error';
        errorTitle = err.title;
        errorLocation = err.location;
        message = `${err.message}${err.hint ? ` (${err.hint})` : ''}`;
        // the chain of macro calls (or DuckDB's details) under the message, as the CLI prints them
        if (err.details) message = withIndentedDetails(`${message}\n${err.details}`);
      } else {
        status = 'error';
        // DuckDB rejected the node's SQL (or, for a seed, its rows): dbt's "Database Error in model x"
        errorTitle = 'Database Error';
        if (node.resourceType === 'seed') errorLocation = node.originalFilePath;
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
      // a small node starts, compiles and finishes within a millisecond or two: each time is formatted once
      const finished = new Date(t1).toISOString();
      const started = t0 === t1 ? finished : new Date(t0).toISOString();
      const at = extra?.compiledAt;
      const compiledAt = at === undefined || at === t1 ? finished : at === t0 ? started : new Date(at).toISOString();
      const compiledPath = this.artifacts.compiledPath(node);
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
        compiledCode: this.artifacts.compiledSql.get(node.uniqueId),
        errorTitle: status === 'error' ? errorTitle : undefined,
        errorLocation: status === 'error' ? errorLocation : undefined,
        relationName: this.summary(node).relationName,
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

  /** The `{% materialization %}` macro the project or a package defines for `name`, if any (the macros do not change during a run). */
  jinjaMaterialization(name: string): RegisteredMacro | undefined {
    if (this.jinjaMaterializations.has(name)) return this.jinjaMaterializations.get(name);
    const macro = jinjaMaterializationOf(this, name);
    this.jinjaMaterializations.set(name, macro);
    return macro;
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
      originalFilePath: inPackage(node, node.originalFilePath),
      meta: node.meta,
      relationParts: rel,
      relationName: rel ? relationName(rel) : undefined,
      attachedNode: 'attachedNode' in node ? node.attachedNode : undefined,
    };
  }

  interrupt(): void {
    this.compiler.stop();
    this.warehouse.interrupt();
  }

  get isInterrupted(): boolean {
    return this.warehouse.isInterrupted;
  }

  /** Why the checkpoint of {@link checkpointDuring} failed (a full disk), if it did. */
  get checkpointError(): string | undefined {
    return this.warehouse.checkpointError;
  }

  /**
   * Runs `work` (writing artifacts) while DuckDB checkpoints on one of its own threads; target/compiled
   * and target/run are written meanwhile (this thread would only wait). See {@link Warehouse.checkpointDuring}.
   */
  checkpointDuring(work: () => Promise<void>): Promise<void> {
    return this.warehouse.checkpointDuring(work, () => this.artifacts.files.writeNow());
  }

  async close(): Promise<void> {
    this.compiler.stop();
    // what is left of target/ goes to the writer thread while DuckDB closes (checkpoints) on this one
    const written = this.artifacts.files.flush();
    try {
      await this.compiler.close();
      this.warehouse.close();
    } finally {
      try {
        await written;
      } finally {
        await this.artifacts.files.close();
      }
    }
  }
}

function isThenable<T>(x: T | PromiseLike<T>): x is PromiseLike<T> {
  return typeof (x as { then?: unknown } | undefined)?.then === 'function';
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

