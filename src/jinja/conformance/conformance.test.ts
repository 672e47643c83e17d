/**
 * The Jinja2 conformance suite: every case of the *.cases.ts files rendered by bmp's template
 * engine, compared with what Jinja2 3.1 renders (or the error it raises). One `describe` per file.
 */
import { describe, expect, it } from 'vitest';
import { BmpError } from '../../errors.js';
import { TemplateEngine } from '../engine.js';
import type { Case } from './case.js';
import { categories } from './categories.js';

const engine = new TemplateEngine();

function render(k: Case): string {
  return engine.render({ file: 'case.sql', source: k.template }, k.context ?? {});
}

for (const [name, list] of Object.entries(categories)) {
  describe(`Jinja2 conformance: ${name} (${list.length} cases)`, () => {
    for (const k of list) {
      it(`${k.rule} — ${JSON.stringify(k.template)}`, () => {
        if (k.error) {
          let thrown: unknown;
          try {
            render(k);
          } catch (err) {
            thrown = err;
          }
          expect(thrown, 'the template should raise').toBeInstanceOf(BmpError);
          const err = thrown as BmpError;
          expect(err.code).toBe(k.error.code);
          expect(err.where.file).toBe('case.sql');
          if (k.error.message) expect(err.message).toContain(k.error.message);
        } else {
          expect(render(k)).toBe(k.expected);
        }
      });
    }
  });
}

describe('Jinja2 conformance: the suite', () => {
  it('has at least 300 cases, each naming its rule', () => {
    const all = Object.values(categories).flat();
    expect(all.length).toBeGreaterThanOrEqual(300);
    for (const k of all) expect(k.rule.length).toBeGreaterThan(3);
    expect(new Set(all.map((k) => k.template + '\u0000' + JSON.stringify(k.context ?? {}))).size).toBe(all.length);
  });
});
