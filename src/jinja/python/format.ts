/**
 * Python's two string formatting languages: printf-style `'%s' % x` (also Jinja2's `format`
 * filter) and `str.format()` with its format-spec mini-language.
 */
import { typeError, valueError } from './errors.js';
import { toExponentialHalfEven, toFixedHalfEven } from './decimal.js';
import { repr, str } from './repr.js';
import { floatRepr, intRepr, isPlainDict, isTuple, PyDecimal, PyFloat, toNumber, typeName } from './value.js';

// ------------------------------------------------------------------------------------------------
// printf-style

const PERCENT = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)?/gy;

/** `fmt % args`: a tuple gives the positional values, a dict the `%(name)s` values, anything else is one value. */
export function percentFormat(fmt: string, args: unknown): string {
  const positional = isTuple(args) ? args : [args];
  const mapping = isPlainDict(args) || args instanceof Map ? args : undefined;
  let next = 0;
  let out = '';
  let i = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw typeError('not enough arguments for format string');
    return positional[next++];
  };
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    PERCENT.lastIndex = pct;
    const m = PERCENT.exec(fmt);
    if (!m || m[5] === undefined) throw valueError('incomplete format');
    i = PERCENT.lastIndex;
    const [, key, flags = '', widthText, precText, conv] = m as unknown as [string, string | undefined, string, string | undefined, string | undefined, string];
    if (conv === '%' && key === undefined && !flags && !widthText && precText === undefined) {
      out += '%';
      continue;
    }
    let value: unknown;
    if (key !== undefined) {
      if (!mapping) throw typeError('format requires a mapping');
      value = mapping instanceof Map ? mapping.get(key) : (mapping as Record<string, unknown>)[key];
      if (value === undefined && !(mapping instanceof Map ? mapping.has(key) : Object.hasOwn(mapping, key))) throw valueError(`KeyError: ${repr(key)}`);
    }
    const width = widthText === '*' ? Number(take()) : widthText ? Number(widthText) : 0;
    const precision = precText === '*' ? Number(take()) : precText === undefined ? undefined : precText === '' ? 0 : Number(precText);
    if (key === undefined && conv !== '%') value = take();
    const spec: Spec = {
      fill: ' ',
      align: flags.includes('-') ? '<' : '>',
      sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-',
      alt: flags.includes('#'),
      zero: flags.includes('0') && !flags.includes('-'),
      width,
      grouping: '',
      precision,
      type: conv,
    };
    out += percentOne(value, spec);
  }
  if (next < positional.length && !mapping) throw typeError('not all arguments converted during string formatting');
  return out;
}

function percentOne(value: unknown, spec: Spec): string {
  switch (spec.type) {
    case 's':
      return pad(truncate(str(value), spec.precision), spec);
    case 'r':
    case 'a':
      return pad(truncate(spec.type === 'a' ? asciiRepr(value) : repr(value), spec.precision), spec);
    case 'c': {
      if (typeof value === 'string') {
        if ([...value].length !== 1) throw typeError('%c requires int or char');
        return pad(value, spec);
      }
      return pad(String.fromCodePoint(Number(intArg(value, 'c'))), spec);
    }
    case 'd':
    case 'i':
    case 'u':
      return numberField(intPart(value, spec.type), { ...spec, type: 'd' });
    case 'o':
    case 'x':
    case 'X':
      return numberField(intArg(value, spec.type), spec);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return numberField(floatArg(value, spec.type), { ...spec, precision: spec.precision ?? 6 });
    case '%':
      return '%';
  }
  throw valueError(`unsupported format character '${spec.type}' (0x${spec.type.charCodeAt(0).toString(16)})`);
}

function intPart(v: unknown, conv: string): number | bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof PyDecimal) return v.__int__();
  const n = toNumber(v);
  if (n === undefined) throw typeError(`%${conv} format: a real number is required, not ${typeName(v)}`);
  return Math.trunc(n);
}

function intArg(v: unknown, conv: string): number | bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw typeError(`%${conv} format: an integer is required, not ${typeName(v)}`);
}

function floatArg(v: unknown, conv: string): number {
  const n = toNumber(v);
  if (n === undefined) throw typeError(`%${conv} format: must be real number, not ${typeName(v)}`);
  return n;
}

function truncate(s: string, precision: number | undefined): string {
  return precision === undefined ? s : [...s].slice(0, precision).join('');
}

