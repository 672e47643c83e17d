/**
 * dbt's structured log events, as bmp writes them: each bmp event becomes the dbt events that mean
 * the same thing (names, codes and levels from dbt's event catalogue, core/dbt/events/types.py and
 * core_types.proto, and dbt-adapters'/dbt-common's), with dbt's message text and `data` fields.
 * Events dbt has no name for get a name dbt does not use and a `B` code (dbt uses A D E I M P Q W Z).
 * Text lines, JSON lines and the log file all render these same events.
 */
import type { BmpEvent, NodeResult, NodeSummary } from './events.js';
import { storedFailures } from './artifacts.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Levels in order; `none` (a threshold) lets nothing through. */
export const LEVELS: Readonly<Record<LogLevel | 'none', number>> = { debug: 10, info: 20, warn: 30, error: 40, none: 100 };

/** Every event bmp writes: dbt's code and default level for the name (a result's level follows its status). */
export const EVENT_CATALOGUE = {
  // A: pre-project loading
  MainReportVersion: { code: 'A001', level: 'info' },
  MainReportArgs: { code: 'A002', level: 'debug' },
  // E: adapter (dbt-adapters)
  SQLQuery: { code: 'E016', level: 'debug' },
  SQLQueryStatus: { code: 'E017', level: 'debug' },
  CatalogWritten: { code: 'E042', level: 'info' },
  BuildingCatalog: { code: 'E044', level: 'info' },
  HooksRunning: { code: 'E046', level: 'info' },
  FinishedRunningStats: { code: 'E047', level: 'info' },
  // I: parsing
  JinjaLogWarning: { code: 'I061', level: 'warn' },
  JinjaLogInfo: { code: 'I062', level: 'info' },
  JinjaLogDebug: { code: 'I063', level: 'debug' },
  InvalidDisabledTargetInTestNode: { code: 'I050', level: 'warn' },
  NoNodeForYamlKey: { code: 'I058', level: 'warn' },
  MacroNotFoundForPatch: { code: 'I059', level: 'warn' },
  NodeNotFoundOrDisabled: { code: 'I060', level: 'warn' },
  // M: selection
  NoNodesForSelectionCriteria: { code: 'M030', level: 'warn' },
  // P: artifacts
  ArtifactWritten: { code: 'P001', level: 'debug' },
  // Q: node execution
  RunningOperationCaughtError: { code: 'Q001', level: 'error' },
  CompileComplete: { code: 'Q002', level: 'info' },
  FreshnessCheckComplete: { code: 'Q003', level: 'info' },
  LogTestResult: { code: 'Q007', level: 'info' },
  LogStartLine: { code: 'Q011', level: 'info' },
  LogModelResult: { code: 'Q012', level: 'info' },
  LogSnapshotResult: { code: 'Q015', level: 'info' },
  LogSeedResult: { code: 'Q016', level: 'info' },
  LogFreshnessResult: { code: 'Q018', level: 'info' },
  NodeStart: { code: 'Q024', level: 'debug' },
  NodeFinished: { code: 'Q025', level: 'debug' },
  ConcurrencyLine: { code: 'Q027', level: 'info' },
  LogHookStartLine: { code: 'Q032', level: 'info' },
  LogHookEndLine: { code: 'Q033', level: 'info' },
  SkippingDetails: { code: 'Q034', level: 'info' },
  NothingToDo: { code: 'Q035', level: 'warn' },
  NoNodesSelected: { code: 'Q038', level: 'warn' },
  CommandCompleted: { code: 'Q039', level: 'debug' },
  ShowNode: { code: 'Q041', level: 'info' },
  CompiledNode: { code: 'Q042', level: 'info' },
  // W: testing
  FoundStats: { code: 'W006', level: 'info' },
  // Z: misc
  MainKeyboardInterrupt: { code: 'Z001', level: 'info' },
  MainEncounteredError: { code: 'Z002', level: 'error' },
  MainStackTrace: { code: 'Z003', level: 'error' },
  ConfirmCleanPath: { code: 'Z013', level: 'info' },
  FinishedCleanPaths: { code: 'Z015', level: 'info' },
  Formatting: { code: 'Z017', level: 'info' },
  RunResultWarning: { code: 'Z021', level: 'warn' },
  RunResultFailure: { code: 'Z022', level: 'error' },
  StatsLine: { code: 'Z023', level: 'info' },
  RunResultError: { code: 'Z024', level: 'error' },
  EndOfRunSummary: { code: 'Z030', level: 'info' },
  RunResultWarningMessage: { code: 'Z046', level: 'warn' },
  SQLCompiledPath: { code: 'Z026', level: 'info' },
  CheckNodeTestFailure: { code: 'Z027', level: 'info' },
  DebugCmdOut: { code: 'Z047', level: 'info' },
  OpenCommand: { code: 'Z016', level: 'info' },
  DebugCmdResult: { code: 'Z048', level: 'info' },
  ListCmdOut: { code: 'Z049', level: 'info' },
  Note: { code: 'Z050', level: 'info' },
  PrintEvent: { code: 'Z052', level: 'info' },
  // dbt 1.10 names (--warn-error-options takes them) whose dbt code bmp could not check: a B code
  // rather than a guess that might be another event's
  CustomKeyInConfigDeprecation: { code: 'B101', level: 'warn' },
  WEOIncludeExcludeDeprecation: { code: 'B102', level: 'warn' },
  SelectExcludeIgnoredWithSelectorWarning: { code: 'B103', level: 'warn' },
  // bmp-only: meanings dbt has no event for
  BmpWarning: { code: 'B001', level: 'warn' },
  KeyNotActedOn: { code: 'B004', level: 'warn' },
  UnknownWarningName: { code: 'B005', level: 'warn' },
  BmpLlmSummary: { code: 'B002', level: 'info' },
  BmpInterrupting: { code: 'B003', level: 'warn' },
} as const satisfies Record<string, { code: string; level: LogLevel }>;

