/**
 * The static fast path (dbt's static parser idea): most models only call `ref`, `source`, `config`
 * and `var` with literal arguments. Those are read without nunjucks — no template compile — and
 * rendered by string assembly, with exactly the output the Jinja2 engine would give (values printed
 * as Python prints them, the template's one trailing newline dropped).
 */
import { str } from './python/repr.js';

export type Literal = string | number | boolean | null | Literal[] | { [k: string]: Literal };

export interface StaticCall {
  readonly fn: 'ref' | 'source' | 'config' | 'var' | 'env_var' | 'this';
  readonly args: readonly Literal[];
  readonly kwargs: Readonly<Record<string, Literal>>;
}

export interface StaticAnalysis {
  /** Text and calls in order. */
  readonly segments: readonly (string | StaticCall)[];
}

const STATIC_FNS = new Set(['ref', 'source', 'config', 'var', 'env_var']);

const analyses = new Map<string, StaticAnalysis | null>();

/**
 * Returns the segments when the template is static-simple, otherwise undefined (use nunjucks).
 * Memoized: parse, compile and the runner all ask about the same template text.
 */
export function analyzeStatic(source: string): StaticAnalysis | undefined {
  let hit = analyses.get(source);
  if (hit === undefined) {
    hit = analyze(source) ?? null;
    analyses.set(source, hit);
  }
  return hit ?? undefined;
}

function analyze(text: string): StaticAnalysis | undefined {
  if (text.includes('{%') || text.includes('{#')) return undefined;
  // line ends as Jinja2's lexer reads them (\r\n and a lone \r are \n); then, with
  // keep_trailing_newline=False (dbt's setting), one trailing newline is not output
  const lf = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const source = lf.endsWith('\n') ? lf.slice(0, -1) : lf;
  const segments: (string | StaticCall)[] = [];
  let pos = 0;
  for (;;) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      segments.push(source.slice(pos));
      break;
    }
    const close = source.indexOf('}}', open + 2);
    if (close < 0) return undefined;
    segments.push(source.slice(pos, open));
    const inner = source.slice(open + 2, close);
    if (inner.startsWith('-') || inner.endsWith('-')) return undefined;
    const call = parseCall(inner.trim());
    if (!call) return undefined;
    segments.push(call);
    pos = close + 2;
  }
  return { segments };
}

/** Renders static segments, calling `call` for each call and printing values as Python's str() does. */
export function renderStatic(analysis: StaticAnalysis, call: (c: StaticCall) => unknown): string {
  let out = '';
  for (const seg of analysis.segments) {
    if (typeof seg === 'string') out += seg;
    else out += str(call(seg));
  }
  return out;
}

function parseCall(expr: string): StaticCall | undefined {
  if (expr === 'this') return { fn: 'this', args: [], kwargs: {} };
  const m = /^([a-z_]+)\s*\(/.exec(expr);
  if (!m || !STATIC_FNS.has(m[1]!) || !expr.endsWith(')')) return undefined;
  const p = new LiteralParser(expr, m[0].length);
  const args: Literal[] = [];
  const kwargs: Record<string, Literal> = {};
  p.ws();
  if (p.peek() === ')') {
    p.i++;
  } else {
    for (;;) {
      p.ws();
      KEYWORD.lastIndex = p.i;
      const kw = KEYWORD.exec(expr);
      if (kw) {
        p.i += kw[0].length;
        const v = p.value();
        if (v === undefined) return undefined;
        kwargs[kw[1]!] = v;
      } else {
        if (Object.keys(kwargs).length) return undefined;
        const v = p.value();
        if (v === undefined) return undefined;
        args.push(v);
      }
      p.ws();
      const c = p.peek();
      p.i++;
      if (c === ')') break;
      if (c !== ',') return undefined;
      p.ws();
      if (p.peek() === ')') {
        p.i++;
        break;
      }
    }
  }
  if (p.i !== expr.length) return undefined;
  return { fn: m[1] as StaticCall['fn'], args, kwargs };
}

/** `name =` (not `==`) at the parser's position (sticky: matched where lastIndex is, no copy of the rest). */
const KEYWORD = /([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/y;
/** A number or a Python/Jinja constant at the parser's position. */
const SCALAR = /(-?\d+(\.\d+)?|True|False|None|true|false|none)\b/y;

class LiteralParser {
  constructor(
    readonly s: string,
    public i: number,
  ) {}
  peek(): string {
    return this.s[this.i] ?? '';
  }
  ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      // ASCII blanks at once; anything else JavaScript calls whitespace through the regex
      if (c === 32 || c === 10 || c === 9 || c === 13 || (c > 127 && /\s/.test(this.s[this.i]!))) this.i++;
      else return;
    }
  }
  value(): Literal | undefined {
    this.ws();
    const c = this.peek();
    if (c === "'" || c === '"') return this.string(c);
    if (c === '[') return this.list();
    if (c === '{') return this.dict();
    SCALAR.lastIndex = this.i;
    const m = SCALAR.exec(this.s);
    if (!m) return undefined;
    this.i += m[0].length;
    const t = m[0];
    if (t === 'True' || t === 'true') return true;
    if (t === 'False' || t === 'false') return false;
    if (t === 'None' || t === 'none') return null;
    // an integral float (1.0) is a float to the engine and prints "1.0": leave it to the engine
    if (t.includes('.') && Number.isInteger(Number(t))) return undefined;
    return Number(t);
  }
  string(q: string): string | undefined {
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === q) return out;
      // escapes (Python's, with unknown ones kept) are left to the engine's lexer
      if (c === '\\') return undefined;
      out += c;
    }
    return undefined;
  }
  list(): Literal[] | undefined {
    this.i++;
    const out: Literal[] = [];
    for (;;) {
      this.ws();
      if (this.peek() === ']') {
        this.i++;
        return out;
      }
      const v = this.value();
      if (v === undefined) return undefined;
      out.push(v);
      this.ws();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== ']') return undefined;
    }
  }
  dict(): Record<string, Literal> | undefined {
    this.i++;
    const out: Record<string, Literal> = {};
    for (;;) {
      this.ws();
      if (this.peek() === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      if (typeof k !== 'string') return undefined;
      this.ws();
      if (this.peek() !== ':') return undefined;
      this.i++;
      const v = this.value();
      if (v === undefined) return undefined;
      out[k] = v;
      this.ws();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== '}') return undefined;
    }
  }
}
