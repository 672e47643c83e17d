import { describe, expect, it } from 'vitest';
import type { BmpEvent, NodeResult, NodeSummary } from './events.js';
import { progressLine, statusLine } from './progress.js';
import { textReporter } from './text-reporter.js';

const CLEAR = '\r\x1b[2K';

const node = (name: string): NodeSummary => ({ uniqueId: `model.p.${name}`, name, resourceType: 'model', materialized: 'table', relation: `main.${name}` });
const result = (name: string): NodeResult => ({ uniqueId: `model.p.${name}`, status: 'success', message: 'OK', executionTime: 0.1, timing: [], threadId: 'Thread-1', adapterResponse: {} });
const start = (total: number): BmpEvent => ({ code: 'Q001', type: 'run.start', command: 'run', total, threads: 2, target: 'dev', counts: { model: total } });
const nodeStart = (name: string, index: number, total: number): BmpEvent => ({ code: 'Q002', type: 'node.start', index, total, node: node(name) });
const nodeFinish = (name: string, index: number, total: number): BmpEvent => ({ code: 'Q003', type: 'node.finish', index, total, node: node(name), result: result(name) });
const finish: BmpEvent = { code: 'Z001', type: 'run.finish', command: 'run', elapsed: 1, results: [], interrupted: false };

/** A fake terminal: raw chunks and printed lines in one stream, and what the screen shows at the end. */
function terminal() {
  const stream: string[] = [];
  let clock = 0;
  const progress = progressLine({ write: (s) => stream.push(s), columns: () => 80, now: () => clock, intervalMs: 0 });
  const emit = progress.sink(textReporter({ write: progress.lines((l) => stream.push(`${l}\n`)), debug: false, color: false }));
  /** The visible text: `\r\x1b[2K` wipes the current line. */
  const screen = () => {
    const lines = [''];
    for (const chunk of stream) {
      for (const part of chunk.split(/(\r\x1b\[2K|\n)/)) {
        if (part === CLEAR) lines[lines.length - 1] = '';
        else if (part === '\n') lines.push('');
        else lines[lines.length - 1] += part;
      }
    }
    return lines;
  };
  return { emit, stream, screen, tick: (ms: number) => (clock += ms), progress };
}

describe('statusLine', () => {
  it('shows done/total, a bar, elapsed and the running nodes', () => {
    expect(statusLine({ done: 3, total: 9, running: ['a'], elapsed: 1.4 }, 80)).toBe('[#######.............] 3/9 · 1.4s · running a');
    expect(statusLine({ done: 0, total: 0, running: [], elapsed: 0 }, 80)).toBe('[....................] 0/0 · 0.0s');
    expect(statusLine({ done: 9, total: 9, running: [], elapsed: 125 }, 80)).toBe('[####################] 9/9 · 2m05s');
  });

  it('fits the width: as many names as fit, then +N more, never wrapping', () => {
    const running = ['stg_orders', 'stg_customers', 'customer_totals', 'order_items', 'payments'];
    expect(statusLine({ done: 1, total: 40, running, elapsed: 2 }, 80)).toBe('[#...................] 1/40 · 2.0s · running stg_orders, stg_customers +3 more');
    expect(statusLine({ done: 1, total: 40, running, elapsed: 2 }, 63)).toBe('[#...................] 1/40 · 2.0s · running stg_orders +4 more');
    expect(statusLine({ done: 1, total: 40, running, elapsed: 2 }, 50)).toBe('[#...................] 1/40 · 2.0s · 5 running');
    const long = statusLine({ done: 1, total: 40, running: ['x'.repeat(100)], elapsed: 2 }, 50);
    expect(long.length).toBe(50);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('progressLine', () => {
  it('draws during a run, redraws in place, and wipes itself before every printed line', () => {
    const t = terminal();
    t.emit(start(2));
    t.emit(nodeStart('a', 1, 2));
    t.tick(1500);
    t.emit(nodeStart('b', 2, 2));
    // the last line on screen is the status line, below the START lines
    const during = t.screen();
    expect(during.at(-1)).toBe('[....................] 0/2 · 1.5s · running a, b');
    expect(during.filter((l) => l.includes('START')).length).toBe(2);
    expect(during.some((l) => l.includes('·') && l.includes('START'))).toBe(false);
    t.emit(nodeFinish('a', 1, 2));
    expect(t.screen().at(-1)).toBe('[##########..........] 1/2 · 1.5s · running b');
    t.emit(nodeFinish('b', 2, 2));
    t.emit(finish);
    // after the run: no status line left anywhere, only the reporter's lines
    const after = t.screen();
    expect(after.some((l) => l.includes('·'))).toBe(false);
    expect(after.at(-1)).toBe('');
    expect(after.some((l) => l.includes('Finished running'))).toBe(true);
  });

  it('does nothing outside a run and never redraws an unchanged line', () => {
    const t = terminal();
    t.emit({ code: 'A002', type: 'info', message: 'hello' });
    expect(t.stream).toEqual([expect.stringContaining('hello\n')]);
    t.emit(start(1));
    const n = t.stream.length;
    t.emit({ code: 'Q004', type: 'log', message: 'quiet', info: false });
    expect(t.stream.length).toBe(n);
  });

  it('stop() wipes the line', () => {
    const t = terminal();
    t.emit(start(3));
    t.emit(nodeStart('a', 1, 3));
    t.progress.stop();
    expect(t.screen().at(-1)).toBe('');
    t.emit(nodeStart('b', 2, 3));
    expect(t.screen().at(-1)).toBe('');
  });
});
