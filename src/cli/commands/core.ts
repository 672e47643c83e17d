import { isAbsolute } from 'node:path';
import type { Command } from 'commander';
import { maskSecrets } from '../../config/index.js';
import { BmpError } from '../../errors.js';
import type { BmpEvent } from '../../report/index.js';
import type { ListOutput } from '../../tasks/list-task.js';
import type { CliContext, CommandHelpers, CommandRegistrar, ParsedOptions } from '../command.js';
import { LIMIT_OPTION } from '../options.js';

type Opts = ParsedOptions;

const LIST_OUTPUTS: readonly ListOutput[] = ['selector', 'name', 'path', 'json'];
const isListOutput = (v: string): v is ListOutput => LIST_OUTPUTS.some((x) => x === v);

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
  cmd.action(async (o: Opts & { watch?: boolean }) => {
    if (o.watch && (name === 'run' || name === 'build')) return (await import('./watch.js')).watchCommand(ctx, h, name, o);
    const { execute } = await import('../../tasks/index.js');
    const lib = h.libraryOptions(o);
    let interrupted = false;
    ctx.onInterrupt = () => {
      interrupted = true;
      throw new BmpError('BMP_INTERRUPTED', 'interrupted before the run started');
    };
    const outcome = await execute(name, {
      ...lib,
      onSession: (session) => {
        ctx.onInterrupt = () => {
          interrupted = true;
          ctx.io.err('Interrupted: cancelling running queries and rolling back (press Ctrl-C again to exit now)');
          session.interrupt();
        };
      },
    });
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
  withAll(compile, h, h.selectionOptions);
  compile.option('--inline <sql>', 'compile this SQL (it may use ref(), source() and macros) instead of the project, and print it').option('--output <format>', 'text (default) or json, for the printed SQL', 'text');
  compile.action(async (o: Opts & { inline?: string; output: string }) => {
    const { compile: run } = await import('../../tasks/index.js');
    const out = await run({ ...h.libraryOptions(o), inlineSql: o.inline });
    // dbt prints the compiled SQL of --inline and of a selection of one model
    const format = o.output === 'json' ? 'json' : 'text';
    if (out.inline !== undefined) {
      const data = { node_name: 'inline_query', compiled: out.inline, is_inline: true, output_format: format, unique_id: '', quiet: !!ctx.flags?.quiet };
      ctx.output('CompiledNode', format === 'json' ? JSON.stringify({ compiled: out.inline }, null, 2) : `Compiled inline node is:\n${out.inline}`, data, true);
      return;
    }
    if (out.single) {
      const data = { node_name: out.single.name, compiled: out.single.sql, is_inline: false, output_format: format, unique_id: out.single.uniqueId, quiet: !!ctx.flags?.quiet };
      ctx.output('CompiledNode', format === 'json' ? JSON.stringify({ node: out.single.name, compiled: out.single.sql }, null, 2) : `Compiled node '${out.single.name}' is:\n${out.single.sql}`, data, true);
    }
    const msg = `Compiled ${out.compiled.size} node${out.compiled.size === 1 ? '' : 's'} to ${o.targetPath && isAbsolute(o.targetPath) ? o.targetPath : `${o.projectDir ?? '.'}/${o.targetPath ?? 'target'}`}/compiled`;
    ctx.output('Note', msg);
  });

  const ls = program.command('ls').alias('list').description('print the selected nodes, one per line');
  withAll(ls, h, h.selectionOptions);
  ls.option('--output <format>', 'selector (default), name, path or json', 'selector').option('--output-keys <keys...>', 'keys to keep with --output json');
  ls.action(async (o: Opts & { output: string; outputKeys?: string[] }) => {
    // only what ls needs: no session, no plugins, no DuckDB (start-up time)
    const { list } = await import('../../tasks/list-task.js');
    const output = o.output;
    if (!isListOutput(output)) throw new BmpError('BMP_CLI_ARGUMENT', `--output must be selector, name, path or json, got '${o.output}'`);
    const lib = h.libraryOptions(o);
    // warnings go to stderr, so stdout holds the list alone (JSON log lines: all on stdout, as dbt)
    const warn = (e: BmpEvent) =>
      ctx.logger?.consoleFormat === 'json' ? lib.emit(e) : e.type === 'warning' && ctx.io.err(`[WARNING]${e.file ? ` ${e.file}${e.line ? `:${e.line}` : ''}` : ''}: ${e.message}${e.name ? ` [${e.name}]` : ''}`);
    const lines = await list({ ...lib, emit: warn, output, outputKeys: o.outputKeys });
    for (const l of lines) ctx.output('ListCmdOut', l, { msg: l }, true);
    // dbt's NoNodesSelected: said when the listing is empty (a --resource-type with no node of it)
    if (!lines.length) warn({ code: 'A001', type: 'warning', name: 'NoNodesSelected', message: 'No nodes selected!' });
  });

  const show = program.command('show').description("run a model's compiled SQL (or --inline SQL) and print the first rows");
  withAll(show, h, h.selectionOptions);
  h.addOptions(show, [LIMIT_OPTION]);
  show.option('--inline <sql>', 'SQL to run (may use ref() and source())').option('--output <format>', 'text (default) or json', 'text');
  show.action(async (o: Opts & { inline?: string; limit: number; output: string }) => {
    const { show: run } = await import('../../tasks/index.js');
    // SQL DuckDB rejects is a SqlError: a failure of what was shown (exit 1), with DuckDB's details
    const res = await run({ ...h.libraryOptions(o), inline: o.inline, limit: o.limit });
    const typeOf = new Map(res.columns.map((c) => [c.name, c.type]));
    const jsonRows = res.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, showJsonValue(v, typeOf.get(k) ?? '')])));
    const preview = o.output === 'json' ? JSON.stringify(jsonRows, (_k, v) => (typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? maskSecrets(v) : v)) : formatTable(res.columns.map((c) => c.name), res.rows, res.columns.map((c) => c.type)).join('\n');
    const data = { node_name: res.node ?? 'inline_query', preview, is_inline: !!o.inline, output_format: o.output, unique_id: '', quiet: !!ctx.flags?.quiet };
    // dbt's ShowNode: a header, then the table (or {"node": ..., "show": [...]} with --output json)
    if (o.output === 'json') ctx.output('ShowNode', JSON.stringify(res.node ? { node: res.node, show: JSON.parse(preview) } : { show: JSON.parse(preview) }), data, true);
    else ctx.output('ShowNode', `${res.node ? `Previewing node '${res.node}':` : 'Previewing inline node:'}\n${preview}`, data, true);
  });

  program
    .command('debug')
    .description('check project, profile and database connection')
    .option('--project-dir <dir>', 'project folder')
    .option('--profiles-dir <dir>', 'profiles folder')
    .option('-t, --target <name>', 'target')
    .option('--config-dir', 'print where profiles.yml is read from, and exit')
    .action(async (o: Opts & { configDir?: boolean }) => {
      if (o.configDir) {
        const { configDir } = await import('../../tasks/index.js');
        ctx.output('OpenCommand', configDir({ projectDir: o.projectDir, profilesDir: o.profilesDir }));
        return;
      }
      const { debug } = await import('../../tasks/index.js');
      const r = await debug({ projectDir: o.projectDir, profilesDir: o.profilesDir, target: o.target });
      for (const l of r.lines) ctx.output('DebugCmdOut', l);
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
      if (r.kept.length) ctx.output('Note', `Kept ${r.kept.join(' and ')}: the profile's database is never cleaned`);
      if (r.emptied.length) ctx.output('ConfirmCleanPath', `Removed everything else in ${r.emptied.join(', ')}`, { path: r.emptied.join(', ') });
      if (r.removed.length) ctx.output('ConfirmCleanPath', `Removed ${r.removed.join(', ')}`, { path: r.removed.join(', ') });
      if (!r.kept.length && !r.emptied.length && !r.removed.length) ctx.output('FinishedCleanPaths', 'Nothing to clean', {});
    });
};

