/**
 * docs/COMPATIBILITY.md's "Commands and flags" table stays honest: every row that says bmp supports a
 * command or flag names a test file that exists and mentions it, and every relative link of the
 * README and docs/ points at a file of this repository (users do not have anything beside it).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The rows of the table under `## Commands and flags`: cells split on unescaped pipes. */
function rows(): string[][] {
  const text = readFileSync(join(ROOT, 'docs/COMPATIBILITY.md'), 'utf8');
  const start = text.indexOf('## Commands and flags');
  expect(start, 'the section exists').toBeGreaterThan(0);
  const end = text.indexOf('\n## ', start + 5);
  const section = text.slice(start, end < 0 ? undefined : end);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

/** The spellings a row names: `--flag`, `-x`, `dbt cmd` (as `cmd`), `method:`. */
function spellings(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/^dbt /, '').split(/ \//)[0]!.split(' (')[0]!.replace(/\\\|/g, '|'));
}

describe('docs/COMPATIBILITY.md: commands and flags', () => {
  const table = rows();

  it('has a row for each of dbt\'s commands and its main flags', () => {
    const named = table.flatMap((r) => spellings(r[0]!));
    for (const must of ['build', 'run', 'test', 'seed', 'snapshot', 'compile', 'parse', 'ls', 'show', 'run-operation', 'source freshness', 'retry', 'clone', 'docs generate', 'docs serve', 'deps', 'debug', 'clean', 'init', '--select', '--exclude', '--selector', '--state', '--defer', '--log-format', '--quiet', '--target-path', '--empty', '--store-failures', '--output-keys']) {
      expect(named.some((n) => n === must || n.startsWith(`${must} `) || n.startsWith(must)), must).toBe(true);
    }
    expect(table.every((r) => ['yes', 'partial', 'accepted', 'no'].includes(r[1]!))).toBe(true);
  });

  it('every supported row names a test file that exists and mentions what the row names', () => {
    for (const [what, status, , test] of table) {
      if (status === 'no') continue;
      expect(test, what).toMatch(/^tests\/\S+\.test\.ts$/);
      const path = join(ROOT, test!);
      expect(existsSync(path), test).toBe(true);
      const source = readFileSync(path, 'utf8');
      const names = spellings(what!).map((n) => n.split(/[ [|]/)[0]!.replace(/[:.]$/, ''));
      expect(names.some((n) => source.includes(n)), `${what} in ${test}`).toBe(true);
    }
  });
});

describe('links of the README and docs/', () => {
  it('point at files of this repository, never outside it', () => {
    const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // http(s):, mailto:
        const abs = resolve(dirname(join(ROOT, file)), target);
        expect(abs.startsWith(ROOT), `${file} links ${target}, outside the repository`).toBe(true);
        expect(existsSync(abs), `${file} links ${target}, which does not exist`).toBe(true);
      }
    }
  });
});
