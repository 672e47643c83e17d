/**
 * What a CLI command module is given: the program to add its commands to, the CLI context (output,
 * interrupt, exit code, the invocation's flags and logger) and helpers (shared options, library
 * options from parsed flags). Command modules export a {@link CommandRegistrar};
 * src/cli/commands/index.ts names them all in COMMANDS.
 */
import type { Command } from 'commander';
import type { EventSink, Logger, LogEventName } from '../report/index.js';
import type { ResourceTypeOption, RunOptions } from '../tasks/index.js';
import type { GlobalFlags } from './global-flags.js';
import type { OptionSpec } from './options.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly isTTY: boolean;
  /** Raw writes (no newline) for the live status line; without it there is none. */
  readonly write?: (chunk: string) => void;
  /** Terminal width. */
  readonly columns?: () => number;
}

export interface CliContext {
  readonly io: CliIO;
  /** Holds what Ctrl-C must interrupt. */
  onInterrupt?: () => void;
  exitCode: number;
  /** The invocation's id (every log line and artifact carries it). */
  readonly invocationId: string;
  /** Global flags, resolved once the command is known (command line, then DBT_/BMP_ variables, then defaults). */
  flags?: GlobalFlags;
  /** The invocation's logger (console and log file), made once the command is known. */
  logger?: Logger;
  /** The command as dbt names it (`run`, `docs generate`). */
  command?: string;
  /** The logger's sink wrapped by the live status line, when there is one. */
  progressSink?: EventSink;
  /**
   * A command's own output (a list, a preview, a summary): a plain line on the console, or dbt's
   * structured event with `--log-format json`; always in the log file. `always` prints it under
   * `--quiet` too (ls, show: what the command is for).
   */
  output(name: LogEventName, msg: string, data?: Readonly<Record<string, unknown>>, always?: boolean): void;
}

/**
 * The shared options as commander hands them to an action (GLOBAL_OPTIONS, SELECTION_OPTIONS and
 * RUN_OPTIONS in options.ts: each spec names its key here, and tests/unit/cli-options.test.ts checks
 * that commander's name for the flag is that key). A command with options of its own adds them:
 * `ParsedOptions & { inline?: string }`.
 */
export interface ParsedOptions {
  readonly projectDir?: string;
  readonly profilesDir?: string;
  readonly profile?: string;
  readonly target?: string;
  readonly threads?: number;
  readonly vars?: string;
  readonly targetPath?: string;
  readonly waitForLock?: number;
  readonly select?: readonly string[];
  readonly models?: readonly string[];
  readonly exclude?: readonly string[];
  readonly resourceType?: readonly ResourceTypeOption[];
  readonly excludeResourceType?: readonly ResourceTypeOption[];
  /** `--resource-types` / `--exclude-resource-types` (commander names them apart): merged into the two above. */
  readonly resourceTypes?: readonly ResourceTypeOption[];
  readonly excludeResourceTypes?: readonly ResourceTypeOption[];
  readonly selector?: string;
  readonly state?: string;
  readonly deferState?: string;
  readonly defer?: boolean;
  readonly favorState?: boolean;
  readonly indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty';
  readonly fullRefresh?: boolean;
  readonly eventTimeStart?: string;
  readonly eventTimeEnd?: string;
  readonly empty?: boolean;
  readonly storeFailures?: boolean;
  readonly llmOffline?: boolean;
  /** Global flags commander may also give a command (after the command name), and their DBT_ variables. */
  readonly failFast?: boolean;
  readonly warnError?: boolean;
  readonly warnErrorOptions?: string;
}

/** What every task takes, made from the parsed options, the global flags and the CLI's event sink. */
export interface LibraryOptions extends RunOptions {
  readonly emit: EventSink;
  readonly invocationId: string;
}

export type CommandRegistrar = (program: Command, ctx: CliContext, helpers: CommandHelpers) => void;

export interface CommandHelpers {
  addOptions(cmd: Command, specs: readonly OptionSpec[]): Command;
  globalOptions: readonly OptionSpec[];
  selectionOptions: readonly OptionSpec[];
  runOptions: readonly OptionSpec[];
  /**
   * Library options from parsed CLI options (project dir, vars, selection, event sink), with the
   * global flags and the DBT_/BMP_ variables dbt reads for command options.
   */
  libraryOptions(o: ParsedOptions): LibraryOptions;
}
