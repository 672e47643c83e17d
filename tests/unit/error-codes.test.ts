/**
 * Error codes are a closed list (src/errors.ts ERROR_CODES, the type of BmpError.code): each one in
 * the list is raised somewhere in src/, so the list holds no stale code. Suggestions have one
 * wording, made by didYouMean()/didYouMeanOf() in src/errors.ts and nowhere else.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { ROOT } from '../helpers/project.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && path !== join(ROOT, 'src/errors.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  const files = sources(join(ROOT, 'src'));
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');

  it('are listed once each, in order', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect([...ERROR_CODES]).toEqual([...ERROR_CODES].sort());
  });

  it('are each used in src/ outside the list', () => {
    expect(ERROR_CODES.filter((code) => !new RegExp(`['"\`]${code}['"\`]`).test(text))).toEqual([]);
  });

  it('"did you mean" is worded only in src/errors.ts', () => {
    const code = (line: string) => !/^\s*(\*|\/\/|\/\*)/.test(line);
    const handMade = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => code(l) && /did you mean/i.test(l)).map((l) => `${f}: ${l.trim()}`));
    expect(handMade).toEqual([]);
  });
});
