import type { BmpEvent, EventSink } from './events.js';

export interface ProgressOptions {
  /** Writes to the terminal as is (no newline added). */
  readonly write: (chunk: string) => void;
  /** Terminal width; the status line is cut to fit so it never wraps. Default 80. */
  readonly columns?: () => number;
  /** Milliseconds since some origin; injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
  /** Redraw period for the elapsed time; 0 redraws on events only. Default 200. */
  readonly intervalMs?: number;
  /** Dim the status line. */
  readonly color?: boolean;
}

/** The live status line: wraps the reporter's line writer and its event sink. */
export interface ProgressLine {
  /** Wraps a line writer so the status line is wiped before each line, which then scrolls above it. */
  lines(write: (line: string) => void): (line: string) => void;
  /** Wraps an event sink: run and node events update the status line. */
  sink(inner: EventSink): EventSink;
  /** Wipes the status line and stops its timer. */
  stop(): void;
}


const CLEAR = '\r\x1b[2K';
const BAR = 20;

/**
 * A live status line for terminals, `[#######.............] 3/9 · 1.4s · running stg_orders, customer_totals`,
 * drawn while a run is going (between `run.start` and `run.finish`), redrawn in place as nodes start
 * and finish and as time passes, and wiped before every line the reporter prints. Use it only on a TTY,
 * outside CI, with `--log-format text`; everywhere else the plain reporter's lines are the output.
 * @example
 * const progress = progressLine({ write: (s) => process.stdout.write(s) });
 * const emit = progress.sink(textReporter({ write: progress.lines(console.log), debug: false, color: true }));
 */
export function progressLine(opts: ProgressOptions): ProgressLine {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 200;
  const running = new Map<string, string>();
  let total = 0;
  let done = 0;
  let startedAt = 0;
  let active = false;
  /** The text on screen now, or undefined when nothing is drawn. */
  let shown: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  const clear = () => {
    if (shown === undefined) return;
    opts.write(CLEAR);
    shown = undefined;
  };
  const draw = () => {
    const line = statusLine({ done, total, running: [...running.values()], elapsed: (now() - startedAt) / 1000 }, Math.max(20, (opts.columns?.() || 80) - 1));
    if (line === shown) return;
    opts.write(`${shown === undefined ? '' : CLEAR}${opts.color ? `\x1b[2m${line}\x1b[22m` : line}`);
    shown = line;
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const update = (e: BmpEvent) => {
    switch (e.type) {
      case 'run.start':
        total = e.total;
        done = 0;
        running.clear();
        startedAt = now();
        active = true;
        stopTimer();
        if (interval > 0) {
          timer = setInterval(() => active && draw(), interval);
          timer.unref();
        }
        break;
      case 'node.start':
        running.set(e.node.uniqueId, e.node.name);
        break;
      case 'node.finish':
        running.delete(e.node.uniqueId);
        done++;
        break;
      case 'run.finish':
        active = false;
        stopTimer();
        clear();
        break;
      default:
        break;
    }
  };

  return {
    lines: (write) => (line) => {
      clear();
      write(line);
    },
    sink: (inner) => (e, at) => {
      inner(e, at);
      update(e);
      if (active) draw();
    },
    stop: () => {
      active = false;
      stopTimer();
      clear();
    },
  };
}

export interface ProgressState {
  readonly done: number;
  readonly total: number;
  /** Names of the nodes running now, oldest first. */
  readonly running: readonly string[];
  /** Seconds since the run started. */
  readonly elapsed: number;
}

/**
 * The status line, at most `width` characters.
 * @example statusLine({ done: 3, total: 9, running: ['a'], elapsed: 1.4 }, 80) // '[#######.............] 3/9 · 1.4s · running a'
 */
export function statusLine(s: ProgressState, width: number): string {
  const filled = s.total ? Math.round((s.done / s.total) * BAR) : 0;
  const head = `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${s.done}/${s.total} · ${formatElapsed(s.elapsed)}`;
  let line = head;
  if (s.running.length) {
    // as many names as fit, then "+N more"; else the count; else the first name, cut
    const n = s.running.length;
    const fits = (l: string) => l.length <= width;
    const withNames = (k: number) => `${head} · running ${s.running.slice(0, k).join(', ')}${n > k ? ` +${n - k} more` : ''}`;
    let k = n;
    while (k > 1 && !fits(withNames(k))) k--;
    line = fits(withNames(k)) ? withNames(k) : n > 1 && fits(`${head} · ${n} running`) ? `${head} · ${n} running` : withNames(1);
  }
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

function formatElapsed(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