export type LogEventName = keyof typeof EVENT_CATALOGUE;

/** One structured log event: dbt's `info` (name, code, level, msg, thread) and its `data`. */
export interface LogEvent {
  readonly name: LogEventName;
  readonly code: string;
  readonly level: LogLevel;
  /** The message, uncoloured (JSON `info.msg`, log file). */
  readonly msg: string;
  /** The message for a terminal, with colour codes; defaults to {@link msg}. */
  readonly colored?: (color: (code: number, s: string) => string) => string;
  /** dbt's `data` for this event; made only when a JSON line is written. */
  readonly data: () => Readonly<Record<string, unknown>>;
  /** `MainThread`, or the worker (`Thread-1 (worker)`) a node ran on. */
  readonly thread?: string;
  /** Printed to the console whatever the level (`print()`, `ls`, `show`): dbt's PrintEvent behaviour. */
  readonly always?: boolean;
}

/** Makes a {@link LogEvent} with the catalogue's code and level (or `level`, for a result's status). */
export function logEvent(name: LogEventName, msg: string, data: () => Readonly<Record<string, unknown>>, extra: Partial<Pick<LogEvent, 'level' | 'colored' | 'thread' | 'always'>> = {}): LogEvent {
  const entry = EVENT_CATALOGUE[name];
  return { name, code: entry.code, level: extra.level ?? entry.level, msg, data, colored: extra.colored, thread: extra.thread, always: extra.always };
}

const WIDTH = 80;

/** dbt's `format_fancy_output_line`: `1 of 5 START sql view model main.x ........ [RUN]`. */
export function fancyLine(left: string, right: string): string {
  const n = Math.max(3, WIDTH - left.length - right.length - 2);
  return `${left} ${'.'.repeat(n)} ${right}`;
}

function fmtRows(n: number | undefined): string {
  // 1,204 (toLocaleString is slow enough to show in a 1,000-node run's profile)
  if (n === undefined) return '';
  return n < 1000 && n > -1000 ? `${n} rows ` : `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} rows `;
}

function statusLabel(r: NodeResult): string {
  const t = `in ${r.executionTime.toFixed(2)}s`;
  switch (r.status) {
    case 'success':
      return `[OK ${fmtRows(r.rowsAffected)}${t}]`;
    case 'pass':
      return `[PASS ${t}]`;
    case 'warn':
      return `[WARN ${r.failures ?? ''} ${t}]`.replace('  ', ' ');
    case 'fail':
      return `[FAIL ${r.failures ?? ''} ${t}]`.replace('  ', ' ');
    case 'skipped':
      return '[SKIP]';
    default:
      return `[ERROR ${t}]`;
  }
}

