import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { cliVarFunction, NativeRenderer, TEXT_FILTERS, yamlEnvVar } from './native-render.js';
import { NotALiteral, pyLiteralEval, pyStr } from './py-values.js';

const where = { file: 'dbt_project.yml', line: 7, column: 5 };

function renderer(cliVars: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return new NativeRenderer({ var: cliVarFunction(cliVars, 'dbt_project.yml'), env_var: yamlEnvVar, target: { name: 'dev', threads: 4 }, ...extra });
}

describe('native rendering of YAML values (dbt NativeSandboxEnvironment)', () => {
  const r = renderer({ flag: true, n: 7, s: '007', list: ['a', 'b'] });

  it.each([
    // runtime values keep their type
    ["{{ var('flag') }}", true],
    ["{{ var('n') }}", 7],
    ["{{ var('n') + 1 }}", 8],
    ["{{ var('s') }}", '007'],
    ["{{ var('list') }}", ['a', 'b']],
    ["{{ var('missing', false) }}", false],
    ['{{ target.threads }}', 4],
    ["{{ target.name == 'prod' }}", false],
    // folded constants are printed to text first, as Jinja 3 compiles them
    ['{{ 2 + 2 }}', '4'],
    ['{{ false }}', 'False'],
    ['{{ none }}', 'None'],
    ["{{ 'a' ~ 'b' }}", 'ab'],
    // the markers read the text back as a Python literal
    ['{{ (2 + 2) | as_number }}', 4],
    ["{{ var('missing', false) | as_bool }}", false],
    ["{{ '3.5' | as_number }}", 3.5],
    ["{{ (target.name == 'dev') | as_bool }}", true],
    ["{{ '[1, 2]' | as_native }}", [1, 2]],
    ["{{ \"{'k': 'v'}\" | as_native }}", { k: 'v' }],
    ["{{ 'not a literal' | as_native }}", 'not a literal'],
    ["{{ var('n') | as_text }}", '7'],
    ["{{ '007' | as_text }}", '007'],
    // several outputs join to text, printed as Python prints
    ["x_{{ var('n') }}", 'x_7'],
    ["{{ var('flag') }}/{{ var('missing', none) }}", 'True/None'],
    ["{{ var('n') | as_number }} ", '7 '],
    ['{% if true %}yes{% endif %}', 'yes'],
    ["{% set x = var('n') %}{{ x }}", 7],
    // a trailing newline is dropped, as Jinja does
    ["{{ var('n') }}\n", 7],
    // no template syntax: unchanged
    ['plain 123', 'plain 123'],
  ])('%s', (text, expected) => {
    expect(r.render(text, where)).toEqual(expected);
  });

  it('honours --vars and reports a missing var at the YAML value', () => {
    expect(renderer({ x: false }).render("{{ var('x', true) | as_bool }}", where)).toBe(false);
    const err = (() => {
      try {
        renderer().render("{{ var('enable_dq') }}", where);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'BMP_VAR_UNDEFINED', where: { file: 'dbt_project.yml', line: 7 } });
    expect(err!.message).toMatch(/only --vars are visible/);
  });

  it('as_bool and as_number fail on what does not read as their type, as dbt does', () => {
    expect(() => r.render("{{ 'true' | as_bool }}", where)).toThrow(/could not convert value 'true' into type 'bool'/);
    expect(() => r.render('{{ 1 | as_bool }}', where)).toThrow(/into type 'bool'/);
    expect(() => r.render("{{ 'ten' | as_number }}", where)).toThrow(/into type 'number'/);
    expect(() => r.render('{{ true | as_number }}', where)).toThrow(/into type 'number'/);
  });

  it('locates template syntax errors and env_var failures at the value', () => {
    expect(() => r.render('{{ var( }}', where)).toThrow(ConfigError);
    try {
      r.render("{{ env_var('BMP_SURELY_UNSET_FOR_TEST') }}", where);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'BMP_ENV_VAR_MISSING', where: { file: 'dbt_project.yml', line: 7 } });
    }
  });

  it('renders a tree, leaving skipped paths and unchanged objects alone', () => {
    const tree = { models: { demo: { '+enabled': "{{ var('flag') }}", '+pre-hook': "{{ var('nope') }}" } }, name: 'demo' };
    const out = r.renderTree(tree, () => where, (p) => p.includes('+pre-hook')) as typeof tree;
    expect(out.models.demo['+enabled']).toBe(true);
    expect(out.models.demo['+pre-hook']).toBe("{{ var('nope') }}");
    const same = { a: [1, 'x'], b: { c: 'y' } };
    expect(r.renderTree(same, () => where)).toBe(same);
  });

  it('the text environment (SQL) passes values through the four filters unchanged', () => {
    for (const f of Object.values(TEXT_FILTERS)) {
      expect(f(false)).toBe(false);
      expect(f('1')).toBe('1');
    }
  });
});

describe('Python values', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['1_000', 1000],
    ['0x1F', 31],
    ['1e3', 1000],
    ['True', true],
    ['None', null],
    ["'a' \"b\"", 'ab'],
    ["r'a\\nb'", 'a\\nb'],
    ["'a\\nb'", 'a\nb'],
    ["[1, 'two', [3]]", [1, 'two', [3]]],
    ['(1, 2)', [1, 2]],
    ['(1)', 1],
    ['1, 2', [1, 2]],
    ["{'a': 1, 2: 'b'}", { a: 1, '2': 'b' }],
    ['{1, 1, 2}', [1, 2]],
    ['  7', 7],
  ])('literal_eval(%s)', (text, value) => {
    expect(pyLiteralEval(text)).toEqual(value);
  });

  it.each(['true', 'false', 'abc', 'inf', '1 + 2', '007', '', 'f(1)', '[1,', '1j'])('literal_eval(%s) is not a literal', (text) => {
    expect(() => pyLiteralEval(text)).toThrow(NotALiteral);
  });

  it('prints values as Python does', () => {
    expect([true, false, null, 3, 'x', ['a', 1, null], { k: "it's" }].map(pyStr)).toEqual(['True', 'False', 'None', '3', 'x', "['a', 1, None]", `{'k': "it's"}`]);
  });
});
