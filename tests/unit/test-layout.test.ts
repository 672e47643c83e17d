/**
 * Every test file belongs to exactly one vitest project (unit, integration, e2e), decided by where it
 * lives; a file outside them would silently never run.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { PROJECTS } from '../../vitest.config.js';
import { ROOT } from '../helpers/project.js';

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.split('/').includes('node_modules'))
    .map((f) => relative(ROOT, join(ROOT, dir, f)));
}

describe('test layout', () => {
  it('puts every *.test.ts under src/ and tests/ in exactly one project', () => {
    const files = [...testFiles('src'), ...testFiles('tests').filter((f) => !f.startsWith('tests/fixtures/'))];
    expect(files.length).toBeGreaterThan(50);
    const projectsOf = (f: string) => Object.entries(PROJECTS).filter(([, globs]) => picomatch.isMatch(f, [...globs])).map(([name]) => name);
    expect(files.filter((f) => projectsOf(f).length !== 1).map((f) => `${f}: ${projectsOf(f).join(', ') || 'no project'}`)).toEqual([]);
  });
});
