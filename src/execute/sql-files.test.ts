import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlFileWriter } from './sql-files.js';

describe('SqlFileWriter', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('makes a lazily given path only when it writes the file, and ends the SQL with a newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-sqlfiles-'));
    dirs.push(dir);
    const w = new SqlFileWriter(false);
    let made = 0;
    w.write(() => {
      made++;
      return join(dir, 'compiled', 'a.sql');
    }, 'select 1');
    w.write(join(dir, 'run', 'b.sql'), 'select 2');
    expect(made).toBe(0);
    await w.flush();
    expect(made).toBe(1);
    expect(readFileSync(join(dir, 'compiled', 'a.sql'), 'utf8')).toBe('select 1\n');
    expect(readFileSync(join(dir, 'run', 'b.sql'), 'utf8')).toBe('select 2\n');
    await w.close();
  });
});
