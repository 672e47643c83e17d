/**
 * One invocation of a command, as templates see it: `flags` (`flags.WHICH` is the real command),
 * `invocation_id`, `run_started_at` and `invocation_args_dict`. Made once by the task, before the
 * project is parsed, so parse and run share the same id and start time.
 */
import { randomUUID } from 'node:crypto';

export interface InvocationOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly fullRefresh?: boolean;
  readonly failFast?: boolean;
  readonly threads?: number;
  readonly target?: string;
  readonly projectDir?: string;
  readonly profilesDir?: string;
  readonly vars?: string | Readonly<Record<string, unknown>>;
  readonly resourceTypes?: readonly string[];
  readonly indirectSelection?: string;
  readonly eventTimeStart?: string;
  readonly eventTimeEnd?: string;
  readonly storeFailures?: boolean;
  readonly debug?: boolean;
  readonly logFormat?: string;
  /** `--llm-offline`: the offline LLM provider answers whatever the profile names. */
  readonly llmOffline?: boolean;
}

/**
 * The commands an invocation can be, by dbt's names for `flags.WHICH` (`generate` is `docs generate`,
 * `freshness` is `source freshness`, `list` is `ls`), plus bmp's own `partitions`.
 */
export type InvocationCommand =
  | 'build' | 'clean' | 'clone' | 'compile' | 'debug' | 'deps' | 'freshness' | 'generate' | 'init' | 'list'
  | 'parse' | 'partitions' | 'retry' | 'run' | 'run-operation' | 'seed' | 'serve' | 'show' | 'snapshot' | 'test';

export interface Invocation {
  /** The command: `flags.WHICH`. */
  readonly command: InvocationCommand;
  readonly invocationId: string;
  /** When the invocation started (with microseconds, as dbt's datetime has them). */
  readonly startedAt: Date;
  readonly startedAtMicros: number;
  readonly options: InvocationOptions;
}

/** A new invocation of `command` (id and start time fixed now). */
export function makeInvocation(command: InvocationCommand, options: InvocationOptions = {}, invocationId: string = randomUUID(), startedAt?: Date): Invocation {
  const at = startedAt ?? new Date();
  // the clock's microseconds past the millisecond a Date keeps (none for a given start time)
  const micros = startedAt ? 0 : Number(process.hrtime.bigint() % 1000n);
  return Object.freeze({ command, invocationId, startedAt: at, startedAtMicros: at.getUTCMilliseconds() * 1000 + micros, options });
}

/** dbt's `flags` object: upper-case names, the real command in WHICH. */
export function flagsOf(inv: Invocation, projectDir: string, targetPath: string): Readonly<Record<string, unknown>> {
  const o = inv.options;
  return Object.freeze({
    WHICH: inv.command,
    FULL_REFRESH: !!o.fullRefresh,
    FAIL_FAST: !!o.failFast,
    STORE_FAILURES: !!o.storeFailures,
    DEBUG: !!o.debug,
    LOG_FORMAT: o.logFormat ?? 'text',
    WARN_ERROR: false,
    WARN_ERROR_OPTIONS: {},
    USE_COLORS: true,
    PRINTER_WIDTH: 80,
    QUIET: false,
    INTROSPECT: true,
    EMPTY: false,
    PARTIAL_PARSE: false,
    STATIC_PARSER: true,
    USE_EXPERIMENTAL_PARSER: false,
    WRITE_JSON: true,
    SEND_ANONYMOUS_USAGE_STATS: false,
    VERSION_CHECK: false,
    CACHE_SELECTED_ONLY: false,
    DEFER: false,
    FAVOR_STATE: false,
    STATE: null,
    INDIRECT_SELECTION: o.indirectSelection ?? 'eager',
    SELECT: o.select?.length ? [...o.select] : null,
    EXCLUDE: o.exclude?.length ? [...o.exclude] : null,
    RESOURCE_TYPES: o.resourceTypes?.length ? [...o.resourceTypes] : null,
    THREADS: o.threads ?? null,
    TARGET: o.target ?? null,
    PROJECT_DIR: projectDir,
    PROFILES_DIR: o.profilesDir ?? projectDir,
    TARGET_PATH: targetPath,
    EVENT_TIME_START: o.eventTimeStart ?? null,
    EVENT_TIME_END: o.eventTimeEnd ?? null,
  });
}

/** dbt's `invocation_args_dict`: the invocation's arguments, lower-case names. */
export function invocationArgs(inv: Invocation, projectDir: string, cliVars: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const o = inv.options;
  const args: Record<string, unknown> = {
    which: inv.command,
    invocation_command: ['bmp', inv.command, ...(o.select?.length ? ['--select', ...o.select] : []), ...(o.exclude?.length ? ['--exclude', ...o.exclude] : [])].join(' '),
    select: o.select ? [...o.select] : [],
    exclude: o.exclude ? [...o.exclude] : [],
    full_refresh: !!o.fullRefresh,
    fail_fast: !!o.failFast,
    project_dir: projectDir,
    profiles_dir: o.profilesDir ?? projectDir,
    vars: { ...cliVars },
    log_format: o.logFormat ?? 'text',
    debug: !!o.debug,
    indirect_selection: o.indirectSelection ?? 'eager',
  };
  if (o.threads !== undefined) args['threads'] = o.threads;
  if (o.target !== undefined) args['target'] = o.target;
  if (o.resourceTypes?.length) args['resource_type'] = [...o.resourceTypes];
  if (o.eventTimeStart) args['event_time_start'] = o.eventTimeStart;
  if (o.eventTimeEnd) args['event_time_end'] = o.eventTimeEnd;
  return Object.freeze(args);
}
