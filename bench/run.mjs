#!/usr/bin/env node
/**
 * bmp benchmarks — `npm run bench` (= node bench/run.mjs).
 *
 *   node bench/run.mjs [--suite NAME]... [--quick] [--reps N] [--list] [--no-write]
 *                      [--out docs/BENCHMARKS.md] [--bmp PATH] [--work-dir /dev/shm/bmp-bench]
 *
 * Runs the suites, times whole processes (spawn → exit, process.hrtime), and rewrites each suite's
 * section of docs/BENCHMARKS.md with ratios against a baseline measured in the same run. Benchmarks
 * only report; nothing here is a pass/fail test (the exit code is 1 only if a suite crashed).
 *
 * Suites (the registry)
 * ---------------------
 * Every bench/suites/*.mjs is a suite. It exports (named exports, or one default object):
 *
 *   export const name = 'overhead';        // the --suite name and the BENCHMARKS.md section id
 *   export const title = '…';              // optional section heading
 *   export const order = 10;               // optional; lower runs first (default 100)
 *   export const explicit = true;          // optional; runs only when named with --suite (long runs)
 *   export async function run(ctx) {       // → the section's content
 *     return {
 *       title, description,                 // optional markdown
 *       rows: [{ measure, value, baseline, ratio, goal, met }],   // strings; met: true|false|null
 *       notes: ['…'],                       // bullet points (markdown)
 *       commands: ['node dist/cli/bin.js run --project-dir …'],    // exact commands timed
 *     };
 *   }
 *
 * `ctx` (see makeContext below) gives: repoDir, workDir (a tmpfs; generate projects there), quick,
 * reps(n) (the repetition count to use, honouring --reps/--quick), log(), bmp (probe result:
 * available, reason, cmd, args, display), time(label, cmd, args, opts) → { ms, cpuMs, peakKb, ok, code, … }
 * for one process (cpuMs: user + system CPU time, peakKb: peak RSS, both from GNU time when installed),
 * measure({...}) for repeated runs (→ { stats, cpuStats, … }), project(kind, models) → a cached generated project,
 * dataform() → the Dataform CLI (installed on first use), show(cmd, args) for the commands list,
 * fmt.{ms, stats, ratio}, summarize(samples), describeFailure(result).
 * A suite must not fail when bmp is missing: it measures its baselines and says bmp was skipped.
 * Add a suite by dropping a file in bench/suites/; nothing else to register.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as gen from './generate.mjs';
import { describeFailure, fmtMs, fmtRatio, fmtStats, summarize, timeProcess } from './lib/process.mjs';
import { machineInfo, machineLine, writeReport } from './lib/report.mjs';
import { ensureDataformCli, ensureDataformProject, ensureProject, probeBmp } from './lib/tools.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, '..');

function parseArgs(argv) {
  const opts = { suites: [], quick: false, write: true, list: false, out: join(repoDir, 'docs/BENCHMARKS.md') };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const value = () => {
      if (k + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++k];
    };
    if (a === '--suite' || a === '-s') opts.suites.push(...value().split(','));
    else if (a === '--quick') opts.quick = true;
    else if (a === '--reps') opts.reps = Number(value());
    else if (a === '--no-write') opts.write = false;
    else if (a === '--list') opts.list = true;
    else if (a === '--out') opts.out = resolve(value());
    else if (a === '--bmp') opts.bmp = value();
    else if (a === '--work-dir') opts.workDir = resolve(value());
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown option ${a} (try --help)`);
  }
  if (opts.reps !== undefined && !(opts.reps >= 1)) throw new Error('--reps must be a positive number');
  return opts;
}

async function loadSuites() {
  const dir = join(benchDir, 'suites');
  const suites = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    const s = mod.default ?? mod;
    if (typeof s.name !== 'string' || typeof s.run !== 'function') {
      throw new Error(`bench/suites/${file} must export name (string) and run(ctx)`);
    }
    suites.push({ order: 100, ...s, file });
  }
  return suites.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

function makeContext(opts, bmp, workDir) {
  const logDir = join(workDir, 'logs', new Date().toISOString().replace(/[:.]/g, '-'));
  const log = (...args) => console.log(...args);
  let dataformCli = null;
  const show = (cmd, args) =>
    [cmd === process.execPath ? 'node' : cmd, ...args]
      .map((a) => (typeof a === 'string' && a.startsWith(repoDir + '/') ? relative(repoDir, a) : a))
      .map((a) => (a === '' || /[\s'"{}$]/.test(a) ? `'${a.replaceAll("'", "'\\''")}'` : a))
      .join(' ');
  const time = (label, cmd, args, o = {}) =>
    timeProcess(cmd, args, { logDir, label, timeoutMs: 15 * 60 * 1000, cwd: repoDir, ...o });
  return {
    repoDir,
    benchDir,
    workDir,
    logDir,
    quick: opts.quick,
    /** False with --no-write: a suite writes no file of the repository (BENCHMARKS.md, plots). */
    write: opts.write,
    node: process.execPath,
    bmp,
    gen,
    log,
    show,
    time,
    /** Repetitions for a measurement whose full-run default is n. */
    reps: (n) => opts.reps ?? (opts.quick ? Math.max(1, Math.min(n, 3)) : n),
    /** A generated project, cached under workDir/projects. */
    project: (kind, models, extra) => ensureProject(workDir, kind, models, log, extra),
    /** The Dataform CLI ({ bin, version, installProject(dir) }), installed on first use. */
    dataform: () => {
      dataformCli ??= ensureDataformCli(workDir, log);
      return { ...dataformCli, installProject: (dir) => ensureDataformProject(dataformCli, dir, log) };
    },
    /**
     * Runs a command `reps` times (after `warmup` untimed runs), calling before() ahead of each.
     * Stops at the first failure. Returns { stats, failure, last }.
     */
    measure: async ({ label, cmd, args, reps, warmup = 0, before, ...o }) => {
      const samples = [];
      const cpu = [];
      let last = null;
      const cpuStats = () => (cpu.length === samples.length && cpu.length ? summarize(cpu) : null);
      for (let k = 0; k < warmup + reps; k++) {
        if (before) await before();
        last = await time(label, cmd, args, o);
        if (!last.ok) return { stats: samples.length ? summarize(samples) : null, cpuStats: cpuStats(), failure: describeFailure(last), last };
        if (k >= warmup) {
          samples.push(last.ms);
          if (last.cpuMs !== undefined) cpu.push(last.cpuMs);
        }
        log(`    ${label}: ${fmtMs(last.ms)}${last.cpuMs !== undefined ? ` (CPU ${fmtMs(last.cpuMs)})` : ''}${k < warmup ? ' (warm-up)' : ''}`);
      }
      return { stats: summarize(samples), cpuStats: cpuStats(), failure: null, last };
    },
    summarize,
    describeFailure,
    fmt: { ms: fmtMs, stats: fmtStats, ratio: fmtRatio },
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const suites = await loadSuites();
  if (opts.help || opts.list) {
    if (opts.help) console.log(readHelp());
    console.log('suites:');
    for (const s of suites) console.log(`  ${s.name.padEnd(12)} ${s.title ?? ''}`);
    return 0;
  }
  const unknown = opts.suites.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown suite ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  const selected = opts.suites.length ? suites.filter((s) => opts.suites.includes(s.name)) : suites.filter((s) => !s.explicit);

  const workDir = opts.workDir ?? process.env.BMP_BENCH_DIR ?? '/dev/shm/bmp-bench';
  mkdirSync(workDir, { recursive: true });
  if (!workDir.startsWith('/dev/shm')) {
    console.warn(`warning: ${workDir} is not under /dev/shm; file-system speed may dominate the results`);
  }
  const machine = await machineInfo();
  const bmp = probeBmp(repoDir, opts.bmp);
  if (bmp.stale) {
    // figures of an old build would land in docs/BENCHMARKS.md under today's commit
    console.error(`bench: ${bmp.reason}`);
    process.exit(2);
  }
  console.log(`bmp benchmarks — ${machineLine(machine)}; load ${machine.loadavg}`);
  console.log(bmp.available ? `bmp: ${bmp.display} (${bmp.version})` : `bmp: SKIPPED — ${bmp.reason}\n     (baselines are still measured)`);
  const ctx = makeContext(opts, bmp, workDir);
  console.log(`work folder: ${workDir} (logs: ${ctx.logDir})`);

  const date = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const results = [];
  let crashed = false;
  for (const suite of selected) {
    console.log(`\n== ${suite.name}${suite.title ? ` — ${suite.title}` : ''}`);
    const t0 = process.hrtime.bigint();
    const load = os.loadavg()[0].toFixed(2);
    let result;
    try {
      result = await suite.run(ctx);
    } catch (err) {
      crashed = true;
      console.error(`suite ${suite.name} crashed: ${err.stack ?? err}`);
      result = { title: suite.title, error: String(err.message ?? err), rows: [], notes: [] };
    }
    result.title ??= suite.title;
    result.load = load;
    if (!bmp.available) (result.notes ??= []).unshift(`bmp was not measured: ${bmp.reason.split('\n')[0]}`);
    results.push([suite.name, result]);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    for (const r of result.rows ?? []) {
      console.log(`  ${r.measure}: ${r.value} | baseline ${r.baseline} | ${r.ratio} | goal ${r.goal ?? '—'}${r.met === false ? ' | NOT MET' : ''}`);
    }
    console.log(`  (${suite.name} took ${secs.toFixed(1)} s)`);
  }

  mkdirSync(join(workDir, 'results'), { recursive: true });
  const json = JSON.stringify({ date, machine, bmp: { available: bmp.available, version: bmp.version, reason: bmp.reason }, quick: opts.quick, results: Object.fromEntries(results) }, null, 2);
  writeFileSync(join(workDir, 'results', 'latest.json'), json + '\n');
  if (opts.write) {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeReport(opts.out, machine, results, { date, quick: opts.quick });
    console.log(`\nwrote ${relative(process.cwd(), opts.out) || opts.out} (raw: ${join(workDir, 'results', 'latest.json')})`);
  }
  return crashed ? 1 : 0;
}

function readHelp() {
  return `usage: node bench/run.mjs [--suite NAME]... [--quick] [--reps N] [--list] [--no-write]
                         [--out FILE] [--bmp PATH] [--work-dir DIR]
  --suite NAME   run only this suite (repeatable, or comma-separated)
  --quick        smaller projects and fewer repetitions (a smoke run, not for the record)
  --reps N       repetitions of each fast measurement (slow baselines keep theirs)
  --no-write     do not update docs/BENCHMARKS.md
  --bmp PATH     bmp CLI to time (default dist/cli/bin.js; env BMP_BIN)
  --work-dir DIR generated projects, Dataform install, logs (default /dev/shm/bmp-bench; env BMP_BENCH_DIR)`;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${err.message}`);
    process.exit(2);
  },
);
