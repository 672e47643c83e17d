/**
 * The runtime compiled templates call as `py.*`: Jinja2's attribute and item lookup, calls with
 * keyword arguments, macros with Jinja2's argument binding, loops, namespaces, filters and tests,
 * and the operators of operators.ts.
 *
 * One runtime per template engine: `lenient` is that engine's parse-time mode (dbt's parse-time
 * Undefined): reading an attribute or item of an undefined value, or calling what a lookup gave,
 * is undefined again instead of an error; calling an unknown name still raises.
 */
import { CompileError } from '../../errors.js';
import { noAttribute, typeError, undefinedError, valueError } from './errors.js';
import { DICT_METHODS, makeListMethods, MAP_METHODS, type Method, numberAttr, STR_METHODS, TUPLE_METHOD_NAMES } from './methods.js';
import { Namespace } from './namespace.js';
import { hashKey, makeSetMethods } from './set.js';
import * as ops from './operators.js';
import { repr, str } from './repr.js';
import { dictKey, isPlainDict, isTuple, PyFloat, truthy, tuple, typeName } from './value.js';

/** Where an error raised inside macros happened: innermost macro first. */
export const MACRO_TRACE: unique symbol = Symbol.for('bmp.py.macroTrace');

export interface MacroFrame {
  readonly macro: string;
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line: number;
}

/** The macros an error passed through, innermost first (empty when it was raised outside macros). */
export function macroTraceOf(err: unknown): readonly MacroFrame[] {
  for (let e = err, depth = 0; e && depth < 20; e = (e as { cause?: unknown }).cause, depth++) {
    const trace = (e as Record<symbol, MacroFrame[] | undefined>)[MACRO_TRACE];
    if (trace) return trace;
  }
  return [];
}

/** Marks functions that take template values as they are (macros): others get plain numbers. */
export const TEMPLATE_CALLABLE: unique symbol = Symbol.for('bmp.py.templateCallable');
/** A macro argument that was not passed. */
export const MISSING: unique symbol = Symbol.for('bmp.py.missing');

const OBJECT_PROTO = Object.prototype as unknown as Record<string, unknown>;
const FUNCTION_PROTO = Function.prototype as unknown as Record<string, unknown>;

/** Marks a function as taking template values unconverted (PyFloats stay floats). */
export function markTemplateCallable<F extends (...a: never[]) => unknown>(fn: F, macroName?: string): F {
  Object.defineProperty(fn, TEMPLATE_CALLABLE, { value: true });
  if (macroName !== undefined) Object.defineProperty(fn, 'macroName', { value: macroName });
  return fn;
}

/** `loop` inside `{% for %}`. */
export class Loop {
  index0 = 0;
  private _last: unknown[] | undefined;
  constructor(
    private readonly _items: readonly unknown[],
    private readonly _depth0: number,
    private readonly _recurse?: (iterable: unknown, depth0: number) => string,
  ) {}
  get index(): number {
    return this.index0 + 1;
  }
  get revindex(): number {
    return this._items.length - this.index0;
  }
  get revindex0(): number {
    return this._items.length - this.index0 - 1;
  }
  get first(): boolean {
    return this.index0 === 0;
  }
  get last(): boolean {
    return this.index0 === this._items.length - 1;
  }
  get length(): number {
    return this._items.length;
  }
  get depth(): number {
    return this._depth0 + 1;
  }
  get depth0(): number {
    return this._depth0;
  }
  get previtem(): unknown {
    return this.index0 > 0 ? this._items[this.index0 - 1] : undefined;
  }
  get nextitem(): unknown {
    return this.index0 + 1 < this._items.length ? this._items[this.index0 + 1] : undefined;
  }
  /** `loop.cycle('odd', 'even')`: the argument at this iteration's position. */
  cycle(...args: unknown[]): unknown {
    if (!args.length) throw typeError('no items for cycling given');
    return args[this.index0 % args.length];
  }
  /** `loop.changed(x)`: true when the values differ from the previous call's (and on the first). */
  changed(...args: unknown[]): boolean {
    if (this._last !== undefined && ops.eq(tuple(args.slice()), tuple(this._last.slice()))) return false;
    this._last = args;
    return true;
  }
  __call__(iterable: unknown): string {
    if (!this._recurse) throw typeError("The loop must have the 'recursive' marker to be called recursively.");
    return this._recurse(iterable, this._depth0 + 1);
  }
  __repr__(): string {
    return `<LoopContext ${this.index}/${this.length}>`;
  }
}

