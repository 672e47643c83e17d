import type { ProjectGraph } from '../graph/index.js';

/** The `cause` given to `skip` for nodes that could never start (a cycle in the ordering). */
export const DEADLOCK = '<deadlock>';

export interface ScheduleOptions {
  readonly ids: readonly string[];
  readonly graph: ProjectGraph;
  /** Parents of a node in the graph (default: graph in-neighbors); build reorders unit tests with it. */
  readonly parentsOf?: (id: string) => readonly string[];
  /** Extra ordering edges among selected nodes (build: a model's tests gate its children). */
  readonly extraEdges?: readonly (readonly [string, string])[];
  readonly threads: number;
  /** Runs a node on worker `worker`; returns true when it failed in a way that skips descendants. */
  run(id: string, worker: number): Promise<{ failed: boolean; stop?: boolean }>;
  /** Called for each node not run because `cause` failed (or the run stopped). */
  skip(id: string, cause: string | undefined): void;
  isStopped(): boolean;
  /**
   * Asked before a node starts while others run: false holds it back until one of them finishes
   * or {@link ScheduleOptions.recheckMs} pass, then it is asked again (memory has run short, and a
   * second query would make both spill: execute/memory-gate.ts). Never asked when nothing runs, so
   * every node starts.
   */
  mayStartBeside?(): boolean;
  /** How long a held-back worker waits before asking again when nothing finishes (default 250 ms). */
  readonly recheckMs?: number;
  /**
   * True while a ready node could only wait for work another worker is doing (a data test whose
   * batch's shared scan is running): a free worker takes the next ready node instead, and comes
   * back to it when something finishes. Ignored when nothing runs.
   */
  waitsOnRunningWork?(id: string): boolean;
}

/**
 * Selected nodes as a DAG in which each node waits for its nearest selected ancestors (looking
 * through unselected ones, as dbt's subset graph does).
 */
export function dependencyMap(ids: readonly string[], graph: ProjectGraph, extraEdges: readonly (readonly [string, string])[] = [], parentsOf: (id: string) => readonly string[] = (id) => graph.inNeighbors(id)): Map<string, Set<string>> {
  const selected = new Set(ids);
  const deps = new Map<string, Set<string>>();
  const nearestCache = new Map<string, Set<string>>();
  // nearest selected ancestors of an unselected node, memoized
  const nearest = (id: string): Set<string> => {
    let out = nearestCache.get(id);
    if (out) return out;
    out = new Set();
    nearestCache.set(id, out);
    for (const p of parentsOf(id)) {
      if (selected.has(p)) out.add(p);
      else for (const q of nearest(p)) out.add(q);
    }
    return out;
  };
  for (const id of ids) {
    const d = new Set<string>();
    for (const p of parentsOf(id)) {
      if (selected.has(p)) d.add(p);
      else for (const q of nearest(p)) d.add(q);
    }
    deps.set(id, d);
  }
  for (const [from, to] of extraEdges) if (selected.has(from) && selected.has(to) && from !== to) deps.get(to)!.add(from);
  return deps;
}

/**
 * Starts a node as soon as everything it waits for is done, up to `threads` at once (dbt's graph
 * queue). A failure skips only what depends on it.
 *
 * Of the nodes ready at once, the one with the longest chain of nodes waiting on it goes first
 * (critical path first, as ninja schedules), then the selection's order. In a build a model waits
 * for the tests of everything upstream of it, so those tests and the models of the longest chain
 * run before a test nothing waits for, which fills the other thread instead of delaying the chain.
 * A node that would only wait for another worker's work (a test whose batch's scan is running)
 * yields its turn to the next ready node: the worker stays busy, and the node's time in
 * run_results is its own, not the scan's a second time.
 */