/** A plain text grid like dbt show's. */
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[], types: readonly string[] = []): string[] {
  // masked before it is cut to width (a cut secret would no longer be recognised)
  const cell = (v: unknown, type = '') => maskSecrets(v === null || v === undefined ? 'null' : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) : showValue(v, type));
  const data = rows.map((r) => columns.map((c, i) => cell(r[c], types[i]).slice(0, 60)));
  const widths = columns.map((c, i) => Math.max(c.length, ...data.map((d) => d[i]!.length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line([...columns]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...data.map(line)];
}

/**
 * A value as dbt's show prints it (agate's table): a DATE as 2024-01-02, a TIMESTAMP as
 * 2024-01-02 03:04:05 (its fraction when it has one), a DECIMAL with its scale (1.50), booleans as
 * True/False.
 */
export function showValue(v: unknown, type: string): string {
  const t = type.toUpperCase();
  if (v instanceof Date) {
    const iso = v.toISOString();
    if (t === 'DATE') return iso.slice(0, 10);
    const fraction = iso.slice(20, 23) === '000' ? '' : `.${iso.slice(20, 23)}`;
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}${t.includes('TIME ZONE') ? '+00:00' : ''}`;
  }
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  const decimal = /^DECIMAL\(\d+,\s*(\d+)\)$/.exec(t);
  if (decimal && typeof v === 'number') return v.toFixed(Number(decimal[1]));
  return String(v);
}

/** A value as dbt's show --output json writes it: dates and timestamps as ISO text. */
export function showJsonValue(v: unknown, type: string): unknown {
  if (v instanceof Date) {
    const t = type.toUpperCase();
    return t === 'DATE' ? v.toISOString().slice(0, 10) : showValue(v, type).replace(' ', 'T');
  }
  return typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? maskSecrets(v) : v;
}
