/**
 * Python's methods on str, list, tuple, dict, int and float, as dbt code calls them
 * (`name.endswith('_id')`, `cols.append(c)`, `config.items()`, `'{}_{}'.format(a, b)`).
 *
 * A method is `(self, args) => result`; `args` follows the call convention of templates (positional
 * values, then optionally one object of keyword arguments marked `__keywords`). Methods that
 * Python returns None from return `null`, so `{{ list.append(1) }}` prints `None` as in Jinja2.
 */
import { typeError, valueError } from './errors.js';
import { strFormat } from './format.js';
import { chars, compare, eq, iterate, len, sliceIndices } from './operators.js';
import { repr } from './repr.js';
import { dictKey, isPlainDict, isTuple, PyFloat, tuple, typeName, VIEW } from './value.js';

export type Method = (self: any, args: unknown[]) => unknown;

/** Splits template call arguments into positional values and keyword arguments. */
export function splitArgs(args: readonly unknown[]): { pos: unknown[]; kw: Record<string, unknown> | undefined } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && Object.hasOwn(last, '__keywords')) {
    const { __keywords: _, ...kw } = last as Record<string, unknown>;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args as unknown[], kw: undefined };
}

/**
 * Binds arguments to a signature: `names` in order; `required` of them must be given. Returns the
 * values by position (undefined where not given).
 */
export function bind(fn: string, names: readonly string[], required: number, args: readonly unknown[]): unknown[] {
  const { pos, kw } = splitArgs(args);
  if (pos.length > names.length) throw typeError(`${fn}() takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${pos.length} given)`);
  const out: unknown[] = pos.slice();
  const given = new Array<boolean>(names.length).fill(false);
  for (let i = 0; i < pos.length; i++) given[i] = true;
  if (kw) {
    for (const [k, v] of Object.entries(kw)) {
      const i = names.indexOf(k);
      if (i < 0) throw typeError(`${fn}() got an unexpected keyword argument '${k}'`);
      if (given[i]) throw typeError(`${fn}() got multiple values for argument '${k}'`);
      out[i] = v;
      given[i] = true;
    }
  }
  for (let i = 0; i < required; i++) if (!given[i]) throw typeError(`${fn}() missing required argument '${names[i]}'`);
  out.length = names.length;
  return out;
}

const none = (v: unknown) => v === undefined || v === null;

function needStr(fn: string, v: unknown): string {
  if (typeof v !== 'string') throw typeError(`${fn}() argument must be str, not ${typeName(v)}`);
  return v;
}

