/**
 * Jinja2 3.1's builtin filters, with Jinja2's signatures (positional or keyword arguments) and
 * semantics on the value model of python/value.ts. Installed on an environment by
 * {@link installJinjaFilters}; nunjucks' own filters that Jinja2 lacks (`dump`, `nl2br`) are removed.
 */
import { typeError, undefinedError, valueError } from './python/errors.js';
import { roundHalfEven } from './python/decimal.js';
import { percentFormat } from './python/format.js';
import { bind, pySort, splitArgs, STR_METHODS } from './python/methods.js';
import { chars, compare, eq, iterate, len } from './python/operators.js';
import { repr, str } from './python/repr.js';
import type { PyRuntime } from './python/runtime.js';
import { float, isDict, isPlainDict, PyDecimal, PyFloat, toNumber, truthy, tuple, typeName } from './python/value.js';

type Filter = (...args: unknown[]) => unknown;

/** What filters need from the environment they are installed in. */
export interface FilterEnvironment {
  readonly py: PyRuntime;
  filters: Record<string, Filter>;
  tests: Record<string, Filter>;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Installs every Jinja2 builtin filter on `env` (replacing nunjucks' versions). */
export function installJinjaFilters(env: FilterEnvironment): void {
  const py = env.py;
  const getattr = (o: unknown, name: string) => (py['getattr'] as (o: unknown, n: string, w?: string) => unknown)(o, name);
  const getitem = (o: unknown, key: unknown) => (py['getitem'] as (o: unknown, k: unknown, w?: string) => unknown)(o, key);
  const callTest = (name: string, args: unknown[]) => (py['test'] as (e: unknown, c: unknown, n: string, a: unknown[]) => boolean)(env, undefined, name, args);
  const callFilter = (name: string, args: unknown[]) => (py['filter'] as (e: unknown, c: unknown, n: string, a: unknown[]) => unknown)(env, undefined, name, args);

  /** Jinja2's attribute getter: `a.b.0` is looked up item by item (falling back to attributes). */
  const attrGetter = (attribute: unknown, opts: { lower?: boolean; default?: unknown } = {}) => {
    const parts = typeof attribute === 'string' ? attribute.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [attribute];
    return (item: unknown): unknown => {
      let v = item;
      for (const p of parts) v = getitem(v, p);
      if (v === undefined && opts.default !== undefined && opts.default !== null) v = opts.default;
      if (opts.lower && typeof v === 'string') v = v.toLowerCase();
      return v;
    };
  };
  const ignoreCase = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

  /** select/reject/selectattr/rejectattr: the test (or truthiness) for each item. */
  const selectOrReject = (name: string, args: unknown[], lookupAttr: boolean, keep: boolean): unknown[] => {
    const { pos, kw } = splitArgs(args);
    const [seq, ...rest] = pos;
    let get: (v: unknown) => unknown = (v) => v;
    let off = 0;
    if (lookupAttr) {
      if (rest.length < 1) throw typeError(`${name}() missing the attribute to test`);
      get = attrGetter(rest[0]);
      off = 1;
    }
    const testName = rest[off];
    const testArgs = rest.slice(off + 1);
    const kwArgs = kw ? [{ ...kw, __keywords: true }] : [];
    const check = testName === undefined ? (v: unknown) => truthy(v) : (v: unknown) => callTest(String(testName), [v, ...testArgs, ...kwArgs]);
    // Jinja2 iterates only a truthy sequence: `none | select(...)` is empty
    return (truthy(seq) ? iterate(seq) : []).filter((item) => check(get(item)) === keep);
  };

  const minmax = (name: string, args: unknown[], wantMax: boolean): unknown => {
    const [value, caseSensitive, attribute] = bind(name, ['value', 'case_sensitive', 'attribute'], 1, args);
    const items = iterate(value);
    if (!items.length) return undefined;
    const key = attribute !== undefined && attribute !== null ? attrGetter(attribute, { lower: !caseSensitive }) : caseSensitive ? (v: unknown) => v : ignoreCase;
    let best = items[0];
    let bestKey = key(best);
    for (const item of items.slice(1)) {
      const k = key(item);
      if (wantMax ? compare('>', k, bestKey) : compare('<', k, bestKey)) {
        best = item;
        bestKey = k;
      }
    }
    return best;
  };

  const filters: Record<string, Filter> = {
    abs: (...a) => {
      const [v] = bind('abs', ['x'], 1, a);
      if (typeof v === 'number') return Math.abs(v);
      if (v instanceof PyFloat) return new PyFloat(Math.abs(v.value));
      if (v instanceof PyDecimal) return v.__abs__();
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'bigint') return v < 0n ? -v : v;
      if (v === undefined) throw undefinedError(undefined, 'abs');
      throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
    },
    attr: (...a) => {
      const [obj, name] = bind('attr', ['obj', 'name'], 2, a);
      // attributes only, never items: a dict's keys are not attributes
      if (isPlainDict(obj) && Object.hasOwn(obj, String(name)) && typeof obj[String(name)] !== 'function') return undefined;
      return getattr(obj, String(name));
    },
    batch: (...a) => {
      const [value, linecount, fill] = bind('batch', ['value', 'linecount', 'fill_with'], 2, a);
      const n = Number(linecount);
      const out: unknown[][] = [];
      let tmp: unknown[] = [];
      for (const item of iterate(value)) {
        if (tmp.length === n) {
          out.push(tmp);
          tmp = [];
        }
        tmp.push(item);
      }
      if (tmp.length) {
        if (fill !== undefined && fill !== null) while (tmp.length < n) tmp.push(fill);
        out.push(tmp);
      }
      return out;
    },
    capitalize: (...a) => STR_METHODS['capitalize']!(str(bind('capitalize', ['s'], 1, a)[0]), []),
    center: (...a) => {
      const [v, width] = bind('center', ['value', 'width'], 1, a);
      return STR_METHODS['center']!(str(v), [width ?? 80]);
    },
    count: (...a) => len(bind('count', ['obj'], 1, a)[0]),
    d: (...a) => filters['default']!(...a),
    default: (...a) => {
      const [v, dflt, boolean] = bind('default', ['value', 'default_value', 'boolean'], 1, a);
      if (v === undefined || (truthy(boolean) && !truthy(v))) return dflt === undefined ? '' : dflt;
      return v;
    },
    dictsort: (...a) => {
      const [value, caseSensitive, by, reverse] = bind('dictsort', ['value', 'case_sensitive', 'by', 'reverse'], 1, a);
      const pos = by === undefined || by === 'key' ? 0 : by === 'value' ? 1 : -1;
      if (pos < 0) throw valueError("You can only sort by either 'key' or 'value'");
      const items = dictItems(value);
      return pySort(items, (item) => {
        const v = (item as unknown[])[pos];
        return caseSensitive ? v : ignoreCase(v);
      }, truthy(reverse));
    },
    e: (...a) => filters['escape']!(...a),
    escape: (...a) => escapeHtml(str(bind('escape', ['s'], 1, a)[0])),
    filesizeformat: (...a) => {
      const [value, binary] = bind('filesizeformat', ['value', 'binary'], 1, a);
      const bytes = Number(toNumber(value) ?? Number(value));
      const base = truthy(binary) ? 1024 : 1000;
      const prefixes = truthy(binary) ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
      if (bytes === 1) return '1 Byte';
      if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
      let unit = base;
      let prefix = prefixes[0]!;
      for (let i = 0; i < prefixes.length; i++) {
        unit = base ** (i + 2);
        prefix = prefixes[i]!;
        if (bytes < unit) break;
      }
      return `${percentFormat('%.1f', (base * bytes) / unit)} ${prefix}`;
    },
    first: (...a) => {
      const [seq] = bind('first', ['seq'], 1, a);
      const items = iterate(seq);
      return items.length ? items[0] : undefined;
    },
    float: (...a) => {
      const [value, dflt] = bind('float', ['value', 'default'], 1, a);
      const fallback = dflt === undefined ? new PyFloat(0) : dflt;
      const n = toFloat(value);
      return n === undefined ? fallback : float(n);
    },
    forceescape: (...a) => escapeHtml(str(bind('forceescape', ['value'], 1, a)[0])),
    format: (...a) => {
      const { pos, kw } = splitArgs(a);
      const [value, ...args] = pos;
      if (args.length && kw) throw typeError("can't handle positional and keyword arguments at the same time");
      return percentFormat(str(value), kw ?? tuple(args));
    },
    groupby: (...a) => {
      const [value, attribute, dflt, caseSensitive] = bind('groupby', ['value', 'attribute', 'default', 'case_sensitive'], 2, a);
      const key = attrGetter(attribute, { lower: !truthy(caseSensitive), default: dflt });
      const original = attrGetter(attribute, { default: dflt });
      const sorted = pySort(iterate(value), key);
      const groups: unknown[] = [];
      let current: unknown[] | undefined;
      let currentKey: unknown;
      for (const item of sorted) {
        const k = key(item);
        if (!current || !eq(k, currentKey)) {
          current = [];
          currentKey = k;
          groups.push(groupTuple(truthy(caseSensitive) ? k : original(item), current));
        }
        current.push(item);
      }
      return groups;
    },
    indent: (...a) => {
      const [s, width, first, blank] = bind('indent', ['s', 'width', 'first', 'blank'], 1, a);
      const indention = typeof width === 'string' ? width : ' '.repeat(Number(width ?? 4));
      const text = `${str(s)}\n`;
      const lines = STR_METHODS['splitlines']!(text, []) as string[];
      let rv: string;
      if (truthy(blank)) rv = lines.join(`\n${indention}`);
      else {
        rv = lines.shift() ?? '';
        if (lines.length) rv += `\n${lines.map((l) => (l ? indention + l : l)).join('\n')}`;
      }
      return truthy(first) ? indention + rv : rv;
    },
    int: (...a) => {
      const [value, dflt, base] = bind('int', ['value', 'default', 'base'], 1, a);
      const fallback = dflt === undefined ? 0 : dflt;
      if (value === undefined) throw undefinedError(undefined, 'int');
      const b = base === undefined ? 10 : Number(base);
      if (typeof value === 'string') {
        const parsed = parseIntText(value, b);
        if (parsed !== undefined) return parsed;
        const f = toFloat(value);
        return f === undefined || !Number.isFinite(f) ? fallback : Math.trunc(f);
      }
      if (value instanceof PyDecimal) return value.__int__();
      const n = toNumber(value);
      if (typeof value === 'bigint') return value;
      if (n === undefined || !Number.isFinite(n)) return fallback;
      return Math.trunc(n);
    },
    items: (...a) => {
      const [value] = bind('items', ['value'], 1, a);
      if (value === undefined) return [];
      if (!isDict(value)) throw typeError(`Can only get item pairs from a mapping, not ${typeName(value)}`);
      return dictItems(value);
    },
    join: (...a) => {
      const [value, d, attribute] = bind('join', ['value', 'd', 'attribute'], 1, a);
      let items = iterate(value);
      if (attribute !== undefined && attribute !== null) items = items.map(attrGetter(attribute));
      return items.map((v) => str(v)).join(d === undefined ? '' : str(d));
    },
    last: (...a) => {
      const [seq] = bind('last', ['seq'], 1, a);
      const items = iterate(seq);
      return items.length ? items[items.length - 1] : undefined;
    },
    length: (...a) => len(bind('length', ['obj'], 1, a)[0]),
    list: (...a) => iterate(bind('list', ['value'], 1, a)[0]).slice(),
    lower: (...a) => str(bind('lower', ['s'], 1, a)[0]).toLowerCase(),
    map: (...a) => {
      const { pos, kw } = splitArgs(a);
      const [value, ...rest] = pos;
      // Jinja2's map yields nothing for a falsy value (`none | map('lower')`), it does not fail
      const items = truthy(value) ? iterate(value) : [];
      if (!rest.length && kw && Object.hasOwn(kw, 'attribute')) {
        const { attribute, default: dflt, ...others } = kw;
        const extra = Object.keys(others);
        if (extra.length) throw typeError(`Unexpected keyword argument '${extra[0]}'`);
        return items.map(attrGetter(attribute, { default: dflt }));
      }
      if (!rest.length) throw typeError('map requires a filter argument');
      const [name, ...args] = rest;
      const kwArgs = kw ? [{ ...kw, __keywords: true }] : [];
      return items.map((item) => callFilter(String(name), [item, ...args, ...kwArgs]));
    },
    max: (...a) => minmax('max', a, true),
    min: (...a) => minmax('min', a, false),
    pprint: (...a) => repr(bind('pprint', ['value'], 1, a)[0]),
    random: (...a) => {
      const items = iterate(bind('random', ['seq'], 1, a)[0]);
      if (!items.length) return undefined;
      return items[Math.floor(Math.random() * items.length)];
    },
    reject: (...a) => selectOrReject('reject', a, false, false),
    rejectattr: (...a) => selectOrReject('rejectattr', a, true, false),
    replace: (...a) => {
      const [s, old, neu, count] = bind('replace', ['s', 'old', 'new', 'count'], 3, a);
      const args = count === undefined || count === null ? [str(old), str(neu)] : [str(old), str(neu), count];
      return STR_METHODS['replace']!(str(s), args);
    },
    reverse: (...a) => {
      const [value] = bind('reverse', ['value'], 1, a);
      if (typeof value === 'string') return chars(value).reverse().join('');
      return iterate(value).slice().reverse();
    },
    round: (...a) => {
      const [value, precision, method] = bind('round', ['value', 'precision', 'method'], 1, a);
      const m = method === undefined ? 'common' : method;
      if (m !== 'common' && m !== 'ceil' && m !== 'floor') throw valueError('method must be common, ceil or floor');
      const p = precision === undefined ? 0 : Number(precision);
      const n = toNumber(value);
      if (n === undefined) throw typeError(`type ${typeName(value)} doesn't define __round__ method`);
      // Python's round(Decimal, n) is a Decimal quantized half to even; floor/ceil go through math.floor: an int, then `/` a float
      if (m === 'common' && value instanceof PyDecimal) return value.__round__(p);
      if (m === 'common') {
        const isIntValue = typeof value === 'boolean' || typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
        // (Python's round of an int to tens, hundreds, ...: half to even, 25 -> 20, 35 -> 40)
        if (isIntValue) return p >= 0 ? (typeof value === 'boolean' ? Number(value) : value) : roundHalfEven(Number(n), p);
        return float(roundHalfEven(n, p));
      }
      const f = m === 'ceil' ? Math.ceil : Math.floor;
      return float(f(n * 10 ** p) / 10 ** p);
    },
    safe: (...a) => str(bind('safe', ['value'], 1, a)[0]),
    select: (...a) => selectOrReject('select', a, false, true),
    selectattr: (...a) => selectOrReject('selectattr', a, true, true),
    slice: (...a) => {
      const [value, slices, fill] = bind('slice', ['value', 'slices', 'fill_with'], 2, a);
      const seq = iterate(value);
      const n = Number(slices);
      const length = seq.length;
      const perSlice = Math.floor(length / n);
      const withExtra = length % n;
      let offset = 0;
      const out: unknown[][] = [];
      for (let i = 0; i < n; i++) {
        const start = offset + i * perSlice;
        if (i < withExtra) offset++;
        const end = offset + (i + 1) * perSlice;
        const tmp = seq.slice(start, end);
        if (fill !== undefined && fill !== null && i >= withExtra) tmp.push(fill);
        out.push(tmp);
      }
      return out;
    },
    sort: (...a) => {
      const [value, reverse, caseSensitive, attribute] = bind('sort', ['value', 'reverse', 'case_sensitive', 'attribute'], 1, a);
      let key: ((v: unknown) => unknown) | undefined = truthy(caseSensitive) ? undefined : ignoreCase;
      if (attribute !== undefined && attribute !== null) {
        // 'a,b': sort by a, then b
        const getters = (typeof attribute === 'string' ? attribute.split(',') : [attribute]).map((p) => attrGetter(typeof p === 'string' ? p.trim() : p, { lower: !truthy(caseSensitive) }));
        key = getters.length === 1 ? getters[0] : (v) => getters.map((g) => g(v));
      }
      return pySort(iterate(value), key, truthy(reverse));
    },
    string: (...a) => str(bind('string', ['value'], 1, a)[0]),
    striptags: (...a) => {
      const s = str(bind('striptags', ['value'], 1, a)[0]);
      const stripped = s.replace(/<!--[\s\S]*?(?:-->|$)|<\/?[a-zA-Z][^>]*>|<\/?>/g, '');
      return unescapeHtml(stripped.split(/\s+/).filter(Boolean).join(' '));
    },
    sum: (...a) => {
      const [iterable, attribute, start] = bind('sum', ['iterable', 'attribute', 'start'], 1, a);
      let items = iterate(iterable);
      if (attribute !== undefined && attribute !== null) items = items.map(attrGetter(attribute));
      let total: unknown = start === undefined ? 0 : start;
      for (const v of items) total = (py['add'] as (x: unknown, y: unknown) => unknown)(total, v);
      return total;
    },
    title: (...a) => {
      const s = str(bind('title', ['s'], 1, a)[0]);
      return s
        .split(/([-\s({[<]+)/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
        .join('');
    },
    tojson: (...a) => {
      const [value, indent] = bind('tojson', ['value', 'indent'], 1, a);
      return htmlSafeJson(pyJsonDumps(value, { sortKeys: true, indent: indent === undefined || indent === null ? undefined : (indent as number | string) }));
    },
    trim: (...a) => {
      const [value, chars] = bind('trim', ['value', 'chars'], 1, a);
      return STR_METHODS['strip']!(str(value), chars === undefined ? [] : [chars]);
    },
    truncate: (...a) => {
      const [value, length, killwords, end, leeway] = bind('truncate', ['s', 'length', 'killwords', 'end', 'leeway'], 1, a);
      const s = str(value);
      const l = length === undefined ? 255 : Number(length);
      const e = end === undefined ? '...' : str(end);
      const lw = leeway === undefined || leeway === null ? 5 : Number(leeway);
      if (l < e.length) throw valueError(`expected length >= ${e.length}, got ${l}`);
      if (lw < 0) throw valueError(`expected leeway >= 0, got ${lw}`);
      const cs = chars(s);
      if (cs.length <= l + lw) return s;
      const head = cs.slice(0, l - e.length).join('');
      if (truthy(killwords)) return head + e;
      const space = head.lastIndexOf(' ');
      return (space < 0 ? head : head.slice(0, space)) + e;
    },
    unique: (...a) => {
      const [value, caseSensitive, attribute] = bind('unique', ['value', 'case_sensitive', 'attribute'], 1, a);
      const key = attribute !== undefined && attribute !== null ? attrGetter(attribute, { lower: !truthy(caseSensitive) }) : truthy(caseSensitive) ? (v: unknown) => v : ignoreCase;
      const seen: unknown[] = [];
      const out: unknown[] = [];
      for (const item of iterate(value)) {
        const k = key(item);
        if (seen.some((s) => eq(s, k))) continue;
        seen.push(k);
        out.push(item);
      }
      return out;
    },
    upper: (...a) => str(bind('upper', ['s'], 1, a)[0]).toUpperCase(),
    urlencode: (...a) => {
      const [value] = bind('urlencode', ['value'], 1, a);
      if (typeof value === 'string') return urlQuote(value, false);
      const pairs = isDict(value) ? dictItems(value) : iterate(value);
      return pairs.map((p) => {
        const [k, v] = iterate(p);
        return `${urlQuote(str(k), true)}=${urlQuote(str(v), true)}`;
      }).join('&');
    },
    urlize: (...a) => {
      const [value, trimLimit, nofollow, target, rel] = bind('urlize', ['value', 'trim_url_limit', 'nofollow', 'target', 'rel', 'extra_schemes'], 1, a);
      return urlize(str(value), trimLimit as number | undefined, truthy(nofollow), target as string | undefined, rel as string | undefined);
    },
    wordcount: (...a) => (str(bind('wordcount', ['s'], 1, a)[0]).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
    wordwrap: (...a) => {
      const [s, width, breakLong, wrapstring, breakOnHyphens] = bind('wordwrap', ['s', 'width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], 1, a);
      const w = width === undefined ? 79 : Number(width);
      const sep = wrapstring === undefined || wrapstring === null ? '\n' : str(wrapstring);
      const paragraphs = STR_METHODS['splitlines']!(str(s), []) as string[];
      return paragraphs.map((p) => wrap(p, w, breakLong === undefined ? true : truthy(breakLong), breakOnHyphens === undefined ? true : truthy(breakOnHyphens)).join(sep)).join(sep);
    },
    xmlattr: (...a) => {
      const [d, autospace] = bind('xmlattr', ['d', 'autospace'], 1, a);
      const items: string[] = [];
      for (const [k, v] of dictItems(d) as unknown[][]) {
        if (v === undefined || v === null) continue;
        const key = str(k);
        if (/[\s/>=]/.test(key)) throw valueError(`Invalid character in attribute name: ${repr(key)}`);
        items.push(`${escapeHtml(key)}="${escapeHtml(str(v))}"`);
      }
      const rv = items.join(' ');
      return rv && (autospace === undefined || truthy(autospace)) ? ` ${rv}` : rv;
    },
  };
  for (const name of ['dump', 'nl2br']) delete env.filters[name];
  Object.assign(env.filters, filters);
}

/** A dict's items as (key, value) tuples; a Map's too. */
function dictItems(value: unknown): unknown[] {
  if (isPlainDict(value)) return Object.entries(value).map((e) => tuple(e));
  if (value instanceof Map) return [...value.entries()].map((e) => tuple(e));
  if (value === undefined) throw undefinedError(undefined, 'expected a dict');
  throw typeError(`expected a dict, got ${typeName(value)}`);
}

/** groupby's (grouper, list) named tuple (it prints as a plain tuple). */
function groupTuple(grouper: unknown, list: unknown[]): unknown[] {
  const t = tuple([grouper, list]);
  Object.defineProperties(t, {
    grouper: { value: grouper, enumerable: false },
    list: { value: list, enumerable: false },
  });
  return t;
}

/** Python's float() of a value, or undefined where it raises. */
function toFloat(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const t = value.trim().replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)$/i.test(t)) return Number(t);
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(t)) return NaN;
    return undefined;
  }
  const n = toNumber(value);
  return n;
}

/** Python's int(text, base), or undefined where it raises. */
function parseIntText(text: string, base: number): number | bigint | undefined {
  let t = text.trim();
  let sign = 1n;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -1n;
    t = t.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(t);
  if (prefix && (b === 0 || b === { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x'])) {
    b = { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x'];
    t = t.slice(2).replace(/^_/, '');
  } else if (b === 0) b = 10;
  if (!t || /^_|_$|__/.test(t)) return undefined;
  t = t.replace(/_/g, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  let v = 0n;
  for (const c of t.toLowerCase()) {
    const d = digits.indexOf(c);
    if (d < 0) return undefined;
    v = v * BigInt(b) + BigInt(d);
  }
  const r = sign * v;
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
}

/** Python's json.dumps (ensure_ascii, default separators) for template values. */
export function pyJsonDumps(value: unknown, opts: { sortKeys?: boolean; indent?: number | string } = {}): string {
  const ind = opts.indent === undefined ? undefined : typeof opts.indent === 'number' ? ' '.repeat(opts.indent) : opts.indent;
  const enc = (v: unknown, level: number): string => {
    if (v === null || v === undefined) {
      if (v === undefined) throw typeError('Object of type Undefined is not JSON serializable');
      return 'null';
    }
    switch (typeof v) {
      case 'string':
        return jsonString(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
      case 'bigint':
        return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : str(v);
    }
    if (v instanceof PyFloat) return str(v);
    if (v instanceof PyDecimal) throw typeError('Object of type Decimal is not JSON serializable (use `| float` or `| string` first)');
    const nl = ind === undefined ? '' : `\n${ind.repeat(level + 1)}`;
    const close = ind === undefined ? '' : `\n${ind.repeat(level)}`;
    const sep = ind === undefined ? ', ' : ',';
    if (Array.isArray(v)) return v.length ? `[${nl}${v.map((x) => enc(x, level + 1)).join(sep + nl)}${close}]` : '[]';
    if (isDict(v)) {
      let entries = v instanceof Map ? [...v.entries()].map(([k, x]) => [str(k), x] as [string, unknown]) : Object.entries(v);
      if (opts.sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return entries.length ? `{${nl}${entries.map(([k, x]) => `${jsonString(k)}: ${enc(x, level + 1)}`).join(sep + nl)}${close}}` : '{}';
    }
    const o = v as { toJSON?: () => unknown };
    if (typeof o.toJSON === 'function') return enc(o.toJSON(), level);
    throw typeError(`Object of type ${typeName(v)} is not JSON serializable`);
  };
  return enc(value, 0);
}

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Jinja2's htmlsafe_json_dumps: <, >, & and ' as \u escapes, so the JSON can sit in HTML. */
function htmlSafeJson(s: string): string {
  return s.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
}

function unescapeHtml(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\xa0' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return named[e.toLowerCase()] ?? m;
  });
}

/** Python's urllib quote: letters, digits and `_.-~` kept (and `/` outside query strings). */
function urlQuote(s: string, forQuery: boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.\-~]/.test(c) || (!forQuery && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQuery ? out.replace(/%20/g, '+') : out;
}

/** urlize: links for http(s) URLs, www. addresses and e-mail addresses. */
function urlize(text: string, trimLimit: number | undefined, nofollow: boolean, target: string | undefined, rel: string | undefined): string {
  const rels = new Set((rel ?? 'noopener').split(/\s+/).filter(Boolean));
  if (nofollow) rels.add('nofollow');
  const relAttr = rels.size ? ` rel="${escapeHtml([...rels].sort().join(' '))}"` : '';
  const targetAttr = target ? ` target="${escapeHtml(target)}"` : '';
  const trim = (u: string) => (trimLimit !== undefined && trimLimit !== null && u.length > trimLimit ? `${u.slice(0, trimLimit)}${u.length > trimLimit + 3 ? '...' : ''}` : u);
  return text
    .split(/(\s+)/)
    .map((word) => {
      const m = /^([(<]*)(.*?)([.,)>\n]*)$/s.exec(word)!;
      const [, head, middle, tail] = m as unknown as [string, string, string, string];
      let href: string | undefined;
      if (/^https?:\/\//.test(middle)) href = middle;
      else if (/^www\./.test(middle) || (/^[\w.-]+\.(com|net|org)$/.test(middle) && !middle.includes('@'))) href = `https://${middle}`;
      else if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(middle) && !middle.includes(':')) return `${escapeHtml(head)}<a href="mailto:${escapeHtml(middle)}">${escapeHtml(middle)}</a>${escapeHtml(tail)}`;
      if (!href) return escapeHtml(word);
      return `${escapeHtml(head)}<a href="${escapeHtml(href)}"${relAttr}${targetAttr}>${escapeHtml(trim(middle))}</a>${escapeHtml(tail)}`;
    })
    .join('');
}

/** textwrap.wrap as Jinja2's wordwrap uses it (no tab expansion, whitespace kept, dropped at line ends). */
function wrap(text: string, width: number, breakLong: boolean, breakOnHyphens: boolean): string[] {
  const chunks = text.split(/(\s+)/).filter(Boolean).flatMap((c) => (/^\s/.test(c) || !breakOnHyphens ? [c] : c.split(/(?<=[\p{L}\p{N}]-)(?=\p{L})/u)));
  const lines: string[] = [];
  let i = 0;
  if (width <= 0) throw valueError(`invalid width ${width} (must be > 0)`);
  while (i < chunks.length) {
    let line: string[] = [];
    let cur = 0;
    if (lines.length && /^\s/.test(chunks[i]!)) i++;
    while (i < chunks.length) {
      const c = chunks[i]!;
      if (cur + c.length <= width) {
        line.push(c);
        cur += c.length;
        i++;
      } else break;
    }
    if (i < chunks.length && chunks[i]!.length > width) {
      const room = Math.max(width - cur, 1);
      if (breakLong) {
        line.push(chunks[i]!.slice(0, room));
        chunks[i] = chunks[i]!.slice(room);
      } else if (!line.length) {
        line.push(chunks[i]!);
        i++;
      }
    }
    if (line.length && /^\s/.test(line[line.length - 1]!)) line = line.slice(0, -1);
    if (line.length) lines.push(line.join(''));
    else if (i >= chunks.length) break;
  }
  return lines;
}
