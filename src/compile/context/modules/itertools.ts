/**
 * `modules.itertools`: Python's itertools. Finite results are lists (templates iterate, index and
 * `| list` them alike); the endless ones (`count`, `cycle`, `repeat` without `times`) are lazy
 * iterators, to be cut with `islice`. `groupby` yields `(key, list)` pairs.
 */
import { tuple } from '../../../jinja/index.js';
import { kwargsOf } from '../kwargs.js';

type Fn = (...a: unknown[]) => unknown;

function list(it: unknown): unknown[] {
  if (it === null || it === undefined) throw new TypeError("'NoneType' object is not iterable");
  if (typeof it === 'string' || Array.isArray(it)) return [...it];
  if (typeof (it as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(it as Iterable<unknown>)];
  if (typeof it === 'object') return Object.keys(it as object);
  throw new TypeError(`'${typeof it}' object is not iterable`);
}

function* take(it: unknown, start: number, stop: number | null, step: number): Generator<unknown> {
  let i = 0;
  let next = start;
  const source = typeof it === 'string' || Array.isArray(it) || typeof (it as Iterable<unknown>)?.[Symbol.iterator] === 'function' ? (it as Iterable<unknown>) : list(it);
  for (const v of source) {
    if (stop !== null && i >= stop) return;
    if (i === next) {
      yield v;
      next += step;
    }
    i++;
  }
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object' && 'val' in v && typeof (v as { val: unknown }).val === 'string') return (v as { val: string }).val !== '';
  return !!v && v !== '';
}

function combinations(pool: unknown[], r: number, replace: boolean): unknown[][] {
  const out: unknown[][] = [];
  const rec = (start: number, acc: unknown[]) => {
    if (acc.length === r) return void out.push([...acc]);
    for (let i = start; i < pool.length; i++) rec(replace ? i : i + 1, [...acc, pool[i]]);
  };
  if (r >= 0 && (replace || r <= pool.length)) rec(0, []);
  return out;
}

function permutations(pool: unknown[], r: number): unknown[][] {
  const out: unknown[][] = [];
  const rec = (acc: number[]) => {
    if (acc.length === r) return void out.push(acc.map((i) => pool[i]));
    for (let i = 0; i < pool.length; i++) if (!acc.includes(i)) rec([...acc, i]);
  };
  if (r >= 0 && r <= pool.length) rec([]);
  return out;
}

export function itertoolsModule(): Record<string, unknown> {
  const chain = Object.assign((...its: unknown[]) => its.flatMap(list), { from_iterable: (its: unknown) => list(its).flatMap(list) });
  return {
    chain,
    accumulate: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['iterable', 'func', 'initial']);
      const f = (kw['func'] as Fn | null | undefined) ?? ((x: unknown, y: unknown) => (x as number) + (y as number));
      const out: unknown[] = [];
      let acc: unknown = kw['initial'];
      if (acc !== undefined && acc !== null) out.push(acc);
      for (const v of list(kw['iterable'])) out.push((acc = acc === undefined || acc === null ? v : f(acc, v)));
      return out;
    },
    compress: (data: unknown, selectors: unknown) => {
      const sel = list(selectors);
      return list(data).filter((_, i) => i < sel.length && truthy(sel[i]));
    },
    count: (start: number = 0, step: number = 1) =>
      (function* () {
        for (let n = start; ; n += step) yield n;
      })(),
    cycle: (it: unknown) => {
      const items = list(it);
      return (function* () {
        while (items.length) yield* items;
      })();
    },
    repeat: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['object', 'times']);
      if (kw['times'] !== undefined && kw['times'] !== null) return Array.from({ length: Math.max(0, Number(kw['times'])) }, () => kw['object']);
      return (function* () {
        for (;;) yield kw['object'];
      })();
    },
    dropwhile: (pred: Fn, it: unknown) => {
      const items = list(it);
      const i = items.findIndex((v) => !truthy(pred(v)));
      return i < 0 ? [] : items.slice(i);
    },
    takewhile: (pred: Fn, it: unknown) => {
      const items = list(it);
      const i = items.findIndex((v) => !truthy(pred(v)));
      return i < 0 ? items : items.slice(0, i);
    },
    filterfalse: (pred: Fn | null, it: unknown) => list(it).filter((v) => !truthy(pred ? pred(v) : v)),
    groupby: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['iterable', 'key']);
      const key = (kw['key'] as Fn | null | undefined) ?? ((v: unknown) => v);
      const out: [unknown, unknown[]][] = [];
      for (const v of list(kw['iterable'])) {
        const k = key(v);
        const lastGroup = out[out.length - 1];
        if (lastGroup && lastGroup[0] === k) lastGroup[1].push(v);
        else out.push([k, [v]]);
      }
      return out;
    },
    islice: (it: unknown, ...rest: unknown[]) => {
      const nums = rest.map((v) => (v === null || v === undefined ? null : Number(v)));
      const [start, stop, step] = nums.length <= 1 ? [0, nums[0] ?? null, 1] : [nums[0] ?? 0, nums[1] ?? null, nums[2] ?? 1];
      return [...take(it, start, stop, step)];
    },
    pairwise: (it: unknown) => {
      const items = list(it);
      return items.slice(1).map((v, i) => [items[i], v]);
    },
    batched: (it: unknown, n: number) => {
      const items = list(it);
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
      return out;
    },
    starmap: (f: Fn, it: unknown) => list(it).map((args) => f(...list(args))),
    tee: (it: unknown, n: number = 2) => {
      const items = list(it);
      return Array.from({ length: n }, () => [...items]);
    },
    zip_longest: (...a: unknown[]) => {
      const last = a[a.length - 1];
      const kw = last && typeof last === 'object' && '__keywords' in last ? (last as Record<string, unknown>) : undefined;
      const lists = (kw ? a.slice(0, -1) : a).map(list);
      const fill = kw?.['fillvalue'] ?? null;
      const n = Math.max(0, ...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
    },
    product: (...a: unknown[]) => {
      const last = a[a.length - 1];
      const kw = last && typeof last === 'object' && '__keywords' in last ? (last as Record<string, unknown>) : undefined;
      const pools = (kw ? a.slice(0, -1) : a).map(list);
      const all = Array.from({ length: Number(kw?.['repeat'] ?? 1) }, () => pools).flat();
      return all.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((v) => [...prefix, v])), [[]]).map((t) => tuple(t));
    },
    // (keyword arguments as Python takes them: permutations(iterable='ab', r=2))
    permutations: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['iterable', 'r']);
      const pool = list(kw['iterable']);
      const r = kw['r'];
      return permutations(pool, r === undefined || r === null ? pool.length : Number(r)).map((t) => tuple(t));
    },
    // Python yields tuples: ('a', 'b')
    combinations: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['iterable', 'r']);
      return combinations(list(kw['iterable']), Number(kw['r']), false).map((t) => tuple(t));
    },
    combinations_with_replacement: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['iterable', 'r']);
      return combinations(list(kw['iterable']), Number(kw['r']), true).map((t) => tuple(t));
    },
  };
}