function optInt(fn: string, v: unknown, dflt: number): number {
  if (none(v)) return dflt;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer (in ${fn}())`);
  return v;
}

/** Python's whitespace for str.split()/strip() without arguments. */
const WS = ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const isWs = (c: string) => WS.includes(c);

function stripChars(s: string, chars: unknown, left: boolean, right: boolean, fn: string): string {
  const set = none(chars) ? undefined : needStr(fn, chars);
  const strip = set === undefined ? isWs : (c: string) => set.includes(c);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s[a]!)) a++;
  if (right) while (b > a && strip(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** The substring s[start:end] as Python's find/count/startswith see it, with its offset. */
function window(s: string, start: unknown, end: unknown): [string, number] {
  const [a, b] = sliceIndices(s.length, start ?? null, end ?? null, 1);
  return a <= b ? [s.slice(a, b), a] : ['', a];
}

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && isWs(s[i]!)) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(i));
      break;
    }
    let j = i;
    while (j < n && !isWs(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function rsplitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let j = s.length;
  while (j > 0) {
    while (j > 0 && isWs(s[j - 1]!)) j--;
    if (j <= 0) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(0, j));
      break;
    }
    let i = j;
    while (i > 0 && !isWs(s[i - 1]!)) i--;
    out.push(s.slice(i, j));
    j = i;
  }
  return out.reverse();
}

const cased = (c: string) => c.toLowerCase() !== c.toUpperCase();

function title(s: string): string {
  let out = '';
  let prevCased = false;
  for (const c of s) {
    if (cased(c)) {
      out += prevCased ? c.toLowerCase() : c.toUpperCase();
      prevCased = true;
    } else {
      out += c;
      prevCased = false;
    }
  }
  return out;
}

function caseTest(s: string, upper: boolean): boolean {
  let any = false;
  for (const c of s) {
    if (!cased(c)) continue;
    any = true;
    if (upper ? c !== c.toUpperCase() : c !== c.toLowerCase()) return false;
  }
  return any;
}

function affixTest(fn: string, s: string, affix: unknown, start: unknown, end: unknown, atStart: boolean): boolean {
  const [w] = window(s, start, end);
  const options = isTuple(affix) ? affix : [affix];
  for (const a of options) {
    if (typeof a !== 'string') throw typeError(`${fn} first arg must be str or a tuple of str, not ${typeName(a)}`);
    if (atStart ? w.startsWith(a) : w.endsWith(a)) return true;
  }
  return false;
}

function pad(s: string, width: number, fill: unknown, fn: string, where: 'left' | 'right' | 'center'): string {
  const f = none(fill) ? ' ' : needStr(fn, fill);
  if ([...f].length !== 1) throw typeError('The fill character must be exactly one character long');
  const n = [...s].length;
  if (width <= n) return s;
  const marg = width - n;
  if (where === 'left') return f.repeat(marg) + s;
  if (where === 'right') return s + f.repeat(marg);
  // CPython's split of the margin: the odd character goes left when both margin and width are odd
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return f.repeat(left) + s + f.repeat(marg - left);
}

function index(fn: string, found: number): number {
  if (found < 0) throw valueError(`substring not found (in str.${fn}())`);
  return found;
}

const LINE_BREAKS = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;

export const STR_METHODS: Record<string, Method> = {
  capitalize: (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  casefold: (s: string) => s.toUpperCase().toLowerCase(),
  center: (s: string, a) => {
    const [w, f] = bind('center', ['width', 'fillchar'], 1, a);
    return pad(s, optInt('center', w, 0), f, 'center', 'center');
  },
  count: (s: string, a) => {
    const [sub, start, end] = bind('count', ['sub', 'start', 'end'], 1, a);
    const [w] = window(s, start, end);
    const t = needStr('count', sub);
    if (!t) return len(w) + 1;
    return w.split(t).length - 1;
  },
  endswith: (s: string, a) => {
    const [x, start, end] = bind('endswith', ['suffix', 'start', 'end'], 1, a);
    return affixTest('endswith', s, x, start, end, false);
  },
  expandtabs: (s: string, a) => {
    const [size] = bind('expandtabs', ['tabsize'], 0, a);
    const n = optInt('expandtabs', size, 8);
    let col = 0;
    let out = '';
    for (const c of s) {
      if (c === '\t') {
        const k = n > 0 ? n - (col % n) : 0;
        out += ' '.repeat(k);
        col += k;
      } else {
        out += c;
        col = c === '\n' || c === '\r' ? 0 : col + 1;
      }
    }
    return out;
  },
  find: (s: string, a) => {
    const [sub, start, end] = bind('find', ['sub', 'start', 'end'], 1, a);
    const [w, off] = window(s, start, end);
    const i = w.indexOf(needStr('find', sub));
    return i < 0 ? -1 : i + off;
  },
  format: (s: string, a) => {
    const { pos, kw } = splitArgs(a);
    return strFormat(s, pos, kw ?? {}, formatGetattr, formatGetitem);
  },
  format_map: (s: string, a) => {
    const [m] = bind('format_map', ['mapping'], 1, a);
    return strFormat(s, [], isPlainDict(m) ? m : {}, formatGetattr, formatGetitem);
  },
  index: (s: string, a) => index('index', STR_METHODS['find']!(s, a) as number),
  isalnum: (s: string) => /^[\p{L}\p{N}]+$/u.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isascii: (s: string) => /^[\x00-\x7f]*$/.test(s),
  isdecimal: (s: string) => /^\p{Nd}+$/u.test(s),
  isdigit: (s: string) => /^[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u2468]+$/u.test(s),
  isidentifier: (s: string) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s),
  islower: (s: string) => caseTest(s, false),
  isnumeric: (s: string) => /^\p{N}+$/u.test(s),
  isprintable: (s: string) => !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u.test(s),
  isspace: (s: string) => s.length > 0 && [...s].every(isWs),
  istitle: (s: string) => [...s].some(cased) && title(s) === s,
  isupper: (s: string) => caseTest(s, true),
  join: (s: string, a) => {
    const [items] = bind('join', ['iterable'], 1, a);
    const parts = iterate(items);
    parts.forEach((p, i) => {
      if (typeof p !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(p)} found`);
    });
    return parts.join(s);
  },
  ljust: (s: string, a) => {
    const [w, f] = bind('ljust', ['width', 'fillchar'], 1, a);
    return pad(s, optInt('ljust', w, 0), f, 'ljust', 'right');
  },
  lower: (s: string) => s.toLowerCase(),
  lstrip: (s: string, a) => stripChars(s, bind('lstrip', ['chars'], 0, a)[0], true, false, 'lstrip'),
  partition: (s: string, a) => {
    const sep = needStr('partition', bind('partition', ['sep'], 1, a)[0]);
    if (!sep) throw valueError('empty separator');
    const i = s.indexOf(sep);
    return i < 0 ? tuple([s, '', '']) : tuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s: string, a) => {
    const p = needStr('removeprefix', bind('removeprefix', ['prefix'], 1, a)[0]);
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s: string, a) => {
    const p = needStr('removesuffix', bind('removesuffix', ['suffix'], 1, a)[0]);
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  replace: (s: string, a) => {
    const [o, n, c] = bind('replace', ['old', 'new', 'count'], 2, a);
    const old = needStr('replace', o);
    const neu = needStr('replace', n);
    let count = optInt('replace', c, -1);
    if (count < 0) {
      if (old) return s.split(old).join(neu);
      count = Infinity;
    }
    if (!old) {
      // inserted before every character and at the end, up to count times
      const cs = chars(s);
      let out = '';
      let k = 0;
      for (let i = 0; i <= cs.length; i++) {
        if (k < count) {
          out += neu;
          k++;
        }
        if (i < cs.length) out += cs[i];
      }
      return out;
    }
    let out = '';
    let from = 0;
    for (let k = 0; k < count; k++) {
      const i = s.indexOf(old, from);
      if (i < 0) break;
      out += s.slice(from, i) + neu;
      from = i + old.length;
    }
    return out + s.slice(from);
  },
  rfind: (s: string, a) => {
    const [sub, start, end] = bind('rfind', ['sub', 'start', 'end'], 1, a);
    const [w, off] = window(s, start, end);
    const i = w.lastIndexOf(needStr('rfind', sub));
    return i < 0 ? -1 : i + off;
  },
  rindex: (s: string, a) => index('rindex', STR_METHODS['rfind']!(s, a) as number),
  rjust: (s: string, a) => {
    const [w, f] = bind('rjust', ['width', 'fillchar'], 1, a);
    return pad(s, optInt('rjust', w, 0), f, 'rjust', 'left');
  },
  rpartition: (s: string, a) => {
    const sep = needStr('rpartition', bind('rpartition', ['sep'], 1, a)[0]);
    if (!sep) throw valueError('empty separator');
    const i = s.lastIndexOf(sep);
    return i < 0 ? tuple(['', '', s]) : tuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rsplit: (s: string, a) => {
    const [sep, max] = bind('rsplit', ['sep', 'maxsplit'], 0, a);
    const m = optInt('rsplit', max, -1);
    if (none(sep)) return rsplitWhitespace(s, m);
    const t = needStr('rsplit', sep);
    if (!t) throw valueError('empty separator');
    const parts = s.split(t);
    if (m < 0 || parts.length - 1 <= m) return parts;
    return [parts.slice(0, parts.length - m).join(t), ...parts.slice(parts.length - m)];
  },
  rstrip: (s: string, a) => stripChars(s, bind('rstrip', ['chars'], 0, a)[0], false, true, 'rstrip'),
  split: (s: string, a) => {
    const [sep, max] = bind('split', ['sep', 'maxsplit'], 0, a);
    const m = optInt('split', max, -1);
    if (none(sep)) return splitWhitespace(s, m);
    const t = needStr('split', sep);
    if (!t) throw valueError('empty separator');
    const parts = s.split(t);
    if (m < 0 || parts.length - 1 <= m) return parts;
    return [...parts.slice(0, m), parts.slice(m).join(t)];
  },
  splitlines: (s: string, a) => {
    const [keep] = bind('splitlines', ['keepends'], 0, a);
    const out: string[] = [];
    let from = 0;
    LINE_BREAKS.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = LINE_BREAKS.exec(s))) {
      out.push(s.slice(from, keep ? m.index + m[0].length : m.index));
      from = m.index + m[0].length;
    }
    if (from < s.length) out.push(s.slice(from));
    return out;
  },
  startswith: (s: string, a) => {
    const [x, start, end] = bind('startswith', ['prefix', 'start', 'end'], 1, a);
    return affixTest('startswith', s, x, start, end, true);
  },
  strip: (s: string, a) => stripChars(s, bind('strip', ['chars'], 0, a)[0], true, true, 'strip'),
  swapcase: (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s: string) => title(s),
  upper: (s: string) => s.toUpperCase(),
  zfill: (s: string, a) => {
    const w = optInt('zfill', bind('zfill', ['width'], 1, a)[0], 0);
    const n = [...s].length;
    if (w <= n) return s;
    const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
    return sign + '0'.repeat(w - n) + s.slice(sign.length);
  },
};