function describe(node: NodeSummary): string {
  if (node.resourceType === 'test' || node.resourceType === 'unit_test') return `${node.resourceType === 'unit_test' ? 'unit_test' : 'test'} ${node.name}`;
  if (node.resourceType === 'seed') return `seed file ${node.relation ?? node.name}`;
  if (node.resourceType === 'snapshot') return `snapshot ${node.relation ?? node.name}`;
  return `sql ${node.materialized} model ${node.relation ?? node.name}`;
}

/** dbt's `node_info`: what every node event says about its node. */
export function nodeInfo(node: NodeSummary, status: string, startedAt?: string, finishedAt?: string): Record<string, unknown> {
  return {
    node_path: node.path ?? '',
    node_name: node.name,
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    materialized: node.materialized,
    node_status: status,
    node_started_at: startedAt ?? '',
    node_finished_at: finishedAt ?? '',
    meta: node.meta ?? {},
    node_relation: node.relationParts
      ? { database: node.relationParts.database, schema: node.relationParts.schema, alias: node.relationParts.identifier, relation_name: node.relationName ?? '' }
      : { database: '', schema: '', alias: '', relation_name: '' },
  };
}

/** node_info of a source (freshness events). */
function sourceInfo(s: { uniqueId: string; name: string; path: string; relationParts?: { database: string; schema: string; identifier: string } }, status: string): Record<string, unknown> {
  return nodeInfo({ uniqueId: s.uniqueId, name: s.name, resourceType: 'source', materialized: '', path: s.path, relationParts: s.relationParts }, status);
}

/** dbt's `run_result` inside NodeFinished. */
function runResultData(r: NodeResult): Record<string, unknown> {
  return {
    status: r.status,
    message: r.message,
    timing_info: r.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
    thread: r.threadId,
    execution_time: r.executionTime,
    adapter_response: { ...r.adapterResponse, ...(r.rowsAffected !== undefined ? { rows_affected: r.rowsAffected } : {}) },
    num_failures: r.failures ?? 0,
  };
}

const workerThread = (threadId: string | undefined) => (threadId && threadId !== 'main' ? `${threadId} (worker)` : 'MainThread');

/** The level dbt gives a test result (its status_to_level). */
function testLevel(status: string): LogLevel {
  return status === 'fail' || status === 'error' || status === 'runtime error' ? 'error' : status === 'warn' ? 'warn' : 'info';
}

/** One line summing the LLM figures nodes reported (see src/llm/runtime.ts), or nothing. */
function llmSummary(results: readonly NodeResult[]): string | undefined {
  const withLlm = results.map((r) => r.adapterResponse).filter((a) => a['llm_provider'] !== undefined);
  if (!withLlm.length) return undefined;
  const sum = (k: string) => withLlm.reduce((s, a) => s + (Number(a[k]) || 0), 0);
  const lookups = sum('llm_lookups');
  const hits = sum('llm_hits');
  const provider = String(withLlm[0]!['llm_provider']);
  const where = provider === 'offline' ? 'offline (deterministic stand-in, not a language model)' : `${provider}${withLlm[0]!['llm_endpoint'] ? ` at ${String(withLlm[0]!['llm_endpoint'])}` : ''}`;
  const rate = lookups ? ` (${((100 * hits) / lookups).toFixed(1)}%)` : '';
  return `LLM ${where}: ${lookups.toLocaleString('en-US')} lookups, ${hits.toLocaleString('en-US')} hits${rate}, ${sum('llm_requests').toLocaleString('en-US')} requests, ${sum('llm_retries')} retries, ${sum('llm_seconds').toFixed(2)}s fetching`;
}

const NO_DATA = () => ({});

/** A blank line on the console (dbt's Formatting event). */
const blank = () => logEvent('Formatting', '', () => ({ msg: '' }));

