import { describe, expect, it } from 'vitest';
import { RenderSuspended } from '../../jinja/index.js';
import { CallReplay } from './replay.js';

describe('CallReplay', () => {
  it('runs each call once, in order, over as many passes as there are awaited answers', async () => {
    const replay = new CallReplay();
    const ran: string[] = [];
    let passes = 0;
    const out = await replay.run(() => {
      passes++;
      const a = replay.call('a', () => (ran.push('a'), Promise.resolve(1)));
      const b = replay.call('b', () => (ran.push('b'), 2)); // known at once: no pass of its own
      const c = replay.call('c', () => (ran.push('c'), Promise.resolve(a + b)));
      return [a, b, c];
    });
    expect(out).toEqual([1, 2, 3]);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(passes).toBe(3);
  });

  it('replays a logged answer even when a later call changed what it would be', async () => {
    const replay = new CallReplay();
    let state = 'before';
    const seen: string[] = [];
    await replay.run(() => {
      seen.push(replay.call('read', () => state));
      replay.call('write', () => Promise.resolve((state = 'after')));
    });
    expect(seen).toEqual(['before', 'before']);
  });

  it('throws a failed call at its place on the next pass; a suspension is not a failure', async () => {
    const replay = new CallReplay();
    await expect(replay.run(() => replay.call('x', () => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(() => replay.call('y', () => Promise.resolve(1))).toThrow(RenderSuspended);
  });

  it('forgets what follows a call that differs from the last pass (a template that reads the clock)', async () => {
    const replay = new CallReplay();
    let n = 0;
    const ran: string[] = [];
    await replay.run(() => {
      const key = `k${n++ < 1 ? 0 : 1}`;
      return replay.call(key, () => (ran.push(key), Promise.resolve(key)));
    });
    expect(ran).toEqual(['k0', 'k1']);
  });
});
