import Module, { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// node:fs by require(): importing it as an ES module makes Node read every export of it first, and
// its lazy ReadStream/WriteStream getters then load the file streams on the path of every command
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/**
 * Loads the bundled CLI (CommonJS files under one folder) with V8's code cache, as Node 22's
 * module.enableCompileCache would: each file of the bundle compiles from the bytecode an earlier
 * invocation left in `cacheDir`, instead of parsing and compiling its source again (tens of
 * milliseconds on every command, on the path to the first statement). Node 20 has no compile cache
 * and ES modules take no cached data, hence CommonJS compiled through vm.Script.
 *
 * The cache of a file is written when the process exits (so it holds the functions the command
 * compiled, not only the top level) and only when there was none or V8 rejected it (another Node,
 * other flags). One cache per command (`run`, `ls`, ...): each compiles different functions.
 * Everything about the cache is best effort: a folder that cannot be written, a corrupt or foreign
 * file, and the file is compiled from source as usual.
 */
export function requireWithCodeCache(file: string, cacheDir: string, command: string): unknown {
  const bundleDir = dirname(file) + sep;
  const proto = Module.prototype as unknown as { _compile(content: string, filename: string): unknown };
  const compileFromSource = proto._compile;
  const pending: { script: vm.Script; cacheFile: string }[] = [];
  const tag = `${command.replace(/[^a-z0-9-]/gi, '_') || '_'}.${process.arch}.${process.versions.v8}`;
  proto._compile = function (this: Module, content: string, filename: string): unknown {
    if (!filename.startsWith(bundleDir)) return compileFromSource.call(this, content, filename);
    // the chunks carry a hash of their content in their names
    const cacheFile = join(cacheDir, `${basename(filename)}.${tag}.v8`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    // no importModuleDynamically: Node 20 has it only as an experimental API (a warning on stderr),
    // so the bundle may hold no import() (scripts/bundle-cli.mjs checks)
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ script, cacheFile });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  process.once('exit', () => {
    if (!pending.length) return;
    try {
      mkdirSync(cacheDir, { recursive: true });
      for (const { script, cacheFile } of pending) {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        try {
          writeFileSync(tmp, script.createCachedData());
          renameSync(tmp, cacheFile);
        } catch {
          rmSync(tmp, { force: true });
        }
      }
    } catch {
      // no cache this time
    }
  });
  return createRequire(file)(file);
}

/**
 * The commands with caches of their own (those whose start-up is on the path of a build or of an
 * interactive look); any other invocation shares one. A fixed list, so the folder stays bounded
 * whatever the command line holds (a typo, an option's value before the command).
 */
const OWN_CACHE = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'compile', 'ls', 'list', 'parse', 'show']);

/** `bmp`: starts the bundled CLI at `entry` (dist/cli/bundle/cli-*.cjs), its code cache in the bundle's .v8-cache folder. */
export async function runBundledCli(entry: URL): Promise<void> {
  const file = fileURLToPath(entry);
  const command = process.argv.slice(2).find((a) => OWN_CACHE.has(a)) ?? '_';
  const cli = requireWithCodeCache(file, join(dirname(file), '.v8-cache'), command) as { start(): Promise<void> };
  await cli.start();
}