export async function schedule(opts: ScheduleOptions): Promise<void> {
  const deps = dependencyMap(opts.ids, opts.graph, opts.extraEdges, opts.parentsOf);
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [id, ds] of deps) {
    waiting.set(id, ds.size);
    for (const d of ds) {
      let c = children.get(d);
      if (!c) children.set(d, (c = []));
      c.push(id);
    }
  }
  const order = new Map(opts.ids.map((id, i) => [id, i]));
  const chain = chainLengths(opts.ids, children);
  const before = (a: string, b: string) => chain.get(b)! - chain.get(a)! || order.get(a)! - order.get(b)!;
  const ready: string[] = opts.ids.filter((id) => waiting.get(id) === 0).sort(before);
  const done = new Set<string>();
  let stopped = false;

  const skipDescendants = (id: string, cause: string) => {
    const stack = [...(children.get(id) ?? [])];
    while (stack.length) {
      const c = stack.pop()!;
      if (done.has(c)) continue;
      done.add(c);
      opts.skip(c, cause);
      stack.push(...(children.get(c) ?? []));
    }
  };

  const finish = (id: string) => {
    for (const c of children.get(id) ?? []) {
      if (done.has(c)) continue;
      const n = waiting.get(c)! - 1;
      waiting.set(c, n);
      if (n === 0) insertSorted(ready, c, before);
    }
  };

  const nextFinish = () => new Promise<void>((r) => waiters.push(r));
  const nextFinishOr = (ms: number) =>
    new Promise<void>((r) => {
      const timer = setTimeout(r, ms);
      waiters.push(() => {
        clearTimeout(timer);
        r();
      });
    });
  const worker = async (w: number) => {
    for (;;) {
      if (stopped || opts.isStopped()) return;
      if (ready.length === 0) {
        if (inFlight === 0) return;
        await nextFinish();
        continue;
      }
      if (inFlight > 0 && opts.mayStartBeside && !opts.mayStartBeside()) {
        await nextFinishOr(opts.recheckMs ?? 250);
        continue;
      }
      // the checks above are synchronous: ready still holds a node
      const at = inFlight > 0 && opts.waitsOnRunningWork ? ready.findIndex((r) => !opts.waitsOnRunningWork!(r)) : 0;
      if (at < 0) {
        // every ready node waits for a running one: its finish makes them startable
        await nextFinish();
        continue;
      }
      const id = ready.splice(at, 1)[0]!;
      if (done.has(id)) continue;
      done.add(id);
      inFlight++;
      let outcome: { failed: boolean; stop?: boolean };
      try {
        outcome = await opts.run(id, w);
      } finally {
        inFlight--;
      }
      if (outcome.failed) skipDescendants(id, id);
      else finish(id);
      if (outcome.stop) stopped = true;
      for (const wake of waiters.splice(0)) wake();
    }
  };
  let inFlight = 0;
  const waiters: (() => void)[] = [];
  await Promise.all(Array.from({ length: Math.max(1, opts.threads) }, (_, w) => worker(w)));
  // Left-overs are expected only when the run stopped (fail-fast, interrupt); otherwise the
  // dependency map had a cycle, which must surface as an error, never as a quiet skip.
  const stoppedEarly = stopped || opts.isStopped();
  for (const id of opts.ids) {
    if (!done.has(id)) {
      done.add(id);
      opts.skip(id, stoppedEarly ? undefined : DEADLOCK);
    }
  }
}

function insertSorted(list: string[], id: string, before: (a: string, b: string) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid]!, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, id);
}

/**
 * For each node, the number of nodes on the longest chain from it to a node nothing waits for
 * (itself included). Iterative (a chain of thousands of models must not exhaust the stack); a child
 * met again while its own chain is being measured (a cycle, reported as a deadlock later) adds nothing.
 */
export function chainLengths(ids: readonly string[], children: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const length = new Map<string, number>();
  const open = new Set<string>();
  for (const root of ids) {
    if (length.has(root)) continue;
    const stack: string[] = [root];
    while (stack.length) {
      const id = stack[stack.length - 1]!;
      if (length.has(id)) {
        stack.pop();
        continue;
      }
      const pending = open.has(id) ? [] : (children.get(id) ?? []).filter((c) => !length.has(c) && !open.has(c));
      if (pending.length) {
        open.add(id);
        for (const c of pending) stack.push(c);
        continue;
      }
      let longest = 0;
      for (const c of children.get(id) ?? []) longest = Math.max(longest, length.get(c) ?? 0);
      length.set(id, longest + 1);
      open.delete(id);
      stack.pop();
    }
  }
  return length;
}