// ------------------------------------------------------------------------------------------------
// list and tuple

function listIndex(fn: string, list: unknown[], i: unknown, dflt: number): number {
  return optInt(fn, i, dflt);
}

function sortKey(key: unknown, call: (fn: unknown, args: unknown[]) => unknown): ((v: unknown) => unknown) | undefined {
  if (none(key)) return undefined;
  return (v) => call(key, [v]);
}

/** Python's stable sort by `<`, raising TypeError between incomparable types. */
export function pySort(items: unknown[], key?: (v: unknown) => unknown, reverse = false): unknown[] {
  const keyed = items.map((v, i) => ({ k: key ? key(v) : v, v, i }));
  keyed.sort((a, b) => {
    const r = compare('<', a.k, b.k) ? -1 : compare('<', b.k, a.k) ? 1 : 0;
    return (reverse ? -r : r) || a.i - b.i;
  });
  return keyed.map((e) => e.v);
}

export function makeListMethods(call: (fn: unknown, args: unknown[]) => unknown): Record<string, Method> {
  return {
    append: (l: unknown[], a) => {
      l.push(bind('append', ['object'], 1, a)[0]);
      return null;
    },
    clear: (l: unknown[]) => {
      l.length = 0;
      return null;
    },
    copy: (l: unknown[]) => l.slice(),
    count: (l: unknown[], a) => {
      const [x] = bind('count', ['value'], 1, a);
      return l.filter((v) => eq(v, x)).length;
    },
    extend: (l: unknown[], a) => {
      for (const v of iterate(bind('extend', ['iterable'], 1, a)[0])) l.push(v);
      return null;
    },
    index: (l: unknown[], a) => {
      const [x, start, end] = bind('index', ['value', 'start', 'end'], 1, a);
      const [s, e] = sliceIndices(l.length, start ?? null, end ?? null, 1);
      for (let i = s; i < e; i++) if (eq(l[i], x)) return i;
      throw valueError(`${repr(x)} is not in list`);
    },
    insert: (l: unknown[], a) => {
      const [i, x] = bind('insert', ['index', 'object'], 2, a);
      let k = listIndex('insert', l, i, 0);
      if (k < 0) k = Math.max(0, k + l.length);
      l.splice(Math.min(k, l.length), 0, x);
      return null;
    },
    pop: (l: unknown[], a) => {
      const [i] = bind('pop', ['index'], 0, a);
      if (!l.length) throw valueError('pop from empty list');
      let k = listIndex('pop', l, i, -1);
      if (k < 0) k += l.length;
      if (k < 0 || k >= l.length) throw valueError('pop index out of range');
      return l.splice(k, 1)[0];
    },
    remove: (l: unknown[], a) => {
      const [x] = bind('remove', ['value'], 1, a);
      const i = l.findIndex((v) => eq(v, x));
      if (i < 0) throw valueError('list.remove(x): x not in list');
      l.splice(i, 1);
      return null;
    },
    reverse: (l: unknown[]) => {
      l.reverse();
      return null;
    },
    sort: (l: unknown[], a) => {
      const { pos, kw } = splitArgs(a);
      if (pos.length) throw typeError('sort() takes no positional arguments');
      const [key, reverse] = bind('sort', ['key', 'reverse'], 0, [{ ...kw, __keywords: true }]);
      const sorted = pySort(l, sortKey(key, call), !!reverse);
      for (let i = 0; i < sorted.length; i++) l[i] = sorted[i];
      return null;
    },
  };
}

