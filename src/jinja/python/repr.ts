/**
 * `str()` and `repr()` as Python 3 computes them: what `{{ value }}` prints.
 */
import { floatRepr, intRepr, isPlainDict, isTuple, PyFloat, VIEW } from './value.js';

/** What `{{ v }}` prints: str(v), with Jinja2's Undefined printing as the empty string. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return strSlow(v);
}

function strSlow(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? intRepr(v) : floatRepr(v);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return v.toString();
    case 'function':
      return functionRepr(v as (...a: unknown[]) => unknown);
  }
  if (v === null) return 'None';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (Array.isArray(v) || isPlainDict(v) || v instanceof Map || v instanceof Set) return repr(v);
  const o = v as { __str__?: () => unknown; __repr__?: () => unknown };
  if (typeof o.__str__ === 'function') return String(o.__str__());
  if (typeof o.__repr__ === 'function') return String(o.__repr__());
  if (v instanceof Date) return dateStr(v);
  return String(v);
}

/** Python's repr(): strings quoted, containers with their items' reprs. */
export function repr(v: unknown, seen?: Set<unknown>): string {
  switch (typeof v) {
    case 'string':
      return strRepr(v);
    case 'undefined':
      return 'Undefined';
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'function':
      return strSlow(v);
  }
  if (v === null) return 'None';
  if (v instanceof PyFloat) return floatRepr(v.value);
  const o = v as { __repr__?: () => unknown };
  if (typeof o.__repr__ === 'function') return String(o.__repr__());
  if (Array.isArray(v) || isPlainDict(v) || v instanceof Map || v instanceof Set) {
    seen ??= new Set();
    if (seen.has(v)) return Array.isArray(v) ? (isTuple(v) ? '(...)' : '[...]') : '{...}';
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        const items = v.map((x) => repr(x, seen));
        if (isTuple(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
        const kind = (v as unknown as Record<symbol, string | undefined>)[VIEW];
        return kind ? `${kind}([${items.join(', ')}])` : `[${items.join(', ')}]`;
      }
      if (v instanceof Set) return v.size ? `{${[...v].map((x) => repr(x, seen)).join(', ')}}` : 'set()';
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
      return `{${entries.map(([k, x]) => `${repr(k, seen)}: ${repr(x, seen)}`).join(', ')}}`;
    } finally {
      seen.delete(v);
    }
  }
  if (v instanceof Date) return dateRepr(v);
  return strSlow(v);
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** Python's repr of a str: single quotes unless the text has a ' and no ", escapes for the rest. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case quote:
        out += `\\${quote}`;
        continue;
    }
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out += ch;
    else if (!NON_PRINTABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

function functionRepr(f: (...a: unknown[]) => unknown): string {
  const macro = (f as { macroName?: string }).macroName;
  if (macro !== undefined) return `<Macro '${macro}'>`;
  return `<function ${f.name || '<lambda>'}>`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A JS Date as a naive Python datetime's str (UTC fields): `2024-01-02 03:04:05[.123000]`. */
function dateStr(d: Date): string {
  const ms = d.getUTCMilliseconds();
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return ms ? `${base}.${pad(ms * 1000, 6)}` : base;
}

function dateRepr(d: Date): string {
  const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  const s = d.getUTCSeconds();
  const us = d.getUTCMilliseconds() * 1000;
  if (s || us) parts.push(s);
  if (us) parts.push(us);
  return `datetime.datetime(${parts.join(', ')})`;
}
