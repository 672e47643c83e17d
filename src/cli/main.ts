import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskSecrets } from '../config/index.js';
import { BmpError, SqlError } from '../errors.js';
import type { BmpEvent, LogFormat } from '../report/index.js';
import { makeReporter, progressLine } from '../report/index.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, type CliContext, type CliIO, type CommandHelpers, type CommandRegistrar } from './command.js';
import { packageRoot } from './package-root.js';
import { GLOBAL_OPTIONS, RUN_OPTIONS, SELECTION_OPTIONS, type OptionSpec } from './options.js';

export { EXIT, type CliContext, type CliIO, type CommandHelpers, type CommandRegistrar, type ParsedOptions } from './command.js';

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
    .configureOutput({ writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')) });
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
      if (s.flags.startsWith('--log-format')) opt.choices(['text', 'json']);
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
    libraryOptions: (o) => {
      const color = o.color && ctx.io.isTTY && !process.env['CI'] && !process.env['NO_COLOR'];
      // a live status line only where a person watches a terminal: TTY, text logs, not CI
      const live = o.logFormat === 'text' && ctx.io.isTTY && !!ctx.io.write && !process.env['CI'] && process.env['TERM'] !== 'dumb';
      const progress = live ? progressLine({ write: ctx.io.write!, columns: ctx.io.columns, color }) : undefined;
      const plain = makeReporter(o.logFormat, { write: progress ? progress.lines(ctx.io.out) : ctx.io.out, debug: !!o.debug, color });
      const emit = progress ? progress.sink(plain) : plain;
      return {
        projectDir: o.projectDir,
        profilesDir: o.profilesDir,
        target: o.target,
        threads: o.threads,
        vars: o.vars,
        select: [...(o.select ?? []), ...(o.models ?? [])],
        exclude: o.exclude,
        resourceTypes: o.resourceType,
        indirectSelection: o.indirectSelection,
        fullRefresh: o.fullRefresh,
        failFast: o.failFast,
        waitForLockSeconds: o.waitForLock,
        llmOffline: o.llmOffline,
        debug: !!o.debug,
        eventTimeStart: o['eventTimeStart'] as string | undefined,
        eventTimeEnd: o['eventTimeEnd'] as string | undefined,
        warnError: o.warnError,
        warnErrorOptions: o.warnErrorOptions,
        emit,
      };
    },
  };
  for (const r of commands) r(program, ctx, helpers);
  return program;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], rawIo: CliIO, signals?: { interrupt?: () => boolean | void }): Promise<number> {
  // values of secret env vars (env_var('..._TOKEN')) never reach the terminal, whoever prints them
  const { write } = rawIo;
  const io: CliIO = { ...rawIo, out: (l) => rawIo.out(maskSecrets(l)), err: (l) => rawIo.err(maskSecrets(l)), ...(write ? { write: (s: string) => write(maskSecrets(s)) } : {}) };
  const ctx: CliContext = { io, exitCode: 0 };
  // false: this command has nothing to interrupt gracefully, the process edge exits at once
  if (signals) signals.interrupt = () => (ctx.onInterrupt ? (ctx.onInterrupt(), true) : false);
  const program = buildProgram(ctx);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      if (err.code === 'bmp.invalidArgument') io.err(`Usage Error: ${err.message} [BMP_CLI_ARGUMENT]`);
      return EXIT.usage;
    }
    if (err instanceof BmpError) {
      io.err(err.format(maskSecrets));
      if (err instanceof SqlError) for (const line of detailLines(err.details)) io.err(line);
      if (debug) io.err(err.stack ?? '');
      return err.code === 'BMP_INTERRUPTED' ? EXIT.interrupted : err instanceof SqlError ? EXIT.failed : EXIT.usage;
    }
    io.err(`Internal Error: ${(err as Error).message ?? String(err)}${debug ? `\n${(err as Error).stack}` : ' (run with --debug for the stack trace)'}`);
    return EXIT.usage;
  }
}

/** DuckDB's details under a one-line error, indented, blank lines dropped. */
function detailLines(details: string | undefined): string[] {
  return (details ?? '').split('\n').filter((l) => l.trim()).map((l) => `  ${l}`);
}
