/**
 * Python's float where JavaScript has one number type: an integral float (`2.0` in YAML, a DOUBLE
 * column, `4 / 2` in a template) stays a float, so it prints as Python prints it. It sits in the
 * bottom layer because YAML files (config) and templates (jinja) both make them.
 */

/** An integral float (`2.0`): prints with `.0`; arithmetic treats it as its number. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return floatRepr(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

/** Python's float repr: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function floatRepr(n: number): string {
  // in [1e-4, 1e16) both languages write the shortest round-trip digits in fixed notation
  const a = n < 0 ? -n : n;
  if (a >= 1e-4 && a < 1e16) {
    const s = String(n);
    return Number.isInteger(n) ? `${s}.0` : s;
  }
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  // rounding put the value on a boundary (9.99999e15 and the like): fixed notation
  const s = String(n);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