function nodeResultEvent(e: Extract<BmpEvent, { type: 'node.finish' }>): LogEvent {
  const { node, result: r, index, total } = e;
  const thread = workerThread(r.threadId);
  const info = () => nodeInfo(node, r.status, r.timing[0]?.startedAt, r.timing[r.timing.length - 1]?.completedAt);
  const colorOf = r.status === 'error' || r.status === 'fail' ? 31 : r.status === 'warn' || r.status === 'skipped' ? 33 : 32;
  const isTest = node.resourceType === 'test' || node.resourceType === 'unit_test';
  if (r.status === 'skipped') {
    const msg = fancyLine(isTest ? `${index} of ${total} SKIP ${node.name}` : `${index} of ${total} SKIP ${describe(node)}`, '[SKIP]');
    return logEvent('SkippingDetails', msg, () => ({ node_info: info(), resource_type: node.resourceType, schema: node.relationParts?.schema ?? '', node_name: node.name, index, total }), {
      thread,
      colored: (c) => fancyLine(isTest ? `${index} of ${total} SKIP ${node.name}` : `${index} of ${total} SKIP ${describe(node)}`, c(colorOf, '[SKIP]')),
    });
  }
  const verb = r.status === 'error' ? 'ERROR creating' : r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : r.status === 'warn' ? 'WARN' : node.resourceType === 'seed' ? 'OK loaded' : 'OK created';
  const left = isTest ? `${index} of ${total} ${verb} ${node.name}` : `${index} of ${total} ${verb} ${describe(node)}`;
  const label = statusLabel(r);
  const line = fancyLine(left, label);
  const colored = (c: (code: number, s: string) => string) => fancyLine(left, c(colorOf, label));
  const common = { index, total, execution_time: r.executionTime };
  if (isTest) {
    return logEvent('LogTestResult', line, () => ({ node_info: info(), name: node.name, status: r.status, ...common, num_models: total, num_failures: r.failures ?? 0, attached_node: node.attachedNode ?? '' }), { level: testLevel(r.status), thread, colored });
  }
  const level: LogLevel = r.status === 'error' ? 'error' : 'info';
  if (node.resourceType === 'seed') {
    return logEvent('LogSeedResult', line, () => ({ node_info: info(), status: r.status, result_message: r.message, ...common, schema: node.relationParts?.schema ?? '', relation: node.relationParts?.identifier ?? node.name }), { level, thread, colored });
  }
  if (node.resourceType === 'snapshot') {
    return logEvent('LogSnapshotResult', line, () => ({ node_info: info(), description: describe(node), status: r.status, ...common, cfg: {}, result_message: r.message }), { level, thread, colored });
  }
  return logEvent('LogModelResult', line, () => ({ node_info: info(), description: describe(node), status: r.status, ...common }), { level, thread, colored });
}

/** The problems listed after a run, as dbt's printer lists them. */
function problemEvents(p: NodeResult, node: NodeSummary | undefined): LogEvent[] {
  const type = p.uniqueId.split('.')[0]!;
  const name = p.uniqueId.split('.').slice(2).join('.');
  const where = p.compiledPath ? ` (${p.compiledPath})` : '';
  const info = () => (node ? nodeInfo(node, p.status) : { unique_id: p.uniqueId });
  if (p.status === 'warn' || p.status === 'fail') {
    // as dbt lists a failed or warning test: its name and file, the message, where its compiled
    // SQL is, and where it stored its failing rows (if it did)
    const nodeName = node?.name ?? name;
    const file = node?.originalFilePath ?? p.compiledPath ?? '';
    const head = `${p.status === 'warn' ? 'Warning' : 'Failure'} in ${type} ${nodeName} (${file})`;
    const out = [
      p.status === 'warn'
        ? logEvent('RunResultWarning', head, () => ({ resource_type: type, node_name: nodeName, path: file, node_info: info() }), { colored: (c) => c(33, head) })
        : logEvent('RunResultFailure', head, () => ({ resource_type: type, node_name: nodeName, path: file, node_info: info() }), { colored: (c) => c(31, head) }),
      p.status === 'warn' ? logEvent('RunResultWarningMessage', `  ${p.message}`, () => ({ msg: p.message, node_info: info() })) : logEvent('RunResultError', `  ${p.message}`, () => ({ msg: p.message, node_info: info() })),
    ];
    if (p.compiledPath) out.push(blank(), logEvent('SQLCompiledPath', `  compiled Code at ${p.compiledPath}`, () => ({ path: p.compiledPath, node_info: info() })));
    const stored = storedFailures(p);
    if (stored !== undefined) {
      const query = `select * from ${stored}`;
      const rule = '-'.repeat(query.length);
      out.push(blank(), logEvent('CheckNodeTestFailure', `  See test failures:\n  ${rule}\n  ${query}\n  ${rule}`, () => ({ relation_name: stored, node_info: info() })));
    }
    return out;
  }
  const located = p.errorLocation ? ` (${p.errorLocation})` : where;
  const line = `${p.errorTitle ?? 'Error'} in ${type} ${name}${located}\n  ${p.message}`;
  return [logEvent('RunResultError', line, () => ({ msg: line, node_info: info() }))];
}

