import { join } from 'node:path';
import { firstLine } from '../adapters/duckdb/index.js';
import { callOperation } from '../compile/compile-node.js';
import { YamlFile } from '../config/index.js';
import { BmpError, ConfigError, UsageError, didYouMean } from '../errors.js';
import { pluginTemplateGlobals, openSession } from '../execute/index.js';
import { nullSink, RunResultsWriter, type NodeResult } from '../report/index.js';
import { defaultPlugins } from './plugins.js';
import { invocationFor, loadProject, type CommonOptions } from './project.js';

export interface OperationOutcome {
  readonly exitCode: 0 | 1;
  readonly result: NodeResult;
}

/**
 * `--args` of run-operation: a YAML mapping (`'{days: 7, schema: staging}'`).
 * @throws UsageError BMP_ARGS_INVALID
 */
export function parseOperationArgs(text: string | undefined): Record<string, unknown> {
  if (!text || !text.trim()) return {};
  let value: unknown;
  try {
    value = YamlFile.parse(text, '--args').data;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new UsageError('BMP_ARGS_INVALID', `--args is not valid YAML: ${err.message.replace(/^invalid YAML: /, '')}`, {}, "e.g. --args '{days: 7}'");
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('BMP_ARGS_INVALID', `--args must be a YAML mapping, got ${JSON.stringify(text)}`, {}, "e.g. --args '{days: 7}'");
  return value as Record<string, unknown>;
}

/**
 * `bmp run-operation <macro> --args '{...}'`: calls a macro with the database open for writing; what
 * it runs (run_query, statement blocks) runs for real and its log() lines are printed. The macro's
 * output is discarded, as in dbt. run_results.json records the call.
 * @throws UsageError BMP_MACRO_UNDEFINED (no such macro), BMP_ARGS_INVALID — nothing runs then (exit 2)
 */
export async function runOperation(macro: string, opts: CommonOptions & { readonly args?: string | Readonly<Record<string, unknown>> } = {}): Promise<OperationOutcome> {
  const args = typeof opts.args === 'string' || opts.args === undefined ? parseOperationArgs(opts.args) : opts.args;
  const invocation = invocationFor('run-operation', opts);
  const plugins = opts.plugins ?? defaultPlugins();
  const project = await loadProject({ ...opts, invocation, plugins });
  const dot = macro.lastIndexOf('.');
  const pkg = dot > 0 ? macro.slice(0, dot) : project.manifest.projectName;
  const name = dot > 0 ? macro.slice(dot + 1) : macro;
  const known = [...project.manifest.macros.values()].filter((m) => m.kind === 'macro');
  const def = known.find((m) => m.name === name && m.packageName === pkg) ?? (dot > 0 ? undefined : known.find((m) => m.name === name));
  if (!def) {
    throw new UsageError('BMP_MACRO_UNDEFINED', `run-operation: no macro named '${macro}' in the project`, {}, didYouMean(name, known.map((m) => m.name)) ?? 'run-operation calls a {% macro %} from the macro paths');
  }
  const session = await openSession(project, invocation, 'write', { emit: opts.emit ?? nullSink, threads: 1, extraGlobals: pluginTemplateGlobals(plugins, 'run', { cfg: project.cfg, invocation }) });
  const uniqueId = def.uniqueId;
  const started = new Date();
  let result: NodeResult;
  try {
    try {
      // the macro's return value is discarded, as in dbt
      await callOperation(name, args, session.compileEnv(session.conns[0]), def.packageName);
      result = done(uniqueId, 'success', 'OK', started);
    } catch (err) {
      if (session.isInterrupted) throw err;
      const message = err instanceof BmpError ? err.format() : firstLine((err as Error)?.message ?? String(err));
      result = done(uniqueId, 'error', message, started);
    }
    const writer = new RunResultsWriter(join(project.targetDir, 'run_results.json'), session.invocationId, { which: 'run-operation', macro: macro, args });
    writer.add(result);
    await writer.close();
  } finally {
    await session.close();
  }
  return { exitCode: result.status === 'success' ? 0 : 1, result };
}

function done(uniqueId: string, status: 'success' | 'error', message: string, started: Date): NodeResult {
  const finished = new Date();
  return {
    uniqueId,
    status,
    message,
    executionTime: (finished.getTime() - started.getTime()) / 1000,
    timing: [{ name: 'execute', startedAt: started.toISOString(), completedAt: finished.toISOString() }],
    threadId: 'main',
    adapterResponse: {},
  };
}
