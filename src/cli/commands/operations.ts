/**
 * `bmp run-operation`, `bmp source freshness` and `bmp parse`: plain registrar functions that
 * cli/main.ts names in its command list (nothing registers itself by being imported).
 */
import type { CommandRegistrar, ParsedOptions } from '../command.js';

/** `bmp run-operation <macro> [--args '{...}']`: exit 1 when the macro fails. */
export const runOperationCommand: CommandRegistrar = (program, ctx, h) => {
  const cmd = program.command('run-operation').argument('<macro>', 'the macro to call (name or package.name)').description('call a macro with the database open (its queries run, its log() lines print)');
  h.addOptions(cmd, h.globalOptions);
  cmd.option('--args <yaml>', "keyword arguments for the macro, a YAML mapping: '{days: 7}'");
  cmd.action(async (macro: string, o: ParsedOptions & { args?: string }) => {
    const { runOperation } = await import('../../tasks/operation-task.js');
    const out = await runOperation(macro, { ...h.libraryOptions(o), args: o.args });
    if (out.result.status === 'error') ctx.output('RunningOperationCaughtError', `Encountered an error while running operation: ${out.result.message}`, { exc: out.result.message });
    ctx.exitCode = out.exitCode;
  });
};

/** `bmp source freshness [-s source:x] [-o path]`: exit 1 when a source is stale past error_after or cannot be checked. */
export const sourceCommand: CommandRegistrar = (program, ctx, h) => {
  const source = program.command('source').description('commands about sources');
  const freshness = source.command('freshness').description("how old each selected source's newest row is, against its freshness: warn_after / error_after (writes target/sources.json)");
  h.addOptions(freshness, h.globalOptions);
  h.addOptions(freshness, h.selectionOptions);
  freshness.option('-o, --output <path>', 'where to write sources.json (default: target/sources.json)');
  freshness.action(async (o: ParsedOptions & { output?: string }) => {
    const { sourceFreshness } = await import('../../tasks/freshness-task.js');
    const out = await sourceFreshness({ ...h.libraryOptions(o), output: o.output });
    ctx.exitCode = out.exitCode;
  });
};

/** `bmp parse`: parse the project and write target/manifest.json (exit 2 on any parse error). */
export const parseCommand: CommandRegistrar = (program, ctx, h) => {
  const cmd = program.command('parse').description('parse the project (every error found without the database) and write target/manifest.json');
  h.addOptions(cmd, h.globalOptions);
  cmd.action(async (o: ParsedOptions) => {
    const { parse } = await import('../../tasks/compile-task.js');
    const out = await parse(h.libraryOptions(o));
    ctx.output('Note', `Parsed ${out.nodes} nodes; manifest written to ${out.manifestPath}`);
  });
};

/** `bmp retry`: the last run's errors, failures and skipped nodes, again, with the same command. */
export const retryCommand: CommandRegistrar = (program, ctx, h) => {
  const cmd = program.command('retry').description("run again what the last run (target/run_results.json) left in error, failed or skipped, with the same command");
  h.addOptions(cmd, h.globalOptions);
  h.addOptions(cmd, h.runOptions);
  cmd.option('--state <dir>', 'read run_results.json there instead of the target folder');
  cmd.action(async (o: ParsedOptions & { state?: string }) => {
    const { retry } = await import('../../tasks/retry-clone.js');
    const out = await retry({ ...h.libraryOptions(o), state: o.state });
    ctx.exitCode = out.exitCode;
  });
};

/** `bmp clone --state DIR`: views in this target over the state run's relations. */
export const cloneCommand: CommandRegistrar = (program, ctx, h) => {
  const cmd = program.command('clone').description("make the selected models, seeds and snapshots of a previous run (--state) available in this target, as views over its relations");
  h.addOptions(cmd, h.globalOptions);
  h.addOptions(cmd, h.selectionOptions);
  cmd.option('--full-refresh', 'clone over relations that already exist in this target');
  cmd.action(async (o: ParsedOptions) => {
    const { clone } = await import('../../tasks/retry-clone.js');
    const out = await clone(h.libraryOptions(o));
    ctx.exitCode = out.exitCode;
  });
};