function asciiRepr(v: unknown): string {
  return repr(v).replace(/[^\x00-\x7f]/gu, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`;
  });
}

// ------------------------------------------------------------------------------------------------
// the format-spec mini-language (shared by both)

interface Spec {
  fill: string;
  align: '<' | '>' | '^' | '=' | '';
  sign: '+' | '-' | ' ';
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: '' | ',' | '_';
  precision: number | undefined;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

function parseSpec(text: string): Spec {
  const m = SPEC.exec(text);
  if (!m) throw valueError(`Invalid format specifier '${text}'`);
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: (m[2] as Spec['align']) ?? (m[6] ? '=' : ''),
    sign: (m[3] as Spec['sign']) ?? '-',
    alt: !!m[5],
    zero: false,
    width: m[7] ? Number(m[7]) : 0,
    grouping: (m[8] as Spec['grouping']) ?? '',
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? '',
  };
}

/** Python's `format(value, spec)`. */
export function formatValue(value: unknown, specText: string): string {
  if (value instanceof PyDecimal) return formatDecimal(value, specText);
  const o = value as { __format__?: (s: string) => unknown };
  if (value !== null && typeof value === 'object' && typeof o.__format__ === 'function') return String(o.__format__(specText));
  if (specText === '') return str(value);
  const spec = parseSpec(specText);
  const isNum = typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value instanceof PyFloat || value instanceof PyDecimal;
  if (!isNum) {
    if (spec.type && spec.type !== 's') throw valueError(`Unknown format code '${spec.type}' for object of type '${typeName(value)}'`);
    if (spec.sign !== '-' || spec.grouping || spec.align === '=') throw valueError(`Sign not allowed in string format specifier`);
    return pad(truncate(str(value), spec.precision), { ...spec, align: spec.align || '<' });
  }
  const intLike = typeof value === 'bigint' || typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value));
  let type = spec.type;
  if (type === '') {
    if (intLike) type = 'd';
    else return numberField(toNumber(value)!, { ...spec, type: spec.precision === undefined ? 'r' : 'z', align: spec.align || '>' });
  }
  if ('bcdoxXn'.includes(type) && !intLike) throw valueError(`Unknown format code '${type}' for object of type 'float'`);
  if (type === 'c') return pad(String.fromCodePoint(Number(value)), { ...spec, align: spec.align || '<' });
  return numberField(typeof value === 'bigint' ? value : toNumber(value)!, { ...spec, type: type === 'n' ? (intLike ? 'd' : 'g') : type, align: spec.align || '>' });
}

/** Sign, digits, grouping and padding of a number. */
function numberField(n: number | bigint, spec: Spec): string {
  let body: string;
  let negative = false;
  let prefix = '';
  const t = spec.type;
  if (t === 'd' || t === 'b' || t === 'o' || t === 'x' || t === 'X') {
    const big = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
    negative = big < 0n;
    const abs = negative ? -big : big;
    const radix = t === 'b' ? 2 : t === 'o' ? 8 : t === 'd' ? 10 : 16;
    body = abs.toString(radix);
    if (t === 'X') body = body.toUpperCase();
    if (spec.alt && t !== 'd') prefix = t === 'b' ? '0b' : t === 'o' ? '0o' : t === 'x' ? '0x' : '0X';
  } else {
    const x = Number(n);
    negative = x < 0 || Object.is(x, -0);
    body = floatBody(Math.abs(x), spec);
  }
  if (spec.grouping || (t === 'd' && spec.grouping)) body = group(body, spec.grouping || ',', t);
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  const head = sign + prefix;
  if (spec.zero || spec.align === '=') {
    const fill = spec.zero ? '0' : spec.fill;
    const room = spec.width - head.length - body.length;
    return head + (room > 0 ? fill.repeat(room) : '') + body;
  }
  return pad(head + body, spec);
}

function floatBody(x: number, spec: Spec): string {
  const t = spec.type;
  if (!Number.isFinite(x)) {
    const s = Number.isNaN(x) ? 'nan' : 'inf';
    return t === 'E' || t === 'F' || t === 'G' ? s.toUpperCase() : s;
  }
  const p = spec.precision;
  switch (t) {
    case 'r':
      return floatRepr(x);
    case 'f':
    case 'F':
      return fixed(x, p ?? 6, spec.alt);
    case '%':
      return `${fixed(x * 100, p ?? 6, spec.alt)}%`;
    case 'e':
    case 'E': {
      const s = expo(x, p ?? 6, spec.alt);
      return t === 'E' ? s.toUpperCase() : s;
    }
    case 'g':
    case 'G': {
      const s = general(x, p, spec.alt);
      return t === 'G' ? s.toUpperCase() : s;
    }
    case 'z': {
      // no type but a precision: like g, with at least one digit after the point
      const s = general(x, p, spec.alt);
      return /[.e]/.test(s) ? s : `${s}.0`;
    }
  }
  throw valueError(`Unknown format code '${t}' for object of type 'float'`);
}

function fixed(x: number, digits: number, alt: boolean): string {
  const s = toFixedHalfEven(x, digits);
  return alt && digits === 0 ? `${s}.` : s;
}

function expText(exp: number): string {
  return `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function expo(x: number, digits: number, alt: boolean): string {
  const { mantissa, exp } = toExponentialHalfEven(x, digits);
  return `${mantissa}${alt && digits === 0 ? '.' : ''}${expText(exp)}`;
}

/** `%g`: precision significant digits, fixed or exponent notation by the exponent, trailing zeros dropped. */
function general(x: number, precision: number | undefined, alt: boolean): string {
  const p = precision === undefined ? 6 : precision === 0 ? 1 : precision;
  if (x === 0) return alt ? `0.${'0'.repeat(p - 1)}` : '0';
  const { mantissa, exp } = toExponentialHalfEven(x, p - 1);
  if (exp >= -4 && exp < p) {
    const s = toFixedHalfEven(x, p - 1 - exp);
    return !alt && s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  }
  const m = alt || !mantissa.includes('.') ? mantissa : mantissa.replace(/\.?0+$/, '');
  return `${m}${expText(exp)}`;
}

function group(body: string, sep: string, type: string): string {
  const size = 'bxXo'.includes(type) ? 4 : 3;
  const dot = body.search(/[.e%]/);
  const intPart = dot < 0 ? body : body.slice(0, dot);
  const rest = dot < 0 ? '' : body.slice(dot);
  let out = '';
  for (let i = intPart.length; i > 0; i -= size) out = intPart.slice(Math.max(0, i - size), i) + (out ? sep + out : '');
  return out + rest;
}

function pad(s: string, spec: Pick<Spec, 'fill' | 'align' | 'width'>): string {
  const n = [...s].length;
  if (n >= spec.width) return s;
  const room = spec.width - n;
  switch (spec.align) {
    case '<':
      return s + spec.fill.repeat(room);
    case '^': {
      const left = Math.floor(room / 2);
      return spec.fill.repeat(left) + s + spec.fill.repeat(room - left);
    }
    default:
      return spec.fill.repeat(room) + s;
  }
}

// ------------------------------------------------------------------------------------------------
// Decimal.__format__

const DECIMAL_SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([eEfFgGn%])?$/su;

/**
 * Python's `format(Decimal, spec)` (what `'{:.2f}'.format(d)` calls): the exact digits, rounded half
 * to even where the precision asks, never through a float (`'{:.2f}'` of Decimal('2.675') is `2.68`,
 * of the float 2.675 `2.67`). As Python's: no type is `G` with the Decimal's own digits (`1.50`,
 * `1E+2`); `e`/`g` exponents are not zero-padded (`1.50e+0`); `g` keeps trailing zeros; `%`
 * multiplies by 100 exactly; `,` groups (with `0` padding inside the groups); `z` drops a negative
 * zero's sign. `#`, `_`, a `0` flag next to a fill or alignment, and integer types raise ValueError.
 */
function formatDecimal(d: PyDecimal, specText: string): string {
  const m = DECIMAL_SPEC.exec(specText);
  if (!m || m[5] || m[8] === '_' || (m[6] && (m[1] !== undefined || m[2] !== undefined))) throw valueError('invalid format string');
  const [, fill = ' ', align = '>', signFlag, noNegZero, , zeroPad, widthText, grouping, precText] = m;
  let type = m[10] ?? 'G';
  if (type === 'n') type = 'g';
  let precision = precText === undefined ? undefined : Number(precText);
  if (precision === 0 && (type === 'g' || type === 'G')) precision = 1;
  const fixedPoint = type === 'f' || type === 'F' || type === '%';
  const exponent = type === 'e' || type === 'E';
  let v = type === '%' ? d.movePoint(2) : d;
  if (precision !== undefined) {
    if (exponent) v = v.roundSignificant(precision + 1);
    else if (fixedPoint) v = v.quantize(-precision);
    else if (v.digits.length > precision) v = v.roundSignificant(precision);
  }
  const zero = !v.__bool__();
  // a zero with a positive exponent has no fixed-point form: 0E+3 is 0
  if (zero && v.exponent > 0 && fixedPoint) v = v.quantize(0);
  const digits = v.digits;
  const left = v.exponent + digits.length;
  const dot = exponent ? (zero && precision !== undefined ? 1 - precision : 1) : fixedPoint || (v.exponent <= 0 && left > -6) ? left : 1;
  let intPart: string;
  let fracPart: string;
  if (dot < 0) [intPart, fracPart] = ['0', '0'.repeat(-dot) + digits];
  else if (dot > digits.length) [intPart, fracPart] = [digits + '0'.repeat(dot - digits.length), ''];
  else [intPart, fracPart] = [digits.slice(0, dot) || '0', digits.slice(dot)];
  const exp = left - dot;
  const negative = v.isNegative && !(noNegZero && zero);
  const sign = negative ? '-' : signFlag === '+' || signFlag === ' ' ? signFlag : '';
  let tail = fracPart ? `.${fracPart}` : '';
  if (exp !== 0 || exponent) tail += `${type === 'e' || type === 'g' ? 'e' : 'E'}${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  if (type === '%') tail += '%';
  const width = widthText ? Number(widthText) : 0;
  const body = groupWithZeros(intPart, grouping ?? '', zeroPad ? width - tail.length - sign.length : 0) + tail;
  const room = width - sign.length - [...body].length;
  const padding = room > 0 ? fill.repeat(room) : '';
  switch (align) {
    case '<':
      return sign + body + padding;
    case '=':
      return sign + padding + body;
    case '^': {
      const half = Math.floor(padding.length / 2);
      return padding.slice(0, half) + sign + body + padding.slice(half);
    }
    default:
      return padding + sign + body;
  }
}

/** Integer digits grouped by 3 with `sep` (if any), zero-padded to `minWidth` characters (separators included). */
function groupWithZeros(digits: string, sep: string, minWidth: number): string {
  if (!sep) return digits.padStart(Math.max(minWidth, 1), '0');
  const groups: string[] = [];
  let rest = digits;
  let min = minWidth;
  for (;;) {
    const size = Math.min(Math.max(rest.length, min, 1), 3);
    groups.push(rest.slice(-size).padStart(size, '0'));
    rest = rest.slice(0, Math.max(0, rest.length - size));
    min -= size;
    if (!rest && min <= 0) break;
    min -= sep.length;
  }
  return groups.reverse().join(sep);
}

// ------------------------------------------------------------------------------------------------
// str.format

/**
 * `fmt.format(*args, **kwargs)`: `{}` / `{0}` / `{name}` fields with `.attr` and `[key]` lookups,
 * `!r`/`!s`/`!a` conversions and a format spec (which may itself hold `{}` fields).
 */
export function strFormat(fmt: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, getattr: (obj: unknown, name: string) => unknown, getitem: (obj: unknown, key: unknown) => unknown): string {
  let auto = 0;
  let manual = false;
  const field = (text: string, depth: number): string => {
    // text is the inside of {...}
    let i = 0;
    while (i < text.length && !'.[!:'.includes(text[i]!)) i++;
    const first = text.slice(0, i);
    let value: unknown;
    if (first === '') {
      if (manual) throw valueError('cannot switch from manual field specification to automatic field numbering');
      if (auto >= args.length) throw valueError(`Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(first)) {
      manual = true;
      const idx = Number(first);
      if (idx >= args.length) throw valueError(`Replacement index ${idx} out of range for positional args tuple`);
      value = args[idx];
    } else {
      if (!Object.hasOwn(kwargs, first)) throw valueError(`KeyError: ${repr(first)}`);
      value = kwargs[first];
    }
    while (i < text.length && (text[i] === '.' || text[i] === '[')) {
      if (text[i] === '.') {
        let j = i + 1;
        while (j < text.length && !'.[!:'.includes(text[j]!)) j++;
        value = getattr(value, text.slice(i + 1, j));
        i = j;
      } else {
        const j = text.indexOf(']', i);
        if (j < 0) throw valueError("Missing ']' in format string");
        const key = text.slice(i + 1, j);
        value = getitem(value, /^\d+$/.test(key) ? Number(key) : key);
        i = j + 1;
      }
    }
    let conversion = '';
    if (text[i] === '!') {
      conversion = text[i + 1] ?? '';
      i += 2;
      if (!'rsa'.includes(conversion) || !conversion) throw valueError('Unknown conversion specifier ' + conversion);
    }
    let spec = '';
    if (text[i] === ':') spec = text.slice(i + 1);
    else if (i < text.length) throw valueError('expected \':\' after conversion specifier');
    if (spec.includes('{')) {
      if (depth > 1) throw valueError('Max string recursion exceeded');
      spec = expand(spec, depth + 1);
    }
    if (conversion === 'r') value = repr(value);
    else if (conversion === 's') value = str(value);
    else if (conversion === 'a') value = asciiRepr(value);
    return formatValue(value, spec);
  };
  const expand = (s: string, depth: number): string => {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '{') {
        if (s[i + 1] === '{') {
          out += '{';
          i += 2;
          continue;
        }
        // find the matching close brace (one level of nesting inside the spec)
        let j = i + 1;
        let level = 1;
        while (j < s.length && level) {
          if (s[j] === '{') level++;
          else if (s[j] === '}') level--;
          if (level) j++;
        }
        if (level) throw valueError("Single '{' encountered in format string");
        out += field(s.slice(i + 1, j), depth);
        i = j + 1;
      } else if (c === '}') {
        if (s[i + 1] !== '}') throw valueError("Single '}' encountered in format string");
        out += '}';
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };
  return expand(fmt, 0);
}

export { intRepr };