/**
 * The dbt log events a bmp event stands for, in order. `summaries` finds a node's summary for the
 * problems listed at the end of a run; `at` is when the event happened (epoch ms).
 */
export function toLogEvents(e: BmpEvent, summaries?: (uniqueId: string) => NodeSummary | undefined, at: number = Date.now()): LogEvent[] {
  switch (e.type) {
    case 'warning': {
      const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}` : '';
      // the console says [WARNING] (dbt's warning tag); the event's msg is the warning itself
      const text = `[WARNING]${where ? ` ${where}` : ''}: ${e.message}${e.name ? ` [${e.name}]` : ''}`;
      const msg = where ? `${where}: ${e.message}` : e.message;
      if (e.selector !== undefined || e.name === 'NoNodesForSelectionCriteria') return [logEvent('NoNodesForSelectionCriteria', msg, () => ({ spec_raw: e.selector ?? '' }), { colored: (c) => c(33, text) })];
      // a warning named as a dbt event (or a bmp-only one) is logged under that name; others are BmpWarning
      const name: LogEventName = e.name && e.name in EVENT_CATALOGUE && EVENT_CATALOGUE[e.name as LogEventName].level === 'warn' ? (e.name as LogEventName) : 'BmpWarning';
      return [logEvent(name, msg, () => ({ msg: e.message, file: e.file ?? '', line: e.line ?? null, ...(e.name ? { name: e.name } : {}), ...(e.warnCode ? { warn_code: e.warnCode } : {}) }), { colored: (c) => c(33, text) })];
    }
    case 'info':
      return [logEvent('Note', e.message, () => ({ msg: e.message }))];
    case 'run.start': {
      const parts = Object.entries(e.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`);
      const stat = parts.join(', ') || 'nothing';
      return [
        logEvent('FoundStats', `Found ${stat}`, () => ({ stat_line: stat })),
        logEvent('ConcurrencyLine', `Concurrency: ${e.threads} threads (target='${e.target}')`, () => ({ num_threads: e.threads, target_name: e.target, node_count: e.total })),
        blank(),
      ];
    }
    case 'node.start': {
      const isTest = e.node.resourceType === 'test' || e.node.resourceType === 'unit_test';
      // formatted only if a JSON line asks for it
      const startedAt = () => new Date(at).toISOString();
      const thread = workerThread(e.thread);
      const line = fancyLine(`${e.index} of ${e.total} START ${describe(e.node)}`, '[RUN]');
      return [
        logEvent('NodeStart', `Began running node ${e.node.uniqueId}`, () => ({ node_info: nodeInfo(e.node, 'started', startedAt()) }), { thread }),
        // bmp leaves test START lines out of the console unless --debug (their results follow at once)
        logEvent('LogStartLine', line, () => ({ node_info: nodeInfo(e.node, 'started', startedAt()), description: describe(e.node), index: e.index, total: e.total }), isTest ? { thread, level: 'debug' } : { thread }),
      ];
    }
    case 'node.finish': {
      const r = e.result;
      return [
        nodeResultEvent(e),
        logEvent('NodeFinished', `Finished running node ${e.node.uniqueId}`, () => ({ node_info: nodeInfo(e.node, r.status, r.timing[0]?.startedAt, r.timing[r.timing.length - 1]?.completedAt), run_result: runResultData(r) }), { thread: workerThread(r.threadId) }),
      ];
    }
    case 'log': {
      if (e.print) return [logEvent('PrintEvent', e.message, () => ({ msg: e.message }), { always: true })];
      const node = e.nodeId ? summaries?.(e.nodeId) : undefined;
      const data = () => ({ node_info: node ? nodeInfo(node, 'executing') : {}, msg: e.message });
      return [e.info ? logEvent('JinjaLogInfo', e.message, data) : logEvent('JinjaLogDebug', e.message, data)];
    }
    case 'sql':
      return [logEvent('SQLQuery', `On connection ${e.connection}: ${e.sql.replace(/\s+/g, ' ').slice(0, 2000)}`, () => ({ conn_name: `connection ${e.connection}`, sql: e.sql, node_info: {} }))];
    case 'sql.status':
      // dbt-duckdb's adapter response is `OK` for every statement that succeeded
      return [logEvent('SQLQueryStatus', `SQL status: OK in ${e.elapsed.toFixed(3)} seconds`, () => ({ status: 'OK', elapsed: e.elapsed, conn_name: `connection ${e.connection}`, node_info: {} }))];
    case 'run.finish':
      return runFinishEvents(e, summaries);
    case 'freshness.start': {
      const line = fancyLine(`${e.index} of ${e.total} START freshness of ${e.source.sourceName}.${e.source.name}`, '[RUN]');
      return [logEvent('LogStartLine', line, () => ({ node_info: sourceInfo(e.source, 'started'), description: `freshness of ${e.source.sourceName}.${e.source.name}`, index: e.index, total: e.total }))];
    }
    case 'freshness.finish': {
      const info = e.status === 'runtime error' ? 'ERROR' : e.status === 'error' ? 'ERROR STALE' : e.status === 'warn' ? 'WARN' : 'PASS';
      const label = `[${info} in ${e.executionTime.toFixed(2)}s]`;
      const left = `${e.index} of ${e.total} ${info} freshness of ${e.source.sourceName}.${e.source.name}`;
      const color = e.status === 'pass' ? 32 : e.status === 'warn' ? 33 : 31;
      const level: LogLevel = e.status === 'pass' ? 'info' : e.status === 'warn' ? 'warn' : 'error';
      const out = [
        logEvent('LogFreshnessResult', fancyLine(left, label), () => ({ status: e.status, node_info: sourceInfo(e.source, e.status), index: e.index, total: e.total, execution_time: e.executionTime, source_name: e.source.sourceName, table_name: e.source.name }), { level, colored: (c) => fancyLine(left, c(color, label)) }),
      ];
      if (e.status === 'runtime error') out.push(logEvent('RunResultError', `  ${e.message}`, () => ({ msg: e.message, node_info: sourceInfo(e.source, e.status) })));
      return out;
    }
    case 'freshness.done':
      return [blank(), logEvent('FreshnessCheckComplete', 'Done.', () => ({}))];
    default:
      return [];
  }
}

