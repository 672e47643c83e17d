/**
 * Python's operators on the value model of value.ts, as Jinja2 evaluates them: arithmetic with
 * int/float distinction and floor semantics, sequence repetition and concatenation, deep equality,
 * ordering, membership, and Jinja2's forgiving item lookup (a missing key is Undefined).
 *
 * Each operator tries the common case (two numbers, two strings) first.
 */
import { typeError, undefinedError, unsupported, valueError } from './errors.js';
import { percentFormat } from './format.js';
import { hashKey, setDifference, setEq, setHas } from './set.js';
import { dictKey, float, isDict, isFloat, isPlainDict, isTuple, PyDecimal, PyFloat, toNumber, tuple, typeName } from './value.js';

// ------------------------------------------------------------------------------------------------
// arithmetic

/** Python's int past 2^53: a bigint (exact), a number again when it fits. */
function bigIntResult(r: bigint): number | bigint {
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
}

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isInteger(a) && Number.isInteger(b)) return Number.isSafeInteger(r) ? r : bigIntResult(BigInt(a) + BigInt(b));
    return Number.isInteger(r) ? new PyFloat(r) : r;
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (typeof a === 'string') throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b)) throw typeError(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
    const out = a.concat(b);
    return isTuple(a) ? tuple(out) : out;
  }
  return arith('+', a, b);
}

export function sub(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isInteger(a) && Number.isInteger(b)) return Number.isSafeInteger(r) ? r : bigIntResult(BigInt(a) - BigInt(b));
    return Number.isInteger(r) ? new PyFloat(r) : r;
  }
  if (a instanceof Set && b instanceof Set) return setDifference(a, b);
  return arith('-', a, b);
}

export function mul(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (Number.isInteger(a) && Number.isInteger(b)) return Number.isSafeInteger(r) ? r : bigIntResult(BigInt(a) * BigInt(b));
    return Number.isInteger(r) ? new PyFloat(r) : r;
  }
  if (typeof a === 'string' || Array.isArray(a)) return repeat(a, b);
  if (typeof b === 'string' || Array.isArray(b)) return repeat(b, a);
  return arith('*', a, b);
}

export function div(a: unknown, b: unknown): unknown {
  if ((a !== null && typeof a === 'object' && !(a instanceof PyFloat)) || (b !== null && typeof b === 'object' && !(b instanceof PyFloat))) {
    const r = dunder('/', a, b);
    if (r instanceof Error) throw r;
    if (r !== NONE_FOUND) return r;
  }
  const [x, y] = numbers('/', a, b);
  if (Number(y) === 0) throw valueError('division by zero');
  return float(Number(x) / Number(y));
}

export function floordiv(a: unknown, b: unknown): unknown {
  if ((a !== null && typeof a === 'object' && !(a instanceof PyFloat)) || (b !== null && typeof b === 'object' && !(b instanceof PyFloat))) {
    const r = dunder('//', a, b);
    if (r instanceof Error) throw r;
    if (r !== NONE_FOUND) return r;
  }
  const [x, y] = numbers('//', a, b);
  if (typeof x === 'bigint' || typeof y === 'bigint') return bigFloorDiv(BigInt(x), BigInt(y));
  const floats = isFloat(a) || isFloat(b);
  if (y === 0) throw valueError(floats ? 'float floor division by zero' : 'integer division or modulo by zero');
  const q = Math.floor(x / y);
  return floats ? float(q) : q;
}

export function mod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string') return percentFormat(a, b);
  if (a instanceof PyDecimal || b instanceof PyDecimal) return decimalOp('%', a, b);
  const [x, y] = numbers('%', a, b);
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    const [bx, by] = [BigInt(x), BigInt(y)];
    return normalInt(bx - bigFloorDiv(bx, by) * by);
  }
  const floats = isFloat(a) || isFloat(b);
  if (y === 0) throw valueError(floats ? 'float modulo' : 'integer modulo by zero');
  let r = x % y;
  if (r !== 0 && r < 0 !== y < 0) r += y;
  return floats ? float(r) : r;
}

