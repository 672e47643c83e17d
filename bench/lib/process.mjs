/**
 * Timing whole processes: spawn, wall time with process.hrtime, CPU time (user + system) and peak
 * RSS from GNU time when /usr/bin/time exists, stdout/stderr to log files.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let serial = 0;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** `{ cpuMs, peakKb }` from a GNU time file written with `-f '%U %S %M'` (its last line). */
function readUsage(file) {
  try {
    const last = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
    const [user, sys, kb] = last.trim().split(/\s+/).map(Number);
    if (![user, sys, kb].every(Number.isFinite)) return {};
    return { cpuMs: (user + sys) * 1000, peakKb: kb };
  } catch {
    return {};
  }
}

/**
 * Runs one process to completion and returns its wall time. stdout and stderr go to files (never
 * to a pipe the runner must drain, which would add the runner's own work to the measurement).
 *
 * @param {string} cmd
 * @param {string[]} args
 * CPU time is what load disturbs least on a shared machine (wall time measures the other tenants
 * too); `cpuMs` and `peakKb` are undefined without GNU time or with `usage: false`.
 *
 * @param {{ cwd?: string, env?: object, logDir: string, label?: string, stdoutFile?: string,
 *           timeoutMs?: number, usage?: boolean }} opts
 * @returns {Promise<{ ms: number, cpuMs?: number, peakKb?: number, code: number|null,
 *           signal: string|null, ok: boolean, stdoutFile: string, stderrFile: string, timedOut: boolean }>}
 */
export function timeProcess(cmd, args, opts) {
  mkdirSync(opts.logDir, { recursive: true });
  const base = join(opts.logDir, `${String(++serial).padStart(4, '0')}-${(opts.label ?? 'proc').replace(/[^\w.-]+/g, '_')}`);
  const stdoutFile = opts.stdoutFile ?? `${base}.out`;
  const stderrFile = `${base}.err`;
  const usageFile = GNU_TIME && opts.usage !== false ? `${base}.time` : undefined;
  if (usageFile) {
    args = ['-f', '%U %S %M', '-o', usageFile, cmd, ...args];
    cmd = GNU_TIME;
  }
  const out = openSync(stdoutFile, 'w');
  const err = openSync(stderrFile, 'w');
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    let child;
    try {
      // detached: its own process group, so a timeout can end it and whatever it spawned
      child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', out, err], detached: true });
    } catch (e) {
      closeSync(out);
      closeSync(err);
      reject(e);
      return;
    }
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        }, opts.timeoutMs)
      : null;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (timer) clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      const usage = usageFile ? readUsage(usageFile) : {};
      resolvePromise({ ms, ...usage, code, signal, ok: code === 0 && !timedOut, stdoutFile, stderrFile, timedOut });
    });
  });
}

/** Last lines of a log file, for failure messages. */
export function tail(file, lines = 8) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A one-paragraph description of why a process failed. */
export function describeFailure(result) {
  const why = result.timedOut ? 'timed out' : result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  const text = tail(result.stderrFile) || tail(result.stdoutFile);
  return `${why}${text ? `; last output:\n${text}` : ''}`;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Summary of repeated timings in ms. */
export function summarize(samples) {
  return {
    samples,
    n: samples.length,
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

/** "1.234 s" / "87 ms". */
export function fmtMs(ms) {
  if (ms == null || Number.isNaN(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 100000 ? 1 : ms >= 10000 ? 2 : 3)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

/** "1.23 s (median of 5; 1.20–1.31 s)". */
export function fmtStats(stats) {
  if (!stats) return '—';
  if (stats.n === 1) return `${fmtMs(stats.median)} (1 run)`;
  return `${fmtMs(stats.median)} (median of ${stats.n}; ${fmtMs(stats.min)}–${fmtMs(stats.max)})`;
}

/** "1.07×" with sensible precision. */
export function fmtRatio(r) {
  if (r == null || !Number.isFinite(r)) return '—';
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}
