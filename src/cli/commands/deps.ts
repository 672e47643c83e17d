/**
 * `bmp deps`: install the packages packages.yml / dependencies.yml declare into dbt_packages/.
 * A plain registrar function: cli/main.ts names it in its command list (nothing registers by import).
 */
import { Option } from 'commander';
import { BmpError } from '../../errors.js';
import type { CommandRegistrar, ParsedOptions } from '../command.js';

interface DepsCliOptions extends ParsedOptions {
  readonly lock?: boolean;
  readonly upgrade?: boolean;
  readonly addPackage?: string;
  readonly source: 'hub' | 'git' | 'local' | 'tarball';
  readonly dryRun?: boolean;
}

export const depsCommand: CommandRegistrar = (program, ctx, h) => {
  const cmd = program
    .command('deps')
    .description('install the packages in packages.yml (or dependencies.yml) into dbt_packages/, pinned in package-lock.yml')
    .option('--lock', 'resolve the packages and write package-lock.yml without installing them')
    .option('--upgrade', 'resolve again (newest versions the ranges allow) even when package-lock.yml matches the packages file')
    .option('--add-package <name@version>', "add a package to the packages file (or replace its entry), e.g. dbt-labs/dbt_utils@1.3.3 or 'dbt-labs/dbt_utils@>=1.0.0,<2.0.0'")
    .addOption(new Option('--source <source>', 'where --add-package finds the package').choices(['hub', 'git', 'local', 'tarball']).default('hub'))
    .option('--dry-run', 'with --add-package: show what would be added and installed, change nothing');
  h.addOptions(cmd, h.globalOptions);
  cmd.action(async (o: DepsCliOptions) => {
    const { deps } = await import('../../deps/index.js');
    const lib = h.libraryOptions(o);
    const controller = new AbortController();
    ctx.onInterrupt = () => controller.abort(new BmpError('BMP_INTERRUPTED', 'interrupted: nothing was installed or written'));
    await deps({
      projectDir: lib.projectDir,
      vars: o.vars,
      lock: !!o.lock,
      upgrade: !!o.upgrade,
      addPackage: o.addPackage,
      source: o.source,
      dryRun: !!o.dryRun,
      emit: lib.emit,
      signal: controller.signal,
    });
    ctx.onInterrupt = undefined;
  });
};