/** Tuples have only count and index. */
export const TUPLE_METHOD_NAMES = new Set(['count', 'index']);

// ------------------------------------------------------------------------------------------------
// dict (plain objects; Maps too)

function view<T>(items: T[], kind: string): T[] {
  (items as unknown as Record<symbol, string>)[VIEW] = kind;
  return items;
}

function keyError(k: unknown): Error {
  return valueError(`KeyError: ${repr(k)}`);
}

export const DICT_METHODS: Record<string, Method> = {
  clear: (d: Record<string, unknown>) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
  copy: (d: Record<string, unknown>) => ({ ...d }),
  get: (d: Record<string, unknown>, a) => {
    const [k, dflt] = bind('get', ['key', 'default'], 1, a);
    const key = dictKey(k);
    return Object.hasOwn(d, key) ? d[key] : dflt === undefined ? null : dflt;
  },
  items: (d: Record<string, unknown>) => view(Object.entries(d).map((e) => tuple(e)), 'dict_items'),
  keys: (d: Record<string, unknown>) => view(Object.keys(d), 'dict_keys'),
  pop: (d: Record<string, unknown>, a) => {
    const { pos } = splitArgs(a);
    const [k, dflt] = bind('pop', ['key', 'default'], 1, a);
    const key = dictKey(k);
    if (Object.hasOwn(d, key)) {
      const v = d[key];
      delete d[key];
      return v;
    }
    if (pos.length < 2) throw keyError(k);
    return dflt;
  },
  popitem: (d: Record<string, unknown>) => {
    const keys = Object.keys(d);
    if (!keys.length) throw valueError("KeyError: 'popitem(): dictionary is empty'");
    const k = keys[keys.length - 1]!;
    const v = d[k];
    delete d[k];
    return tuple([k, v]);
  },
  setdefault: (d: Record<string, unknown>, a) => {
    const [k, dflt] = bind('setdefault', ['key', 'default'], 1, a);
    const key = dictKey(k);
    if (!Object.hasOwn(d, key)) setKey(d, key, dflt === undefined ? null : dflt);
    return d[key];
  },
  update: (d: Record<string, unknown>, a) => {
    const { pos, kw } = splitArgs(a);
    if (pos.length > 1) throw typeError(`update expected at most 1 argument, got ${pos.length}`);
    const other = pos[0];
    if (other !== undefined && other !== null) {
      if (isPlainDict(other)) for (const [k, v] of Object.entries(other)) setKey(d, k, v);
      else if (other instanceof Map) for (const [k, v] of other) setKey(d, dictKey(k), v);
      else {
        for (const item of iterate(other)) {
          const pair = iterate(item);
          if (pair.length !== 2) throw valueError(`dictionary update sequence element has length ${pair.length}; 2 is required`);
          setKey(d, dictKey(pair[0]), pair[1]);
        }
      }
    } else if (other === null) throw typeError("'NoneType' object is not iterable");
    if (kw) for (const [k, v] of Object.entries(kw)) setKey(d, k, v);
    return null;
  },
  values: (d: Record<string, unknown>) => view(Object.values(d), 'dict_values'),
};

