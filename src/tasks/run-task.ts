import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { firstLine, preloadDuckdb } from '../adapters/duckdb/index.js';
import { warningOutcome, type LoadedConfig, type WarnErrorPolicy } from '../config/index.js';
import { BmpError, ConfigError, didYouMean } from '../errors.js';
import { renderOperation } from '../compile/index.js';
import { DEADLOCK, freedMemoryToKeep, MemoryWatch, openSession, pluginTemplateGlobals, schedule, Warehouse, type EarlyWarehouse, type Session } from '../execute/index.js';
import { MATERIALIZATIONS, reconcileExternal } from '../materializations/index.js';
import type { ExecutableNode, ResourceType } from '../manifest/types.js';
import { batchedSink, nullSink, RunResultsWriter, type BatchedSink, type NodeResult } from '../report/index.js';
import { defaultPlugins } from './plugins.js';
import { ensureTargetWritable } from './target-dir.js';
import { deferFor, invocationFor, loadProject, selectFor, writeGraphSummary, writeManifest, type CommonOptions, type LoadedProject } from './project.js';

export type RunCommand = 'run' | 'build' | 'test' | 'seed' | 'snapshot';

export interface RunOptions extends CommonOptions {
  readonly fullRefresh?: boolean;
  readonly failFast?: boolean;
  /** Set by the CLI so Ctrl-C can interrupt the session. */
  readonly onSession?: (session: Session) => void;
  /** Microbatch backfill window (`--event-time-start/--event-time-end`), ISO timestamps. */
  readonly eventTimeStart?: string;
  readonly eventTimeEnd?: string;
  /** An already loaded project to run (watch mode parses once per change); default: load it. */
  readonly project?: LoadedProject;
  /** Run only these unique ids out of the selection (watch mode: the changed nodes and their descendants). */
  readonly onlyIds?: ReadonlySet<string>;
  /** `--empty`: build every model from empty inputs (dbt's --empty). */
  readonly empty?: boolean;
  /** `--store-failures`: every data test stores its failing rows. */
  readonly storeFailures?: boolean;
}

export interface RunOutcome {
  readonly exitCode: 0 | 1 | 130;
  readonly results: readonly NodeResult[];
  readonly interrupted: boolean;
  readonly elapsed: number;
  /**
   * What failed after the build (exit 1): artifacts that could not be written, a final checkpoint
   * that could not update the database file.
   */
  readonly finishErrors?: readonly string[];
}

export const COMMAND_TYPES: Readonly<Record<RunCommand, readonly ResourceType[]>> = {
  run: ['model'],
  build: ['model', 'seed', 'snapshot', 'test', 'unit_test'],
  test: ['test', 'unit_test'],
  seed: ['seed'],
  snapshot: ['snapshot'],
};

/**
 * `bmp run|build|test|seed|snapshot`: select, open the database, schedule nodes in DAG order on
 * `threads` connections, write run_results as nodes finish.
 * @throws BmpError for exit-2 conditions (nothing in the database is touched then).
 */
export async function execute(command: RunCommand, opts: RunOptions = {}): Promise<RunOutcome> {
  const emit = batchedSink(opts.emit ?? nullSink);
  try {
    return await executeWith(command, opts, emit);
  } finally {
    emit.flush();
  }
}

