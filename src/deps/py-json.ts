/**
 * JSON text as Python's `json.dumps(value, sort_keys=True)` writes it (dbt hashes package specs in that
 * form): `", "` and `": "` separators, keys sorted at every level, non-ASCII escaped as `\uXXXX`, and
 * floats written as Python writes them (`1.0`, not `1`).
 */
import { floatRepr, PyFloat } from '../manifest/py-float.js';

export { PyFloat };

/** A float as Python's json.dumps writes it: its repr (`1.0`, `1e-07`), and `NaN`/`Infinity` for the rest. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return floatRepr(x);
}

function pyString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does (lower-case
  // hex); Python's ensure_ascii also escapes DEL and everything past ASCII, one UTF-16 unit at a time
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * @example pyJsonDumps({ local: '../', unrendered: { local: '../' } }) // '{"local": "../", "unrendered": {"local": "../"}}'
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  switch (typeof value) {
    case 'string':
      return pyString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return 'null';
  }
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (value instanceof Date) return pyString(value.toISOString());
  const keys = Object.keys(value as object).sort(comparePyStrings);
  return `{${keys.map((k) => `${pyString(k)}: ${pyJsonDumps((value as Record<string, unknown>)[k])}`).join(', ')}}`;
}

/** Python orders strings by code point; JavaScript's `<` by UTF-16 unit (they differ past U+FFFF only). */
export function comparePyStrings(a: string, b: string): number {
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}
