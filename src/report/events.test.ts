import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchedSink, REPORT_BATCH_MS, type BmpEvent } from './events.js';

const info = (message: string): BmpEvent => ({ code: 'A002', type: 'info', message });
const messageOf = (e: BmpEvent) => (e.type === 'info' ? e.message : e.type);

describe('batchedSink', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds events until the batch interval, then reports them in order with the time each happened', () => {
    const got: [string, number | undefined][] = [];
    const sink = batchedSink((e, at) => got.push([messageOf(e), at]));
    vi.setSystemTime(1_000);
    sink(info('a'));
    vi.setSystemTime(1_020);
    sink.later(() => info('b'));
    vi.setSystemTime(1_040);
    sink(info('c'));
    expect(got).toEqual([]);
    vi.advanceTimersByTime(REPORT_BATCH_MS);
    expect(got).toEqual([
      ['a', 1_000],
      ['b', 1_020],
      ['c', 1_040],
    ]);
  });

  it('makes a later event only when it is reported, in its place', () => {
    const order: string[] = [];
    const sink = batchedSink((e) => order.push(`report ${messageOf(e)}`));
    sink(info('first'));
    sink.later(() => {
      order.push('make second');
      return info('second');
    });
    sink(info('third'));
    expect(order).toEqual([]);
    sink.flush();
    expect(order).toEqual(['report first', 'make second', 'report second', 'report third']);
  });

  it('flush reports at once and cancels the pending batch; events after it start a new one', () => {
    const got: string[] = [];
    const sink = batchedSink((e) => got.push(messageOf(e)));
    sink(info('a'));
    sink.flush();
    expect(got).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(0);
    sink(info('b'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(REPORT_BATCH_MS);
    expect(got).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports at once when too many events wait', () => {
    let reported = 0;
    const sink = batchedSink(() => reported++);
    for (let i = 0; i < 10_000; i++) sink(info(String(i)));
    expect(reported).toBe(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a large batch in turns of about a millisecond, in order, letting the event loop run between them', async () => {
    vi.useRealTimers();
    const got: number[] = [];
    const turns: number[] = []; // how many events each turn reported
    let inTurn = 0;
    const sink = batchedSink((e) => {
      const until = performance.now() + 0.3; // a slow reporter: 0.3 ms an event
      while (performance.now() < until);
      got.push(Number(messageOf(e)));
      inTurn++;
    }, 5);
    for (let i = 0; i < 40; i++) sink(info(String(i)));
    // between two turns the event loop runs: record each turn's count there
    const tick = setInterval(() => undefined, 0);
    while (got.length < 40) {
      await new Promise((r) => setImmediate(r));
      if (inTurn) turns.push(inTurn);
      inTurn = 0;
    }
    clearInterval(tick);
    expect(got).toEqual([...Array(40).keys()]);
    expect(turns.length).toBeGreaterThan(4);
    expect(Math.max(...turns)).toBeLessThan(15);
  });
});

