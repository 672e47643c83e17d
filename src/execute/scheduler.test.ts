import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import type { NodeAttributes } from '../graph/index.js';
import { chainLengths, dependencyMap, schedule } from './scheduler.js';

function graph(edges: [string, string][], nodes: string[] = []): DirectedGraph<NodeAttributes> {
  const g = new DirectedGraph<NodeAttributes>();
  for (const n of nodes) g.mergeNode(n, { node: {} as never });
  for (const [a, b] of edges) {
    g.mergeNode(a, { node: {} as never });
    g.mergeNode(b, { node: {} as never });
    g.addDirectedEdge(a, b);
  }
  return g;
}

describe('scheduler', () => {
  it('waits for nearest selected ancestors through unselected nodes', () => {
    const g = graph([['a', 'b'], ['b', 'c'], ['c', 'd']]);
    const deps = dependencyMap(['a', 'd'], g);
    expect([...deps.get('d')!]).toEqual(['a']);
    expect(deps.get('a')!.size).toBe(0);
  });

  it('runs parents before children, never more than `threads` at once, and skips only descendants of a failure', async () => {
    // a -> b -> d, a -> c -> e, f independent; c fails
    const g = graph([['a', 'b'], ['b', 'd'], ['a', 'c'], ['c', 'e']], ['f']);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const started: string[] = [];
    const finished = new Set<string>();
    const skipped: [string, string | undefined][] = [];
    let running = 0;
    let peak = 0;
    await schedule({
      ids,
      graph: g,
      threads: 2,
      isStopped: () => false,
      run: async (id) => {
        for (const p of g.inNeighbors(id)) expect(finished.has(p)).toBe(true);
        started.push(id);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        finished.add(id);
        return { failed: id === 'c' };
      },
      skip: (id, cause) => skipped.push([id, cause]),
    });
    expect(peak).toBe(2);
    expect(started.sort()).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(skipped).toEqual([['e', 'c']]);
  });

  it('starts the ready node with the longest chain waiting on it first, then in selection order', async () => {
    // a -> b -> c is the long chain; x and y wait for nothing and nothing waits for them
    const g = graph([['a', 'b'], ['b', 'c']], ['x', 'y']);
    const started: string[] = [];
    await schedule({
      ids: ['x', 'y', 'a', 'b', 'c'],
      graph: g,
      threads: 1,
      isStopped: () => false,
      run: async (id) => {
        started.push(id);
        return { failed: false };
      },
      skip: () => {},
    });
    expect(started).toEqual(['a', 'b', 'x', 'y', 'c']);
  });

  it('lets a free worker pass over a node that would only wait for running work, and comes back to it', async () => {
    // b1 and b2 share work that b1 starts (a batch's scan); x is independent. While b1 runs, b2
    // would only wait: the second worker takes x, and b2 starts once b1 has finished.
    const g = graph([], ['b1', 'b2', 'x']);
    const events: string[] = [];
    let b1Running = false;
    let releaseB1!: () => void;
    const b1Done = new Promise<void>((r) => (releaseB1 = r));
    await schedule({
      ids: ['b1', 'b2', 'x'],
      graph: g,
      threads: 2,
      isStopped: () => false,
      waitsOnRunningWork: (id) => id === 'b2' && b1Running,
      run: async (id) => {
        events.push(`start ${id}`);
        if (id === 'b1') {
          b1Running = true;
          await b1Done;
          b1Running = false;
        }
        if (id === 'x') releaseB1();
        events.push(`end ${id}`);
        return { failed: false };
      },
      skip: () => {},
    });
    expect(events).toEqual(['start b1', 'start x', 'end x', 'end b1', 'start b2', 'end b2']);
  });

  it('waits for a running node when every ready node would only wait for it, and ignores the hold when nothing runs', async () => {
    const g = graph([], ['a', 'b', 'c']);
    const events: string[] = [];
    let aRunning = false;
    await schedule({
      ids: ['a', 'b', 'c'],
      graph: g,
      threads: 2,
      isStopped: () => false,
      // b and c would wait for a while it runs; c also claims so when nothing runs (ignored then)
      waitsOnRunningWork: (id) => (id === 'b' && aRunning) || id === 'c',
      run: async (id) => {
        events.push(`start ${id}`);
        if (id === 'a') {
          aRunning = true;
          await new Promise((r) => setTimeout(r, 5));
          aRunning = false;
        }
        events.push(`end ${id}`);
        return { failed: false };
      },
      skip: () => {},
    });
    // the second worker held back from b and c while a ran; then b, then c alone (nothing running)
    expect(events.slice(0, 2)).toEqual(['start a', 'end a']);
    expect(events.filter((e) => e.startsWith('start'))).toEqual(['start a', 'start b', 'start c']);
  });

  it('measures chains iteratively: 100,000 nodes in a line, and a cycle, are fine', () => {
    const n = 100_000;
    const ids = Array.from({ length: n }, (_, i) => `m${i}`);
    const children = new Map(ids.slice(0, -1).map((id, i) => [id, [ids[i + 1]!]]));
    const lengths = chainLengths(ids, children);
    expect(lengths.get('m0')).toBe(n);
    expect(lengths.get(`m${n - 1}`)).toBe(1);
    const cyclic = chainLengths(['p', 'q', 'r'], new Map([['p', ['q']], ['q', ['p', 'r']]]));
    expect(cyclic.get('r')).toBe(1);
    expect(cyclic.get('p')).toBeGreaterThanOrEqual(2);
  });

  it('stops handing out nodes when asked (fail-fast / interrupt) and reports the rest as skipped', async () => {
    const g = graph([['a', 'b'], ['b', 'c']]);
    const skipped: string[] = [];
    await schedule({
      ids: ['a', 'b', 'c'],
      graph: g,
      threads: 1,
      isStopped: () => false,
      run: async (id) => ({ failed: false, stop: id === 'a' }),
      skip: (id) => skipped.push(id),
    });
    expect(skipped).toEqual(['b', 'c']);
  });

  it('honours extra edges (build: tests gate the children of their model)', async () => {
    const g = graph([['m', 't'], ['m', 'child']]);
    const order: string[] = [];
    await schedule({
      ids: ['m', 't', 'child'],
      graph: g,
      extraEdges: [['t', 'child']],
      threads: 4,
      isStopped: () => false,
      run: async (id) => {
        order.push(id);
        return { failed: id === 't' };
      },
      skip: (id) => order.push(`skip:${id}`),
    });
    expect(order).toEqual(['m', 't', 'skip:child']);
  });
});