export function pow(a: unknown, b: unknown): unknown {
  if (a instanceof PyDecimal || b instanceof PyDecimal) return decimalOp('**', a, b);
  const [x, y] = numbers('**', a, b);
  const floats = isFloat(a) || isFloat(b);
  if (!floats && Number(y) >= 0) {
    const r = Math.pow(Number(x), Number(y));
    return Number.isSafeInteger(r) ? r : normalInt(BigInt(x) ** BigInt(y));
  }
  const [fx, fy] = [Number(x), Number(y)];
  if (fx === 0 && fy < 0) throw valueError('0.0 cannot be raised to a negative power');
  if (fx < 0 && !Number.isInteger(fy)) throw unsupported(`${fx} ** ${fy} is a complex number, which templates cannot represent`);
  return float(Math.pow(fx, fy));
}

/** A bigint result as a number when it is exact as one. */
function normalInt(r: bigint): number | bigint {
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
}

export function neg(a: unknown): unknown {
  if (typeof a === 'number') return Number.isInteger(a) ? (a === 0 ? 0 : -a) : -a;
  if (typeof a === 'boolean') return a ? -1 : 0;
  if (a instanceof PyFloat) return new PyFloat(-a.value);
  if (typeof a === 'bigint') return -a;
  if (a instanceof PyDecimal) return a.__neg__();
  if (a === undefined) throw undefinedError(undefined, 'unary -');
  throw typeError(`bad operand type for unary -: '${typeName(a)}'`);
}

export function pos(a: unknown): unknown {
  if (typeof a === 'number' || a instanceof PyFloat || typeof a === 'bigint') return a;
  if (typeof a === 'boolean') return a ? 1 : 0;
  if (a instanceof PyDecimal) return a.__pos__();
  if (a === undefined) throw undefinedError(undefined, 'unary +');
  throw typeError(`bad operand type for unary +: '${typeName(a)}'`);
}

/** `~`: both sides as str (Undefined is ''). */
export function concat(a: string, b: string): string {
  return a + b;
}

function repeat(seq: string | unknown[], n: unknown): unknown {
  if (n === undefined) throw undefinedError(undefined, 'sequence repetition');
  if (typeof n !== 'number' && typeof n !== 'boolean' && typeof n !== 'bigint') {
    throw typeError(`can't multiply sequence by non-int of type '${typeName(n)}'`);
  }
  const times = Number(n);
  if (!Number.isInteger(times)) throw typeError(`can't multiply sequence by non-int of type 'float'`);
  if (typeof seq === 'string') return times > 0 ? seq.repeat(times) : '';
  const out: unknown[] = [];
  for (let i = 0; i < times; i++) for (const x of seq) out.push(x);
  return isTuple(seq) ? tuple(out) : out;
}

const OP_NAMES: Record<string, string> = { '+': '+', '-': '-', '*': '*', '/': '/', '//': '//', '%': '%', '**': '** or pow()' };

type Num = number | bigint;

/** Both operands as numbers (bool is int; a bigint stays one when both are ints), or Python's error. */
function numbers(op: string, a: unknown, b: unknown): [Num, Num] {
  if (a === undefined || b === undefined) throw undefinedError(undefined, `operator ${op}`);
  const x = typeof a === 'bigint' ? a : toNumber(a);
  const y = typeof b === 'bigint' ? b : toNumber(b);
  if (x === undefined || y === undefined) throw typeError(`unsupported operand type(s) for ${OP_NAMES[op] ?? op}: '${typeName(a)}' and '${typeName(b)}'`);
  if ((typeof x === 'bigint' || typeof y === 'bigint') && (isFloat(a) || isFloat(b))) return [Number(x), Number(y)];
  return [x, y];
}

/** Python's NotImplemented: what an operator method returns for operands it does not take. */
export const NotImplemented: unique symbol = Symbol.for('bmp.py.NotImplemented') as never;

