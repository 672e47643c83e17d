/**
 * Correctly rounded decimal formatting of doubles, as Python does it: the exact binary value is
 * rounded, and an exact tie goes to the even digit (`'%.0f' % 0.5` is `0`, `'%.2f' % 0.125` is
 * `0.12`, `round(2.5)` is `2`), where JavaScript's toFixed/toExponential round ties up.
 */

/** The exact decimal digits of |x| (no leading zeros) and the exponent of the first one; x finite, non-zero. */
function exactDigits(x: number): { digits: string; exp: number } {
  const a = Math.abs(x);
  const text = a >= 1e21 ? BigInt(a).toString() : a.toFixed(100);
  const dot = text.indexOf('.');
  const intPart = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? '' : text.slice(dot + 1);
  if (intPart !== '0') return { digits: (intPart + frac).replace(/0+$/, '') || '0', exp: intPart.length - 1 };
  const lead = frac.search(/[1-9]/);
  if (lead < 0) {
    // below 1e-100: shortest digits (no decimal tie is possible this small)
    const [m, e] = a.toExponential().split('e') as [string, string];
    return { digits: m.replace('.', ''), exp: Number(e) };
  }
  return { digits: frac.slice(lead).replace(/0+$/, ''), exp: -(lead + 1) };
}

/** `digits` (first digit at decimal exponent `exp`) rounded half-to-even to `keep` significant digits. */
function roundDigits(digits: string, exp: number, keep: number): { digits: string; exp: number } {
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), exp };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  const lastOdd = (head.charCodeAt(head.length - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (beyond || lastOdd));
  if (!up) return { digits: head, exp };
  // add one to the last digit, carrying
  const arr = head.split('').map((c) => c.charCodeAt(0) - 48);
  let i = arr.length - 1;
  while (i >= 0) {
    if (arr[i]! < 9) {
      arr[i]!++;
      break;
    }
    arr[i] = 0;
    i--;
  }
  if (i < 0) return { digits: `1${arr.join('')}`.slice(0, keep), exp: exp + 1 };
  return { digits: arr.join(''), exp };
}

/** |x| with `decimals` digits after the point (Python's `'%.nf'`), half to even. */
export function toFixedHalfEven(x: number, decimals: number): string {
  const a = Math.abs(x);
  if (a === 0) return decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
  const { digits, exp } = exactDigits(a);
  const keep = exp + 1 + decimals;
  let d: string;
  let e = exp;
  if (keep <= 0) {
    // the value is below half a unit of the last place unless it rounds up to it
    const halfOrMore = keep === 0 && (digits.charCodeAt(0) - 48 > 5 || (digits[0] === '5' && /[1-9]/.test(digits.slice(1))));
    // an exact 0.5 unit rounds to even (0)
    d = halfOrMore ? '1' : '0';
    e = -decimals;
    if (d === '0') return decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
  } else ({ digits: d, exp: e } = roundDigits(digits, exp, keep));
  // place the digits: first digit at exponent e, `decimals` digits after the point
  const intLen = e + 1;
  let intPart: string;
  let fracPart: string;
  if (intLen <= 0) {
    intPart = '0';
    fracPart = ('0'.repeat(-intLen) + d).padEnd(decimals, '0').slice(0, decimals);
  } else {
    const padded = d.padEnd(intLen + decimals, '0');
    intPart = padded.slice(0, intLen);
    fracPart = padded.slice(intLen, intLen + decimals);
  }
  return decimals > 0 ? `${intPart}.${fracPart}` : intPart;
}

/** |x| as `mantissa` digits (first, then the rest) and exponent with `precision` digits after the first, half to even. */
export function toExponentialHalfEven(x: number, precision: number): { mantissa: string; exp: number } {
  const a = Math.abs(x);
  if (a === 0) return { mantissa: precision > 0 ? `0.${'0'.repeat(precision)}` : '0', exp: 0 };
  const { digits, exp } = exactDigits(a);
  const r = roundDigits(digits, exp, precision + 1);
  return { mantissa: precision > 0 ? `${r.digits[0]}.${r.digits.slice(1)}` : r.digits[0]!, exp: r.exp };
}

/** Python's round(x, n) for a float: the nearest multiple of 10^-n, ties to even. */
export function roundHalfEven(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (n < 0) {
    const f = 10 ** -n;
    const q = x / f;
    return Number(toFixedHalfEven(q, 0)) * Math.sign(x) * f;
  }
  if (n > 300) return x;
  return Number(toFixedHalfEven(x, n)) * Math.sign(x);
}
