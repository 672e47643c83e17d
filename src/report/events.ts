/**
 * Everything the core reports is an event; the text and JSON reporters and the log file render the
 * same events, each as the dbt log events that mean the same thing (see log-events.ts). The `code`
 * of a BmpEvent is bmp's internal kind; logs carry dbt's codes instead.
 */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'runtime error';

export interface NodeResult {
  readonly uniqueId: string;
  readonly status: NodeStatus;
  readonly message: string;
  readonly rowsAffected?: number;
  readonly failures?: number;
  readonly executionTime: number;
  readonly timing: readonly { readonly name: 'compile' | 'execute'; readonly startedAt: string; readonly completedAt: string }[];
  readonly threadId: string;
  readonly compiledPath?: string;
  readonly compiledCode?: string;
  /** For an error: its kind as dbt titles it (`Compilation Error`, `Database Error`) and where it happened (`models/x.sql:3:4`, or the compiled file for DuckDB's errors, whose LINE n counts compiled lines). */
  readonly errorTitle?: string;
  readonly errorLocation?: string;
  /** The relation the node built or reads (`"db"."schema"."name"`), dbt's `relation_name`. */
  readonly relationName?: string;
  /** Extra figures (LLM cache hits, batches, ...). */
  readonly adapterResponse: Readonly<Record<string, unknown>>;
}

export interface NodeSummary {
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: string;
  readonly materialized: string;
  /** `schema.identifier`, as the console prints it. */
  readonly relation?: string;
  /** Path relative to the resource folder (dbt's `node_path`). */
  readonly path?: string;
  /** The file it is written in, relative to its package (dbt's `original_file_path`; a generic test's properties file). */
  readonly originalFilePath?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly relationParts?: { readonly database: string; readonly schema: string; readonly identifier: string };
  /** `"db"."schema"."identifier"`. */
  readonly relationName?: string;
  /** The node a test is attached to. */
  readonly attachedNode?: string;
}

export type BmpEvent =
  | {
      readonly code: 'A001';
      readonly type: 'warning';
      readonly message: string;
      readonly file?: string;
      readonly line?: number;
      /** The warning's stable name (dbt's event name where dbt has it), for --warn-error-options and logs. */
      readonly name?: string;
      /** bmp's code for the warning (`BMP_PATCH_UNUSED`), when it has one. */
      readonly warnCode?: string;
      /** Set when the warning is a selector that matched nothing (dbt's NoNodesForSelectionCriteria). */
      readonly selector?: string;
    }
  | { readonly code: 'A002'; readonly type: 'info'; readonly message: string }
  | { readonly code: 'Q001'; readonly type: 'run.start'; readonly command: string; readonly total: number; readonly threads: number; readonly target: string; readonly counts: Readonly<Record<string, number>> }
  | { readonly code: 'Q002'; readonly type: 'node.start'; readonly index: number; readonly total: number; readonly node: NodeSummary; readonly thread?: string }
  | { readonly code: 'Q003'; readonly type: 'node.finish'; readonly index: number; readonly total: number; readonly node: NodeSummary; readonly result: NodeResult }
  | { readonly code: 'Q004'; readonly type: 'log'; readonly message: string; readonly nodeId?: string; readonly info: boolean; readonly print?: boolean }
  | { readonly code: 'E001'; readonly type: 'sql'; readonly sql: string; readonly connection: number }
  /** The statement (or statements sent together) last reported on `connection` succeeded, in `elapsed` seconds. */
  | { readonly code: 'E002'; readonly type: 'sql.status'; readonly connection: number; readonly elapsed: number }
  | { readonly code: 'Q005'; readonly type: 'freshness.start'; readonly index: number; readonly total: number; readonly source: FreshnessSubject }
  | {
      readonly code: 'Q006';
      readonly type: 'freshness.finish';
      readonly index: number;
      readonly total: number;
      readonly source: FreshnessSubject;
      readonly status: FreshnessStatus;
      readonly executionTime: number;
      readonly message: string;
    }
  | { readonly code: 'Q007'; readonly type: 'freshness.done'; readonly elapsed: number; readonly counts: Readonly<Record<FreshnessStatus, number>> }
  | { readonly code: 'Z001'; readonly type: 'run.finish'; readonly command: string; readonly elapsed: number; readonly results: readonly NodeResult[]; readonly interrupted: boolean; readonly finishErrors?: readonly string[] };

/** `source freshness` verdicts, as dbt names them. */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

/** The source a freshness event is about. */
export interface FreshnessSubject {
  readonly uniqueId: string;
  readonly sourceName: string;
  readonly name: string;
  readonly path: string;
  readonly relationParts?: { readonly database: string; readonly schema: string; readonly identifier: string };
}

/**
 * Takes one event. `at` is when it happened (epoch ms), for a reporter that receives it later
 * (see {@link batchedSink}); absent, it happened now.
 */
export type EventSink = (event: BmpEvent, at?: number) => void;

export const nullSink: EventSink = () => undefined;

/** An {@link EventSink} that holds events and reports them in batches; see {@link batchedSink}. */
export interface BatchedSink extends EventSink {
  /** Hands every held event to the wrapped sink, in order. */
  flush(): void;
  /**
   * Takes an event that is made when it is reported, in its place in the order: a node's finish
   * line (and its result) is made after its children started, and is still printed first.
   */
  later(make: () => BmpEvent): void;
}

/** How long an event may wait before {@link batchedSink} reports it. */
export const REPORT_BATCH_MS = 100;
/** How long one turn of {@link batchedSink}'s reporting may hold the main thread. */
const REPORT_SLICE_MS = 1;
/** Held events beyond which {@link batchedSink} reports at once (a bound on what waits). */
const MAX_HELD = 10_000;

/**
 * Reports events in batches, at most `intervalMs` after they happen, each with the time it
 * happened, in turns of at most a millisecond. In a run of small models DuckDB's statements and
 * bmp's own work share two cores: a node's lines and result made one node at a time, between or
 * during statements, cost several times what the same work costs done for many nodes in one go
 * (bench/phases.mjs, a 1,000-model chain: the statements finished ~0.4 s sooner); and a turn short
 * enough not to keep a finished statement waiting long for the main thread, which starts the
 * next one. A command flushes at its end and before anything it prints itself, so the order of
 * everything printed is kept.
 */
export function batchedSink(sink: EventSink, intervalMs = REPORT_BATCH_MS): BatchedSink {
  let held: (BmpEvent | (() => BmpEvent) | undefined)[] = [];
  let times: number[] = [];
  let next = 0; // the first event not reported yet
  let timer: NodeJS.Timeout | undefined;
  let turn: NodeJS.Immediate | undefined;
  const report = (until: number) => {
    while (next < held.length) {
      const e = held[next]!;
      const at = times[next];
      held[next++] = undefined;
      sink(typeof e === 'function' ? e() : e, at);
      if (performance.now() >= until) break;
    }
    if (next >= held.length) {
      held = [];
      times = [];
      next = 0;
    }
  };
  const reportSome = () => {
    timer = undefined;
    turn = undefined;
    report(performance.now() + REPORT_SLICE_MS);
    if (next < held.length) turn = setImmediate(reportSome);
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    if (turn) clearImmediate(turn);
    timer = turn = undefined;
    report(Infinity);
  };
  const hold = (e: BmpEvent | (() => BmpEvent)) => {
    held.push(e);
    times.push(Date.now());
    if (held.length - next >= MAX_HELD) flush();
    else if (!timer && !turn) timer = setTimeout(reportSome, intervalMs);
  };
  return Object.assign((event: BmpEvent) => hold(event), { flush, later: hold });
}
