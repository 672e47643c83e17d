/**
 * JSON as Python's `json` module reads and writes it, for dbt's `fromjson` and `tojson`: a float
 * stays a float (`1.0` reads back as a float and is written `1.0`, `1e16` as `1e+16`), an integer
 * of any size stays exact, `NaN` and `Infinity` are numbers, and non-ASCII text is written as
 * `\uXXXX` escapes (json.dumps' ensure_ascii).
 */
import { floatRepr, PyFloat } from '../../manifest/py-float.js';

/** Python's json.loads. @throws SyntaxError on text that is not JSON (dbt then returns the default). */
export function pyJsonLoads(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at char ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string, value: unknown) => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail('Expecting value');
  };
  const number = (): unknown => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    const f = Number(m[0]);
    return Number.isInteger(f) ? new PyFloat(f) : f;
  };
  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('Unterminated string');
      const ch = text[i]!;
      if (ch === '"') break;
      if (ch === '\\') i++;
      else if (ch < ' ') fail('Invalid control character');
      i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = string();
        ws();
        if (text[i++] !== ':') fail("Expecting ':' delimiter");
        // (a "__proto__" key is a key like any other, not the object's prototype)
        if (key === '__proto__') Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
        else out[key] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return out;
        } else fail("Expecting ',' delimiter");
      }
    }
    if (ch === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return out;
        } else fail("Expecting ',' delimiter");
      }
    }
    if (ch === '"') return string();
    if (ch === 'n') return literal('null', null);
    if (ch === 't') return literal('true', true);
    if (ch === 'f') return literal('false', false);
    if (ch === 'N') return literal('NaN', NaN);
    if (ch === 'I') return literal('Infinity', Infinity);
    if (ch === '-' && text.startsWith('-Infinity', i)) return literal('-Infinity', -Infinity);
    return number();
  };
  const out = value();
  ws();
  if (i < text.length) fail('Extra data');
  return out;
}

/** A string as json.dumps writes it: JSON's escapes, and every character outside ASCII as \uXXXX. */
export function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A number as json.dumps writes it: an int as digits, a float as Python's repr, NaN and the infinities by name. */
export function pyJsonNumber(v: number | bigint | PyFloat): string {
  if (typeof v === 'bigint') return String(v);
  const n = v instanceof PyFloat ? v.value : v;
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return v instanceof PyFloat || !Number.isInteger(n) ? floatRepr(n) : String(n);
}
