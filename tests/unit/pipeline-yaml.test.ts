/**
 * The Biological Memory Pipeline's YAML is read by the fast reader alone: a file the cheap check
 * sends through the careful parser first (`[0, 1]:` in a description is enough) costs every
 * invocation's start-up ~15 ms (bmp ls of the pipeline: 250 -> 205 ms when three such files lost it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { YamlFile } from '../../src/config/index.js';
import { ROOT } from '../helpers/project.js';

describe("the pipeline's YAML", () => {
  it('needs no careful pre-read at start-up', () => {
    const files = ['project.yml', 'profiles.yml'];
    for (const dir of ['models', 'macros', 'tests/sql']) {
      for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) if (/\.ya?ml$/.test(f)) files.push(join(dir, f));
    }
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => !YamlFile.readsFast(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
    expect(YamlFile.readsFast('description: "in [0, 1]: the share"')).toBe(false);
  });
});
