interface Waiter {
  readonly start: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal?: AbortSignal;
}

/**
 * At most `limit` tasks at once, first come first served. `active`/`peak` are for reports and tests.
 * A queued task whose signal aborted never starts: it is rejected when its turn comes (no listener
 * per task, so tens of thousands can wait on one signal).
 */
export class Limiter {
  private running = 0;
  private maxSeen = 0;
  private queue: Waiter[] = [];
  /** Index of the next waiter (shift() would cost O(n) per release on long queues). */
  private head = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`limit must be >= 1, got ${limit}`);
  }

  get active(): number {
    return this.running;
  }

  /** The most tasks that ever ran at once. */
  get peak(): number {
    return this.maxSeen;
  }

  /** Runs `task` when a slot is free, unless `signal` aborted first (then rejects with its reason). */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit) {
      this.take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => this.queue.push({ start: resolve, reject, signal }));
  }

  private take(): void {
    this.running++;
    if (this.running > this.maxSeen) this.maxSeen = this.running;
  }

  private release(): void {
    this.running--;
    while (this.head < this.queue.length) {
      const next = this.queue[this.head++]!;
      if (next.signal?.aborted) {
        next.reject(next.signal.reason);
        continue;
      }
      this.take();
      next.start();
      break;
    }
    if (this.head === this.queue.length || this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
