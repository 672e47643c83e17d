/**
 * How Python's values live in JavaScript while a template renders (Jinja2 3.1 semantics).
 *
 * | Python            | JavaScript                                                              |
 * | ----------------- | ----------------------------------------------------------------------- |
 * | `None`            | `null`                                                                  |
 * | Jinja2 Undefined  | `undefined` (a missing variable, key, attribute or index)               |
 * | `bool`            | `boolean` (an int in arithmetic, as in Python)                          |
 * | `int`             | an integral `number` (or a `bigint` beyond 2^53 where one is computed)  |
 * | `float`           | a non-integral `number`, or a {@link PyFloat} for an integral float     |
 * | `str`             | `string`                                                                |
 * | `list`            | `Array`                                                                 |
 * | `tuple`           | `Array` marked with {@link TUPLE} (see {@link tuple})                   |
 * | `dict`            | a plain object (prototype `Object.prototype` or `null`), or a `Map`     |
 * | other objects     | class instances and functions: attributes are their JS properties      |
 *
 * Dict keys of plain objects are strings: a key that is not a str is stored under its `str()`
 * (`{1: 'a'}` has the key `'1'`, and `d[1]` finds it), and integer-like keys are listed first, in
 * ascending order, as JavaScript orders them. Integral floats need a box because JavaScript has
 * one number type: `1.0`, `4 / 2` and `2.5 | round` are PyFloats so they print `1.0`, `2.0`, `3.0`.
 */

import { PyFloat, floatRepr } from '../../manifest/py-float.js';
import { PyDecimal } from './py-decimal.js';

export { PyFloat, floatRepr, PyDecimal };

/** Marks an array as a Python tuple (non-enumerable: JSON and JS code see a plain array). */
export const TUPLE: unique symbol = Symbol.for('bmp.py.tuple');

/** Marks an array as a dict view: `'dict_items'`, `'dict_keys'` or `'dict_values'` (for its repr). */
export const VIEW: unique symbol = Symbol.for('bmp.py.view');

/**
 * Marks a class instance that Python code would see as a Mapping (dbt's Relation is one: its
 * dataclass implements `Mapping`, so `relation is mapping` holds and `relation.get(...)` works). The
 * instance provides its own `get`/`keys`/`items`; only the `mapping` test reads the mark.
 */
export const MAPPING: unique symbol = Symbol.for('bmp.py.mapping');

/** A dict, or an object marked with {@link MAPPING}. */
export function isMappingLike(v: unknown): boolean {
  return isDict(v) || (v !== null && typeof v === 'object' && (v as Record<symbol, unknown>)[MAPPING] === true);
}

/** Makes `items` a tuple (in place) and returns it (a plain assignment: tuples are made in hot loops). */
export function tuple<T>(items: T[]): T[] {
  (items as unknown as Record<symbol, boolean>)[TUPLE] = true;
  return items;
}

export function isTuple(v: unknown): v is unknown[] {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

/** A float result: a PyFloat when integral (so it keeps printing as a float), else the number. */
export function float(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** True for plain objects (Python dicts); class instances, arrays and functions are not dicts. */
export function isPlainDict(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isDict(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  return isPlainDict(v) || v instanceof Map;
}

/** `int`/`float`/`bool`/`Decimal` as a JS number (bigint as number too), else undefined. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyDecimal) return v.valueOf(); // nearest double: callers needing exactness check for PyDecimal first
  return undefined;
}

export function isInt(v: unknown): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' || typeof v === 'boolean';
}

export function isFloat(v: unknown): boolean {
  return (typeof v === 'number' && !Number.isInteger(v)) || v instanceof PyFloat;
}

export function isNumber(v: unknown): boolean {
  return typeof v === 'number' || v instanceof PyFloat || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyDecimal;
}

/** A dict key as stored in a plain object: a str is itself, anything else its `str()`. */
export function dictKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return Number.isInteger(k) ? String(k) : floatRepr(k);
  if (typeof k === 'boolean') return k ? '1' : '0';
  if (k instanceof PyFloat) return String(k.value);
  if (k instanceof PyDecimal) return k.toString();
  if (k === null) return 'None';
  return String(k);
}

/** Python's name of a value's type, for messages (`'int'`, `'str'`, `'dict'`, `'NoneType'`). */
export function typeName(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'function':
      return 'function';
  }
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyDecimal) return 'decimal.Decimal';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (isDict(v)) return 'dict';
  if (v instanceof Set) return 'set';
  if (v instanceof Date) return 'datetime';
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'object';
}

/** Python truthiness: empty str/list/dict, 0, None and Undefined are false. */
export function truthy(v: unknown): boolean {
  if (v === true) return true;
  if (v === false || v === null || v === undefined) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'function':
      return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (isPlainDict(v)) {
    for (const _ in v) return true;
    return false;
  }
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  const o = v as { __bool__?: () => unknown; __len__?: () => unknown };
  if (typeof o.__bool__ === 'function') return !!o.__bool__();
  if (typeof o.__len__ === 'function') return Number(o.__len__()) > 0;
  return true;
}

/** An int's decimal digits (exact for bigints and for numbers beyond 1e21, which String writes with an exponent). */
export function intRepr(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Object.is(n, -0)) return '0';
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}
