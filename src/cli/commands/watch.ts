import type { Command } from 'commander';
import { maskSecrets } from '../../config/index.js';
import { BmpError } from '../../errors.js';
import type { CliContext, CommandHelpers, CommandRegistrar, ParsedOptions } from '../command.js';

/**
 * `bmp run --watch`, `bmp build --watch` and `bmp dev` (= `build --watch`): run once, then rebuild
 * what each save changes until Ctrl-C. Exit 0 when stopped while idle, 130 when stopping cut a run
 * short, 2 when there is no project to watch.
 */
export async function watchCommand(ctx: CliContext, h: CommandHelpers, command: 'run' | 'build', o: ParsedOptions): Promise<void> {
  const { watchProject } = await import('../../watch/index.js');
  const lib = h.libraryOptions(o);
  ctx.onInterrupt = () => {
    throw new BmpError('BMP_INTERRUPTED', 'interrupted before watching started');
  };
  const watcher = await watchProject(command, {
    ...lib,
    onError: (err) => {
      if (err instanceof BmpError) {
        ctx.io.err(err.format(maskSecrets));
        for (const line of (err.details ?? '').split('\n')) if (line.trim()) ctx.io.err(`  ${line}`);
        if (ctx.flags?.debug) ctx.io.err(err.stack ?? '');
      } else {
        ctx.io.err(`Internal Error: ${(err as Error)?.message ?? String(err)}${ctx.flags?.debug ? `\n${(err as Error)?.stack}` : ' (run with --debug for the stack trace)'}`);
      }
    },
  });
  ctx.onInterrupt = () => {
    ctx.io.err('Stopping the watch (press Ctrl-C again to exit now)');
    watcher.stop();
  };
  const summary = await watcher.done;
  ctx.exitCode = summary.interrupted ? 130 : 0;
}

/** Registers watch command(s) (named in src/cli/commands/index.ts). */
export const devCommand: CommandRegistrar = (program: Command, ctx, h) => {
  const dev = program.command('dev').description('build --watch: build the selection, then rebuild changed nodes and their descendants on every save');
  h.addOptions(dev, h.globalOptions);
  h.addOptions(dev, h.selectionOptions);
  h.addOptions(dev, h.runOptions);
  dev.action((o: ParsedOptions) => watchCommand(ctx, h, 'build', o));
};
