/**
 * Memory-aware starts: once a run's data has proven larger than the engine's memory, nodes run one
 * at a time. Two queries that each need most of the memory limit make each other spill: each gets
 * part of the pool, writes its hash tables and sorts to temporary files and reads them back, and
 * together they take longer than one after the other (the pipeline at 10M memories: ltm_memories
 * 31 s alone, 58–75 s beside memory_traces and the retention tests; the whole build 228–249 s with
 * two nodes at a time, 209 s with one). Each node still gets every engine thread. Runs whose data
 * fits never come near the limit and keep `threads` nodes busy.
 *
 * The memory is watched while the run runs (a query every 500 ms on a connection of its own),
 * not only when a node starts: two large nodes often become ready at the same instant, when the
 * pool is empty, and the evidence (a spill, a query holding half the limit) comes from the nodes
 * before them.
 *
 * The same reads tell a large run from a small one: once running queries hold a thirty-second of
 * the limit, the engine is asked to keep memory its queries free for the next ones
 * ({@link freedMemoryToKeep}). DuckDB otherwise hands freed buffer memory back to the system and
 * faults it in again page by page for the next query: at 1M memories the pipeline took ~0.85M
 * page faults and ~2.5 s of system CPU, and keeping freed memory saves a quarter of both (~1.5% of
 * the build). Keeping it from the start costs a small run more than it saves (the pool touches
 * whole blocks: 10k +5% wall, 100k no gain), so it starts only when the run has shown it is large
 * (docs/BENCHMARKS.md, nineteenth session).
 */
import type { EngineMemory } from '../adapters/engine.js';

export interface MemoryWatchOptions {
  /** How often the memory is read (ms). */
  readonly everyMs?: number;
  /** Share of the limit one moment's queries may hold (working memory, not cached table pages) before memory counts as short. */
  readonly workingShare?: number;
  /** Called once, when memory first runs short, with what was read. */
  readonly onShort?: (m: EngineMemory) => void;
  /** Share of the limit running queries hold when the run counts as large (default {@link DEFAULT_LARGE_SHARE}). */
  readonly largeShare?: number;
  /** Called once, when the run first counts as large (at the latest when memory runs short), with what was read. */
  readonly onLarge?: (m: EngineMemory) => void | Promise<void>;
}

/** Half the limit: beside a query holding that much, another could not get as much without spilling. */
export const DEFAULT_WORKING_SHARE = 0.5;

/**
 * A thirty-second of the limit (128 MB of the pipeline's 4 GB): the pipeline's queries hold at
 * most ~60 MB at 10k memories, and pass 128 MB ~1.3 s into a 1M build.
 */
export const DEFAULT_LARGE_SHARE = 1 / 32;

/** The most freed memory a large run keeps: a quarter of the limit, at most 1 GiB (memory the process may hold beyond what its queries use, until it exits). */
export function freedMemoryToKeep(limit: number): number {
  return Math.min(2 ** 30, Math.floor(limit / 4));
}

/** Whether running queries hold enough of the limit for the run to count as large. */
export function isLarge(m: EngineMemory, largeShare: number = DEFAULT_LARGE_SHARE): boolean {
  return m.limit !== undefined && m.limit > 0 && m.working >= largeShare * m.limit;
}

/** Whether the memory read leaves room for a second query beside the running ones. */
export function roomBeside(m: EngineMemory, workingShare: number = DEFAULT_WORKING_SHARE): boolean {
  if (m.limit === undefined || !(m.limit > 0)) return true;
  return m.spilled === 0 && m.working < workingShare * m.limit;
}

/** Watches an engine's memory during a run: answers whether a node may start beside others, and tells once when the run proves large. */
export class MemoryWatch {
  private short = false;
  private large = false;
  private reading = false;
  /** Set by {@link start}; cleared when the watch stops (asked to, or memory ran short). */
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly read: () => Promise<EngineMemory>,
    private readonly o: MemoryWatchOptions,
  ) {}

  /** Starts reading `read` every `everyMs` (default 500 ms: a read is a query, ~1.5 ms of the event loop) until {@link stop} or memory runs short. */
  static start(read: () => Promise<EngineMemory>, o: MemoryWatchOptions = {}): MemoryWatch {
    const w = new MemoryWatch(read, o);
    w.timer = setInterval(() => void w.check(), o.everyMs ?? 500);
    // a watch never keeps the process alive
    w.timer.unref?.();
    return w;
  }

  /** False once memory has run short in this run: it stays so (the data in play does not shrink). */
  roomBeside(): boolean {
    return !this.short;
  }

  /** Reads the memory once (the timer's tick). A failed read changes nothing. */
  async check(): Promise<void> {
    if (this.reading || !this.timer) return;
    this.reading = true;
    try {
      const m = await this.read();
      // a read that ends after the watch stopped reports nothing
      if (!this.timer) return;
      const short = !roomBeside(m, this.o.workingShare);
      // memory short (a query holding half the limit, or a spill) is a large run too
      if (!this.large && (short || isLarge(m, this.o.largeShare))) {
        this.large = true;
        // awaited: the next read waits for it (one query at a time on the watch's connection)
        await this.o.onLarge?.(m);
      }
      if (short && this.timer) {
        this.short = true;
        this.stop();
        this.o.onShort?.(m);
      }
    } catch {
      // the engine closing under the watch, an interrupted run: nodes start as before
    } finally {
      this.reading = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
