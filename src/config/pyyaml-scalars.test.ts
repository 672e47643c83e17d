import { describe, expect, it } from 'vitest';
import { PyFloat } from '../manifest/py-float.js';
import { YamlTimestamp } from '../manifest/yaml-timestamp.js';
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
    const file = YamlFile.parseFast('vars: {f: 2.0, g: 2.5, i: 2, b: off}\nmodels: {+x: 3.0}\n', 'f.yml', { pythonValues: true });
    const vars = file.pythonValue(['vars']) as Record<string, unknown>;
    expect(vars['f']).toBeInstanceOf(PyFloat);
    expect(String(vars['f'])).toBe('2.0');
    expect([vars['g'], vars['i'], vars['b']]).toEqual([2.5, 2, false]);
    // one parse: the plain data is a copy with numbers
    expect(file.data).toEqual({ vars: { f: 2, g: 2.5, i: 2, b: false }, models: { '+x': 3 } });
  });

  it('keeps Python values in a file that only looks as if it had a collection key or a glued anchor', () => {
    for (const extra of ['# is it ? yes', 'description: "see [1]: the note"', 'x: "a &b[c]"']) {
      const vars = YamlFile.parseFast(`vars: {f: 2.0}\n${extra}\n`, 'f.yml', { pythonValues: true }).pythonValue(['vars']) as Record<string, unknown>;
      expect(vars['f'], extra).toBeInstanceOf(PyFloat);
    }
  });
});

// PyYAML's timestamps (YAML 1.1): str() of the date or datetime it makes, and its isoformat() (dbt's JSON)
const TIMESTAMPS: [string, string, string][] = [
  ['2024-01-31', '2024-01-31', '2024-01-31'],
  ['2024-01-31 10:00:00', '2024-01-31 10:00:00', '2024-01-31T10:00:00'],
  ['2024-01-31T10:00:00Z', '2024-01-31 10:00:00+00:00', '2024-01-31T10:00:00+00:00'],
  ['2024-1-5 1:02:03.5', '2024-01-05 01:02:03.500000', '2024-01-05T01:02:03.500000'],
  ['2024-01-31 10:00:00 +02:00', '2024-01-31 10:00:00+02:00', '2024-01-31T10:00:00+02:00'],
  ['2024-01-31t10:00:00.1234567-05', '2024-01-31 10:00:00.123456-05:00', '2024-01-31T10:00:00.123456-05:00'],
];

describe('unquoted dates and timestamps: date/datetime values in vars, their text elsewhere', () => {
  for (const [text, str, iso] of TIMESTAMPS) {
    it(`${text} -> str ${str}, JSON ${iso}`, () => {
      const file = YamlFile.parseFast(`vars: {d: ${text}}\nmodels: {+meta: {d: ${text}}}\n`, 'f.yml', { pythonValues: true });
      const d = (file.pythonValue(['vars']) as Record<string, unknown>)['d'];
      expect(d).toBeInstanceOf(YamlTimestamp);
      expect(String(d)).toBe(str);
      expect(JSON.stringify(d)).toBe(JSON.stringify(iso));
      expect(file.data).toEqual({ vars: { d: text }, models: { '+meta': { d: text } } });
      expect((YamlFile.parseFast(`d: ${text}\n`, 'f.yml').data as { d: unknown }).d).toBe(text);
    });
  }

  it("what is not a YAML 1.1 timestamp stays text: quoted, one-digit date, no time zone hour, a day that does not exist", () => {
    const vars = YamlFile.parseFast("vars: {a: '2024-01-31', b: 2024-1-5, c: 20240131, d: 2024-02-30, e: 2024-01-31 25:00:00}\n", 'f.yml', { pythonValues: true }).pythonValue(['vars']);
    expect(vars).toEqual({ a: '2024-01-31', b: '2024-1-5', c: 20240131, d: '2024-02-30', e: '2024-01-31 25:00:00' });
  });

  it('a date var has its fields', () => {
    const d = (YamlFile.parseFast('vars: {d: 2024-02-29 23:59:58.25}\n', 'f.yml', { pythonValues: true }).pythonValue(['vars']) as Record<string, YamlTimestamp>)['d']!;
    expect([d.kind, d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, d.offsetMinutes]).toEqual(['datetime', 2024, 2, 29, 23, 59, 58, 250000, null]);
  });
});