async function executeWith(command: RunCommand, opts: RunOptions, emit: BatchedSink): Promise<RunOutcome> {
  const t0 = Date.now();
  const invocation = invocationFor(command, opts);
  const plugins = opts.plugins ?? defaultPlugins();
  // DuckDB opens the database and reads its catalog on its own threads while this one parses the
  // project; whatever stops the invocation before the session takes it closes it again
  const duckdbLoaded = preloadDuckdb();
  let early: EarlyWarehouse | undefined;
  // node-api's loading is main-thread work the run needs anyway; once it is done, DuckDB creates or
  // opens the file on its own thread while this one parses, and the parse lets the event loop turn
  // every few ms until the database is open, connected and its catalog read (each of those steps
  // continues on this thread: run one after another after the parse, they delayed the first statement)
  const openEarly = async (cfg: LoadedConfig) => {
    await duckdbLoaded;
    early = Warehouse.openEarly(cfg.target, 'write', { threads: cfg.target.threads, emit, projectDir: cfg.project.projectDir, waitForLockSeconds: opts.waitForLockSeconds });
  };
  let session: Session;
  let ids: string[];
  let project: LoadedProject;
  try {
    project = opts.project ?? (await loadProject({ ...opts, invocation, plugins }, { onConfig: openEarly, alongside: () => early?.warehouse }));
    // ephemeral models are inlined where they are used: nothing to run (as in dbt)
    ids = selectFor(project, opts, COMMAND_TYPES[command]).filter((id) => project.manifest.nodes.get(id)!.config.materialized !== 'ephemeral' && (!opts.onlyIds || opts.onlyIds.has(id)));
    checkMaterializations(project, ids);
    const defer = deferFor(project, opts, ids);
    const extraGlobals = pluginTemplateGlobals(plugins, 'run', { cfg: project.cfg, invocation });
    ensureTargetWritable(project);
    session = await openSession(
      project,
      invocation,
      'write',
      {
        emit,
        fullRefresh: opts.fullRefresh,
        waitForLockSeconds: opts.waitForLockSeconds,
        extraGlobals,
        selected: ids,
        empty: opts.empty,
        storeFailures: opts.storeFailures,
        defer,
        // deferring decides per ref whether the relation exists here: compile once the catalog is read
        compileAhead: defer ? [] : ids,
      },
      early,
    );
  } catch (err) {
    await early?.discard();
    throw err;
  }
  early?.adopt();
  opts.onSession?.(session);
  await reconcileExternalModels(project, session);
  const writer = new RunResultsWriter(join(project.targetDir, 'run_results.json'), session.invocationId, { which: command, select: opts.select ?? [], exclude: opts.exclude ?? [], full_refresh: !!opts.fullRefresh, threads: project.cfg.target.threads });
  const nodes = project.manifest.nodes;
  const counts: Record<string, number> = {};
  for (const id of ids) {
    const t = nodes.get(id)!.resourceType;
    const label = t === 'test' ? 'data test' : t === 'unit_test' ? 'unit test' : t;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  emit({ code: 'Q001', type: 'run.start', command, total: ids.length, threads: session.conns.length, target: project.cfg.target.name, counts });

  let failed = false;
  let watch: MemoryWatch | undefined;
  // the edges build adds from tests to what waits for them (for graph_summary.json)
  let testEdges: readonly (readonly [string, string])[] = [];
  const artifacts = artifactWrites();
  let index = 0;
  let hookFailed = false;
  const recordHook = (r: NodeResult | undefined) => {
    if (!r) return;
    writer.add(r);
    failed = hookFailed = true;
  };
  try {
    for (const p of plugins) {
      const run = await p.setup?.({ invocation, selected: ids, cfg: project.cfg, manifest: project.manifest, engine: project.engine, session });
      if (run) session.use(run);
    }
    if (ids.length) {
      await session.ensureSchemas(new Set(ids.map((id) => nodes.get(id)!).filter((n) => n.relation && n.resourceType !== 'test' && n.config.materialized !== 'ephemeral').map((n) => n.relation!.schema)));
      // a failed on-run-start hook is an error result (as dbt records it) and nothing else runs
      recordHook(await runHooks(session, project, project.cfg.project.onRunStart, 'on-run-start'));
    }
    const failFast = !!opts.failFast;
    const { extraEdges, parentsOf } = command === 'build' ? buildOrdering(project, ids) : { extraEdges: [], parentsOf: undefined };
    testEdges = extraEdges;
    watch = await watchMemory(session, emit, project.cfg.target.settings);
    await schedule({
      ids,
      graph: project.graph,
      extraEdges,
      parentsOf,
      threads: session.conns.length,
      isStopped: () => session.isInterrupted || hookFailed,
      mayStartBeside: () => watch?.roomBeside() ?? true,
      waitsOnRunningWork: (id) => session.waitsOnRunningWork(id),
      run: async (id, worker) => {
        const node = nodes.get(id)!;
        const i = ++index;
        // made when reported (its summary too), in its place: nothing but the node's own work runs
        // between the previous statement and this node's
        emit.later(() => ({ code: 'Q002', type: 'node.start', index: i, total: ids.length, node: session.summary(node), thread: `Thread-${worker + 1}` }));
        const settled = failWarnedTest(node, await session.runNodeSettled(node, session.conns[worker]!, worker), project.warnPolicy);
        // the result is made, recorded and reported once the children have started (in its place)
        emit.later(() => {
          const result = settled.result();
          writer.add(result);
          return { code: 'Q003', type: 'node.finish', index: i, total: ids.length, node: session.summary(node), result };
        });
        const bad = settled.status === 'error' || settled.status === 'fail';
        if (bad) failed = true;
        // a failing test only gates what depends on its model when building
        const gates = settled.status === 'error' || (settled.status === 'fail' && command === 'build');
        return { failed: gates, stop: failFast && bad };
      },
      skip: (id, cause) => {
        const node = nodes.get(id)!;
        if (cause === DEADLOCK) {
          failed = true;
          const result: NodeResult = { uniqueId: id, status: 'error', message: 'internal error: this node could never start (a cycle in the execution order); please report it', executionTime: 0, timing: [], threadId: 'main', adapterResponse: {} };
          writer.add(result);
          emit({ code: 'Q003', type: 'node.finish', index: ++index, total: ids.length, node: session.summary(node), result });
          return;
        }
        const causeNode = cause ? nodes.get(cause) : undefined;
        const result: NodeResult = {
          uniqueId: id,
          status: 'skipped',
          message: session.isInterrupted ? 'skipped: run interrupted' : causeNode ? `skipped because ${causeNode.resourceType} '${causeNode.name}' failed` : opts.failFast ? 'skipped: --fail-fast' : 'skipped',
          executionTime: 0,
          timing: [],
          threadId: 'main',
          adapterResponse: {},
        };
        writer.add(result);
        if (!session.isInterrupted) emit({ code: 'Q003', type: 'node.finish', index: ++index, total: ids.length, node: session.summary(node), result });
      },
    });
    // on-run-end's members (a dict per result and node) only when there is a hook to read them:
    // building them for a large run takes long enough to delay the final checkpoint
    if (ids.length && !session.isInterrupted && !hookFailed && project.cfg.project.onRunEnd.length) {
      emit.flush(); // makes the results still held, so on-run-end sees every one
      recordHook(await runHooks(session, project, project.cfg.project.onRunEnd, 'on-run-end', onRunEndMembers(project, ids, writer.all(), session)));
    }
    await session.teardownPlugins();
  } catch (err) {
    emit.flush();
    // what Ctrl-C cut short (a hook, a plugin step) is reported as the interruption it is
    if (!session.isInterrupted) throw err;
    const recorded = new Set(writer.all().map((r) => r.uniqueId));
    for (const id of ids) {
      if (!recorded.has(id)) writer.add({ uniqueId: id, status: 'skipped', message: 'skipped: run interrupted', executionTime: 0, timing: [], threadId: 'main', adapterResponse: {} });
    }
  } finally {
    watch?.stop();
    // the build is done: an artifact that cannot be written (a full disk) fails the run, it does not
    // make it look as if nothing ran
    await artifacts.attempt(undefined, () =>
      session.checkpointDuring(async () => {
        // the last batch of results and lines is made while DuckDB checkpoints; the writer needs them all
        emit.flush();
        await artifacts.attempt(join(project.targetDir, 'run_results.json'), () => writer.close());
        await artifacts.attempt(join(project.targetDir, 'manifest.json'), () => writeManifest(project, session.invocationId, session.compiledSql, session.runStartedAt));
        // (build: its test edges into nodes, as dbt's summary has them; not those between tests)
        await artifacts.attempt(join(project.targetDir, 'graph_summary.json'), () => writeGraphSummary(project, session.invocationId, command === 'build' ? testEdges.filter(([, n]) => nodes.get(n)?.resourceType !== 'test') : undefined));
      }),
    );
    emit.flush(); // (when the artifact step failed before its own flush)
    await artifacts.attempt(undefined, () => session.close());
  }
  const results = sortResults(writer.all(), ids);
  const elapsed = (Date.now() - t0) / 1000;
  const finishErrors = [artifacts.describe(results), checkpointFailure(session, project.cfg.target.path)].filter((e): e is string => !!e);
  if (finishErrors.length) failed = true;
  emit({ code: 'Z001', type: 'run.finish', command, elapsed, results, interrupted: session.isInterrupted, finishErrors });
  return { exitCode: session.isInterrupted ? 130 : failed ? 1 : 0, results, interrupted: session.isInterrupted, elapsed, finishErrors };
}

/**
 * A final checkpoint that failed (a full disk) leaves the committed changes in the WAL only: DuckDB
 * applies it the next time it opens the file, but the run must not look finished.
 */
function checkpointFailure(session: Session, dbPath: string): string | undefined {
  const reason = session.checkpointError;
  const wal = `${dbPath}.wal`;
  if (!reason || !existsSync(wal)) return undefined;
  const mb = (statSync(wal).size / 1e6).toFixed(1);
  return `the database file could not be updated at the end of the run (checkpoint failed: ${reason}); the changes this run committed are kept in ${wal} (${mb} MB), which DuckDB applies the next time it opens the database`;
}

/** Artifact writes after a build: the first failure is kept, and a file that could not be rewritten is removed (never left stale). */
function artifactWrites() {
  let first: string | undefined;
  return {
    async attempt(path: string | undefined, write: () => Promise<void>): Promise<void> {
      try {
        await write();
      } catch (err) {
        first ??= (err as Error).message ?? String(err);
        if (path) await rm(path, { force: true }).catch(() => undefined);
      }
    },
    /** The run's failure line, naming what the run built; undefined when every write succeeded. */
    describe(results: readonly NodeResult[]): string | undefined {
      if (first === undefined) return undefined;
      const built = results.filter((r) => r.status === 'success').map((r) => r.uniqueId);
      const names = built.length > 8 ? `${built.slice(0, 8).join(', ')} and ${built.length - 8} more` : built.join(', ');
      return `the run's artifacts could not be written under target/: ${first}; ${built.length ? `the database holds what this run built: ${names}` : 'this run built nothing'}`;
    },
  };
}

/**
 * External models whose last run was killed between moving their files into place and committing
 * their partition counts (a journal waits): counted again from the files now, whether or not this
 * run builds them, so the bookkeeping agrees with the files from the next open on.
 */
async function reconcileExternalModels(project: LoadedProject, session: Session): Promise<void> {
  const conn = session.conns[0];
  if (!conn) return;
  for (const node of project.manifest.nodes.values()) {
    if (node.config.materialized !== 'external' || !node.relation) continue;
    const env = { projectDir: project.cfg.project.projectDir, externalRoot: project.cfg.target.externalRoot, stateSchema: '_bmp', invocationId: session.invocationId };
    if (await reconcileExternal(conn.adapter, { uniqueId: node.uniqueId, relation: node.relation, config: node.config }, env)) {
      session.opts.emit({ code: 'Q004', type: 'log', message: `${node.name}: partition counts recounted from the files (an earlier run stopped before committing them)`, info: true, nodeId: node.uniqueId });
    }
  }
}

/**
 * A misspelled `materialized` stops the command before the database opens (exit 2), not node by node.
 * @throws ConfigError BMP_MATERIALIZATION_UNKNOWN
 */
/**
 * dbt's --warn-error on tests: a test that would warn fails instead when `LogTestResult` is an
 * error (`--warn-error`, or named in --warn-error-options).
 */
function failWarnedTest<S extends { readonly status: NodeResult['status']; result(): NodeResult }>(node: ExecutableNode, settled: S, policy: WarnErrorPolicy | undefined): S | { readonly status: 'fail'; result(): NodeResult } {
  if (node.resourceType !== 'test' || settled.status !== 'warn' || !policy || warningOutcome(policy, 'LogTestResult') !== 'error') return settled;
  let made: NodeResult | undefined;
  return {
    status: 'fail',
    result: () => {
      const r = settled.result();
      return (made ??= { ...r, status: 'fail', message: `${r.message} (a warning, failing because LogTestResult is an error by ${policy.source ?? '--warn-error'}, as in dbt)` });
    },
  };
}

function checkMaterializations(project: LoadedProject, ids: readonly string[]): void {
  for (const id of ids) {
    const node = project.manifest.nodes.get(id)!;
    if (node.resourceType !== 'model' && node.resourceType !== 'snapshot') continue;
    const m = String(node.config.materialized);
    if (m in MATERIALIZATIONS || project.engine.registry.findMaterialization(m, false)) continue;
    throw new ConfigError('BMP_MATERIALIZATION_UNKNOWN', `unknown materialization '${m}'`, { file: node.originalFilePath, nodeId: id }, didYouMean(m, Object.keys(MATERIALIZATIONS)) ?? `one of ${Object.keys(MATERIALIZATIONS).join(', ')}, or a {% materialization ${m}, adapter='duckdb' %} in the macro paths`);
  }
}

function sortResults(results: readonly NodeResult[], ids: readonly string[]): NodeResult[] {
  const pos = new Map(ids.map((id, i) => [id, i]));
  return [...results].sort((a, b) => (pos.get(a.uniqueId) ?? 0) - (pos.get(b.uniqueId) ?? 0));
}

/**
 * What on-run-end hooks see besides the usual context, as in dbt: `results` (one per node run:
 * status, message, timing, the node's dict), `schemas` and `database_schemas` (where the run built).
 */
function onRunEndMembers(project: LoadedProject, ids: readonly string[], results: readonly NodeResult[], session: Session): Record<string, unknown> {
  const nodes = project.manifest.nodes;
  const built = ids.map((id) => nodes.get(id)!).filter((n) => n.relation && n.resourceType !== 'test' && n.resourceType !== 'unit_test');
  const schemas = [...new Set(built.map((n) => n.relation!.schema))];
  return {
    results: results.map((r) => {
      const node = nodes.get(r.uniqueId);
      return {
        unique_id: r.uniqueId,
        status: r.status,
        message: r.message,
        execution_time: r.executionTime,
        failures: r.failures ?? null,
        rows_affected: r.rowsAffected ?? null,
        adapter_response: r.adapterResponse,
        thread_id: r.threadId,
        timing: r.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
        node: node ? session.context.dicts.node(node) : { unique_id: r.uniqueId },
      };
    }),
    schemas,
    database_schemas: [...new Set(built.map((n) => `${n.relation!.database}\u0000${n.relation!.schema}`))].map((k) => k.split('\u0000')),
  };
}

/** Runs on-run-start/-end hooks; a hook DuckDB rejects becomes an error result `operation.<project>.<project>-<label>-<i>`, as in dbt. */
async function runHooks(session: Session, project: LoadedProject, hooks: readonly string[], label: string, extra?: Record<string, unknown>): Promise<NodeResult | undefined> {
  const conn = session.conns[0];
  if (!conn || !hooks.length) return undefined;
  for (const [i, h] of hooks.entries()) {
    // the whole template context (env_var, run_started_at, run_query, ...); a missing var is an error, as in dbt
    const sql = await renderOperation('hook', h, session.compileEnv(conn), `${project.cfg.project.projectFile} (${label})`, extra);
    const t0 = Date.now();
    try {
      if (sql.trim()) await conn.run(sql);
    } catch (err) {
      if (session.isInterrupted || err instanceof BmpError) throw err;
      const name = project.manifest.projectName;
      const message = `${label} hook ${i + 1} failed: ${firstLine((err as Error).message ?? String(err))}`;
      return { uniqueId: `operation.${name}.${name}-${label}-${i}`, status: 'error', message, executionTime: (Date.now() - t0) / 1000, timing: [], threadId: 'main', adapterResponse: {} };
    }
  }
  return undefined;
}

/**
 * dbt build's ordering (compilation.add_test_edges): a data test gates node N when everything the
 * test depends on is upstream of N — acyclic by construction, and a relationships test waits for
 * both of its models. A model waits for its unit tests, which wait for the model's parents (their
 * columns type the fixtures).
 */
export function buildOrdering(project: LoadedProject, ids: readonly string[]): { extraEdges: [string, string][]; parentsOf: (id: string) => readonly string[] } {
  const { graph, manifest } = project;
  const extraEdges: [string, string][] = [];
  const unitTestsOf = new Map<string, string[]>();
  const testsOn = new Map<string, string[]>();
  for (const id of ids) {
    const node = manifest.nodes.get(id) as ExecutableNode;
    if (node.resourceType === 'unit_test') {
      const model = node.dependsOn.nodes[0]!;
      unitTestsOf.set(model, [...(unitTestsOf.get(model) ?? []), id]);
    } else if (node.resourceType === 'test') {
      for (const dep of node.dependsOn.nodes) testsOn.set(dep, [...(testsOn.get(dep) ?? []), id]);
    }
  }
  if (testsOn.size) {
    const selected = new Set(ids);
    for (const id of ids) {
      const node = manifest.nodes.get(id)!;
      if (node.resourceType === 'unit_test') continue;
      // an ephemeral model is not run, so it cannot hold back the tests written on it: they wait
      // for the tests of what the ephemeral model reads, as dbt's graph (without the ephemeral
      // node, its edges kept) has them wait
      let upstream: Set<string>;
      if (node.resourceType === 'test') {
        const ephemerals = node.dependsOn.nodes.filter((d) => !selected.has(d) && manifest.nodes.get(d)?.config.materialized === 'ephemeral');
        if (!ephemerals.length) continue;
        upstream = new Set(ephemerals.flatMap((e) => [...ancestorsOf(graph, e)]));
      } else upstream = ancestorsOf(graph, id);
      const candidates = new Set<string>();
      for (const u of upstream) for (const t of testsOn.get(u) ?? []) candidates.add(t);
      for (const t of candidates) {
        const deps = (manifest.nodes.get(t) as ExecutableNode & { dependsOn: { nodes: readonly string[] } }).dependsOn.nodes;
        if (deps.every((d) => upstream.has(d))) extraEdges.push([t, id]);
      }
    }
  }
  return {
    extraEdges,
    parentsOf: (id) => {
      const node = manifest.nodes.get(id);
      // a unit test reads its model's inputs' columns from the database: it waits for what the model
      // waits for (never for the model itself, which waits for its unit tests)
      if (node?.resourceType === 'unit_test') return graph.inNeighbors(node.model).filter((p) => manifest.nodes.get(p)?.resourceType !== 'unit_test');
      const base = graph.inNeighbors(id).filter((p) => manifest.nodes.get(p)?.resourceType !== 'unit_test');
      return [...base, ...(unitTestsOf.get(id) ?? [])];
    },
  };
}

function ancestorsOf(graph: LoadedProject['graph'], id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...graph.inNeighbors(id)];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...graph.inNeighbors(n));
  }
  return seen;
}

