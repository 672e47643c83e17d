/**
 * Python value semantics the YAML renderer needs: `str()` of a value (what Jinja prints) and
 * `ast.literal_eval` (how dbt's `as_native`/`as_bool`/`as_number` read text back into a value).
 */

/** Python's `str(value)`: `True`, `None`, `['a', 1]`, `{'k': 'v'}`; strings as they are. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof String) return value.valueOf();
  return pyRepr(value);
}

/** Python's `repr(value)`: strings quoted the way Python quotes them. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string' || value instanceof String) return quote(String(value));
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${quote(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + q;
}

/** Thrown when text is not a Python literal (literal_eval's ValueError/SyntaxError). */
export class NotALiteral extends Error {}

/**
 * Python's `ast.literal_eval(text)`: numbers, strings, `True`/`False`/`None`, lists, tuples (as
 * arrays), dicts and sets (as arrays), with unary signs on numbers. Leading spaces and tabs are
 * ignored, as Python does.
 * @throws NotALiteral when the text is anything else (a name, a call, an operator, `inf`).
 * @example pyLiteralEval("[1, 'a', True]") // [1, 'a', true]
 */
export function pyLiteralEval(text: string): unknown {
  const p = new LiteralParser(text.replace(/^[ \t]+/, ''));
  const value = p.expression(true);
  p.skipSpace();
  if (!p.done()) throw new NotALiteral(`unexpected ${JSON.stringify(p.rest().slice(0, 10))}`);
  return value;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }
  rest(): string {
    return this.s.slice(this.i);
  }
  skipSpace(): void {
    while (this.i < this.s.length && /[ \t\r\n]/.test(this.s[this.i]!)) this.i++;
  }
  private peek(): string {
    this.skipSpace();
    return this.s[this.i] ?? '';
  }

  /** A literal, or at the top level a bare tuple `1, 2`. */
  expression(topLevel = false): unknown {
    const first = this.atom();
    if (!topLevel || this.peek() !== ',') return first;
    const items = [first];
    while (this.peek() === ',') {
      this.i++;
      if (this.done() || this.peek() === '') break;
      items.push(this.atom());
    }
    return items;
  }

  private atom(): unknown {
    const c = this.peek();
    if (c === '') throw new NotALiteral('unexpected end');
    if (c === '+' || c === '-') {
      this.i++;
      const v = this.atom();
      if (typeof v !== 'number') throw new NotALiteral('a sign applies only to numbers');
      return c === '-' ? -v : v;
    }
    if (c === '[') return this.sequence(']');
    if (c === '(') {
      this.i++;
      if (this.peek() === ')') {
        this.i++;
        return [];
      }
      const first = this.atom();
      if (this.peek() === ')') {
        this.i++;
        return first;
      }
      // a tuple: `(1, 2)`
      return this.tupleAfter(first);
    }
    if (c === '{') return this.braces();
    if (/[0-9.]/.test(c)) return this.number();
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.rest())!;
      const word = m[0];
      const next = this.s[this.i + word.length];
      if ((next === "'" || next === '"') && /^[rRuU]$/.test(word)) {
        this.i += word.length;
        return this.strings(word.toLowerCase() === 'r');
      }
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      throw new NotALiteral(`'${word}' is a name, not a literal`);
    }
    if (c === "'" || c === '"') return this.strings(false);
    throw new NotALiteral(`unexpected '${c}'`);
  }

  private tupleAfter(first: unknown): unknown[] {
    const items = [first];
    while (this.peek() === ',') {
      this.i++;
      if (this.peek() === ')') break;
      items.push(this.atom());
    }
    if (this.peek() !== ')') throw new NotALiteral("expected ')'");
    this.i++;
    return items;
  }

  private sequence(close: string): unknown[] {
    this.i++;
    const items: unknown[] = [];
    while (this.peek() !== close) {
      items.push(this.atom());
      const n = this.peek();
      if (n === ',') this.i++;
      else if (n !== close) throw new NotALiteral(`expected ',' or '${close}'`);
    }
    this.i++;
    return items;
  }

  private braces(): unknown {
    this.i++;
    if (this.peek() === '}') {
      this.i++;
      return {};
    }
    const firstKey = this.atom();
    if (this.peek() === ':') {
      const out: Record<string, unknown> = {};
      let key: unknown = firstKey;
      for (;;) {
        if (this.peek() !== ':') throw new NotALiteral("expected ':'");
        this.i++;
        out[pyStr(key)] = this.atom();
        const n = this.peek();
        if (n === ',') {
          this.i++;
          if (this.peek() === '}') break;
          key = this.atom();
        } else if (n === '}') break;
        else throw new NotALiteral("expected ',' or '}'");
      }
      this.i++;
      return out;
    }
    const items = [firstKey];
    while (this.peek() === ',') {
      this.i++;
      if (this.peek() === '}') break;
      items.push(this.atom());
    }
    if (this.peek() !== '}') throw new NotALiteral("expected '}'");
    this.i++;
    // a set: unique items, in first-seen order
    return items.filter((v, idx) => items.findIndex((w) => w === v) === idx);
  }

  private number(): number {
    const rest = this.rest();
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][+-]?[0-9](?:_?[0-9])*)?/.exec(rest);
    if (!m || !m[0] || m[0] === '.') throw new NotALiteral('not a number');
    const text = m[0].replace(/_/g, '');
    if (/[jJ]/.test(rest[m[0].length] ?? '')) throw new NotALiteral('complex numbers are not supported');
    // Python forbids leading zeros in decimal integers ("007")
    if (/^0[0-9]+$/.test(text)) throw new NotALiteral('leading zeros in a decimal integer');
    this.i += m[0].length;
    if (/^0[xXoObB]/.test(text)) {
      const base = /^0[xX]/.test(text) ? 16 : /^0[oO]/.test(text) ? 8 : 2;
      return parseInt(text.slice(2), base);
    }
    return Number(text);
  }

  /** One or more adjacent string literals ('a' 'b' is 'ab', as in Python). */
  private strings(raw: boolean): string {
    let out = this.string(raw);
    for (;;) {
      const c = this.peek();
      if (c === "'" || c === '"') out += this.string(false);
      else if (/[rRuU]/.test(c) && (this.s[this.i + 1] === "'" || this.s[this.i + 1] === '"')) {
        const r = c === 'r' || c === 'R';
        this.i++;
        out += this.string(r);
      } else return out;
    }
  }

  private string(raw: boolean): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw new NotALiteral('unterminated string');
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const ch = this.s[this.i]!;
      if (ch === '\n' && !triple) throw new NotALiteral('newline in a string');
      if (ch === '\\') {
        const next = this.s[this.i + 1] ?? '';
        if (raw) {
          out += ch + next;
          this.i += 2;
          continue;
        }
        this.i += 2;
        switch (next) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '0': out += '\0'; break;
          case '\\': out += '\\'; break;
          case "'": out += "'"; break;
          case '"': out += '"'; break;
          case '\n': break;
          case 'x':
          case 'u':
          case 'U': {
            const len = next === 'x' ? 2 : next === 'u' ? 4 : 8;
            const hex = this.s.slice(this.i, this.i + len);
            if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new NotALiteral('bad escape');
            out += String.fromCodePoint(parseInt(hex, 16));
            this.i += len;
            break;
          }
          default:
            out += `\\${next}`;
        }
        continue;
      }
      out += ch;
      this.i++;
    }
  }
}