const DUNDERS: Readonly<Record<string, readonly [string, string]>> = {
  '+': ['__add__', '__radd__'],
  '-': ['__sub__', '__rsub__'],
  '*': ['__mul__', '__rmul__'],
  '/': ['__truediv__', '__rtruediv__'],
  '//': ['__floordiv__', '__rfloordiv__'],
  '%': ['__mod__', '__rmod__'],
  '**': ['__pow__', '__rpow__'],
};
const NONE_FOUND = Symbol('none found');

/** `%` and `**` with a Decimal operand: its methods, or Python's TypeError (a Decimal and a float). */
function decimalOp(op: '%' | '**', a: unknown, b: unknown): unknown {
  if (a === undefined || b === undefined) throw undefinedError(undefined, `operator ${op}`);
  const r = dunder(op, a, b);
  if (r instanceof Error) throw r;
  if (r === NONE_FOUND) throw typeError(`unsupported operand type(s) for ${OP_NAMES[op] ?? op}: '${typeName(a)}' and '${typeName(b)}'`);
  return r;
}

/** Objects that define Python's operator methods (datetime + timedelta): a.__add__(b), else b.__radd__(a). */
function dunder(op: string, a: unknown, b: unknown): unknown {
  const [own, reflected] = DUNDERS[op] ?? [];
  if (!own) return NONE_FOUND;
  const fa = a !== null && typeof a === 'object' ? (a as Record<string, unknown>)[own] : undefined;
  if (typeof fa === 'function') {
    const r = (fa as (x: unknown) => unknown).call(a, b);
    if (r !== NotImplemented) return r;
  }
  const fb = b !== null && typeof b === 'object' ? (b as Record<string, unknown>)[reflected!] : undefined;
  if (typeof fb === 'function') {
    const r = (fb as (x: unknown) => unknown).call(b, a);
    if (r !== NotImplemented) return r;
  }
  return typeof fa === 'function' || typeof fb === 'function' ? typeError(`unsupported operand type(s) for ${OP_NAMES[op] ?? op}: '${typeName(a)}' and '${typeName(b)}'`) : NONE_FOUND;
}

function arith(op: '+' | '-' | '*', a: unknown, b: unknown): unknown {
  if ((a !== null && typeof a === 'object') || (b !== null && typeof b === 'object')) {
    const r = dunder(op, a, b);
    if (r instanceof Error) throw r;
    if (r !== NONE_FOUND) return r;
  }
  const [x, y] = numbers(op, a, b);
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    const [bx, by] = [BigInt(x), BigInt(y)];
    return normalInt(op === '+' ? bx + by : op === '-' ? bx - by : bx * by);
  }
  const r = op === '+' ? x + y : op === '-' ? x - y : x * y;
  return isFloat(a) || isFloat(b) ? float(r) : r;
}

function bigFloorDiv(x: bigint, y: bigint): bigint {
  if (y === 0n) throw valueError('integer division or modulo by zero');
  const q = x / y;
  return (x % y !== 0n) && ((x < 0n) !== (y < 0n)) ? q - 1n : q;
}

// ------------------------------------------------------------------------------------------------
// comparison

/** Python `==`: numbers across int/float/bool, deep on lists, tuples and dicts. */
export function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // a str subclass (dbt's as_bool/as_text markers are strings too) equals the same text
  if (typeof a === 'string' || typeof b === 'string') return (a instanceof String || b instanceof String) && isText(a) && isText(b) && a.valueOf() === b.valueOf();
  if (a === undefined || b === undefined || a === null || b === null) return false;
  return eqSlow(a, b);
}

const isText = (v: unknown): v is string | String => typeof v === 'string' || v instanceof String;

