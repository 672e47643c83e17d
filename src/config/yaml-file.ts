import { readFile } from 'node:fs/promises';
import { load as loadFast } from 'js-yaml';
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import { ConfigError, type ErrorLocation } from '../errors.js';
import { PyFloat } from '../manifest/py-float.js';
import { YamlTimestamp } from '../manifest/yaml-timestamp.js';
import { PYYAML_PYTHON_SCHEMA, PYYAML_SCHEMA, PYYAML_TAGS } from './pyyaml-scalars.js';

/**
 * The position-aware parser (`yaml`), loaded on first use: most invocations never need it (files
 * parse with js-yaml, and locations are computed only for errors and warnings).
 */
export function yamlLib(): typeof import('yaml') {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}
let yamlModule: typeof import('yaml') | undefined;

/** A parsed YAML file that can say on which line any value was written. */
export class YamlFile {
  private parsed: { doc: Document; lines: LineCounter } | undefined;
  /** The data with Python's values (integral floats, dates), when read with `pythonValues`. */
  private readonly python: unknown;

  private constructor(
    readonly file: string,
    private readonly text: string,
    readonly data: unknown,
    parsed?: { doc: Document; lines: LineCounter },
    python: unknown = data,
  ) {
    this.parsed = parsed;
    this.python = python;
  }

  /**
   * Parses with js-yaml (several times faster on large property files) and builds the position-aware
   * document only when a location is asked for, which happens on errors. With `pythonValues`, the
   * file is parsed once with the schema that keeps Python's values (see {@link pythonValue}), and
   * `data` is a copy of it with plain values: numbers, and dates as the text written.
   */
  static parseFast(text: string, file: string, opts: { pythonValues?: boolean } = {}): YamlFile {
    const python = opts.pythonValues === true && MAYBE_PYTHON_VALUE.test(text);
    if (!YamlFile.readsFast(text)) refuseWhatPyYamlRefuses(text, file);
    let data: unknown;
    try {
      data = loadFast(text, { filename: file, schema: python ? PYYAML_PYTHON_SCHEMA : PYYAML_SCHEMA }); // dbt's (PyYAML's) scalars, as the careful parser
    } catch {
      return YamlFile.parse(text, file); // the careful parser gives the located message
    }
    // js-yaml shares an alias's value instead of copying it, so a billion laughs parses in
    // milliseconds and explodes later, in whatever walks the value: bound it here
    if (MAYBE_ALIAS.test(text) && expandedSize(data, MAX_EXPANDED_VALUES) > MAX_EXPANDED_VALUES) throw new YamlFile(file, text, {}).aliasLimitError();
    return python ? new YamlFile(file, text, plainCopy(data) ?? {}, undefined, data ?? {}) : new YamlFile(file, text, data ?? {});
  }

  /**
   * Whether {@link parseFast} reads the text without the careful parser's look first (which a text
   * that may hold what PyYAML refuses gets: an anchor glued to a flow collection, a collection as a
   * key; `[0, 1]:` in a quoted description matches too). That look costs a large properties file
   * ~15 ms at every start.
   */
  static readsFast(text: string): boolean {
    return !GLUED_ANCHOR.test(text) && !MAYBE_COLLECTION_KEY.test(text);
  }

  /** @returns ConfigError BMP_YAML_ALIAS_LIMIT located at the first alias of the file */
  private aliasLimitError(): ConfigError {
    const { visit } = yamlLib();
    let at: number | undefined;
    visit(this.doc, {
      Alias(_key, node) {
        at = node.range?.[0];
        return visit.BREAK;
      },
    });
    const pos = at === undefined ? undefined : this.positions().lines.linePos(at);
    return new ConfigError('BMP_YAML_ALIAS_LIMIT', `invalid YAML: its aliases expand to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values (an alias bomb?)`, { file: this.file, line: pos?.line, column: pos?.col });
  }

  private get doc(): Document {
    return this.positions().doc;
  }

  private positions(): { doc: Document; lines: LineCounter } {
    if (!this.parsed) {
      const { LineCounter, parseDocument } = yamlLib();
      const lines = new LineCounter();
      this.parsed = { doc: parseDocument(this.text, { lineCounter: lines, ...CAREFUL_OPTIONS }), lines };
    }
    return this.parsed;
  }

