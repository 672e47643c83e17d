/**
 * Jinja2's lexer, producing tokens in the shape nunjucks' parser consumes (`{ type, value, lineno,
 * colno }`, 0-based positions). What differs from nunjucks' tokenizer, as Jinja2 3.1 lexes:
 *
 * - the template's one trailing newline is dropped (Jinja2's `keep_trailing_newline=False`, which dbt keeps);
 * - whitespace control (`{%-`, `-%}`, `{{-`, `-}}`, `{#-`, `-#}`) is applied here, and `{%+`/`{{+` are accepted;
 * - `{% raw %}...{% endraw %}` is lexed as text;
 * - `}}` and `%}` inside open brackets are operators (`{{ {'a': {'b': 1}} }}`);
 * - string literals take Python's escapes (`\x41`, `\u00e9`, octal, `\<newline>`), and an unknown
 *   escape keeps its backslash (`'\d'` is two characters), as Python's `unicode-escape` does;
 * - numbers: `1_000`, `0x1F`, `0o17`, `0b101`, `1e3`, `2.5e-3`; after a `.` only an integer (`x.0.1`);
 * - no regex literals (`r/.../`), no `===`; `null` is a name.
 */

export interface Token {
  readonly type: string;
  readonly value: string;
  readonly lineno: number;
  readonly colno: number;
}

/** Token types, named as nunjucks names them. */
export const T = {
  DATA: 'data',
  BLOCK_START: 'block-start',
  BLOCK_END: 'block-end',
  VARIABLE_START: 'variable-start',
  VARIABLE_END: 'variable-end',
  STRING: 'string',
  INT: 'int',
  FLOAT: 'float',
  NAME: 'symbol',
  OPERATOR: 'operator',
  LEFT_PAREN: 'left-paren',
  RIGHT_PAREN: 'right-paren',
  LEFT_BRACKET: 'left-bracket',
  RIGHT_BRACKET: 'right-bracket',
  LEFT_CURLY: 'left-curly',
  RIGHT_CURLY: 'right-curly',
  COMMA: 'comma',
  COLON: 'colon',
  TILDE: 'tilde',
  PIPE: 'pipe',
} as const;

const PUNCT: Record<string, string> = {
  '(': T.LEFT_PAREN,
  ')': T.RIGHT_PAREN,
  '[': T.LEFT_BRACKET,
  ']': T.RIGHT_BRACKET,
  '{': T.LEFT_CURLY,
  '}': T.RIGHT_CURLY,
  ',': T.COMMA,
  ':': T.COLON,
  '~': T.TILDE,
  '|': T.PIPE,
};
const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Two-character operators first, then one-character ones (Jinja2's operator set). */
const OPERATORS2 = ['//', '**', '==', '!=', '<=', '>='];
const OPERATORS1 = '+-/*%~<>=.:|,;()[]{}';

const NUMBER_FLOAT = /(?:\d(?:_?\d)*)(?:(?:\.\d(?:_?\d)*)?[eE][+-]?\d(?:_?\d)*|\.\d(?:_?\d)*)/y;
const NUMBER_INT = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;
const WHITESPACE = /\s+/y;
const RAW_START = /\{%([-+]?)\s*raw\s*(-?)%\}/y;
const RAW_END = /\{%(-?)\s*endraw\s*(-?)%\}/g;

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly lineno: number,
    readonly colno: number,
  ) {
    super(message);
  }
}

/** Tokenizes a whole template up front; `nextToken()` hands tokens to the parser. */
export class JinjaLexer {
  /** nunjucks' parser reads the delimiters from here. */
  readonly tags = { BLOCK_START: '{%', BLOCK_END: '%}', VARIABLE_START: '{{', VARIABLE_END: '}}', COMMENT_START: '{#', COMMENT_END: '#}' };
  readonly tokens: Token[] = [];
  private pos = 0;
  private readonly src: string;
  private i = 0;
  private line = 0;
  private lineStart = 0;
  /** Strip whitespace at the start of the next data token (after a `-%}`, `-}}`, `-#}`). */
  private lstripNext = false;

  constructor(source: string) {
    // keep_trailing_newline=False: one trailing newline is not part of the template
    this.src = source.endsWith('\r\n') ? source.slice(0, -2) : source.endsWith('\n') || source.endsWith('\r') ? source.slice(0, -1) : source;
    this.tokenize();
  }