function eqSlow(a: unknown, b: unknown): boolean {
  if (a instanceof String && b instanceof String) return a.valueOf() === b.valueOf();
  if (a instanceof PyDecimal) return a.__eq__(b);
  if (b instanceof PyDecimal) return b.__eq__(a);
  const x = toNumber(a);
  if (x !== undefined) {
    const y = toNumber(b);
    if (y === undefined) return false;
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      const ia = typeof a === 'bigint' ? a : Number.isInteger(x) ? BigInt(x) : undefined;
      const ib = typeof b === 'bigint' ? b : Number.isInteger(y) ? BigInt(y) : undefined;
      return ia !== undefined && ib !== undefined ? ia === ib : x === y;
    }
    return x === y;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
    return true;
  }
  if (isPlainDict(a) && isPlainDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !eq(a[k], b[k])) return false;
    return true;
  }
  // Python's set ==: the same members, in any order
  if (a instanceof Set || b instanceof Set) return a instanceof Set && b instanceof Set && setEq(a, b);
  if (a instanceof Map || b instanceof Map) {
    const ea = dictEntries(a);
    const eb = dictEntries(b);
    if (!ea || !eb || ea.length !== eb.length) return false;
    // keys compare as Python's do: 1 and '1' differ, 1 and 1.0 are one key
    const key = (k: unknown) => hashKey(k) ?? k;
    const mb = new Map(eb.map(([k, v]) => [key(k), v]));
    return ea.every(([k, v]) => mb.has(key(k)) && eq(v, mb.get(key(k))));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  const o = a as { __eq__?: (x: unknown) => unknown };
  if (typeof o.__eq__ === 'function') return !!o.__eq__(b);
  return false;
}

function dictEntries(v: unknown): [unknown, unknown][] | undefined {
  if (v instanceof Map) return [...v.entries()];
  if (isPlainDict(v)) return Object.entries(v);
  return undefined;
}

export function ne(a: unknown, b: unknown): boolean {
  return !eq(a, b);
}

/** Python ordering (`<`, `<=`, `>`, `>=`): numbers, strings, lists/tuples lexicographically, dates. */
export function compare(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return cmp(op, a, b);
  if (typeof a === 'string' && typeof b === 'string') return cmp(op, a, b);
  if (a === undefined || b === undefined) throw undefinedError(undefined, `operator ${op}`);
  if (a instanceof PyDecimal || b instanceof PyDecimal) {
    const c = a instanceof PyDecimal ? a.compareTo(b) : (b as PyDecimal).compareTo(a);
    if (c === undefined) throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
    const signed = a instanceof PyDecimal ? c : -c;
    return cmp(op, signed, 0);
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) {
    if ((typeof a === 'bigint' || typeof b === 'bigint') && Number.isInteger(x) && Number.isInteger(y)) {
      return cmp(op, typeof a === 'bigint' ? a : BigInt(x), typeof b === 'bigint' ? b : BigInt(y));
    }
    return cmp(op, x, y);
  }
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!eq(a[i], b[i])) return compare(op, a[i], b[i]);
    }
    return cmp(op, a.length, b.length);
  }
  if (a instanceof Date && b instanceof Date) return cmp(op, a.getTime(), b.getTime());
  if (a instanceof Set && b instanceof Set) {
    // subset and superset, proper or not
    const [small, big] = op === '<' || op === '<=' ? [a, b] : [b, a];
    return [...small].every((x) => setHas(big, x)) && (op === '<=' || op === '>=' || small.size < big.size);
  }
  const method = { '<': '__lt__', '<=': '__le__', '>': '__gt__', '>=': '__ge__' }[op];
  const f = (a as Record<string, unknown>)[method];
  if (a !== null && typeof a === 'object' && typeof f === 'function') return !!(f as (x: unknown) => unknown).call(a, b);
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function cmp<T extends number | string | bigint>(op: string, a: T, b: T): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Python `item in container`. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      if (item === undefined) throw undefinedError(undefined, "left operand of 'in'");
      throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    if (typeof item === 'string' || typeof item === 'number') {
      if (container.includes(item)) return true;
      if (typeof item === 'string') return false;
    }
    for (const x of container) if (eq(x, item)) return true;
    return false;
  }
  if (isPlainDict(container)) return Object.hasOwn(container, dictKey(item));
  if (container instanceof Map) {
    if (container.has(item)) return true;
    for (const k of container.keys()) if (eq(k, item)) return true;
    return false;
  }
  if (container instanceof Set) return setHas(container, item);
  // Jinja2's Undefined iterates as empty: nothing is in it (`'pii' in model.meta.tags` without tags)
  if (container === undefined) return false;
  if (container !== null && typeof container === 'object') {
    const o = container as { __contains__?: (x: unknown) => unknown };
    if (typeof o.__contains__ === 'function') return !!o.__contains__(item);
    if (Symbol.iterator in container) {
      for (const x of container as Iterable<unknown>) if (eq(x, item)) return true;
      return false;
    }
  }
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