describe('starting beside running nodes (mayStartBeside)', () => {
  const independent = (n: number) => graph([], Array.from({ length: n }, (_, i) => `n${i}`));
  /** Nodes that each take 5 ms, counting how many run at once. */
  const counted = () => {
    const c = {
      running: 0,
      peak: 0,
      run: async () => {
        c.running++;
        c.peak = Math.max(c.peak, c.running);
        await new Promise((r) => setTimeout(r, 5));
        c.running--;
        return { failed: false };
      },
    };
    return c;
  };

  it('runs one node at a time while the gate says no, and asks only when another node runs', async () => {
    const c = counted();
    const askedWhile: number[] = [];
    const mayStartBeside = () => {
      askedWhile.push(c.running);
      return false;
    };
    await schedule({ ids: ['n0', 'n1', 'n2', 'n3'], graph: independent(4), threads: 3, recheckMs: 1, isStopped: () => false, mayStartBeside, run: c.run, skip: () => {} });
    expect(c.peak).toBe(1);
    expect(askedWhile.length).toBeGreaterThan(0);
    expect(askedWhile.every((n) => n > 0)).toBe(true);
  });

  it('starts a held-back node when the gate opens while the other still runs (asked again after recheckMs)', async () => {
    let open = false;
    let overlapped = false;
    let running = 0;
    await schedule({
      ids: ['n0', 'n1'],
      graph: independent(2),
      threads: 2,
      recheckMs: 2,
      isStopped: () => false,
      mayStartBeside: () => open,
      run: async (id) => {
        running++;
        if (running > 1) overlapped = true;
        if (id === 'n0') {
          setTimeout(() => (open = true), 10);
          await new Promise((r) => setTimeout(r, 60));
        }
        running--;
        return { failed: false };
      },
      skip: () => {},
    });
    expect(overlapped).toBe(true);
  });

  it('runs every node with an open gate as without one (threads at once)', async () => {
    const c = counted();
    await schedule({ ids: ['n0', 'n1', 'n2'], graph: independent(3), threads: 3, isStopped: () => false, mayStartBeside: () => true, run: c.run, skip: () => {} });
    expect(c.peak).toBe(3);
  });
});

describe('deadlocks', () => {
  it('reports nodes that can never start with the DEADLOCK cause instead of a quiet skip', async () => {
    const g = graph([], ['a', 'b']);
    const skipped: [string, string | undefined][] = [];
    await schedule({ ids: ['a', 'b'], graph: g, extraEdges: [['a', 'b'], ['b', 'a']], threads: 2, isStopped: () => false, run: async () => ({ failed: false }), skip: (id, c) => skipped.push([id, c]) });
    expect(skipped).toEqual([['a', '<deadlock>'], ['b', '<deadlock>']]);
  });
});
