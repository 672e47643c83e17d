/**
 * The programs a benchmark runs: bmp's CLI (optional until it is built), the Dataform CLI (installed
 * once under the work folder, never in the repository), and the generated projects (cached under the
 * work folder, regenerated when the generator changes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as gen from '../generate.mjs';

// ---------------------------------------------------------------------------------------------
// bmp

/**
 * Finds bmp's CLI and checks that it starts: BMP_BIN (or --bmp) if given, else dist/cli/bin.js.
 * Returns { available, reason?, cmd, args, display, version? }; never throws.
 */
export function probeBmp(repoDir, override) {
  const bin = resolve(override ?? process.env.BMP_BIN ?? join(repoDir, 'dist/cli/bin.js'));
  const viaNode = /\.[cm]?js$/.test(bin);
  const cmd = viaNode ? process.execPath : bin;
  const args = viaNode ? [bin] : [];
  const display = viaNode ? `node ${bin.startsWith(repoDir + '/') ? bin.slice(repoDir.length + 1) : bin}` : bin;
  const base = { cmd, args, display, bin };
  if (!existsSync(bin)) {
    return { ...base, available: false, reason: `${bin} not found — run \`npm run build\` first (or set BMP_BIN)` };
  }
  // a dist/ older than the sources measures code that is no longer there: refuse rather than report it
  if (override === undefined && process.env.BMP_BIN === undefined) {
    const stale = newerSource(join(repoDir, 'src'), statSync(bin).mtimeMs);
    if (stale) return { ...base, available: false, stale: true, reason: `${bin} is older than ${stale} — run \`npm run build\` first (or set BMP_BIN)` };
  }
  const probe = spawnSync(cmd, [...args, '--version'], { encoding: 'utf8', timeout: 30000, cwd: repoDir });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : `exit code ${probe.status}`;
    const text = `${probe.stderr ?? ''}${probe.stdout ?? ''}`.trim().split('\n').slice(-5).join('\n');
    return { ...base, available: false, reason: `\`${display} --version\` failed (${why})${text ? `:\n${text}` : ''}` };
  }
  return { ...base, available: true, version: probe.stdout.trim().split('\n')[0] };
}

/** The first source file (.ts, not a test) modified after `since` (ms), or undefined. */
function newerSource(dir, since) {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerSource(path, since);
      if (found) return found;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && statSync(path).mtimeMs > since) {
      return path;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Dataform

export const DATAFORM_CLI_VERSION = '3.0.69';

function npmInstall(dir, spec, log) {
  log(`  installing ${spec} into ${dir} (npm, cached for later runs)`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bmp-bench-dataform-cli', private: true }, null, 2) + '\n');
  }
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', spec], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm install ${spec} failed:\n${(r.stderr || r.stdout || '').slice(-2000)}`);
}

/**
 * The Dataform CLI at DATAFORM_CLI_VERSION in <workDir>/dataform-cli, installed on first use.
 * Returns { bin, version }.
 */
export function ensureDataformCli(workDir, log) {
  const dir = join(workDir, 'dataform-cli');
  const bin = join(dir, 'node_modules/.bin/dataform');
  const pkg = join(dir, 'node_modules/@dataform/cli/package.json');
  const installed = existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : null;
  if (installed !== DATAFORM_CLI_VERSION || !existsSync(bin)) {
    npmInstall(dir, `@dataform/cli@${DATAFORM_CLI_VERSION}`, log);
  }
  return { bin, version: DATAFORM_CLI_VERSION, dir };
}

/** Runs `dataform install` in a generated Dataform project once (kept across runs). */
export function ensureDataformProject(cli, projectDir, log) {
  const core = join(projectDir, 'node_modules/@dataform/core/package.json');
  const installed = existsSync(core) ? JSON.parse(readFileSync(core, 'utf8')).version : null;
  if (installed === gen.DATAFORM_CORE_VERSION) return;
  log(`  dataform install ${projectDir}`);
  const r = spawnSync(cli.bin, ['install', projectDir], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(core)) {
    throw new Error(`dataform install failed:\n${(r.stderr || r.stdout || '').slice(-2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// generated projects

const GENERATORS = {
  chain: gen.generateChain,
  'chain-sql': gen.generateChainSql,
  wide: gen.generateWide,
  dataform: gen.generateDataform,
};

/**
 * A generated project under <workDir>/projects/<kind>-<models>, reused when its stamp matches.
 * Returns the generator's description ({ dir, models, ... }) plus `command`, the CLI line that
 * regenerates it.
 */
export function ensureProject(workDir, kind, models, log, extra = {}) {
  const generate = GENERATORS[kind];
  if (!generate) throw new Error(`unknown project kind ${kind}`);
  const dir = join(workDir, 'projects', `${kind}-${models}`);
  const stampFile = join(dir, '.bmp-bench.json');
  const want = { generator: gen.GENERATOR_VERSION, kind, models, ...extra };
  const command = `node bench/generate.mjs ${kind} ${dir} --models ${models}${Object.entries(extra).map(([k, v]) => ` --${k} ${v}`).join('')}`;
  if (existsSync(stampFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    if (JSON.stringify(stamp.want) === JSON.stringify(want)) return { ...stamp.info, command };
  }
  log(`  generating ${kind} project with ${models} models in ${dir}`);
  const info = generate(dir, { models, ...extra });
  writeFileSync(stampFile, JSON.stringify({ want, info }, null, 2) + '\n');
  return { ...info, command };
}