/** Sets a key of a plain-object dict (`__proto__` too, as an own property). */
export function setKey(d: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
  else d[key] = value;
}

/** The same methods on a Map (what JavaScript code may hand to a template as a dict). */
export const MAP_METHODS: Record<string, Method> = {
  clear: (m: Map<unknown, unknown>) => {
    m.clear();
    return null;
  },
  copy: (m: Map<unknown, unknown>) => new Map(m),
  get: (m: Map<unknown, unknown>, a) => {
    const [k, dflt] = bind('get', ['key', 'default'], 1, a);
    return m.has(k) ? m.get(k) : dflt === undefined ? null : dflt;
  },
  items: (m: Map<unknown, unknown>) => view([...m.entries()].map((e) => tuple(e)), 'dict_items'),
  keys: (m: Map<unknown, unknown>) => view([...m.keys()], 'dict_keys'),
  values: (m: Map<unknown, unknown>) => view([...m.values()], 'dict_values'),
  pop: (m: Map<unknown, unknown>, a) => {
    const { pos } = splitArgs(a);
    const [k, dflt] = bind('pop', ['key', 'default'], 1, a);
    if (m.has(k)) {
      const v = m.get(k);
      m.delete(k);
      return v;
    }
    if (pos.length < 2) throw keyError(k);
    return dflt;
  },
  setdefault: (m: Map<unknown, unknown>, a) => {
    const [k, dflt] = bind('setdefault', ['key', 'default'], 1, a);
    if (!m.has(k)) m.set(k, dflt === undefined ? null : dflt);
    return m.get(k);
  },
  update: (m: Map<unknown, unknown>, a) => {
    const { pos, kw } = splitArgs(a);
    const other = pos[0];
    if (isPlainDict(other)) for (const [k, v] of Object.entries(other)) m.set(k, v);
    else if (other instanceof Map) for (const [k, v] of other) m.set(k, v);
    else if (other !== undefined) for (const item of iterate(other)) {
      const [k, v] = iterate(item);
      m.set(k, v);
    }
    if (kw) for (const [k, v] of Object.entries(kw)) m.set(k, v);
    return null;
  },
};

