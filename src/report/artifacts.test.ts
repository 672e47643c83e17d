import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { writePiecesAtomic } from './artifacts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writePiecesAtomic', () => {
  it('writes the pieces in order, across batch boundaries, multi-byte text intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-pieces-'));
    dirs.push(dir);
    const pieces = Array.from({ length: 3000 }, (_, i) => `${i}:${'é🦆x'.repeat(200)};`);
    const path = join(dir, 'sub', 'big.json');
    await writePiecesAtomic(path, pieces);
    expect(readFileSync(path, 'utf8')).toBe(pieces.join(''));
    expect(readdirSync(join(dir, 'sub'))).toEqual(['big.json']);
  });

  it('leaves the previous file as it was and no temp file when producing the pieces fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-pieces-'));
    dirs.push(dir);
    const path = join(dir, 'manifest.json');
    writeFileSync(path, 'previous');
    function* failing(): Generator<string> {
      for (let i = 0; i < 2000; i++) yield 'x'.repeat(1000); // past the first batch write
      throw new Error('serializing failed');
    }
    await expect(writePiecesAtomic(path, failing())).rejects.toThrow('serializing failed');
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });
});
