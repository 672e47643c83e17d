/**
 * Python's `decimal.Decimal` as templates meet it: agate (and so dbt's `run_query`, `load_result`
 * and `statement(fetch_result=True)`) gives a DECIMAL/NUMERIC column's values as Decimals, which
 * keep their digits and scale: DECIMAL(10,2) 1.5 prints `1.50`, DECIMAL(18,3) 2 prints `2.000`.
 *
 * A value is exact: a sign, a coefficient (bigint digits) and an exponent (`-scale`), as the
 * General Decimal Arithmetic specification Python's module follows describes it. Arithmetic follows
 * Python's default context: results rounded to 28 significant digits, half to even; the exponent
 * of a sum is the smaller one's, of a product the sum of both, of an exact quotient the one closest
 * to `exp(a) - exp(b)`.
 *
 * Operands: Decimal with Decimal or int (and bool) gives a Decimal; with a float, arithmetic raises
 * Python's TypeError (`unsupported operand type(s) for +: 'decimal.Decimal' and 'float'`) while
 * comparisons and `==` compare the exact values (`Decimal('1.5') == 1.5`, `Decimal('1.1') != 1.1`).
 * `str.format` / `format()` format the exact digits as Python's `Decimal.__format__` does (format.ts);
 * printf-style `%` converts to a float first, as Python's does.
 */
import { typeError, unsupported, valueError } from './errors.js';
import { PyFloat } from '../../manifest/py-float.js';

const PRECISION = 28;
const NOT_IMPLEMENTED: unique symbol = Symbol.for('bmp.py.NotImplemented') as never;

/** 10^n as a bigint (n ≥ 0). */
function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function digitCount(c: bigint): number {
  return c === 0n ? 1 : c.toString().length;
}

/** `c` divided by 10^n rounded half to even, n > 0. */
function shiftRoundHalfEven(c: bigint, n: number): bigint {
  const d = pow10(n);
  const q = c / d;
  const r = c % d;
  const twice = r * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) return q + 1n;
  return q;
}

export class PyDecimal {
  /** The sign (true for negative, also for -0), the non-negative coefficient and the exponent. */
  readonly #neg: boolean;
  readonly #coef: bigint;
  readonly #exp: number;

  private constructor(neg: boolean, coef: bigint, exp: number) {
    this.#neg = neg;
    this.#coef = coef;
    this.#exp = exp;
  }

  /** A Decimal from decimal text (`'1.50'`, `'-0.001'`, `'12'`, `'1E+2'`), exactly as written. */
  static parse(text: string): PyDecimal {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw valueError(`invalid literal for Decimal: '${text}'`);
    const frac = m[3] ?? '';
    const coef = BigInt((m[2] || '0') + frac);
    return new PyDecimal(m[1] === '-', coef, Number(m[4] ?? 0) - frac.length);
  }

  /** A Decimal of an int (exact). */
  static ofInt(n: number | bigint | boolean): PyDecimal {
    const b = typeof n === 'bigint' ? n : BigInt(typeof n === 'boolean' ? (n ? 1 : 0) : n);
    return new PyDecimal(b < 0n, b < 0n ? -b : b, 0);
  }

  /** The exact value of a double (Python's `Decimal(0.1)` is 0.1000000000000000055511151231257827...). */
  static ofFloatExact(x: number): PyDecimal {
    if (!Number.isFinite(x)) throw valueError('cannot compare with a non-finite float');
    if (Number.isInteger(x)) return new PyDecimal(x < 0 || Object.is(x, -0), BigInt(Math.abs(x)), 0);
    // x = m * 2^-k with m an integer: m * 5^k * 10^-k
    let k = 0;
    let m = Math.abs(x);
    while (!Number.isInteger(m)) {
      m *= 2;
      k++;
    }
    return new PyDecimal(x < 0, BigInt(m) * 5n ** BigInt(k), -k);
  }

  /** Rounded to the context's 28 significant digits, half to even. */
  private static rounded(neg: boolean, coef: bigint, exp: number): PyDecimal {
    const excess = digitCount(coef) - PRECISION;
    if (excess <= 0) return new PyDecimal(neg, coef, exp);
    let c = shiftRoundHalfEven(coef, excess);
    let e = exp + excess;
    if (digitCount(c) > PRECISION) {
      c /= 10n;
      e += 1;
    }
    return new PyDecimal(neg, c, e);
  }

