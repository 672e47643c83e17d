/**
 * Python's decimal.Decimal in templates (what agate gives for DECIMAL columns). Each expected value
 * is what Python 3's decimal module documents for its default context (28 digits, half to even):
 * str() keeps the exponent, sums take the smaller exponent, products the sum of both, exact quotients
 * the one closest to exp(a) - exp(b); `//` truncates and `%` keeps the dividend's sign.
 */
import { describe, expect, it } from 'vitest';
import { BmpError } from '../../errors.js';
import { TemplateEngine } from '../engine.js';
import { PyDecimal } from './py-decimal.js';

const engine = new TemplateEngine();
const D = (s: string) => PyDecimal.parse(s);
const ctx = () => ({ a: D('1.50'), b: D('2.000'), n: D('-7'), big: D('12345678901234567890.123456789'), z: D('-0.00'), f: 1.5, vals: [D('2.000'), D('1.50'), 1] });
const render = (source: string) => engine.render({ file: 'd.sql', source }, ctx());

function code(source: string): string | undefined {
  try {
    render(source);
  } catch (e) {
    return e instanceof BmpError ? `${e.code}: ${e.message}` : String(e);
  }
  return undefined;
}

describe('Decimal: str() and repr()', () => {
  it.each([
    ['{{ a }}', '1.50'],
    ['{{ b }}', '2.000'],
    ['{{ big }}', '12345678901234567890.123456789'],
    ['{{ z }}', '-0.00'],
    ['{{ a ~ "" }}', '1.50'],
    ['{{ a | string }}', '1.50'],
    ['{{ [a] }}', "[Decimal('1.50')]"],
    ['{{ {"k": b} }}', "{'k': Decimal('2.000')}"],
    ["{{ '%s|%d|%.1f' % (a, a, a) }}", '1.50|1|1.5'],
    ["{{ '{}'.format(a) }}", '1.50'],
  ])('%s → %s', (src, out) => expect(render(src)).toBe(out));

  it('prints small and large exponents as Python does', () => {
    expect(String(D('0.0000001'))).toBe('1E-7');
    expect(String(D('0.000001'))).toBe('0.000001');
    expect(String(D('1E+2'))).toBe('1E+2');
    expect(String(D('-0.05'))).toBe('-0.05');
  });
});

describe('Decimal: arithmetic keeps decimal semantics', () => {
  it.each([
    ['{{ a + 1 }}', '2.50'],
    ['{{ 1 + a }}', '2.50'],
    ['{{ a - b }}', '-0.500'],
    ['{{ a * b }}', '3.00000'],
    ['{{ a * 2 }}', '3.00'],
    ['{{ a / 2 }}', '0.75'],
    ['{{ b / a }}', '1.333333333333333333333333333'],
    ['{{ 2 / (a + a) }}', '0.6666666666666666666666666667'],
    ['{{ n // 2 }}', '-3'],
    ['{{ n % 2 }}', '-1'],
    ['{{ (b * 3 + a) // 2 }}', '3'],
    ['{{ (b * 3 + a) % 2 }}', '1.500'],
    ['{{ -a }}', '-1.50'],
    ['{{ +z }}', '0.00'],
    ['{{ a ** 2 }}', '2.2500'],
    ['{{ b ** -2 }}', '0.25'],
    ['{{ big + 1 }}', '12345678901234567891.12345679'],
    ['{{ big * big }}', '1.524157875323883675049535156E+38'],
    ['{{ a + True }}', '2.50'],
    ['{{ vals | sum }}', '4.500'],
  ])('%s → %s', (src, out) => expect(render(src)).toBe(out));

  it('a Decimal and a float do not mix in arithmetic: Python raises TypeError', () => {
    expect(code('{{ a + f }}')).toBe("BMP_TEMPLATE_TYPE: unsupported operand type(s) for +: 'decimal.Decimal' and 'float'");
    expect(code('{{ 0.5 * a }}')).toBe("BMP_TEMPLATE_TYPE: unsupported operand type(s) for *: 'float' and 'decimal.Decimal'");
    expect(code('{{ a % 0.5 }}')).toMatch(/^BMP_TEMPLATE_TYPE: unsupported operand type\(s\) for %/);
    expect(code("{{ a + 'x' }}")).toMatch(/^BMP_TEMPLATE_TYPE/);
    expect(code('{{ a / 0 }}')).toMatch(/^BMP_TEMPLATE_VALUE: .*DivisionByZero/);
  });
});

describe('Decimal: comparisons, membership, truth', () => {
  it.each([
    ['{{ a == 1.5 }}', 'True'],
    ['{{ b == 2 }}', 'True'],
    ['{{ a == D11 }}', 'False'],
    ['{{ a != 1.5 }}', 'False'],
    ['{{ a < 2 }}', 'True'],
    ['{{ 1.49 < a }}', 'True'],
    ['{{ a >= b }}', 'False'],
    ['{{ 1 < a < b }}', 'True'],
    ['{{ a in [1.5] }}', 'True'],
    ['{{ 1.5 in vals }}', 'True'],
    ['{{ 2 in vals }}', 'True'],
    ['{{ vals | sort }}', "[1, Decimal('1.50'), Decimal('2.000')]"],
    ['{{ vals | max }}', '2.000'],
    ['{{ vals | min }}', '1'],
    ['{{ [a, f] | unique | list | length }}', '1'],
    ['{% if z %}t{% else %}f{% endif %}', 'f'],
    ['{% if a %}t{% else %}f{% endif %}', 't'],
  ])('%s → %s', (src, out) => expect(engine.render({ file: 'd.sql', source: src }, { ...ctx(), D11: 1.1 })).toBe(out));

  it('big decimals compare exactly, not as doubles', () => {
    expect(engine.render({ file: 'd.sql', source: '{{ x == y }}|{{ x < y }}' }, { x: D('12345678901234567890.1'), y: D('12345678901234567890.2') })).toBe('False|True');
  });

  it('a Decimal does not order with a str', () => {
    expect(code("{{ a < 'x' }}")).toMatch(/^BMP_TEMPLATE_TYPE: '<' not supported/);
  });
});