export interface PyRuntime {
  lenient: boolean;
  readonly PyFloat: typeof PyFloat;
  readonly MISSING: typeof MISSING;
  readonly Loop: typeof Loop;
  [fn: string]: unknown;
}

/** A runtime for one template engine. */
export function createPyRuntime(): PyRuntime {
  const rt = { lenient: false } as PyRuntime;

  const call = (context: unknown, fn: unknown, what: string, args: unknown[]): unknown => {
    if (typeof fn === 'function') {
      if (!(fn as unknown as Record<symbol, unknown>)[TEMPLATE_CALLABLE]) unbox(args);
      return fn.apply(context, args);
    }
    if (fn === undefined || fn === null) {
      // at parse, a call on what a lookup gave (`run_query(q).columns[0].values()`) is undefined;
      // calling an unknown name is an error even then
      if (rt.lenient && /[.[]/.test(what)) return undefined;
      if (fn === null) throw typeError(`'NoneType' object is not callable (${what})`);
      throw new Error(`Unable to call \`${what}\`, which is undefined or falsey`);
    }
    if (fn !== null && typeof fn === 'object' && typeof (fn as { __call__?: unknown }).__call__ === 'function') {
      return (fn as { __call__: (...a: unknown[]) => unknown }).__call__(...args);
    }
    throw typeError(`'${typeName(fn)}' object is not callable (${what})`);
  };

  const LIST_METHODS = makeListMethods((fn, args) => call(undefined, fn, 'key', args));
  const SET_METHODS = makeSetMethods(ops.iterate);

  /** The Python method `name` of a builtin value, if it has one. */
  const builtinMethod = (obj: unknown, name: string): Method | undefined => {
    if (typeof obj === 'string') return Object.hasOwn(STR_METHODS, name) ? STR_METHODS[name] : undefined;
    if (Array.isArray(obj)) {
      if (arrayAttribute(obj, name) !== undefined) return undefined;
      if (isTuple(obj) && !TUPLE_METHOD_NAMES.has(name)) return undefined;
      return Object.hasOwn(LIST_METHODS, name) ? LIST_METHODS[name] : undefined;
    }
    if (isPlainDict(obj)) {
      // a function the object holds under that name wins (JavaScript objects with methods)
      if (typeof dictValue(obj, name) === 'function') return undefined;
      return Object.hasOwn(DICT_METHODS, name) ? DICT_METHODS[name] : undefined;
    }
    if (obj instanceof Map) return Object.hasOwn(MAP_METHODS, name) ? MAP_METHODS[name] : undefined;
    if (obj instanceof Set) return Object.hasOwn(SET_METHODS, name) ? SET_METHODS[name] : undefined;
    return undefined;
  };

  /** Jinja2's `obj.name`: the attribute, else the item, else Undefined. */
  const getattr = (obj: unknown, name: string, what?: string): unknown => {
    switch (typeof obj) {
      case 'undefined':
        if (rt.lenient) return undefined;
        throw undefinedError(what, `reading .${name}`);
      case 'string': {
        const m = Object.hasOwn(STR_METHODS, name) ? STR_METHODS[name] : undefined;
        return m ? (...a: unknown[]) => m(obj, a) : undefined;
      }
      case 'number':
      case 'bigint':
      case 'boolean':
        return numberAttr(obj, name);
      case 'function': {
        const attr = macroAttribute(obj, name);
        if (attr) return attr.value;
        // (a strict function's `arguments`/`caller` throw when read: they are not template values)
        if (name.startsWith('_') || name === 'arguments' || name === 'caller' || name === 'callee' || !(name in obj)) return undefined;
        const v = (obj as unknown as Record<string, unknown>)[name];
        return v === FUNCTION_PROTO[name] ? undefined : bindIfFunction(obj, v);
      }
    }
    if (obj === null) return undefined;
    const m = builtinMethod(obj, name);
    if (m) return markTemplateCallable((...a: unknown[]) => m(obj, a));
    if (Array.isArray(obj)) {
      const v = arrayAttribute(obj, name);
      return v === undefined ? undefined : bindIfFunction(obj, v);
    }
    if (isPlainDict(obj)) return bindIfFunction(obj, dictValue(obj, name));
    if (obj instanceof Map) return obj.get(name);
    if (obj instanceof PyFloat) return numberAttr(obj, name);
    if (name.startsWith('_')) return undefined;
    if (!(name in (obj as object))) return undefined;
    const v = (obj as Record<string, unknown>)[name];
    return v === OBJECT_PROTO[name] && !Object.hasOwn(obj as object, name) ? undefined : bindIfFunction(obj, v);
  };

  /** Jinja2's `obj[key]`: the item (negative indexes from the end), else the attribute, else Undefined. */
  const getitem = (obj: unknown, key: unknown, what?: string): unknown => {
    if (Array.isArray(obj)) {
      if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') {
        const i = ops.seqIndex(obj.length, key);
        return i === undefined ? undefined : obj[i];
      }
      if (isTuple(key)) return undefined;
      return typeof key === 'string' ? getattr(obj, key, what) : undefined;
    }
    if (isPlainDict(obj)) {
      const v = dictValue(obj, dictKey(key));
      if (v !== undefined) return v;
      return typeof key === 'string' ? getattr(obj, key, what) : undefined;
    }
    switch (typeof obj) {
      case 'string': {
        if (typeof key === 'string') return getattr(obj, key, what);
        const cs = ops.chars(obj);
        const i = ops.seqIndex(cs.length, key);
        return i === undefined ? undefined : cs[i];
      }
      case 'undefined':
        if (rt.lenient) return undefined;
        throw undefinedError(what, `reading [${repr(key)}]`);
    }
    if (obj === null) return undefined;
    if (obj instanceof Map) {
      if (obj.has(key)) return obj.get(key);
      for (const [k, v] of obj) if (ops.eq(k, key)) return v;
      return typeof key === 'string' ? getattr(obj, key, what) : undefined;
    }
    if (typeof obj === 'object') {
      const o = obj as { __getitem__?: (k: unknown) => unknown };
      if (typeof o.__getitem__ === 'function') return o.__getitem__(key);
    }
    return typeof key === 'string' ? getattr(obj, key, what) : undefined;
  };

  const callMethod = (context: unknown, obj: unknown, name: string, args: unknown[], what: string): unknown => {
    const m = builtinMethod(obj, name);
    if (m) return m(obj, args);
    const fn = getattr(obj, name, what);
    if (fn === undefined && obj !== undefined && !rt.lenient) throw noAttribute(obj === null ? undefined : typeName(obj), name);
    return call(context, fn, `${what}.${name}`, args);
  };

  Object.assign(rt, {
    PyFloat,
    MISSING,
    Loop,
    str,
    truthy,
    tuple,
    add: ops.add,
    sub: ops.sub,
    mul: ops.mul,
    div: ops.div,
    floordiv: ops.floordiv,
    mod: ops.mod,
    pow: ops.pow,
    neg: ops.neg,
    pos: ops.pos,
    eq: ops.eq,
    ne: ops.ne,
    lt: (a: unknown, b: unknown) => ops.compare('<', a, b),
    le: (a: unknown, b: unknown) => ops.compare('<=', a, b),
    gt: (a: unknown, b: unknown) => ops.compare('>', a, b),
    ge: (a: unknown, b: unknown) => ops.compare('>=', a, b),
    contains: ops.contains,
    iterate: ops.iterate,
    slice: ops.slice,
    getattr,
    getitem,
    call,
    callMethod,
    /**
     * `{a: 1, (k): v}` with keys computed: a plain object when every key is a str, else a Map whose
     * keys are the values themselves (`{1: 'a'}` prints as Python does, `1` and `'1'` stay apart),
     * equal keys (`1`, `1.0`, `True`) being one key as in Python.
     */
    dict: (flat: unknown[]) => {
      for (let i = 0; i < flat.length; i += 2) {
        if (typeof flat[i] === 'string') continue;
        const m = new Map<unknown, unknown>();
        const keys = new Map<string, unknown>();
        for (let j = 0; j < flat.length; j += 2) {
          const k = flat[j];
          const h = hashKey(k);
          if (h === undefined) m.set(k, flat[j + 1]);
          else if (keys.has(h)) m.set(keys.get(h), flat[j + 1]);
          else {
            keys.set(h, k);
            m.set(k, flat[j + 1]);
          }
        }
        return m;
      }
      const out: Record<string, unknown> = {};
      for (let i = 0; i < flat.length; i += 2) {
        const k = dictKey(flat[i]);
        if (k === '__proto__') Object.defineProperty(out, k, { value: flat[i + 1], enumerable: true, writable: true, configurable: true });
        else out[k] = flat[i + 1];
      }
      return out;
    },
    /** `for a, b in ...` and `{% set a, b = ... %}`. */
    unpack: (value: unknown, n: number) => {
      if (value === undefined && rt.lenient) return new Array(n).fill(undefined);
      const items = ops.iterate(value);
      if (items.length < n) throw valueError(`not enough values to unpack (expected ${n}, got ${items.length})`);
      if (items.length > n) throw valueError(`too many values to unpack (expected ${n})`);
      return items;
    },
    /** `f(a, *xs, k=1, **kw)`: the call's argument array. */
    spreadArgs: (pos: unknown[], dynArgs: unknown, kw: Record<string, unknown> | null, dynKwargs: unknown) => {
      const args = dynArgs === undefined ? pos : pos.concat(ops.iterate(dynArgs));
      let keywords = kw;
      if (dynKwargs !== undefined) {
        const extra = dynKwargs instanceof Map ? Object.fromEntries([...dynKwargs].map(([k, v]) => [dictKey(k), v])) : dynKwargs;
        if (!isPlainDict(extra)) throw typeError(`argument after ** must be a mapping, not ${typeName(dynKwargs)}`);
        keywords = { ...(keywords ?? {}) };
        for (const [k, v] of Object.entries(extra)) {
          if (Object.hasOwn(keywords, k) && k !== '__keywords') throw typeError(`got multiple values for keyword argument '${k}'`);
          keywords[k] = v;
        }
        keywords['__keywords'] = true;
        if (Object.keys(keywords).length === 1) keywords = null;
      }
      return keywords ? [...args, keywords] : args;
    },
    filter: (env: { filters: Record<string, (...a: unknown[]) => unknown> }, context: unknown, name: string, args: unknown[]) => {
      const f = env.filters[name];
      if (!f) throw new Error(`filter not found: ${name}`);
      return f.apply(context, args);
    },
    test: (env: { tests: Record<string, (...a: unknown[]) => unknown> }, context: unknown, name: string, args: unknown[]) => {
      const t = env.tests[name];
      if (!t) throw new Error(`test not found: ${name}`);
      return truthy(t.apply(context, args));
    },
    loopFilter: (items: unknown[], keep: (item: unknown) => boolean) => items.filter(keep),
    nsSet: (ns: unknown, attr: string, value: unknown, name: string) => {
      if (!(ns instanceof Namespace)) throw typeError(`cannot assign attribute on non-namespace object ('${name}' is ${ns === undefined ? 'undefined' : `a ${typeName(ns)}`})`);
      (ns as unknown as Record<string, unknown>)[attr] = value;
    },
    macro: makeMacro,
    /** An error leaving a macro's body: records the macro and the line it was at (errors only; return() passes). */
    inMacro: (err: unknown, macro: string, file: string, lineno: number) => {
      if (err instanceof Error && Object.isExtensible(err)) {
        const trace = ((err as unknown as Record<symbol, MacroFrame[] | undefined>)[MACRO_TRACE] ??= []);
        trace.push({ macro, file, line: lineno + 1 });
      }
      return err;
    },
    /** An unknown filter or test reached inside a condition (the compile deferred the error). */
    fail: (message: string) => {
      throw new CompileError('BMP_TEMPLATE_SYNTAX', message);
    },
  });
  return rt;
}