  get isNegative(): boolean {
    return this.#neg;
  }

  /** The number of digits after the point (`1.50` → 2); negative for `1E+2`. */
  get scale(): number {
    return -this.#exp;
  }

  /** The coefficient's digits (`1.50` → `150`). */
  get digits(): string {
    return this.#coef.toString();
  }

  /** The exponent (`1.50` → -2; the value is ±digits × 10^exponent). */
  get exponent(): number {
    return this.#exp;
  }

  /** The same digits with the point moved `n` places right (exact: `1.50` by 2 is `150`). */
  movePoint(n: number): PyDecimal {
    return new PyDecimal(this.#neg, this.#coef, this.#exp + n);
  }

  /** Rounded to `places` significant digits, half to even (a zero stays as it is). */
  roundSignificant(places: number): PyDecimal {
    if (this.#coef === 0n) return this;
    const adjusted = (d: PyDecimal) => d.#exp + digitCount(d.#coef) - 1;
    const r = this.quantize(adjusted(this) + 1 - places);
    // 9.99 to 2 digits is 10.0: one digit too many, rounded once more
    return adjusted(r) === adjusted(this) ? r : r.quantize(adjusted(r) + 1 - places);
  }

  /** The signed coefficient (the value is coefficient × 10^exponent). */
  private get signed(): bigint {
    return this.#neg ? -this.#coef : this.#coef;
  }

  /** Python's str(): plain digits while the exponent is ≤ 0 and the value not too small, else scientific. */
  toString(): string {
    const digits = this.#coef.toString();
    const sign = this.#neg ? '-' : '';
    const adjusted = this.#exp + digits.length - 1;
    if (this.#exp <= 0 && adjusted >= -6) {
      if (this.#exp === 0) return sign + digits;
      const point = digits.length + this.#exp;
      return sign + (point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`);
    }
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}E${adjusted >= 0 ? '+' : '-'}${Math.abs(adjusted)}`;
  }

  __str__(): string {
    return this.toString();
  }

  __repr__(): string {
    return `Decimal('${this.toString()}')`;
  }

  /** The nearest double (what JavaScript code and `| float` get). */
  valueOf(): number {
    return Number(this.toString());
  }

  toJSON(): number {
    return this.valueOf();
  }

  __bool__(): boolean {
    return this.#coef !== 0n;
  }

  /** Python's int(): truncated toward zero. */
  __int__(): number | bigint {
    const t = this.#exp >= 0 ? this.#coef * pow10(this.#exp) : this.#coef / pow10(-this.#exp);
    const s = this.#neg ? -t : t;
    return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
  }

  __float__(): number {
    return this.valueOf();
  }

  /** Python's round(d, n): the Decimal quantized to 10^-n, half to even; round(d) is an int. */
  __round__(n?: number): PyDecimal | number | bigint {
    if (n === undefined || n === null) return this.quantize(0).__int__();
    return this.quantize(-n);
  }

  /** The value with exponent `exp`, rounded half to even (Python's `quantize(Decimal('1e{exp}'))`). */
  quantize(exp: number): PyDecimal {
    if (exp <= this.#exp) return new PyDecimal(this.#neg, this.#coef * pow10(this.#exp - exp), exp);
    return new PyDecimal(this.#neg, shiftRoundHalfEven(this.#coef, exp - this.#exp), exp);
  }

  __neg__(): PyDecimal {
    return new PyDecimal(this.#coef === 0n ? false : !this.#neg, this.#coef, this.#exp);
  }

  __pos__(): PyDecimal {
    return this.#coef === 0n && this.#neg ? new PyDecimal(false, 0n, this.#exp) : this;
  }

  __abs__(): PyDecimal {
    return this.#neg ? new PyDecimal(false, this.#coef, this.#exp) : this;
  }

  /** An operand for arithmetic: a Decimal, an int made exact; undefined for anything else. */
  private static operand(o: unknown): PyDecimal | undefined {
    if (o instanceof PyDecimal) return o;
    if ((typeof o === 'number' && Number.isInteger(o)) || typeof o === 'bigint' || typeof o === 'boolean') return PyDecimal.ofInt(o);
    return undefined;
  }

  /** An operand for comparison: also a float, by its exact value. */
  private static comparable(o: unknown): PyDecimal | undefined {
    const d = PyDecimal.operand(o);
    if (d) return d;
    if (typeof o === 'number') return Number.isFinite(o) ? PyDecimal.ofFloatExact(o) : undefined;
    if (o instanceof PyFloat) return PyDecimal.ofFloatExact(o.value);
    return undefined;
  }

  private static sum(a: PyDecimal, b: PyDecimal): PyDecimal {
    const exp = Math.min(a.#exp, b.#exp);
    const s = a.signed * pow10(a.#exp - exp) + b.signed * pow10(b.#exp - exp);
    // an exact zero sum is positive unless both operands are negative
    const neg = s < 0n || (s === 0n && a.#neg && b.#neg);
    return PyDecimal.rounded(neg, s < 0n ? -s : s, exp);
  }

  private static product(a: PyDecimal, b: PyDecimal): PyDecimal {
    return PyDecimal.rounded(a.#neg !== b.#neg, a.#coef * b.#coef, a.#exp + b.#exp);
  }

  private static quotient(a: PyDecimal, b: PyDecimal): PyDecimal {
    if (b.#coef === 0n) throw valueError(a.#coef === 0n ? "[<class 'decimal.DivisionUndefined'>]" : "[<class 'decimal.DivisionByZero'>]");
    const neg = a.#neg !== b.#neg;
    const ideal = a.#exp - b.#exp;
    if (a.#coef === 0n) return new PyDecimal(neg, 0n, ideal);
    // enough digits that the quotient has more than PRECISION of them
    const shift = Math.max(0, PRECISION + 1 + digitCount(b.#coef) - digitCount(a.#coef));
    const num = a.#coef * pow10(shift);
    let q = num / b.#coef;
    const r = num % b.#coef;
    let exp = ideal - shift;
    if (r === 0n) {
      // exact: as close to the ideal exponent as the digits allow
      while (exp < ideal && q % 10n === 0n) {
        q /= 10n;
        exp++;
      }
      return PyDecimal.rounded(neg, q, exp);
    }
    // inexact: a sticky digit below the last makes the half-even rounding see the remainder
    return PyDecimal.rounded(neg, q * 10n + 1n, exp - 1);
  }

  /** Python's Decimal `//`: the quotient truncated toward zero (unlike int's floor). */
  private static intQuotient(a: PyDecimal, b: PyDecimal): bigint {
    if (b.#coef === 0n) throw valueError(a.#coef === 0n ? "[<class 'decimal.DivisionUndefined'>]" : "[<class 'decimal.DivisionByZero'>]");
    const exp = Math.min(a.#exp, b.#exp);
    const x = a.#coef * pow10(a.#exp - exp);
    const y = b.#coef * pow10(b.#exp - exp);
    return x / y;
  }

  private arith(o: unknown, fn: (a: PyDecimal, b: PyDecimal) => PyDecimal, reflected: boolean): PyDecimal | typeof NOT_IMPLEMENTED {
    const d = PyDecimal.operand(o);
    if (!d) return NOT_IMPLEMENTED;
    return reflected ? fn(d, this) : fn(this, d);
  }

  __add__(o: unknown): unknown {
    return this.arith(o, PyDecimal.sum, false);
  }
  __radd__(o: unknown): unknown {
    return this.arith(o, PyDecimal.sum, true);
  }
  __sub__(o: unknown): unknown {
    return this.arith(o, (a, b) => PyDecimal.sum(a, b.__neg__()), false);
  }
  __rsub__(o: unknown): unknown {
    return this.arith(o, (a, b) => PyDecimal.sum(a, b.__neg__()), true);
  }
  __mul__(o: unknown): unknown {
    return this.arith(o, PyDecimal.product, false);
  }
  __rmul__(o: unknown): unknown {
    return this.arith(o, PyDecimal.product, true);
  }
  __truediv__(o: unknown): unknown {
    return this.arith(o, PyDecimal.quotient, false);
  }
  __rtruediv__(o: unknown): unknown {
    return this.arith(o, PyDecimal.quotient, true);
  }
  __floordiv__(o: unknown): unknown {
    return this.arith(o, PyDecimal.truncated, false);
  }
  __rfloordiv__(o: unknown): unknown {
    return this.arith(o, PyDecimal.truncated, true);
  }
  /** Python's Decimal `%`: the remainder of the truncated quotient, with the dividend's sign. */
  __mod__(o: unknown): unknown {
    return this.arith(o, PyDecimal.remainder, false);
  }
  __rmod__(o: unknown): unknown {
    return this.arith(o, PyDecimal.remainder, true);
  }

  private static truncated(a: PyDecimal, b: PyDecimal): PyDecimal {
    return PyDecimal.rounded(a.#neg !== b.#neg, PyDecimal.intQuotient(a, b), 0);
  }

  private static remainder(a: PyDecimal, b: PyDecimal): PyDecimal {
    const q = PyDecimal.intQuotient(a, b);
    const exp = Math.min(a.#exp, b.#exp);
    const x = a.#coef * pow10(a.#exp - exp);
    const y = b.#coef * pow10(b.#exp - exp);
    return PyDecimal.rounded(a.#neg, x - q * y, exp);
  }

  /** `d ** n` for an integral n (exact, then rounded to 28 digits); other exponents are not supported. */
  __pow__(o: unknown): unknown {
    const d = PyDecimal.operand(o);
    if (!d) return NOT_IMPLEMENTED;
    if (d.#exp < 0 && d.#coef % pow10(-d.#exp) !== 0n) throw unsupported(`Decimal ** ${d.toString()}: a non-integral power of a Decimal is not supported in templates`);
    const n = Number(d.__int__());
    if (n === 0) return new PyDecimal(false, 1n, 0);
    const abs = Math.abs(n);
    if (abs > 10_000) throw unsupported(`Decimal ** ${n}: exponent too large`);
    const powered = PyDecimal.rounded(this.#neg && abs % 2 === 1, this.#coef ** BigInt(abs), this.#exp * abs);
    return n > 0 ? powered : PyDecimal.quotient(new PyDecimal(false, 1n, 0), powered);
  }
  __rpow__(o: unknown): unknown {
    const d = PyDecimal.operand(o);
    return d ? d.__pow__(this) : NOT_IMPLEMENTED;
  }

  /** -1, 0 or 1; undefined when `o` does not compare with a Decimal. */
  compareTo(o: unknown): number | undefined {
    const d = PyDecimal.comparable(o);
    if (!d) return undefined;
    // exact, never rounded to the context
    const exp = Math.min(this.#exp, d.#exp);
    const s = this.signed * pow10(this.#exp - exp) - d.signed * pow10(d.#exp - exp);
    return s < 0n ? -1 : s > 0n ? 1 : 0;
  }

  __eq__(o: unknown): boolean {
    return this.compareTo(o) === 0;
  }
  __lt__(o: unknown): boolean {
    return this.ordered('<', o) < 0;
  }
  __le__(o: unknown): boolean {
    return this.ordered('<=', o) <= 0;
  }
  __gt__(o: unknown): boolean {
    return this.ordered('>', o) > 0;
  }
  __ge__(o: unknown): boolean {
    return this.ordered('>=', o) >= 0;
  }

  private ordered(op: string, o: unknown): number {
    const c = this.compareTo(o);
    if (c === undefined) throw typeError(`'${op}' not supported between instances of 'decimal.Decimal' and '${o === null ? 'NoneType' : typeof o === 'string' ? 'str' : typeof o}'`);
    return c;
  }

  /** A key equal to the hash key of an equal int or float (sets, `in`): the double when exact, else the digits. */
  get hashKey(): string {
    const n = this.valueOf();
    if (Number.isFinite(n) && PyDecimal.ofFloatExact(n).compareTo(this) === 0) return `n${String(n)}`;
    return `d${this.normalized()}`;
  }

  /** The digits without trailing zeros (`1.50` → `1.5`, `100` → `1E+2`): equal values, equal text. */
  private normalized(): string {
    if (this.#coef === 0n) return '0';
    let c = this.#coef;
    let e = this.#exp;
    while (c % 10n === 0n) {
      c /= 10n;
      e++;
    }
    return new PyDecimal(this.#neg, c, e).toString();
  }
}
