import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { maskSecrets } from '../config/index.js';

/**
 * Buffers compiled/run SQL and writes it in batches with plain synchronous calls: for thousands of
 * small files that is several times cheaper than one promise per file, and it keeps the writes off
 * the path between a node finishing and its children starting.
 */
export class SqlFileWriter {
  private readonly dirs = new Set<string>();
  private buffer = new Map<string, string>();

  constructor(private readonly batchSize = 2000) {}

  write(path: string, sql: string): void {
    this.buffer.set(path, sql);
    if (this.buffer.size >= this.batchSize) this.flushSync();
  }

  flushSync(): void {
    const batch = this.buffer;
    this.buffer = new Map();
    for (const [path, sql] of batch) {
      const dir = dirname(path);
      if (!this.dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.dirs.add(dir);
      }
      writeFileSync(path, maskSecrets(sql) + '\n');
    }
  }

  async flush(): Promise<void> {
    this.flushSync();
  }
}