/**
 * The engine's memory is watched on a connection of its own (execute/memory-gate.ts): with more
 * than one thread, once a query spills or holds half the memory limit, nodes run one at a time;
 * once the run proves large, the engine keeps the memory its queries free for the next ones —
 * unless the profile's settings say how much it keeps (`block_allocator_memory`).
 */
async function watchMemory(session: Session, emit: BatchedSink, settings: Readonly<Record<string, unknown>>): Promise<MemoryWatch | undefined> {
  const gate = session.conns.length > 1;
  const keep = !Object.keys(settings).some((k) => k.toLowerCase() === 'block_allocator_memory');
  if (!session.db || (!gate && !keep)) return undefined;
  const conn = await session.db.connect({ silent: true });
  const log = (message: string) => emit({ code: 'Q004', type: 'log', info: false, message });
  return MemoryWatch.start(() => conn.adapter.memoryInUse(), {
    onShort: gate
      ? (m) => log(`memory is short (${gib(m.working)} GiB held by running queries, ${gib(m.spilled)} GiB spilled, limit ${gib(m.limit ?? 0)} GiB): nodes run one at a time from now on`)
      : undefined,
    onLarge: keep
      ? async (m) => {
          const bytes = freedMemoryToKeep(m.limit!);
          if (await conn.adapter.keepFreedMemory(bytes)) {
            log(`a large run (${gib(m.working)} GiB held by running queries, limit ${gib(m.limit!)} GiB): the engine keeps up to ${gib(bytes)} GiB of the memory its queries free, for the next ones`);
          }
        }
      : undefined,
  });
}

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);