// ------------------------------------------------------------------------------------------------
// numbers

/** Attributes of int and float values (`x.real`, `(2.0).is_integer()`). */
export function numberAttr(v: number | bigint | boolean | PyFloat, name: string): unknown {
  const isFloat = v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
  const n = v instanceof PyFloat ? v.value : typeof v === 'boolean' ? (v ? 1 : 0) : v;
  switch (name) {
    case 'real':
      return isFloat ? v : n;
    case 'imag':
      return isFloat ? new PyFloat(0) : 0;
    case 'numerator':
      return isFloat ? undefined : n;
    case 'denominator':
      return isFloat ? undefined : 1;
    case 'conjugate':
      return () => (isFloat ? v : n);
    case 'is_integer':
      return isFloat ? () => Number.isInteger(Number(n)) : undefined;
    case 'bit_length':
      return isFloat ? undefined : () => (typeof n === 'bigint' ? (n < 0n ? -n : n).toString(2).length - (n === 0n ? 1 : 0) : n === 0 ? 0 : Math.abs(Number(n)).toString(2).length);
  }
  return undefined;
}

// str.format's field lookups follow Python's getattr/getitem, not Jinja2's forgiving ones
function formatGetattr(obj: unknown, name: string): unknown {
  if (obj !== null && typeof obj === 'object' && name in obj && !name.startsWith('_')) return (obj as Record<string, unknown>)[name];
  throw valueError(`AttributeError: '${typeName(obj)}' object has no attribute '${name}'`);
}

function formatGetitem(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj) && typeof key === 'number') {
    if (key < obj.length) return obj[key];
    throw valueError('IndexError: list index out of range');
  }
  if (isPlainDict(obj)) {
    const k = dictKey(key);
    if (Object.hasOwn(obj, k)) return obj[k];
  }
  throw valueError(`KeyError: ${repr(key)}`);
}