// ------------------------------------------------------------------------------------------------
// sequences

const SURROGATE = /[\uD800-\uDFFF]/;

/** A string's characters as Python counts them (code points). */
export function chars(s: string): string[] {
  return SURROGATE.test(s) ? [...s] : s.split('');
}

/** Python's `len()`. */
export function len(v: unknown): number {
  if (typeof v === 'string') return SURROGATE.test(v) ? [...v].length : v.length;
  if (Array.isArray(v)) return v.length;
  if (v === undefined) return 0;
  if (isPlainDict(v)) return Object.keys(v).length;
  if (v instanceof Map || v instanceof Set) return v.size;
  const o = v as { __len__?: () => unknown; length?: unknown };
  if (v !== null && typeof v === 'object') {
    if (typeof o.__len__ === 'function') return Number(o.__len__());
    if (typeof o.length === 'number') return o.length;
  }
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

/** What a `for` loop iterates: list items, str characters, dict keys; Undefined is empty. */
export function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return chars(v);
  if (v === undefined) return [];
  if (isPlainDict(v)) return Object.keys(v);
  if (v instanceof Map) return [...v.keys()];
  if (v !== null && typeof v === 'object') {
    const o = v as { __iter__?: () => unknown };
    if (typeof o.__iter__ === 'function') return iterate(o.__iter__());
    if (Symbol.iterator in v) return Array.from(v as Iterable<unknown>);
  }
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

/** Python's slice index adjustment: the concrete start, stop, step and length of `seq[a:b:c]`. */
export function sliceIndices(length: number, start: unknown, stop: unknown, step: unknown): [number, number, number] {
  const st = step === null || step === undefined ? 1 : sliceInt(step);
  if (st === 0) throw valueError('slice step cannot be zero');
  const lower = st < 0 ? -1 : 0;
  const upper = st < 0 ? length - 1 : length;
  const adjust = (v: unknown, dflt: number) => {
    if (v === null || v === undefined) return dflt;
    let i = sliceInt(v);
    if (i < 0) {
      i += length;
      if (i < lower) i = lower;
    } else if (i > upper) i = upper;
    return i;
  };
  return [adjust(start, st < 0 ? upper : lower), adjust(stop, st < 0 ? lower : upper), st];
}

function sliceInt(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  throw typeError('slice indices must be integers or None');
}

/** `seq[start:stop:step]` on str, list and tuple. */
export function slice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (seq === undefined) throw undefinedError(undefined, 'slicing');
  const items = typeof seq === 'string' ? chars(seq) : Array.isArray(seq) ? seq : undefined;
  if (!items) throw typeError(`'${typeName(seq)}' object is not subscriptable`);
  const [a, b, st] = sliceIndices(items.length, start, stop, step);
  let out: unknown[];
  if (st === 1) out = a < b ? items.slice(a, b) : [];
  else {
    out = [];
    if (st > 0) for (let i = a; i < b; i += st) out.push(items[i]);
    else for (let i = a; i > b; i += st) out.push(items[i]);
  }
  if (typeof seq === 'string') return out.join('');
  return isTuple(seq) ? tuple(out) : out;
}

/** Python index normalisation: negative from the end; undefined when out of range. */
export function seqIndex(length: number, key: unknown): number | undefined {
  let i: number;
  if (typeof key === 'number') {
    if (!Number.isInteger(key)) return undefined;
    i = key;
  } else if (typeof key === 'boolean') i = key ? 1 : 0;
  else if (typeof key === 'bigint') i = Number(key);
  else return undefined;
  if (i < 0) i += length;
  return i >= 0 && i < length ? i : undefined;
}

export { isDict };
