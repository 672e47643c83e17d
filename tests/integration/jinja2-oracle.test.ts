/**
 * The conformance suite's expectations checked against the real Jinja2: every case of
 * src/jinja/conformance/*.cases.ts whose context is plain data is rendered by Jinja2 3.x in dbt's
 * configuration (scripts/jinja2-oracle.py), and its output must be the case's `expected` (an error
 * case must raise in Jinja2 too). The conformance suite checks bmp against those expectations, so
 * this closes the loop: an expectation written from the documentation but wrong about Jinja2 fails
 * here. Skipped where python3 with jinja2 is not installed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/jinja/conformance/case.js';
import { categories } from '../../src/jinja/conformance/categories.js';

const ORACLE = join(__dirname, '../../scripts/jinja2-oracle.py');
const hasJinja2 = spawnSync('python3', ['-c', 'import jinja2, sys; sys.exit(0 if jinja2.__version__.startswith("3.") else 1)']).status === 0;

/** A context JSON carries unchanged (no functions, sets, class instances); others cannot reach Python. */
function plainData(v: unknown): boolean {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(plainData);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(plainData);
  return false;
}

/** Cases where bmp deliberately differs from Jinja2, each documented in docs/COMPATIBILITY.md. */
const DELIBERATE = new Set(['BMP_TEMPLATE_UNSUPPORTED']);

describe.skipIf(!hasJinja2)('conformance expectations against the real Jinja2', () => {
  const checked: [string, Case][] = Object.entries(categories)
    .flatMap(([category, list]) => list.map((k): [string, Case] => [category, k]))
    .filter(([, k]) => plainData(k.context ?? {}) && !(k.error && DELIBERATE.has(k.error.code)));

  it('checks most of the suite (a filter that lost the cases would pass vacuously)', () => {
    expect(checked.length).toBeGreaterThan(400);
  });

  it('Jinja2 renders every case as the suite expects', () => {
    const run = spawnSync('python3', [ORACLE], { input: JSON.stringify(checked.map(([, k]) => ({ template: k.template, context: k.context ?? {} }))), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const { results } = JSON.parse(run.stdout) as { results: ({ ok: string } | { error: string })[] };
    const wrong = checked.flatMap(([category, k], i) => {
      const r = results[i]!;
      const agrees = k.error ? 'error' in r : 'ok' in r && r.ok === k.expected;
      return agrees ? [] : [`${category}: ${k.rule} — ${JSON.stringify(k.template)}: the suite expects ${k.error ? `an error (${k.error.code})` : JSON.stringify(k.expected)}, Jinja2 gives ${JSON.stringify(r)}`];
    });
    expect(wrong).toEqual([]);
  });
});