/**
 * A dict's value for a key: its own property, or what a getter or a Proxy gives for it (how
 * JavaScript code may build namespaces of macros), never a member of Object.prototype.
 */
function dictValue(d: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(d, key)) return d[key];
  const v = d[key];
  return v === OBJECT_PROTO[key] ? undefined : v;
}

const ARRAY_PROTO = Array.prototype as unknown as Record<string, unknown>;

/**
 * An attribute an array-based object has beyond Python's list: its own named properties and its
 * class's methods (agate-like result tables and rows are arrays with attributes). JavaScript's
 * own array members (`length`, `map`, ...) are not attributes.
 */
function arrayAttribute(arr: unknown[], name: string): unknown {
  if (name === 'length' || name.startsWith('_') || /^\d+$/.test(name)) return undefined;
  const v = (arr as unknown as Record<string, unknown>)[name];
  if (v === undefined || v === ARRAY_PROTO[name] || v === OBJECT_PROTO[name]) return undefined;
  return v;
}

function bindIfFunction(obj: unknown, v: unknown): unknown {
  if (typeof v !== 'function') return v;
  // a callable with members of its own (`api.Column`, `modules.datetime.datetime`): binding it would
  // hide them (`api.Column.create`), and it needs no `this`
  if (Object.keys(v).length) return v;
  const bound = (...a: unknown[]) => (v as (...x: unknown[]) => unknown).apply(obj, a);
  if ((v as unknown as Record<symbol, unknown>)[TEMPLATE_CALLABLE]) markTemplateCallable(bound);
  return bound;
}

