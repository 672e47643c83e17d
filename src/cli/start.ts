import { interruptAllDatabases } from '../adapters/duckdb/connection.js';
import { main } from './main.js';

/**
 * Process edge: signals, stdout, exit code. First Ctrl-C (or SIGTERM) interrupts running queries and
 * rolls back what was in flight; a second exits at once. A command with nothing to roll back
 * (compile, show, docs) exits at the first. `bmp` (dist/cli/bin.js) calls it once.
 */
export async function start(): Promise<void> {
  let interrupts = 0;
  const ctxHolder: { interrupt?: () => boolean | void } = {};
  const exitNow = () => {
    // process.exit waits for a DuckDB query still running (minutes, maybe): stop them first
    interruptAllDatabases();
    process.exit(130);
  };
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1 || !ctxHolder.interrupt) return exitNow();
    try {
      if (ctxHolder.interrupt() === false) exitNow();
    } catch {
      exitNow();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Lines to a file or pipe are gathered and written every few milliseconds (or once 64 KB wait): a
  // run prints two lines per node, and each write to a file or pipe is a synchronous system call on
  // the main thread, which a chain of small statements shares with DuckDB's results. A terminal gets
  // each line at once. Stderr, raw writes and the exit write what is pending first, so the order of
  // everything printed is kept.
  const GATHER_MS = 20;
  let pending = '';
  let gatherTimer: NodeJS.Timeout | undefined;
  const flushOut = () => {
    if (gatherTimer) clearTimeout(gatherTimer);
    gatherTimer = undefined;
    if (!pending) return;
    const text = pending;
    pending = '';
    process.stdout.write(text);
  };
  const gather = !process.stdout.isTTY;
  process.on('exit', flushOut);
  const code = await main(process.argv.slice(2), {
    out: gather
      ? (l) => {
          pending += l + '\n';
          if (pending.length >= 1 << 16) flushOut();
          else gatherTimer ??= setTimeout(flushOut, GATHER_MS);
        }
      : (l) => process.stdout.write(l + '\n'),
    err: (l) => {
      flushOut();
      process.stderr.write(l + '\n');
    },
    isTTY: !!process.stdout.isTTY,
    write: (s) => {
      flushOut();
      process.stdout.write(s);
    },
    columns: () => process.stdout.columns || 80,
  }, ctxHolder);
  flushOut();
  process.exitCode = code;
  // Everything is written (the command awaited its files): exit once stdout has drained, skipping the
  // heap teardown a natural exit does (~15 ms after a 1,000-node run).
  process.stdout.write('', () => process.exit(code));
}