  nextToken(): Token | null {
    return this.tokens[this.pos++] ?? null;
  }

  /** The token `n` ahead of the next one, without consuming. */
  peek(n = 0): Token | null {
    return this.tokens[this.pos + n] ?? null;
  }

  get position(): number {
    return this.pos;
  }

  set position(p: number) {
    this.pos = p;
  }


  private fail(message: string, at = this.i): never {
    // count the line of `at` (it may be behind the current position)
    let line = 0;
    let start = 0;
    for (let k = 0; k < at; k++) if (this.src.charCodeAt(k) === 10) {
      line++;
      start = k + 1;
    }
    throw new TemplateSyntaxError(message, line, at - start);
  }

  /** Moves to `to`, counting newlines. */
  private advance(to: number): void {
    const s = this.src;
    for (let k = this.i; k < to; k++) {
      if (s.charCodeAt(k) === 10) {
        this.line++;
        this.lineStart = k + 1;
      }
    }
    this.i = to;
  }

  private push(type: string, value: string, at: number, line = this.line, lineStart = this.lineStart): void {
    this.tokens.push({ type, value, lineno: line, colno: at - lineStart });
  }

  private tokenize(): void {
    const s = this.src;
    while (this.i < s.length) {
      const open = this.findOpen(this.i);
      const end = open < 0 ? s.length : open;
      this.data(this.i, end, open >= 0 && s[open + 2] === '-');
      if (open < 0) break;
      const kind = s[open + 1];
      if (kind === '%' && this.raw(open)) continue;
      const marker = s[open + 2];
      const bodyStart = open + 2 + (marker === '-' || marker === '+' ? 1 : 0);
      if (kind === '#') this.comment(open, bodyStart);
      else this.code(open, bodyStart, kind === '{' ? 'variable' : 'block');
    }
  }

  private findOpen(from: number): number {
    const s = this.src;
    for (let k = s.indexOf('{', from); k >= 0 && k < s.length - 1; k = s.indexOf('{', k + 1)) {
      const c = s[k + 1];
      if (c === '{' || c === '%' || c === '#') return k;
    }
    return -1;
  }

  /** Text from `from` to `to`; `rstrip` when the next tag starts with `-`. */
  private data(from: number, to: number, rstrip: boolean): void {
    let text = this.src.slice(from, to);
    const line = this.line;
    const lineStart = this.lineStart;
    let at = from;
    if (this.lstripNext) {
      const t = text.replace(/^\s+/, '');
      at += text.length - t.length;
      text = t;
      this.lstripNext = false;
    }
    if (rstrip) text = text.replace(/\s+$/, '');
    // position of the first kept character
    let l = line;
    let ls = lineStart;
    for (let k = from; k < at; k++) if (this.src.charCodeAt(k) === 10) {
      l++;
      ls = k + 1;
    }
    if (text) this.push(T.DATA, text, at, l, ls);
    this.advance(to);
  }

  /** `{% raw %}...{% endraw %}` at `open`: its content becomes a data token. */
  private raw(open: number): boolean {
    RAW_START.lastIndex = open;
    const m = RAW_START.exec(this.src);
    if (!m) return false;
    RAW_END.lastIndex = open + m[0].length;
    const e = RAW_END.exec(this.src);
    if (!e) this.fail('missing end of raw directive', open);
    let text = this.src.slice(open + m[0].length, e.index);
    if (m[2] === '-') text = text.replace(/^\s+/, '');
    if (e[1] === '-') text = text.replace(/\s+$/, '');
    this.lstripNext = false;
    this.advance(open + m[0].length);
    if (text) this.push(T.DATA, text, this.i);
    this.advance(e.index + e[0].length);
    this.lstripNext = e[2] === '-';
    return true;
  }

  private comment(open: number, bodyStart: number): void {
    const close = this.src.indexOf('#}', bodyStart);
    if (close < 0) this.fail('missing end of comment tag', open);
    this.lstripNext = this.src[close - 1] === '-' && close - 1 >= bodyStart;
    this.advance(close + 2);
  }

