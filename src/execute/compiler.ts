/**
 * The compile side of an invocation: the template context's invocation-wide members, the compile
 * environment per connection (templates' queries run on the node's own connection), the cache of
 * ephemeral models, and the static models compiled ahead of time while the database opens.
 */
import { Catalog, Database, DuckDbTemplateDatabase, type Connection } from '../adapters/duckdb/index.js';
import { compileNode, InvocationContext, type CompiledNode, type CompileEnv, type ContextOutput, type DeferTo, type Invocation } from '../compile/index.js';
import type { LoadedConfig } from '../config/index.js';
import { analyzeStatic, type TemplateEngine } from '../jinja/index.js';
import type { ExecutableNode, Manifest } from '../manifest/types.js';
import type { BmpEvent } from '../report/index.js';

/** How long one turn of compiling ahead may keep the main thread between two statements. */
const AHEAD_SLICE_MS = 0.5;
/** How long compiling ahead may take while DuckDB opens the database file. */
const AHEAD_FIRST_SLICE_MS = 5;

export interface CompilerOptions {
  readonly cfg: LoadedConfig;
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  readonly invocation: Invocation;
  readonly emit: (e: BmpEvent) => void;
  readonly fullRefresh?: boolean;
  /** The unique ids the command selected (`selected_resources`). */
  readonly selected: readonly string[];
  /** Extra globals for templates (what plugins add, e.g. `llm_generate`). */
  readonly extraGlobals?: Readonly<Record<string, unknown>>;
  /** `--empty`: every model is built from empty inputs (see CompileEnv.empty). */
  readonly empty?: boolean;
  /** `--defer`: refs to nodes not built here read the state's relations (see CompileEnv.defer). */
  readonly defer?: DeferTo;
}

export class Compiler {
  readonly invocationId: string;
  readonly runStartedAt: string;
  /** The template context's invocation-wide members. */
  readonly context: InvocationContext;
  readonly ephemeralCache = new Map<string, CompiledNode>();
  private readonly ahead = new Map<string, Promise<CompiledNode>>();
  /** Nodes compiled ahead whose compile has finished (taken without waiting, see {@link compiledAhead}). */
  private readonly aheadDone = new Map<string, CompiledNode>();
  /** Nodes the run has taken (compiled ahead or by itself): not compiled ahead any more. */
  private readonly claimed = new Set<string>();
  /** Set when the session closes or is interrupted (or the database failed to open): compiling ahead stops. */
  private stopped = false;
  private readonly envs = new Map<Connection | undefined, CompileEnv>();
  private catalog: Catalog = new Catalog();
  /** An in-memory database for templates' queries when there is no database file (compile, show). */
  private scratch: Promise<{ db: Database; conn: Connection }> | undefined;

  constructor(readonly opts: CompilerOptions) {
    this.invocationId = opts.invocation.invocationId;
    this.runStartedAt = opts.invocation.startedAt.toISOString();
    this.context = new InvocationContext(opts.cfg, opts.engine, opts.invocation, opts.manifest, opts.selected);
  }