function runFinishEvents(e: Extract<BmpEvent, { type: 'run.finish' }>, summaries?: (uniqueId: string) => NodeSummary | undefined): LogEvent[] {
  const out: LogEvent[] = [blank()];
  const n = e.results.length;
  const stat = `${n} node${n === 1 ? '' : 's'}`;
  const finished = `Finished running ${stat} in ${e.elapsed.toFixed(2)}s.${e.interrupted ? ' (interrupted)' : ''}`;
  out.push(logEvent('FinishedRunningStats', finished, () => ({ stat_line: stat, execution: '', execution_time: e.elapsed })));
  // what failed after the nodes (a final checkpoint that could not be written)
  for (const failure of e.finishErrors ?? []) {
    out.push(blank());
    out.push(logEvent('RunResultError', `Error: ${failure}`, () => ({ msg: failure, node_info: {} }), { colored: (c) => c(31, `Error: ${failure}`) }));
  }
  const count = (s: string) => e.results.filter((r) => r.status === s).length;
  const errors = count('error') + count('fail') + count('runtime error');
  const warnings = count('warn');
  const problems = e.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn' || r.status === 'runtime error');
  const summaryData = () => ({ num_errors: errors, num_warnings: warnings, keyboard_interrupt: e.interrupted, num_partial_success: 0 });
  if (problems.length) {
    out.push(blank());
    const text = errors ? 'Completed with errors:' : 'Completed with warnings:';
    out.push(logEvent('EndOfRunSummary', text, summaryData, { colored: (c) => c(errors ? 31 : 33, text) }));
    for (const p of problems) {
      out.push(blank());
      out.push(...problemEvents(p, summaries?.(p.uniqueId)));
    }
  } else if (!e.interrupted && !e.finishErrors?.length) {
    out.push(blank());
    out.push(logEvent('EndOfRunSummary', 'Completed successfully', summaryData, { colored: (c) => c(32, 'Completed successfully') }));
  } else {
    out.push(logEvent('EndOfRunSummary', 'Exited because of keyboard interrupt', summaryData, { level: 'debug' }));
  }
  const stats = { pass: count('success') + count('pass'), warn: warnings, error: errors, skip: count('skipped'), total: n };
  out.push(blank());
  out.push(logEvent('StatsLine', `Done. PASS=${stats.pass} WARN=${stats.warn} ERROR=${stats.error} SKIP=${stats.skip} TOTAL=${stats.total}`, () => ({ stats })));
  const llm = llmSummary(e.results);
  if (llm) out.push(logEvent('BmpLlmSummary', llm, NO_DATA));
  return out;
}
