import { describe, expect, it } from 'vitest';
import { PyFloat } from '../manifest/py-float.js';
import { YamlFile } from './yaml-file.js';

// What PyYAML's safe_load (dbt's reader) gives for each plain scalar, written as JavaScript.
const CASES: [string, unknown][] = [
  ['yes', true], ['No', false], ['ON', true], ['off', false], ['True', true], ['FALSE', false],
  ['y', 'y'], ['n', 'n'], ['yEs', 'yEs'],
  ['~', null], ['null', null], ['NULL', null], ['', null], ['nil', 'nil'],
  ['17', 17], ['017', 15], ['0', 0], ['-0', 0], ['1_000', 1000], ['0b101', 5], ['0x1F', 31], ['-0x10', -16], ['1:30', 90], ['-1:00:01', -3601],
  ['1.5', 1.5], ['1.', 1], ['.5', 0.5], ['1.0e+3', 1000], ['1_0.5', 10.5], ['1:30.5', 90.5], ['.inf', Infinity], ['-.Inf', -Infinity],
  ['1e3', '1e3'], ['1.0e3', '1.0e3'], ['-.5', '-.5'], ['0o17', '0o17'], ['2020-01-01', '2020-01-01'], ['1:60', '1:60'],
];

describe("plain scalars read as dbt (PyYAML's YAML 1.1) reads them", () => {
  for (const [text, want] of CASES) {
    it(`${JSON.stringify(text)} -> ${String(want)}`, () => {
      const doc = `v: ${text}\n`;
      expect((YamlFile.parseFast(doc, 'f.yml').data as { v: unknown }).v).toBe(want);
      expect((YamlFile.parse(doc, 'f.yml').data as { v: unknown }).v).toBe(want);
    });
  }

  it('quoted scalars stay strings; explicit tags still apply', () => {
    const data = YamlFile.parseFast("a: 'yes'\nb: \"017\"\nc: !!str 12\nd: !!int '7'\n", 'f.yml').data;
    expect(data).toEqual({ a: 'yes', b: '017', c: '12', d: 7 });
  });

  it('`<<: *anchor` merges the mapping, keys written beside it win (both readers)', () => {
    const text = 'defaults: &d {materialized: table, tags: [a]}\nmodels:\n  - name: m\n    config:\n      <<: *d\n      tags: [b]\n';
    const want = { defaults: { materialized: 'table', tags: ['a'] }, models: [{ name: 'm', config: { materialized: 'table', tags: ['b'] } }] };
    expect(YamlFile.parseFast(text, 'f.yml').data).toEqual(want);
    expect(YamlFile.parse(text, 'f.yml').data).toEqual(want);
  });

  it("vars keep integral floats as Python floats; other values are as everywhere", () => {
    const vars = YamlFile.parseFast('vars: {f: 2.0, g: 2.5, i: 2, b: off}\n', 'f.yml').withFloats(['vars']) as Record<string, unknown>;
    expect(vars['f']).toBeInstanceOf(PyFloat);
    expect(String(vars['f'])).toBe('2.0');
    expect([vars['g'], vars['i'], vars['b']]).toEqual([2.5, 2, false]);
  });
});
