import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { maskSecrets } from '../config/index.js';

/**
 * The writer thread: receives batches of [path, text] and writes them with blocking calls (for
 * thousands of small files, one blocking write each is several times cheaper than promise-based
 * writes). A CommonJS script evaluated in a worker, so it needs no file of its own in dist/.
 */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const dirs = new Set();
parentPort.on('message', ({ id, files }) => {
  let error;
  try {
    for (const [path, text] of files) {
      const dir = dirname(path);
      if (!dirs.has(dir)) { mkdirSync(dir, { recursive: true }); dirs.add(dir); }
      try { writeFileSync(path, text); } catch (err) { rmSync(path, { force: true }); throw err; }
    }
  } catch (err) {
    error = String(err && err.message || err);
  }
  parentPort.postMessage({ id, error });
});
`;

/**
 * Buffers compiled/run SQL (target/compiled, target/run) and writes it off the main thread: a large
 * project's files go in batches to a writer thread, so on a multi-core machine the writes overlap
 * other work instead of adding to it. A small invocation (fewer files than one batch) writes
 * synchronously at {@link flush} and never starts the thread.
 */
export class SqlFileWriter {
  private readonly dirs = new Set<string>();
  /** What to write: the path (or what makes it) and the SQL, unmasked; made into files' text when written. */
  private buffer: [string | (() => string), string][] = [];
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private inflight: Promise<void>[] = [];
  private nextBatch = 0;

  /**
   * @param stream hand batches to the writer thread as they fill (compile: the second core is free).
   *   Without it everything is held until {@link flush} (run: DuckDB's threads need the cores, and
   *   the session flushes while DuckDB checkpoints at close).
   */
  constructor(private readonly stream: boolean, private readonly batchSize = 500) {}

  /**
   * Adds a file. `path` may be a function: a run adds each model's compiled SQL on the path between
   * two statements, where even building its path is worth leaving for later.
   */
  write(path: string | (() => string), sql: string): void {
    this.buffer.push([path, sql]);
    if (this.stream && this.buffer.length >= this.batchSize) void this.send();
  }

  /** Waits until every file written so far is on disk. @throws Error when a write failed. */
  async flush(): Promise<void> {
    if (!this.worker && this.buffer.length < this.batchSize) return this.writeNow();
    void this.send();
    const batches = this.inflight;
    this.inflight = [];
    await Promise.all(batches);
  }

  /** Writes the buffered files on this thread now (when it would otherwise wait, e.g. for a checkpoint). */
  writeNow(): void {
    this.writeHere(this.buffer.map(fileOf));
    this.buffer = [];
  }

  /** Hands the buffered files to the writer thread; the batch's promise settles once they are written. */
  private send(): Promise<void> {
    const files = this.buffer.map(fileOf);
    this.buffer = [];
    if (!files.length) return Promise.resolve();
    const worker = this.startWorker();
    const id = this.nextBatch++;
    worker.ref(); // keep the process alive until the batch is written
    const batch = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, files });
    });
    batch.catch(() => undefined); // awaited (and so reported) by flush()
    this.inflight.push(batch);
    return batch;
  }

  private startWorker(): Worker {
    if (this.worker) return this.worker;
    // loaded here, not with the module: a run seldom starts the thread (it writes its files while
    // DuckDB checkpoints), and loading worker_threads is a few ms on the path to the first statement
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(WRITER_SOURCE, { eval: true });
    worker.on('message', ({ id, error }: { id: number; error?: string }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (!this.pending.size) worker.unref(); // idle: never hold the process open
      if (error) p?.reject(new Error(`cannot write SQL files under target/: ${error}`));
      else p?.resolve();
    });
    worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.worker === worker) this.worker = undefined; // a dead thread takes no more batches
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private writeHere(files: readonly [string, string][]): void {
    for (const [path, text] of files) {
      const dir = dirname(path);
      if (!this.dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      try {
        writeFileSync(path, text);
      } catch (err) {
        rmSync(path, { force: true }); // no half-written file (a full disk)
        throw err;
      }
    }
  }

  /** Stops the writer thread (after {@link flush}). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

/** A buffered file as written: its path, and its SQL with secrets masked and a final newline. */
function fileOf([path, sql]: readonly [string | (() => string), string]): [string, string] {
  return [typeof path === 'function' ? path() : path, maskSecrets(sql) + '\n'];
}