  /**
   * Compiles the static models among `ids` (templates that only call literal ref/source/config/var:
   * their SQL depends on the project alone, not on the database) ahead of the run: what fits in a
   * few milliseconds while DuckDB opens the file (call it then), then one slice of half a
   * millisecond per turn of the event loop, which runs while the main thread waits for DuckDB's
   * statement (so compiling a large project does not delay the first statement). {@link compile}
   * takes each node from here; a node the run reaches before its turn it compiles itself, and that
   * node is skipped here.
   */
  compileAhead(ids: readonly string[]): void {
    const env = this.projectEnv();
    const nodes = this.opts.manifest.nodes;
    let k = 0;
    const compileOne = (id: string): void => {
      if (this.claimed.has(id)) return;
      const node = nodes.get(id);
      if (!node || node.resourceType !== 'model' || !analyzeStatic(node.rawCode)) return;
      // an ephemeral input may need the database (run_query) to compile: leave those for later
      if (node.dependsOn.nodes.some((d) => nodes.get(d)?.config.materialized === 'ephemeral')) return;
      const compiled = compileNode(node, env, this.ephemeralCache);
      // a failure is raised again when the node compiles for real
      compiled.then(
        (c) => {
          if (this.ahead.get(id) === compiled) this.aheadDone.set(id, c);
        },
        () => undefined,
      );
      this.ahead.set(id, compiled);
    };
    const slice = (ms: number): void => {
      if (this.stopped) return;
      const until = performance.now() + ms;
      do compileOne(ids[k++]!);
      while (k < ids.length && performance.now() < until);
      if (k < ids.length) setImmediate(() => slice(AHEAD_SLICE_MS));
    };
    if (ids.length) slice(AHEAD_FIRST_SLICE_MS);
  }

  /** Stops compiling ahead (the session closes, is interrupted, or the database did not open). */
  stop(): void {
    this.stopped = true;
  }

  /** The catalog templates see (`adapter.get_relation`, `is_incremental()`), once the database is open. */
  useCatalog(catalog: Catalog): void {
    this.catalog = catalog;
    this.envs.clear();
  }

  /** The environment every compile on `conn` shares (no connection: the scratch database). */
  env(conn?: Connection): CompileEnv {
    let env = this.envs.get(conn);
    if (!env) {
      const base = this.projectEnv();
      const connection = conn ? async () => conn : () => this.scratchConnection();
      env = { ...base, catalog: this.catalog, context: { ...base.context, database: new DuckDbTemplateDatabase(connection, this.catalog) } };
      this.envs.set(conn, env);
    }
    return env;
  }

  /**
   * A node's SQL if it was compiled ahead and that compile has finished (the node is then taken, as
   * by {@link compile}); otherwise undefined, and {@link compile} is the way. Answers without a
   * turn of the microtask queue, between two statements.
   */
  compiledAhead(node: ExecutableNode): CompiledNode | undefined {
    const done = this.aheadDone.get(node.uniqueId);
    if (!done) return undefined;
    this.aheadDone.delete(node.uniqueId);
    this.ahead.delete(node.uniqueId);
    this.claimed.add(node.uniqueId);
    return done;
  }

  /**
   * A node's SQL: compiled ahead if it was, else now. The columns of relations built earlier in the
   * run are read back only if the template asks for them (the template database reads a stale
   * entry then, and the render replays): reading every dependency's columns before each template
   * cost a catalog query per dependency per model (~7-12 ms each at 1M), for templates that
   * seldom ask.
   */
  async compile(node: ExecutableNode, conn?: Connection): Promise<CompiledNode> {
    const ahead = this.ahead.get(node.uniqueId);
    this.ahead.delete(node.uniqueId);
    this.aheadDone.delete(node.uniqueId);
    this.claimed.add(node.uniqueId);
    const compiled = ahead && (await ahead.catch(() => undefined));
    if (compiled) return compiled;
    return compileNode(node, this.env(conn), this.ephemeralCache);
  }

  async close(): Promise<void> {
    if (this.scratch) (await this.scratch.catch(() => undefined))?.db.close();
  }

  /** The part of the compile environment that needs no database (what {@link compileAhead} has). */
  private projectEnv(): CompileEnv {
    const { cfg, manifest, engine, extraGlobals, fullRefresh, emit, empty, defer } = this.opts;
    return { cfg, manifest, engine, context: { shared: this.context, extraGlobals }, fullRefresh: !!fullRefresh, output: (nodeId) => templateOutput(emit, nodeId), empty: !!empty, defer };
  }

  private async scratchConnection(): Promise<Connection> {
    this.scratch ??= (async () => {
      const db = await Database.open({ path: ':memory:' });
      return { db, conn: await db.connect() };
    })();
    return (await this.scratch).conn;
  }
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
