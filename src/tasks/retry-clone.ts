import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cloneAsView, firstLine, relationSql } from '../adapters/duckdb/index.js';
import { UsageError } from '../errors.js';
import { openSession } from '../execute/index.js';
import { batchedSink, nullSink, RunResultsWriter, type NodeResult } from '../report/index.js';
import { COMMAND_TYPES, execute, type RunCommand, type RunOptions, type RunOutcome } from './run-task.js';
import { invocationFor, loadProject, selectFor, writeManifest, type CommonOptions } from './project.js';

/** What `bmp retry` runs again: errors, failures and what they skipped. */
const RETRY_STATUSES = new Set(['error', 'fail', 'skipped', 'runtime error']);

/**
 * `bmp retry`: runs again, with the same command, the nodes the last run (target/run_results.json,
 * or `--state DIR`'s) left in error, failed or skipped. Nothing to retry is a success.
 * @throws UsageError BMP_RETRY_NOTHING_TO_READ (no run_results.json), BMP_RETRY_COMMAND (the last command cannot be retried)
 */
export async function retry(opts: RunOptions = {}): Promise<RunOutcome & { readonly retried: readonly string[]; readonly command?: RunCommand }> {
  const project = await loadProject({ ...opts, state: undefined });
  const dir = opts.state ? resolve(opts.state) : project.targetDir;
  const path = join(dir, 'run_results.json');
  if (!existsSync(path)) throw new UsageError('BMP_RETRY_NOTHING_TO_READ', `retry reads the last run's results, and ${path} does not exist`, {}, 'run a command first (build, run, test, seed, snapshot)');
  const last = JSON.parse(readFileSync(path, 'utf8')) as { args?: { which?: string; full_refresh?: boolean }; results?: { unique_id: string; status: string }[] };
  const command = last.args?.which;
  if (!command || !(command in COMMAND_TYPES)) throw new UsageError('BMP_RETRY_COMMAND', `the last run was '${command ?? 'unknown'}', which retry cannot run again`, {}, `retry reruns ${Object.keys(COMMAND_TYPES).join(', ')}`);
  const ids = (last.results ?? []).filter((r) => RETRY_STATUSES.has(r.status) && project.manifest.nodes.has(r.unique_id)).map((r) => r.unique_id);
  const emit = opts.emit ?? nullSink;
  if (!ids.length) {
    emit({ code: 'A002', type: 'info', message: 'Nothing to retry: the last run had no errors, failures or skipped nodes' });
    return { exitCode: 0, results: [], interrupted: false, elapsed: 0, retried: [], command: command as RunCommand };
  }
  const outcome = await execute(command as RunCommand, { ...opts, project, select: undefined, exclude: undefined, selector: undefined, onlyIds: new Set(ids), fullRefresh: opts.fullRefresh ?? last.args?.full_refresh });
  return { ...outcome, retried: ids, command: command as RunCommand };
}

/**
 * `bmp clone --state DIR`: for each selected model, seed and snapshot, a view in this target over
 * the state run's relation (an existing relation is kept unless --full-refresh), as dbt's clone
 * does where the warehouse cannot clone tables.
 * @throws UsageError BMP_STATE_REQUIRED without --state
 */
export async function clone(opts: CommonOptions & { readonly fullRefresh?: boolean } = {}): Promise<RunOutcome> {
  if (!opts.state) throw new UsageError('BMP_STATE_REQUIRED', 'clone copies the relations of a previous run: give --state DIR, the folder holding its manifest.json');
  const t0 = Date.now();
  const emit = batchedSink(opts.emit ?? nullSink);
  try {
    const invocation = invocationFor('clone', opts);
    const project = await loadProject({ ...opts, emit, invocation });
    const state = project.state!;
    const ids = selectFor(project, { ...opts, emit }, ['model', 'seed', 'snapshot']).filter((id) => project.manifest.nodes.get(id)?.relation && state.relations.has(id));
    const session = await openSession(project, invocation, 'write', { emit, threads: 1 });
    const writer = new RunResultsWriter(join(project.targetDir, 'run_results.json'), session.invocationId, { which: 'clone', select: opts.select ?? [], state: opts.state, full_refresh: !!opts.fullRefresh });
    const results: NodeResult[] = [];
    let failed = false;
    try {
      emit({ code: 'Q001', type: 'run.start', command: 'clone', total: ids.length, threads: 1, target: project.cfg.target.name, counts: { model: ids.length } });
      const conn = session.conns[0]!;
      await session.ensureSchemas(new Set(ids.map((id) => project.manifest.nodes.get(id)!.relation!.schema)));
      for (const [i, id] of ids.entries()) {
        const node = project.manifest.nodes.get(id)!;
        const rel = node.relation!;
        const from = state.relations.get(id)!;
        emit({ code: 'Q002', type: 'node.start', index: i + 1, total: ids.length, node: session.summary(node), thread: 'Thread-1' });
        const started = new Date();
        let status: NodeResult['status'] = 'success';
        let message: string;
        const exists = session.catalog.get(rel.schema, rel.identifier);
        const same = from.schema.toLowerCase() === rel.schema.toLowerCase() && from.identifier.toLowerCase() === rel.identifier.toLowerCase() && (from.database === rel.database || !from.database);
        if (same) message = 'No-op: the state relation is this target\'s';
        else if (exists && !opts.fullRefresh) message = `No-op: ${rel.schema}.${rel.identifier} already exists (--full-refresh clones over it)`;
        else {
          try {
            await conn.run(cloneAsView(rel, from.database && from.database !== project.cfg.target.database ? relationSql(from, true) : relationSql(from)));
            session.catalog.markBuilt(rel.database, rel.schema, rel.identifier, 'view');
            message = `OK cloned from ${from.database ? `${from.database}.` : ''}${from.schema}.${from.identifier}`;
          } catch (err) {
            status = 'error';
            failed = true;
            message = firstLine((err as Error)?.message ?? String(err));
          }
        }
        const done = new Date();
        const result: NodeResult = { uniqueId: id, status, message, executionTime: (done.getTime() - started.getTime()) / 1000, timing: [{ name: 'execute', startedAt: started.toISOString(), completedAt: done.toISOString() }], threadId: 'Thread-1', adapterResponse: {} };
        results.push(result);
        writer.add(result);
        emit({ code: 'Q003', type: 'node.finish', index: i + 1, total: ids.length, node: session.summary(node), result });
      }
      emit.flush();
    } finally {
      await writer.close();
      await writeManifest(project, session.invocationId, undefined, session.runStartedAt);
      await session.close();
    }
    const elapsed = (Date.now() - t0) / 1000;
    emit({ code: 'Z001', type: 'run.finish', command: 'clone', elapsed, results, interrupted: false });
    return { exitCode: failed ? 1 : 0, results, interrupted: false, elapsed };
  } finally {
    emit.flush();
  }
}
