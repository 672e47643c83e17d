/**
 * `modules.re`: Python's re module on JavaScript regular expressions. Python's syntax is
 * translated where the two differ (`(?P<name>…)`, `(?P=name)`, `\A`, `\Z`, leading inline flags,
 * verbose mode), and the functions keep Python's meaning: `match` anchors at the start,
 * `fullmatch` at both ends, `sub` takes `\1`/`\g<name>` templates or a function, `split` counts
 * `maxsplit` as Python does, `findall` returns groups as tuples.
 */
import { tuple } from '../../../jinja/index.js';
import { kwargsOf } from '../kwargs.js';

export const FLAGS = { NOFLAG: 0, I: 2, IGNORECASE: 2, L: 4, LOCALE: 4, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, U: 32, UNICODE: 32, X: 64, VERBOSE: 64, DEBUG: 128, A: 256, ASCII: 256 } as const;

/** re.error: a pattern that does not compile. */
export class ReError extends Error {
  constructor(
    message: string,
    readonly pattern?: string,
  ) {
    super(message);
    this.name = 're.error';
  }
}

interface Translated {
  readonly source: string;
  readonly flags: number;
}

function translate(pattern: string, flags: number): Translated {
  let src = pattern;
  let f = flags;
  // leading global inline flags: (?imsx)
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(src); m; m = /^\(\?([aiLmsux]+)\)/.exec(src)) {
    for (const c of m[1]!) f |= { a: FLAGS.A, i: FLAGS.I, L: FLAGS.L, m: FLAGS.M, s: FLAGS.S, u: FLAGS.U, x: FLAGS.X }[c as 'a'] ?? 0;
    src = src.slice(m[0].length);
  }
  if (f & FLAGS.X) src = stripVerbose(src);
  // str patterns are Unicode in Python (\w, \d, \b match letters and digits of any script) unless
  // re.ASCII; $ also matches before a final newline (the JavaScript pattern runs with the u flag)
  const unicode = !(f & FLAGS.A);
  const WORD = '\\p{L}\\p{N}_';
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else if (unicode && n === 'w') out += inClass ? WORD : `[${WORD}]`;
      else if (unicode && n === 'W' && !inClass) out += `[^${WORD}]`;
      else if (unicode && n === 'd') out += '\\p{Nd}';
      else if (unicode && n === 'b' && !inClass) out += `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
      else if (unicode && n === 'B' && !inClass) out += `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
      // Python lets any punctuation be escaped; the u flag allows only syntax characters
      else if (n !== undefined && !/[A-Za-z0-9]/.test(n) && !(inClass ? /[\^$\\.*+?()[\]{}|/-]/ : /[\^$\\.*+?()[\]{}|/]/).test(n)) out += n;
      else out += c + (n ?? '');
      i++;
      continue;
    }
    // Python reads a brace that starts no {m}, {m,} or {m,n} quantifier, and a lone } or ], as
    // themselves; the u flag rejects them unescaped
    if (!inClass && c === '{') {
      const q = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length - 1;
      } else out += '\\{';
      continue;
    }
    if (!inClass && (c === '}' || c === ']')) {
      out += `\\${c}`;
      continue;
    }
    if (!inClass && c === '$' && !(f & FLAGS.M)) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += `\\${src[++i]}`;
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += c;
  }
  return { source: out, flags: f };
}

/** Verbose patterns: whitespace and `#` comments outside classes and escapes are not part of the pattern. */
function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

function jsFlags(f: number): string {
  return `${f & FLAGS.I ? 'i' : ''}${f & FLAGS.M ? 'm' : ''}${f & FLAGS.S ? 's' : ''}${f & FLAGS.A ? '' : 'u'}`;
}

export class PyMatch {
  readonly pos: number;
  readonly endpos: number;

  constructor(
    private readonly m: RegExpExecArray,
    readonly re: PyPattern,
    readonly string: string,
    pos: number,
    endpos: number,
  ) {
    this.pos = pos;
    this.endpos = endpos;
  }

  private index(g: unknown): number {
    if (typeof g === 'number') return g;
    const names = Object.keys(this.m.groups ?? {});
    const i = this.re.groupNames.indexOf(String(g));
    if (i < 0 || !names.includes(String(g))) throw new ReError(`no such group: ${String(g)}`);
    return this.re.groupNumbers[i]!;
  }