describe('Decimal: filters and tests', () => {
  it.each([
    ['{{ a | round }}', '2'],
    ['{{ D155 | round(1) }}', '1.6'],
    ['{{ D25 | round }}', '2'],
    ["{{ a | round(0, 'floor') }}", '1.0'],
    ["{{ a | round(0, 'ceil') }}", '2.0'],
    ['{{ a | int }}', '1'],
    ['{{ n | int }}', '-7'],
    ['{{ big | int }}', '12345678901234567890'],
    ['{{ a | float }}', '1.5'],
    ['{{ b | float }}', '2.0'],
    ['{{ n | abs }}', '7'],
    ['{{ a is number }}', 'True'],
    ['{{ a is integer }}', 'False'],
    ['{{ a is float }}', 'False'],
    ['{{ b is divisibleby 2 }}', 'True'],
  ])('%s → %s', (src, out) => expect(engine.render({ file: 'd.sql', source: src }, { ...ctx(), D155: D('1.55'), D25: D('2.5') })).toBe(out));

  it('tojson of a Decimal is an error, as json.dumps raises in Python', () => {
    expect(code('{{ a | tojson }}')).toMatch(/^BMP_TEMPLATE_TYPE: Object of type Decimal is not JSON serializable/);
    expect(render('{{ a | float | tojson }}')).toBe('1.5');
  });
});

describe("Decimal: str.format and format() use Decimal.__format__ (exact digits), '%' formatting a float", () => {
  // [value, spec, what Python 3's decimal module gives for format(Decimal(value), spec)]
  it.each([
    ['2.675', '.2f', '2.68'], // a float 2.675 is 2.67499..., which gives 2.67
    ['1.005', '.2f', '1.00'],
    ['1.25', '.1f', '1.2'],
    ['1.35', '.1f', '1.4'],
    ['12', '.1f', '12.0'],
    ['1.50', '', '1.50'],
    ['1E+2', '', '1E+2'],
    ['0.0000001', '', '1E-7'],
    ['1E+2', 'f', '100'],
    ['-0', 'f', '-0'],
    ['-0.001', '.2f', '-0.00'],
    ['-0.001', 'z.2f', '0.00'],
    ['0E+3', '.2f', '0.00'],
    ['12345678901234567890.123456789', ',.3f', '12,345,678,901,234,567,890.123'],
    ['1234567.891', ',', '1,234,567.891'],
    ['1234.5', '010,.2f', '001,234.50'],
    ['1234', '012,', '0,000,001,234'],
    ['1234', '07,', '001,234'],
    ['1234.5', '010', '00001234.5'],
    ['-5', '+08.2f', '-0005.00'],
    ['5', ' .1f', ' 5.0'],
    ['-12345', '0=12,', '-0000012,345'],
    ['-1234.5', '=+12,.1f', '-    1,234.5'],
    ['12345.678', '>15,.2f', '      12,345.68'],
    ['12345.678', '*^15.1f', '****12345.7****'],
    ['1.5', '10', '       1.5'],
    ['-1.5', '<10', '-1.5      '],
    ['0.5', '%', '50%'],
    ['0.5', '.1%', '50.0%'],
    ['0.12345', '.1%', '12.3%'],
    ['1.50', 'e', '1.50e+0'],
    ['1.50', 'E', '1.50E+0'],
    ['123.456', '.0e', '1e+2'],
    ['99.999', '.2e', '1.00e+2'],
    ['-0.000123456', '+.3e', '-1.235e-4'],
    ['0E+3', 'e', '0e+3'],
    ['0', '.3e', '0.000e+3'],
    ['9.99', '.2g', '10'],
    ['1.500', '.2g', '1.5'],
    ['1.50', '.5g', '1.50'],
    ['0.00001234', '.2g', '0.000012'],
    ['0.000', '.1g', '0.000'],
    ['7', '.0g', '7'],
    ['1E+5', 'g', '1e+5'],
    ['123.456', 'G', '123.456'],
    ['123456789', '.3', '1.23E+8'],
    ['1.5', 'n', '1.5'],
  ])('format(Decimal(%s), %j) → %s', (value, spec, out) => {
    expect(engine.render({ file: 'd.sql', source: `{{ '{:${spec}}'.format(d) }}|{{ ('{0:' ~ spec ~ '}').format(d) }}` }, { d: D(value), spec })).toBe(`${out}|${out}`);
  });

  it('printf-style % converts to float first, as Python does', () => {
    expect(engine.render({ file: 'd.sql', source: "{{ '%.2f' % d }}|{{ '{:.2f}'.format(d) }}|{{ '{:.2f}'.format(d | float) }}" }, { d: D('2.675') })).toBe('2.67|2.68|2.67');
  });

  it('rejects what Python rejects for a Decimal: #, _, integer types, a 0 flag with a fill or alignment', () => {
    for (const spec of ['#.0f', 'd', 'x', '_', '010<', '*010', 'q']) expect(code(`{{ '{:${spec}}'.format(a) }}`)).toMatch(/invalid format string|Invalid format specifier/);
  });
});
