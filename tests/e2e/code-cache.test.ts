/**
 * The CLI's code cache (src/cli/code-cache.ts, built to dist/cli/code-cache.js): a CommonJS bundle
 * loaded through it runs as required, leaves one V8 cache file per file of the bundle and command,
 * reuses a valid cache (not rewritten), replaces a corrupt one, and runs without a cache when its
 * folder cannot be made. The real CLI loads its bundle that way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bmp, removeDir, ROOT, tempProject } from '../helpers/project.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const LOADER = pathToFileURL(join(ROOT, 'dist/cli/code-cache.js')).href;

/** A two-file CommonJS bundle: the entry requires a chunk and a builtin. */
function bundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-code-cache-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'chunks'));
  writeFileSync(join(dir, 'chunks', 'part-abc.cjs'), 'exports.twice = (x) => x * 2;\nexports.where = __filename;\n');
  writeFileSync(
    join(dir, 'entry-xyz.cjs'),
    "const part = require('./chunks/part-abc.cjs');\nexports.value = async () => ({ n: part.twice(21), sep: require('node:path').sep, chunk: part.where, self: __filename });\n",
  );
  return dir;
}

function load(dir: string, cacheDir: string, command = 'run'): { status: number | null; out: unknown; stderr: string } {
  const script = `import { requireWithCodeCache } from ${JSON.stringify(LOADER)};
const m = requireWithCodeCache(${JSON.stringify(join(dir, 'entry-xyz.cjs'))}, ${JSON.stringify(cacheDir)}, ${JSON.stringify(command)});
console.log(JSON.stringify(await m.value()));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: r.status, out: r.status === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

const cacheFiles = (cacheDir: string) => (existsSync(cacheDir) ? readdirSync(cacheDir).sort() : []);

describe('code cache', () => {
  it('runs the bundle, writes one cache per file and command, reuses it, replaces a corrupt one', () => {
    const dir = bundle();
    const cacheDir = join(dir, '.v8-cache');
    const expected = { n: 42, sep: '/', chunk: join(dir, 'chunks', 'part-abc.cjs'), self: join(dir, 'entry-xyz.cjs') };

    const first = load(dir, cacheDir);
    expect(first.stderr).toBe('');
    expect(first.out).toEqual(expected);
    const files = cacheFiles(cacheDir);
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^entry-xyz\.cjs\.run\./);
    expect(files[1]).toMatch(/^part-abc\.cjs\.run\./);
    const inodes = files.map((f) => statSync(join(cacheDir, f)).ino);

    // a valid cache is read, not written again
    expect(load(dir, cacheDir).out).toEqual(expected);
    expect(cacheFiles(cacheDir)).toEqual(files);
    expect(files.map((f) => statSync(join(cacheDir, f)).ino)).toEqual(inodes);

    // V8 rejects a corrupt cache: the file compiles from source and its cache is written anew
    writeFileSync(join(cacheDir, files[1]!), 'not bytecode');
    expect(load(dir, cacheDir).out).toEqual(expected);
    expect(readFileSync(join(cacheDir, files[1]!), 'utf8')).not.toBe('not bytecode');
    expect(statSync(join(cacheDir, files[0]!)).ino).toBe(inodes[0]);

    // another command gets caches of its own
    expect(load(dir, cacheDir, 'ls').out).toEqual(expected);
    expect(cacheFiles(cacheDir).filter((f) => f.includes('.ls.'))).toHaveLength(2);
  });

  it('runs without a cache when the cache folder cannot be made', () => {
    const dir = bundle();
    writeFileSync(join(dir, 'blocker'), 'a file, not a folder');
    const r = load(dir, join(dir, 'blocker', 'cache'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toMatchObject({ n: 42 });
  });

  it('the CLI loads its bundle through it', () => {
    const p = tempProject({ 'models/a.sql': 'select 1 as x' });
    dirs.push(p.dir);
    const r = bmp(['ls', '--project-dir', p.dir, '--profiles-dir', p.dir]);
    expect(r.code).toBe(0);
    const cacheDir = join(ROOT, 'dist/cli/bundle/.v8-cache');
    expect(cacheFiles(cacheDir).some((f) => /^cli-.*\.cjs\.ls\./.test(f))).toBe(true);
    // any other command line shares one cache: the folder stays bounded
    expect(bmp(['no-such-command']).code).toBe(2);
    expect(cacheFiles(cacheDir).some((f) => f.includes('no-such-command'))).toBe(false);
    expect(cacheFiles(cacheDir).some((f) => /^cli-.*\.cjs\._\./.test(f))).toBe(true);
  });
});