  /** `group()`, `group(1)`, `group('name')`, `group(1, 2)` (a tuple). */
  group(...groups: unknown[]): unknown {
    if (groups.length <= 1) return this.m[this.index(groups[0] ?? 0)] ?? null;
    return tuple(groups.map((g) => this.m[this.index(g)] ?? null));
  }
  groups(fallback: unknown = null): unknown[] {
    return tuple(this.m.slice(1).map((v) => v ?? fallback));
  }
  groupdict(fallback: unknown = null): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.m.groups ?? {}).map(([k, v]) => [k, v ?? fallback]));
  }
  start(g: unknown = 0): number {
    const i = this.index(g);
    if (i === 0) return this.m.index;
    const v = this.m[i];
    if (v === undefined) return -1;
    // without the d flag, a group's offset is found by searching within the whole match
    return this.m.index + this.m[0].indexOf(v);
  }
  end(g: unknown = 0): number {
    const s = this.start(g);
    const v = this.m[this.index(g)];
    return s < 0 || v === undefined ? -1 : s + v.length;
  }
  span(g: unknown = 0): [number, number] {
    return tuple([this.start(g), this.end(g)]) as [number, number];
  }
  get lastindex(): number | null {
    for (let i = this.m.length - 1; i > 0; i--) if (this.m[i] !== undefined) return i;
    return null;
  }
  get lastgroup(): string | null {
    const last = this.lastindex;
    const at = last === null ? -1 : this.re.groupNumbers.indexOf(last);
    return at < 0 ? null : this.re.groupNames[at]!;
  }
  /** `m[0]`, `m[1]`, `m['name']` as in Python (also reachable as `m.__getitem__(g)`). */
  __getitem__(g: unknown): unknown {
    return this.group(g);
  }
  expand(template: string): string {
    return expandTemplate(String(template), this);
  }
  toString(): string {
    return `<re.Match object; span=(${this.start()}, ${this.end()}), match='${this.m[0]}'>`;
  }
}

export class PyPattern {
  readonly pattern: string;
  readonly flags: number;
  readonly groups: number;
  /** Named groups and their numbers. */
  readonly groupNames: string[] = [];
  readonly groupNumbers: number[] = [];
  private readonly search_: RegExp;
  private readonly sticky: RegExp;
  private readonly full: RegExp;

  constructor(pattern: string, flags = 0) {
    this.pattern = String(pattern);
    const t = translate(this.pattern, Number(flags) || 0);
    this.flags = t.flags;
    try {
      this.search_ = new RegExp(t.source, `g${jsFlags(t.flags)}`);
      this.sticky = new RegExp(t.source, `y${jsFlags(t.flags)}`);
      this.full = new RegExp(`(?:${t.source})(?![\\s\\S])`, `y${jsFlags(t.flags)}`);
    } catch (err) {
      throw new ReError(`bad pattern ${JSON.stringify(this.pattern)}: ${(err as Error).message}`, this.pattern);
    }
    this.groups = new RegExp(`${t.source}|`, jsFlags(t.flags)).exec('')!.length - 1;
    // number named groups by their position among all capturing groups
    let n = 0;
    const re = /\\.|\[(?:\\.|[^\]])*\]|\((\?(?:<([A-Za-z_]\w*)>|P<([A-Za-z_]\w*)>)|(?!\?))/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.pattern))) {
      if (m[0].startsWith('(')) {
        n++;
        const name = m[2] ?? m[3];
        if (name) {
          this.groupNames.push(name);
          this.groupNumbers.push(n);
        }
      }
    }
  }

  get groupindex(): Record<string, number> {
    return Object.fromEntries(this.groupNames.map((name, i) => [name, this.groupNumbers[i]!]));
  }

  private at(re: RegExp, s: string, pos: number, endpos?: number): PyMatch | null {
    const text = endpos === undefined || endpos === null ? s : s.slice(0, endpos);
    re.lastIndex = pos;
    const m = re.exec(text);
    return m ? new PyMatch(m, this, s, pos, text.length) : null;
  }

  match(string: unknown, pos: unknown = 0, endpos?: unknown): PyMatch | null {
    const kw = kwargsOf([string, pos, endpos], ['string', 'pos', 'endpos']);
    return this.at(this.sticky, String(kw['string']), Number(kw['pos'] ?? 0), kw['endpos'] as number | undefined);
  }
  fullmatch(string: unknown, pos: unknown = 0, endpos?: unknown): PyMatch | null {
    const kw = kwargsOf([string, pos, endpos], ['string', 'pos', 'endpos']);
    return this.at(this.full, String(kw['string']), Number(kw['pos'] ?? 0), kw['endpos'] as number | undefined);
  }
  search(string: unknown, pos: unknown = 0, endpos?: unknown): PyMatch | null {
    const kw = kwargsOf([string, pos, endpos], ['string', 'pos', 'endpos']);
    return this.at(this.search_, String(kw['string']), Number(kw['pos'] ?? 0), kw['endpos'] as number | undefined);
  }

  /** Every non-overlapping match, left to right (an empty match next to the previous one is skipped, as in Python). */
  finditer(string: unknown): PyMatch[] {
    const s = String(string);
    const out: PyMatch[] = [];
    const re = new RegExp(this.search_.source, this.search_.flags);
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      out.push(new PyMatch(m, this, s, 0, s.length));
      if (m[0] === '') re.lastIndex++;
    }
    return out;
  }

  findall(string: unknown): unknown[] {
    return this.finditer(string).map((m) => (this.groups === 0 ? m.group(0) : this.groups === 1 ? m.groups('')[0] : m.groups('')));
  }

  sub(...args: unknown[]): string {
    return this.subn(...args)[0];
  }

  subn(...args: unknown[]): [string, number] {
    const kw = kwargsOf(args, ['repl', 'string', 'count']);
    const s = String(kw['string']);
    const count = Number(kw['count'] ?? 0);
    const repl = kw['repl'];
    let out = '';
    let last = 0;
    let n = 0;
    for (const m of this.finditer(s)) {
      if (count > 0 && n >= count) break;
      out += s.slice(last, m.start()) + (typeof repl === 'function' ? String(repl(m) ?? '') : expandTemplate(String(repl), m));
      last = m.end();
      n++;
    }
    return [out + s.slice(last), n];
  }

  split(...args: unknown[]): unknown[] {
    const kw = kwargsOf(args, ['string', 'maxsplit']);
    const s = String(kw['string']);
    const max = Number(kw['maxsplit'] ?? 0);
    const out: unknown[] = [];
    let last = 0;
    let n = 0;
    for (const m of this.finditer(s)) {
      if (max > 0 && n >= max) break;
      out.push(s.slice(last, m.start()), ...m.groups());
      last = m.end();
      n++;
    }
    out.push(s.slice(last));
    return out;
  }

  toString(): string {
    return `re.compile(${JSON.stringify(this.pattern)})`;
  }
}

