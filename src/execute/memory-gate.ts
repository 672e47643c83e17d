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
 */
import type { EngineMemory } from '../adapters/engine.js';

export interface MemoryWatchOptions {
  /** How often the memory is read (ms). */
  readonly everyMs?: number;
  /** Share of the limit one moment's queries may hold (working memory, not cached table pages) before memory counts as short. */
  readonly workingShare?: number;
  /** Called once, when memory first runs short, with what was read. */
  readonly onShort?: (m: EngineMemory) => void;
}

/** Half the limit: beside a query holding that much, another could not get as much without spilling. */
export const DEFAULT_WORKING_SHARE = 0.5;

/** Whether the memory read leaves room for a second query beside the running ones. */
export function roomBeside(m: EngineMemory, workingShare: number = DEFAULT_WORKING_SHARE): boolean {
  if (m.limit === undefined || !(m.limit > 0)) return true;
  return m.spilled === 0 && m.working < workingShare * m.limit;
}

/** Watches an engine's memory during a run and answers whether a node may start beside others. */
export class MemoryWatch {
  private short = false;
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
      if (this.timer && !roomBeside(m, this.o.workingShare)) {
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
