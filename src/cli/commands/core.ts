import type { Command } from 'commander';
import { maskSecrets } from '../../config/index.js';
import { BmpError } from '../../errors.js';
import type { CliContext, CommandHelpers, CommandRegistrar, ParsedOptions } from '../command.js';
import { LIMIT_OPTION } from '../options.js';

type Opts = ParsedOptions;

function withAll(cmd: Command, h: CommandHelpers, ...groups: (readonly import('../options.js').OptionSpec[])[]): Command {
  h.addOptions(cmd, h.globalOptions);
  for (const g of groups) h.addOptions(cmd, g);
  return cmd;
}

/** run/build/test/seed/snapshot share one shape: execute, then map the outcome to an exit code. */
function runLike(program: Command, ctx: CliContext, h: CommandHelpers, name: 'run' | 'build' | 'test' | 'seed' | 'snapshot', description: string): void {
  const cmd = program.command(name).description(description);
  withAll(cmd, h, h.selectionOptions, h.runOptions);
  if (name === 'run' || name === 'build') cmd.option('--watch', 'after the run, rebuild the changed nodes and their descendants on every save (Ctrl-C to stop)');
  cmd.action(async (o: Opts) => {
    if (o['watch'] && (name === 'run' || name === 'build')) return (await import('./watch.js')).watchCommand(ctx, h, name, o);
    const { execute } = await import('../../tasks/index.js');
    const lib = h.libraryOptions(o);
    let interrupted = false;
    ctx.onInterrupt = () => {
      interrupted = true;
      throw new BmpError('BMP_INTERRUPTED', 'interrupted before the run started');
    };
    const outcome = await execute(name, {
      ...(lib as object),
      onSession: (session) => {
        ctx.onInterrupt = () => {
          interrupted = true;
          ctx.io.err('Interrupted: cancelling running queries and rolling back (press Ctrl-C again to exit now)');
          session.interrupt();
        };
      },
    } as Parameters<typeof execute>[1]);
    ctx.exitCode = outcome.interrupted || interrupted ? 130 : outcome.exitCode;
  });
}

/** Registers core command(s) (named in src/cli/commands/index.ts). */
export const coreCommands: CommandRegistrar = (program, ctx, h) => {
  runLike(program, ctx, h, 'run', 'compile and materialize the selected models in DAG order');
  runLike(program, ctx, h, 'build', 'seeds, models, snapshots and tests together in DAG order');
  runLike(program, ctx, h, 'test', 'run the data tests and unit tests of the selection');
  runLike(program, ctx, h, 'seed', 'load seeds/*.csv into tables');
  runLike(program, ctx, h, 'snapshot', 'run snapshot (SCD type 2) nodes');

  const compile = program.command('compile').description('render every selected node to target/compiled (read-only)');
  withAll(compile, h, h.selectionOptions).action(async (o: Opts) => {
    const { compile: run } = await import('../../tasks/index.js');
    const out = await run(h.libraryOptions(o) as never);
    ctx.io.out(`Compiled ${out.compiled.size} node${out.compiled.size === 1 ? '' : 's'} to ${o.projectDir ?? '.'}/target/compiled`);
  });

  const ls = program.command('ls').alias('list').description('print the selected nodes, one per line');
  withAll(ls, h, h.selectionOptions);
  ls.option('--output <format>', 'selector (default), name, path or json', 'selector').option('--output-keys <keys...>', 'keys to keep with --output json');
  ls.action(async (o: Opts & { output: string; outputKeys?: string[] }) => {
    // only what ls needs: no session, no plugins, no DuckDB (start-up time)
    const { list } = await import('../../tasks/list-task.js');
    if (!['selector', 'name', 'path', 'json'].includes(o.output)) throw new BmpError('BMP_CLI_ARGUMENT', `--output must be selector, name, path or json, got '${o.output}'`);
    const lib = h.libraryOptions({ ...o, logFormat: 'text' });
    const lines = await list({ ...(lib as object), emit: (e) => (e.type === 'warning' ? ctx.io.err(`[WARNING]${e.file ? ` ${e.file}${e.line ? `:${e.line}` : ''}` : ''}: ${e.message}${e.name ? ` [${e.name}]` : ''}`) : undefined), output: o.output as 'name', outputKeys: o.outputKeys });
    for (const l of lines) ctx.io.out(l);
  });

  const show = program.command('show').description("run a model's compiled SQL (or --inline SQL) and print the first rows");
  withAll(show, h, h.selectionOptions);
  h.addOptions(show, [LIMIT_OPTION]);
  show.option('--inline <sql>', 'SQL to run (may use ref() and source())').option('--output <format>', 'text (default) or json', 'text');
  show.action(async (o: Opts & { inline?: string; limit: number; output: string }) => {
    const { show: run } = await import('../../tasks/index.js');
    const res = await run({ ...(h.libraryOptions(o) as object), inline: o.inline, limit: o.limit });
    if (o.output === 'json') {
      ctx.io.out(JSON.stringify({ show: res.rows }, (_k, v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? maskSecrets(v) : v)));
      return;
    }
    for (const l of formatTable(res.columns.map((c) => c.name), res.rows)) ctx.io.out(l);
  });

  program
    .command('debug')
    .description('check project, profile and database connection')
    .option('--project-dir <dir>', 'project folder')
    .option('--profiles-dir <dir>', 'profiles folder')
    .option('-t, --target <name>', 'target')
    .action(async (o: Opts) => {
      const { debug } = await import('../../tasks/index.js');
      const r = await debug({ projectDir: o.projectDir, profilesDir: o.profilesDir, target: o.target });
      for (const l of r.lines) ctx.io.out(l);
      ctx.exitCode = r.ok ? 0 : 1;
    });

  program
    .command('clean')
    .description('remove the clean-targets (default: the target path); never the database unless listed')
    .option('--project-dir <dir>', 'project folder')
    .option('--profiles-dir <dir>', 'profiles folder')
    .action(async (o: Opts) => {
      const { clean } = await import('../../tasks/index.js');
      const r = await clean({ projectDir: o.projectDir, profilesDir: o.profilesDir });
      if (r.kept.length) ctx.io.out(`Kept ${r.kept.join(' and ')}: the profile's database is never cleaned`);
      if (r.emptied.length) ctx.io.out(`Removed everything else in ${r.emptied.join(', ')}`);
      if (r.removed.length) ctx.io.out(`Removed ${r.removed.join(', ')}`);
      if (!r.kept.length && !r.emptied.length && !r.removed.length) ctx.io.out('Nothing to clean');
    });
};

/** A plain text grid like dbt show's. */
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string[] {
  // masked before it is cut to width (a cut secret would no longer be recognised)
  const cell = (v: unknown) => maskSecrets(v === null || v === undefined ? 'null' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) : String(v));
  const data = rows.map((r) => columns.map((c) => cell(r[c]).slice(0, 60)));
  const widths = columns.map((c, i) => Math.max(c.length, ...data.map((d) => d[i]!.length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line([...columns]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...data.map(line)];
}