/** `\1`, `\g<1>`, `\g<name>` and Python's string escapes in a replacement template. */
function expandTemplate(template: string, m: PyMatch): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|([ntrfvab\\]))/g, (_, name: string | undefined, num: string | undefined, esc: string | undefined) => {
    if (name !== undefined) return String(m.group(/^\d+$/.test(name) ? Number(name) : name) ?? '');
    if (num !== undefined) return String(m.group(Number(num)) ?? '');
    return { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' }[esc as 'n'];
  });
}

/** `modules.re`. */
export function reModule(): Record<string, unknown> {
  const compile = (pattern: unknown, flags?: unknown) => (pattern instanceof PyPattern ? pattern : new PyPattern(String(pattern), Number(flags ?? 0)));
  const fn = (name: 'match' | 'fullmatch' | 'search', args: unknown[]) => {
    const kw = kwargsOf(args, ['pattern', 'string', 'flags']);
    return compile(kw['pattern'], kw['flags'])[name](kw['string']);
  };
  return {
    compile: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['pattern', 'flags']);
      return compile(kw['pattern'], kw['flags']);
    },
    match: (...a: unknown[]) => fn('match', a),
    fullmatch: (...a: unknown[]) => fn('fullmatch', a),
    search: (...a: unknown[]) => fn('search', a),
    findall: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['pattern', 'string', 'flags']);
      return compile(kw['pattern'], kw['flags']).findall(kw['string']);
    },
    finditer: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['pattern', 'string', 'flags']);
      return compile(kw['pattern'], kw['flags']).finditer(kw['string']);
    },
    sub: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['pattern', 'repl', 'string', 'count', 'flags']);
      return compile(kw['pattern'], kw['flags']).sub(kw['repl'], kw['string'], kw['count'] ?? 0);
    },
    subn: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['pattern', 'repl', 'string', 'count', 'flags']);
      return compile(kw['pattern'], kw['flags']).subn(kw['repl'], kw['string'], kw['count'] ?? 0);
    },
    split: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['pattern', 'string', 'maxsplit', 'flags']);
      return compile(kw['pattern'], kw['flags']).split(kw['string'], kw['maxsplit'] ?? 0);
    },
    /** Escapes every character that is not ASCII alphanumeric or `_`, as Python 3.7+ does for special ones. */
    escape: (s: unknown) => String(s).replace(/[.^$*+?{}[\]\\|()#&~\-\s]/g, (c) => (c === '\n' ? '\\\n' : `\\${c}`)),
    purge: () => null,
    error: ReError,
    Pattern: PyPattern,
    Match: PyMatch,
    ...FLAGS,
  };
}