  /** The inside of `{{ ... }}` or `{% ... %}`. */
  private code(open: number, bodyStart: number, kind: 'variable' | 'block'): void {
    const s = this.src;
    const startType = kind === 'variable' ? T.VARIABLE_START : T.BLOCK_START;
    const endType = kind === 'variable' ? T.VARIABLE_END : T.BLOCK_END;
    const endDelim = kind === 'variable' ? '}}' : '%}';
    this.push(startType, s.slice(open, bodyStart), open);
    this.advance(bodyStart);
    const balance: string[] = [];
    let prevDot = false;
    for (;;) {
      if (this.i >= s.length) this.fail(`unexpected end of template: missing '${endDelim}'`, open);
      WHITESPACE.lastIndex = this.i;
      const ws = WHITESPACE.exec(s);
      if (ws) {
        this.advance(this.i + ws[0].length);
        prevDot = false;
        continue;
      }
      const at = this.i;
      const c = s[at]!;
      // the end of the tag, only when brackets are balanced
      if (!balance.length) {
        if (c === '-' && s.startsWith(endDelim, at + 1)) {
          this.push(endType, `-${endDelim}`, at);
          this.advance(at + 3);
          this.lstripNext = true;
          return;
        }
        if (s.startsWith(endDelim, at)) {
          this.push(endType, endDelim, at);
          this.advance(at + 2);
          return;
        }
      }
      if (c === '"' || c === "'") {
        this.push(T.STRING, this.string(at, c), at);
        prevDot = false;
        continue;
      }
      if (c >= '0' && c <= '9') {
        let m: RegExpExecArray | null = null;
        if (!prevDot) {
          NUMBER_FLOAT.lastIndex = at;
          m = NUMBER_FLOAT.exec(s);
          if (m) {
            this.push(T.FLOAT, m[0].replace(/_/g, ''), at);
            this.advance(at + m[0].length);
            continue;
          }
        }
        NUMBER_INT.lastIndex = at;
        m = NUMBER_INT.exec(s);
        if (m) {
          this.push(T.INT, m[0].replace(/_/g, ''), at);
          this.advance(at + m[0].length);
          prevDot = false;
          continue;
        }
      }
      NAME.lastIndex = at;
      const name = NAME.exec(s);
      if (name) {
        this.push(T.NAME, name[0], at);
        this.advance(at + name[0].length);
        prevDot = false;
        continue;
      }
      const two = s.slice(at, at + 2);
      const op = OPERATORS2.includes(two) ? two : OPERATORS1.includes(c) ? c : undefined;
      if (op === undefined) this.fail(`unexpected char ${JSON.stringify(c)} at ${at}`, at);
      if (op === '(' || op === '[' || op === '{') balance.push(op);
      else if (op === ')' || op === ']' || op === '}') {
        const want = CLOSING[op];
        if (!balance.length) this.fail(`unexpected '${op}'`, at);
        const top = balance.pop();
        if (top !== want) this.fail(`unexpected '${op}', expected '${{ '(': ')', '[': ']', '{': '}' }[top!]}'`, at);
      }
      this.push(PUNCT[op] ?? T.OPERATOR, op, at);
      this.advance(at + op.length);
      prevDot = op === '.';
    }
  }

  /** A string literal at `at` (quote `q`), with Python's escapes. */
  private string(at: number, q: string): string {
    const s = this.src;
    let out = '';
    let k = at + 1;
    for (;;) {
      if (k >= s.length) this.fail('unexpected end of string', at);
      const c = s[k]!;
      if (c === q) break;
      if (c !== '\\') {
        out += c === '\r' ? (s[k + 1] === '\n' ? '' : '\n') : c;
        k++;
        continue;
      }
      const n = s[k + 1];
      k += 2;
      switch (n) {
        case undefined:
          this.fail('unexpected end of string', at);
          break;
        case '\n':
          break;
        case '\\':
        case "'":
        case '"':
          out += n;
          break;
        case 'a':
          out += '\x07';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          const width = n === 'x' ? 2 : n === 'u' ? 4 : 8;
          const hex = s.slice(k, k + width);
          if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail(`truncated \\${n}${'X'.repeat(width)} escape in string literal`, k - 2);
          out += String.fromCodePoint(parseInt(hex, 16));
          k += width;
          break;
        }
        case 'N':
          this.fail('\\N{...} escapes are not supported in template strings', k - 2);
          break;
        default:
          if (n >= '0' && n <= '7') {
            let digits = n;
            while (digits.length < 3 && s[k]! >= '0' && s[k]! <= '7') digits += s[k++];
            out += String.fromCodePoint(parseInt(digits, 8));
          } else out += `\\${n}`;
      }
    }
    this.advance(k + 1);
    return out;
  }
}
