import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { maskSecrets } from '../config/index.js';

/** Writes compiled/run SQL off the critical path; `flush()` waits for all of them. */
export class SqlFileWriter {
  private readonly dirs = new Map<string, Promise<unknown>>();
  private readonly pending: Promise<unknown>[] = [];

  write(path: string, sql: string): void {
    const dir = dirname(path);
    let made = this.dirs.get(dir);
    if (!made) this.dirs.set(dir, (made = mkdir(dir, { recursive: true })));
    this.pending.push(made.then(() => writeFile(path, maskSecrets(sql) + '\n')).catch(() => undefined));
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }
}