  /** A location computed only when read (errors), so building nodes stays cheap. */
  lazyLocate(path: readonly (string | number)[], which: 'key' | 'value' = 'key'): ErrorLocation {
    let cached: ErrorLocation | undefined;
    const get = () => (cached ??= this.locate(path, which));
    const file = this.file;
    return {
      file,
      get line() {
        return get().line;
      },
      get column() {
        return get().column;
      },
    };
  }

  /** Parses YAML text; syntax errors become `ConfigError` BMP_YAML_SYNTAX at file:line:col. */
  static parse(text: string, file: string): YamlFile {
    const { LineCounter, parseDocument } = yamlLib();
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, ...CAREFUL_OPTIONS });
    const err = doc.errors[0];
    if (err) {
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      // an unclosed quote or bracket is reported where the file ends: point at where it was opened
      const opener = unclosedOpener(text, err.pos[0], message);
      const pos = opener !== undefined ? lines.linePos(opener) : err.linePos?.[0];
      throw new ConfigError('BMP_YAML_SYNTAX', `invalid YAML: ${message}`, { file, line: pos?.line, column: pos?.col });
    }
    // PyYAML (dbt) refuses a list or mapping as a mapping key ("found unhashable key"); js-yaml and
    // `yaml` would make a string of it ("[object Object]", "[ a, b ]")
    const key = collectionKeyOffset(doc);
    if (key !== undefined) {
      const pos = lines.linePos(key);
      throw new ConfigError('BMP_YAML_SYNTAX', 'invalid YAML: a list or mapping used as a mapping key (dbt refuses it too: "found unhashable key")', { file, line: pos.line, column: pos.col });
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      const yaml = new YamlFile(file, text, {}, { doc, lines });
      if (/alias count/i.test((e as Error).message)) throw yaml.aliasLimitError();
      // an alias without its anchor: the document parsed but has no value
      throw new ConfigError('BMP_YAML_SYNTAX', `invalid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
    }
    return new YamlFile(file, text, data ?? {}, { doc, lines });
  }

  static async read(path: string, displayPath = path, opts: { pythonValues?: boolean } = {}): Promise<YamlFile> {
    return YamlFile.parseFast(await readFile(path, 'utf8'), displayPath, opts);
  }

  /**
   * The value at `path` with Python's values where JavaScript has none, for a file read with
   * `pythonValues`: integral floats as {@link PyFloat}s (`1.0` stays a float, so `{{ var('x') }}`
   * prints `1.0`), unquoted dates and timestamps as {@link YamlTimestamp}s. Only vars need this:
   * elsewhere a float is used as a number and a date as its text. (A file only the careful parser
   * reads, with a complex `?` key, gives plain values.)
   */
  pythonValue(path: readonly string[]): unknown {
    return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), this.python);
  }

  /** Where the key (or value) at `path` was written; falls back to the file alone. */
  locate(path: readonly (string | number)[], which: 'key' | 'value' = 'key'): ErrorLocation {
    const { isMap, isScalar, isSeq } = yamlLib();
    let node: unknown = this.doc.contents;
    let range: [number, number, number] | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        range = which === 'key' && isScalar(pair.key) ? pair.key.range ?? undefined : (pair.value as { range?: [number, number, number] } | null)?.range ?? undefined;
        if (which === 'key' && seg !== path[path.length - 1]) range = (pair.key as { range?: [number, number, number] }).range;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        range = (node as { range?: [number, number, number] } | undefined)?.range ?? range;
      } else break;
    }
    if (!range) return { file: this.file };
    const pos = this.positions().lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }
}

/** A YAML file whose aliases would expand to more values than this is refused (a real one holds far fewer). */
const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * js-yaml reads two things PyYAML (dbt) refuses: an anchor glued to a flow collection (`&a[x]`)
 * and a list or mapping as a key (it makes the key "[object Object]"). Where the text may hold one,
 * the careful parser reads it first and its located error on these is thrown; its other verdicts
 * are not kept (it is stricter than PyYAML elsewhere), so a false match costs one more parse and
 * the fast reader still gives the data, with Python's values.
 */
function refuseWhatPyYamlRefuses(text: string, file: string): void {
  try {
    YamlFile.parse(text, file);
  } catch (err) {
    if (err instanceof ConfigError && /Tags and anchors must be separated|used as a mapping key/.test(err.message)) throw err;
  }
}

/** `&name[` or `&name{`: an anchor with no space before its flow collection (may match more: see refuseWhatPyYamlRefuses). */
const GLUED_ANCHOR = /(?:^|[\s[{,:?-])&[^\s,[\]{}]+[[{]/m;

/**
 * Where a list or mapping may be a mapping key: `? ` (an explicit key), `]:` or `}:` (a flow
 * collection as a key, also inside a flow collection: `[{a: 1}:]`), an alias as a key at a line's start (may match more: see refuseWhatPyYamlRefuses).
 */
const MAYBE_COLLECTION_KEY = /(?:^|[\s[{,])\?(?=[ \t\r\n]|$)|[\]}][ \t]*:|^[ \t]*(?:-[ \t]+)?\*[^\s,[\]{}]+[ \t]*:(?=[ \t\r\n]|$)/m;

/** The offset of the first mapping key that is a list or a mapping (itself or through an alias). */
function collectionKeyOffset(doc: Document): number | undefined {
  const { isAlias, isCollection, visit } = yamlLib();
  let at: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (isCollection(key)) {
        at = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return at;
}

/** `*name` where an alias may stand (a cheap test; a false match only costs {@link expandedSize}). */
const MAYBE_ALIAS = /(?:^|[\s[{,:?-])\*[^\s,[\]{}]/m;

/**
 * How many values `data` holds once every alias is copied out, counting each shared object each
 * time it is reached (memoized, so linear in the distinct objects); stops counting past `limit`.
 * A value that contains itself (a recursive alias) counts as unbounded.
 */
function expandedSize(data: unknown, limit: number): number {
  const memo = new Map<object, number>();
  const size = (x: unknown): number => {
    if (x === null || typeof x !== 'object') return 1;
    const known = memo.get(x);
    if (known !== undefined) return known < 0 ? Infinity : known;
    memo.set(x, -1);
    let n = 1;
    for (const v of Array.isArray(x) ? x : Object.values(x)) {
      n += size(v);
      if (n > limit) break;
    }
    memo.set(x, n);
    return n;
  };
  return size(data);
}

/**
 * For "Missing closing 'quote" and "... must end with a ]" errors: the offset of the quote or bracket
 * that opened the unclosed value (a rough YAML scan: comments, quoted scalars, flow collections).
 */
function unclosedOpener(text: string, end: number, message: string): number | undefined {
  const open = /Missing closing (['"])quote/.exec(message)?.[1] ?? { ']': '[', '}': '{' }[/end with an? ([\]}])/.exec(message)?.[1] ?? ''];
  if (!open) return undefined;
  const startsValue = (k: number) => {
    let j = k - 1;
    while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
    return j < 0 || '\n:-[{,?'.includes(text[j]!);
  };
  const stack: number[] = [];
  let i = 0;
  while (i < end) {
    const c = text[i]!;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if ((c === "'" || c === '"') && startsValue(i)) {
      let j = i + 1;
      for (; j < end; j++) {
        if (c === '"' && text[j] === '\\') j++;
        else if (text[j] === c) {
          if (c === "'" && text[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= end) return open === c ? i : undefined;
      i = j + 1;
      continue;
    }
    if ((c === '[' || c === '{') && (stack.length || startsValue(i))) stack.push(i);
    else if ((c === ']' || c === '}') && stack.length) stack.pop();
    i++;
  }
  for (let k = stack.length - 1; k >= 0; k--) if (text[stack[k]!] === open) return stack[k];
  return undefined;
}

/** A digit then `.` (an integral float: `1.0`, `2.`, `1.0e+3`) or `dddd-`: text that may hold a Python-only value. */
const MAYBE_PYTHON_VALUE = /\d\.|\d{4}-\d/;

/**
 * `data` with plain values: a PyFloat as its number, a YamlTimestamp as the text written. Shared
 * values (aliases) are copied once and stay shared.
 */
function plainCopy(data: unknown, seen = new Map<object, unknown>()): unknown {
  if (data === null || typeof data !== 'object') return data;
  if (data instanceof PyFloat) return data.value;
  if (data instanceof YamlTimestamp) return data.text;
  const known = seen.get(data);
  if (known !== undefined) return known;
  if (Array.isArray(data)) {
    const out: unknown[] = [];
    seen.set(data, out);
    for (const v of data) out.push(plainCopy(v, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(data, out);
  // defineProperty: a key named `__proto__` is data here, as js-yaml made it
  for (const k of Object.keys(data)) Object.defineProperty(out, k, { value: plainCopy((data as Record<string, unknown>)[k], seen), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The careful parser reads plain scalars with the same (PyYAML's) rules as the fast one. */
const CAREFUL_OPTIONS = { schema: 'failsafe', customTags: PYYAML_TAGS, merge: true } as const;
