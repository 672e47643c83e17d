/**
 * Python's `set` on a JavaScript Set: members are equal as Python's hash equality says (`1`, `1.0`
 * and `True` are one member, tuples by their items), lists, dicts and sets are unhashable, and the
 * set methods dbt code calls (`add`, `union`, `difference`, `issubset`, ...).
 */
import { typeError, valueError } from './errors.js';
import type { Method } from './methods.js';
import { repr } from './repr.js';
import { isDict, isTuple, PyDecimal, PyFloat, typeName } from './value.js';

/**
 * A key equal for values Python's hash equality finds equal; undefined for objects compared by
 * identity. Throws Python's TypeError for unhashable values.
 */
export function hashKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
    case 'bigint':
      return `n${String(v)}`;
    case 'boolean':
      return v ? 'n1' : 'n0';
  }
  if (v === null) return 'N';
  if (v instanceof PyFloat) return `n${String(v.value)}`;
  if (v instanceof PyDecimal) return v.hashKey;
  if (Array.isArray(v)) {
    if (!isTuple(v)) throw typeError("unhashable type: 'list'");
    const parts: string[] = [];
    for (const x of v) {
      const k = hashKey(x);
      if (k === undefined) return undefined;
      parts.push(k.length + ':' + k);
    }
    return `t${parts.join('')}`;
  }
  if (isDict(v) || v instanceof Set) throw typeError(`unhashable type: '${typeName(v)}'`);
  return undefined;
}

/** A Python set: a Set whose add/has/delete follow Python's hash equality. */
export class PySet extends Set<unknown> {
  private readonly byKey = new Map<string, unknown>();

  constructor(items?: Iterable<unknown>) {
    super();
    if (items) for (const x of items) this.add(x);
  }

  override add(v: unknown): this {
    const k = hashKey(v);
    if (k === undefined) return super.add(v);
    if (!this.byKey.has(k)) {
      this.byKey.set(k, v);
      super.add(v);
    }
    return this;
  }

  override has(v: unknown): boolean {
    const k = hashKey(v);
    return k === undefined ? super.has(v) : this.byKey.has(k);
  }

  override delete(v: unknown): boolean {
    const k = hashKey(v);
    if (k === undefined) return super.delete(v);
    if (!this.byKey.has(k)) return false;
    const stored = this.byKey.get(k);
    this.byKey.delete(k);
    return super.delete(stored);
  }

  override clear(): void {
    this.byKey.clear();
    super.clear();
  }
}

/** {@link hashKey}, or undefined for what is unhashable (a JavaScript Set may hold lists). */
function safeKey(v: unknown): string | undefined {
  try {
    return hashKey(v);
  } catch {
    return undefined;
  }
}

/** Whether a set (a PySet, or a plain Set from JavaScript code) holds `v`. */
export function setHas(s: Set<unknown>, v: unknown): boolean {
  if (s instanceof PySet) return s.has(v);
  if (s.has(v)) return true;
  const k = safeKey(v);
  if (k === undefined) return false;
  for (const x of s) if (safeKey(x) === k) return true;
  return false;
}

export function setEq(a: Set<unknown>, b: Set<unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!setHas(b, x)) return false;
  return true;
}

export function setDifference(a: Set<unknown>, b: Iterable<unknown>): PySet {
  const other = b instanceof Set ? b : new PySet(b);
  const out = new PySet();
  for (const x of a) if (!setHas(other, x)) out.add(x);
  return out;
}

function keyError(k: unknown): Error {
  return valueError(`KeyError: ${repr(k)}`);
}

/**
 * Python's set methods. `iter` turns an argument into its items (Python's iteration), `noKwargs`
 * rejects keyword arguments.
 */
export function makeSetMethods(iter: (v: unknown) => unknown[]): Record<string, Method> {
  const noKw = (name: string, args: unknown[]) => {
    const last = args[args.length - 1];
    if (last !== null && typeof last === 'object' && Object.hasOwn(last, '__keywords')) throw typeError(`set.${name}() takes no keyword arguments`);
    return args;
  };
  const one = (name: string, args: unknown[]) => {
    noKw(name, args);
    if (args.length !== 1) throw typeError(`set.${name}() takes exactly one argument (${args.length} given)`);
    return args[0];
  };
  const asSet = (v: unknown) => (v instanceof Set ? v : new PySet(iter(v)));
  return {
    add: (s: Set<unknown>, a) => {
      const v = one('add', a);
      if (!setHas(s, v)) s.add(v);
      return null;
    },
    discard: (s: Set<unknown>, a) => {
      const v = one('discard', a);
      if (s instanceof PySet) s.delete(v);
      else for (const x of s) if (hashKey(x) === hashKey(v) && (hashKey(v) !== undefined || x === v)) s.delete(x);
      return null;
    },
    remove: (s: Set<unknown>, a) => {
      const v = one('remove', a);
      if (!setHas(s, v)) throw keyError(v);
      if (s instanceof PySet) s.delete(v);
      else for (const x of s) if (x === v || (hashKey(x) !== undefined && hashKey(x) === hashKey(v))) s.delete(x);
      return null;
    },
    pop: (s: Set<unknown>, a) => {
      noKw('pop', a);
      if (a.length) throw typeError(`set.pop() takes no arguments (${a.length} given)`);
      const first = s.values().next();
      if (first.done) throw keyError('pop from an empty set');
      s.delete(first.value);
      return first.value;
    },
    clear: (s: Set<unknown>, a) => {
      noKw('clear', a);
      s.clear();
      return null;
    },
    copy: (s: Set<unknown>, a) => {
      noKw('copy', a);
      return new PySet(s);
    },
    update: (s: Set<unknown>, a) => {
      for (const other of noKw('update', a)) for (const x of iter(other)) if (!setHas(s, x)) s.add(x);
      return null;
    },
    union: (s: Set<unknown>, a) => {
      const out = new PySet(s);
      for (const other of noKw('union', a)) for (const x of iter(other)) out.add(x);
      return out;
    },
    intersection: (s: Set<unknown>, a) => {
      let out = new PySet(s);
      for (const other of noKw('intersection', a)) {
        const o = asSet(other);
        out = new PySet([...out].filter((x) => setHas(o, x)));
      }
      return out;
    },
    difference: (s: Set<unknown>, a) => {
      let out = new PySet(s);
      for (const other of noKw('difference', a)) out = setDifference(out, asSet(other));
      return out;
    },
    symmetric_difference: (s: Set<unknown>, a) => {
      const o = asSet(one('symmetric_difference', a));
      return new PySet([...setDifference(s, o), ...setDifference(o, s)]);
    },
    issubset: (s: Set<unknown>, a) => {
      const o = asSet(one('issubset', a));
      return [...s].every((x) => setHas(o, x));
    },
    issuperset: (s: Set<unknown>, a) => {
      const o = asSet(one('issuperset', a));
      return [...o].every((x) => setHas(s, x));
    },
    isdisjoint: (s: Set<unknown>, a) => {
      const o = asSet(one('isdisjoint', a));
      return ![...s].some((x) => setHas(o, x));
    },
  };
}
