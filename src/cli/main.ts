import { Command, CommanderError, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { maskSecrets } from '../config/index.js';
import { BmpError, didYouMeanOf, SqlError } from '../errors.js';
import type { LineFormat, Logger } from '../report/index.js';
import { createLogger, DBT_VERSION, logEvent, progressLine } from '../report/index.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, type CliContext, type CliIO, type CommandHelpers, type CommandRegistrar, type ParsedOptions } from './command.js';
import { GLOBAL_FLAGS, resolveGlobalFlags, withEnvDefaults, type GlobalFlags } from './global-flags.js';
import { packageRoot } from './package-root.js';
import { GLOBAL_OPTIONS, RUN_OPTIONS, SELECTION_OPTIONS, type OptionSpec } from './options.js';

export { EXIT, type CliContext, type CliIO, type CommandHelpers, type CommandRegistrar, type LibraryOptions, type ParsedOptions } from './command.js';

/** Commands whose console log opens with dbt's "Running with ..." line (the others print only their output). */
const REPORTS_VERSION = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'compile', 'parse', 'retry', 'clone', 'run-operation', 'source freshness', 'docs generate', 'dev']);
/** Commands that write no log file (dbt writes none for clean; init has no project yet; deps promises to write nothing but packages). */
const NO_LOG_FILE = new Set(['clean', 'init', 'deps']);

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** Builds the program from `commands` (default: every command, src/cli/commands/index.ts); exported so tests can parse argv without spawning. */
export function buildProgram(ctx: CliContext, commands: readonly CommandRegistrar[] = COMMANDS): Command {
  const program = new Command('bmp')
    .description('dbt-style SQL transformations on DuckDB')
    .version(version(), '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    // commander's own parse errors are not printed here: runProgram reports them as bmp's one-line Usage Error
    .configureOutput({ writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')), outputError: () => {} });
  // dbt's global flags: recognised before or after the command (commander gives them to the program)
  for (const f of GLOBAL_FLAGS) {
    const opt = new Option(f.flags, f.description);
    if (f.choices) opt.choices(f.choices);
    program.addOption(opt);
    if (f.kind === 'boolean') program.addOption(new Option(f.flags.replace(/^(-\w, )?--/, '--no-'), `(turns ${f.flags.replace(/^-\w, /, '')} off)`).hideHelp());
  }
  program.addOption(new Option('--no-color', 'plain output without ANSI colors (as --no-use-colors)'));
  program.hook('preAction', (_root, action) => startInvocation(ctx, program, action));
  const addOptions = (cmd: Command, specs: readonly OptionSpec[]) => {
    for (const s of specs) {
      const opt = new Option(s.flags, s.description);
      if (s.default !== undefined) opt.default(s.default);
      if (s.parse) {
        const parse = s.parse;
        opt.argParser((v: string, prev: unknown) => {
          try {
            return parse(v, prev);
          } catch (e) {
            throw new CommanderError(2, 'bmp.invalidArgument', (e as Error).message);
          }
        });
      }
      if (s.flags.startsWith('--indirect-selection')) opt.choices(['eager', 'cautious', 'buildable', 'empty']);
      cmd.addOption(opt);
    }
    return cmd.exitOverride();
  };
  const helpers: CommandHelpers = {
    addOptions,
    globalOptions: GLOBAL_OPTIONS,
    selectionOptions: SELECTION_OPTIONS,
    runOptions: RUN_OPTIONS,
    libraryOptions: (parsed) => {
      const o = withEnvDefaults(parsed, process.env);
      const flags = ctx.flags ?? resolveGlobalFlags({}, process.env);
      const logger = ctx.logger ?? startLogger(ctx, flags, o.projectDir);
      return {
        projectDir: o.projectDir,
        profilesDir: o.profilesDir,
        profile: o.profile,
        target: o.target,
        threads: o.threads,
        vars: o.vars,
        targetPath: o.targetPath,
        select: [...(o.select ?? []), ...(o.models ?? [])],
        exclude: o.exclude,
        resourceTypes: o.resourceType,
        excludeResourceTypes: o.excludeResourceType,
        indirectSelection: o.indirectSelection,
        selector: o.selector,
        state: o.state,
        deferState: o.deferState,
        defer: o.defer,
        favorState: o.favorState,
        empty: o.empty,
        storeFailures: o.storeFailures,
        fullRefresh: o.fullRefresh,
        failFast: o.failFast ?? flags.failFast,
        waitForLockSeconds: o.waitForLock,
        llmOffline: o.llmOffline,
        debug: flags.debug,
        eventTimeStart: o.eventTimeStart,
        eventTimeEnd: o.eventTimeEnd,
        warnError: o.warnError ?? flags.warnError,
        warnErrorOptions: o.warnErrorOptions ?? flags.warnErrorOptions,
        invocationId: ctx.invocationId,
        emit: ctx.progressSink ?? logger.emit,
      };
    },
  };
  for (const r of commands) r(program, ctx, helpers);
  return program;
}

/** The command's name as dbt prints it: `run`, `docs generate`, `source freshness`. */
function commandName(action: Command): string {
  const names: string[] = [];
  for (let c: Command | null = action; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Before the command runs: resolve the global flags, open the logger, say which bmp runs. */
function startInvocation(ctx: CliContext, program: Command, action: Command): void {
  const flags = resolveGlobalFlags(program.opts(), process.env);
  ctx.flags = flags;
  ctx.command = commandName(action);
  const projectDir = withEnvDefaults(action.opts<ParsedOptions>(), process.env).projectDir;
  const logger = startLogger(ctx, flags, projectDir);
  const versionEvent = logEvent('MainReportVersion', `Running with bmp=${version()} (dbt=${DBT_VERSION} artifacts and logs)`, () => ({ version: `=${version()}`, log_version: 3 }));
  logger.log(versionEvent, { console: REPORTS_VERSION.has(ctx.command) });
  const args: Record<string, string> = { which: ctx.command };
  for (const [k, v] of Object.entries({ ...program.opts(), ...action.opts() })) args[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = typeof v === 'string' ? v : JSON.stringify(v);
  logger.log(logEvent('MainReportArgs', `running bmp with arguments ${JSON.stringify(args)}`, () => ({ args })));
}

/** The logger for the flags (the console always; the log file where there is a project or --log-path). */
function startLogger(ctx: CliContext, flags: GlobalFlags, projectDir: string | undefined): Logger {
  const dir = resolve(projectDir ?? '.');
  const hasProject = existsSync(join(dir, 'project.yml')) || existsSync(join(dir, 'dbt_project.yml'));
  const logDir = flags.logPath ? resolve(flags.logPath) : hasProject && !NO_LOG_FILE.has(ctx.command ?? '') ? join(dir, 'logs') : undefined;
  const color = flags.useColors ?? (ctx.io.isTTY && !process.env['CI'] && !process.env['NO_COLOR']);
  const format: LineFormat = flags.logFormat;
  // a live status line only where a person watches a terminal: TTY, text logs, not CI, not quiet
  const live = format === 'text' && !flags.quiet && ctx.io.isTTY && !!ctx.io.write && !process.env['CI'] && process.env['TERM'] !== 'dumb';
  const progress = live ? progressLine({ write: ctx.io.write!, columns: ctx.io.columns, color }) : undefined;
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('DBT_ENV_CUSTOM_ENV_') && v !== undefined) extra[k.slice('DBT_ENV_CUSTOM_ENV_'.length)] = v;
  const logger = createLogger({
    invocationId: ctx.invocationId,
    console: { format, level: flags.debug ? 'debug' : flags.logLevel, color: format === 'text' && color, write: progress ? progress.lines(ctx.io.out) : ctx.io.out, quiet: flags.quiet },
    file: logDir ? { path: join(logDir, 'dbt.log'), format: flags.logFormatFile, level: flags.logLevelFile, color: flags.useColorsFile } : undefined,
    print: flags.print,
    extra,
  });
  ctx.logger = logger;
  ctx.progressSink = progress ? progress.sink(logger.emit) : undefined;
  return logger;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], rawIo: CliIO, signals?: { interrupt?: () => boolean | void }): Promise<number> {
  // values of secret env vars (env_var('..._TOKEN')) never reach the terminal, whoever prints them
  const { write } = rawIo;
  const io: CliIO = { ...rawIo, out: (l) => rawIo.out(maskSecrets(l)), err: (l) => rawIo.err(maskSecrets(l)), ...(write ? { write: (s: string) => write(maskSecrets(s)) } : {}) };
  const started = Date.now();
  const ctx: CliContext = {
    io,
    exitCode: 0,
    invocationId: randomUUID(),
    output(name, msg, data = { msg }, always = false) {
      const logger = ctx.logger;
      const event = logEvent(name, msg, () => data, { always });
      if (!logger || logger.consoleFormat !== 'json') {
        if (always || !ctx.flags?.quiet) io.out(msg);
        logger?.log(event, { console: false });
      } else logger.log(event);
    },
  };
  // false: this command has nothing to interrupt gracefully, the process edge exits at once
  if (signals) signals.interrupt = () => (ctx.onInterrupt ? (ctx.onInterrupt(), true) : false);
  const program = buildProgram(ctx);
  const code = await runProgram(program, argv, ctx);
  const logger = ctx.logger ?? (wantsJson(argv) ? startLogger(ctx, resolveFlagsLeniently(), undefined) : undefined);
  if (logger) {
    if (code === EXIT.interrupted) logger.log(logEvent('MainKeyboardInterrupt', 'ctrl-c', () => ({})));
    const completedAt = new Date().toISOString();
    const elapsed = (Date.now() - started) / 1000;
    const success = code === 0;
    logger.log(logEvent('CommandCompleted', `Command \`bmp ${ctx.command ?? argv[0] ?? ''}\` ${success ? 'succeeded' : 'failed'} at ${completedAt.slice(11, 19)} after ${elapsed.toFixed(2)} seconds`, () => ({ command: `bmp ${ctx.command ?? ''}`, success, completed_at: completedAt, elapsed })));
    logger.flush();
  }
  return code;
}

/** The flags for logging an error commander raised before the flags were resolved: JSON on the console. */
function resolveFlagsLeniently(): GlobalFlags {
  let flags: GlobalFlags;
  try {
    flags = resolveGlobalFlags({}, process.env);
  } catch {
    flags = resolveGlobalFlags({}, {});
  }
  return { ...flags, logFormat: 'json' };
}

/** `--log-format json` (or DBT_LOG_FORMAT=json) on a command line commander could not parse. */
function wantsJson(argv: readonly string[]): boolean {
  const i = argv.indexOf('--log-format');
  const v = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--log-format='))?.slice('--log-format='.length);
  return (v ?? process.env['BMP_LOG_FORMAT'] ?? process.env['DBT_LOG_FORMAT'])?.toLowerCase() === 'json';
}

async function runProgram(program: Command, argv: readonly string[], ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const debug = () => ctx.flags?.debug ?? argv.includes('--debug');
  /** An error that stops the command: plain text on stderr, or dbt's MainEncounteredError with --log-format json; always in the log file. */
  const fail = (text: string, stack?: string) => {
    const logger = ctx.logger ?? (wantsJson(argv) ? startLogger(ctx, resolveFlagsLeniently(), undefined) : undefined);
    const event = logEvent('MainEncounteredError', `Encountered an error:\n${text}`, () => ({ exc: text }));
    const trace = stack ? logEvent('MainStackTrace', stack, () => ({ stack_trace: stack })) : undefined;
    if (logger?.consoleFormat === 'json') {
      logger.log(event);
      if (trace) logger.log(trace, { console: debug() });
      return;
    }
    io.err(text);
    if (stack && debug()) io.err(stack);
    logger?.log(event, { console: false });
    if (trace) logger?.log(trace, { console: false });
  };
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      fail(`Usage Error: ${usageMessage(err.message)} [BMP_CLI_ARGUMENT]`);
      return EXIT.usage;
    }
    if (err instanceof BmpError) {
      // the error's details (DuckDB's LINE n and caret, the chain of macro calls) indented under the summary
      fail([err.format(maskSecrets), ...detailLines(err.details)].join('\n'), err.stack);
      return err.code === 'BMP_INTERRUPTED' ? EXIT.interrupted : err instanceof SqlError ? EXIT.failed : EXIT.usage;
    }
    const message = (err as Error)?.message ?? String(err);
    fail(`Internal Error: ${message}${debug() ? '' : ' (run with --debug for the stack trace)'}`, (err as Error)?.stack);
    return EXIT.usage;
  }
}

/** commander's message on one line, its suggestion in bmp's words: `error: unknown command 'runn'\n(Did you mean run?)` → `unknown command 'runn' (did you mean 'run'?)`. */
function usageMessage(message: string): string {
  const [first = '', ...rest] = message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const suggested = /^\((?:\w+ ){3}(.+)\?\)$/.exec(rest.join(' ')); // commander's suggestion line: three words, then the candidates
  if (suggested) return `${first} (${didYouMeanOf(suggested[1]!.split(/,? or |, /))})`;
  return [first, ...rest].join(' ');
}

/** An error's details (DuckDB's, a chain of macro calls) under its one-line message, indented, blank lines dropped. */
function detailLines(details: string | undefined): string[] {
  return (details ?? '').split('\n').filter((l) => l.trim()).map((l) => `  ${l}`);
}