/** JavaScript functions get JavaScript numbers: integral floats are unboxed (top level and keywords). */
function unbox(args: unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'object' || a === null) continue;
    if (a instanceof PyFloat) args[i] = a.value;
    else if (i === args.length - 1 && Object.hasOwn(a, '__keywords')) {
      const kw = a as Record<string, unknown>;
      for (const k in kw) if (kw[k] instanceof PyFloat) kw[k] = (kw[k] as PyFloat).value;
    }
  }
}

/**
 * A macro as Jinja2 binds its arguments: positional, then by keyword; missing ones are Undefined
 * (or their default, which the body computes); extra positional ones go to `varargs` and extra
 * keywords to `kwargs` when the body uses those names, else they are an error.
 */
function makeMacro(name: string, params: readonly string[], catchVarargs: boolean, catchKwargs: boolean, usesCaller: boolean, body: (...a: unknown[]) => string) {
  const n = params.length;
  const macro = function (this: unknown, ...args: unknown[]): string {
    let kw: Record<string, unknown> | undefined;
    let npos = args.length;
    const last = args[npos - 1];
    if (last !== null && typeof last === 'object' && Object.hasOwn(last, '__keywords')) {
      kw = last as Record<string, unknown>;
      npos--;
    }
    if (npos > n && !catchVarargs) throw typeError(`macro '${name}' takes not more than ${n} argument(s)`);
    const values = new Array<unknown>(n + 3);
    for (let i = 0; i < n; i++) values[i] = i < npos ? args[i] : MISSING;
    let extraKw: Record<string, unknown> | undefined;
    let caller: unknown;
    if (kw) {
      for (const k of Object.keys(kw)) {
        if (k === '__keywords') continue;
        const i = params.indexOf(k);
        if (i >= 0) {
          if (values[i] !== MISSING) throw typeError(`macro '${name}' got multiple values for argument '${k}'`);
          values[i] = kw[k];
        } else if (k === 'caller' && usesCaller) caller = kw[k];
        else if (catchKwargs) (extraKw ??= {})[k] = kw[k];
        else throw typeError(`macro '${name}' takes no keyword argument '${k}'`);
      }
    }
    values[n] = catchVarargs ? tuple(args.slice(n, Math.max(n, npos))) : undefined;
    values[n + 1] = catchKwargs ? (extraKw ?? {}) : undefined;
    values[n + 2] = caller;
    return body.apply(this, values);
  };
  Object.defineProperty(macro, MACRO_INFO, { value: { name, arguments: tuple([...params]), catch_kwargs: catchKwargs, catch_varargs: catchVarargs, caller: usesCaller } });
  return markTemplateCallable(macro, name);
}

/** What Jinja2 tells of a macro object (`m.name`, `m.arguments`, `m.catch_kwargs`, ...). */
const MACRO_INFO: unique symbol = Symbol.for('bmp.py.macroInfo');

/** A macro's Jinja2 attribute, if `fn` is (or wraps) a template macro and `name` is one. */
export function macroAttribute(fn: unknown, name: string): { value: unknown } | undefined {
  const info = (fn as { [MACRO_INFO]?: Record<string, unknown> } | null)?.[MACRO_INFO];
  return info && Object.hasOwn(info, name) ? { value: info[name] } : undefined;
}

/** Attaches the Jinja2 attributes of `macro` to a function standing for it (a dispatching wrapper). */
export function copyMacroInfo(from: unknown, to: object): void {
  const info = (from as { [MACRO_INFO]?: unknown } | null)?.[MACRO_INFO];
  if (info) Object.defineProperty(to, MACRO_INFO, { value: info, configurable: true });
}

export { str, truthy };
