/**
 * Jinja2 3.1's builtin tests (`x is defined`, `n is divisibleby 3`, `x is in [1, 2]`, ...), with
 * their aliases (`==`, `eq`, `equalto`, ...). Installed by {@link installJinjaTests}, replacing
 * nunjucks' versions.
 */
import { valueError } from './python/errors.js';
import { bind } from './python/methods.js';
import { compare, contains, eq } from './python/operators.js';
import { str } from './python/repr.js';
import { TEMPLATE_CALLABLE } from './python/runtime.js';
import { isDict, isFloat, isInt, isMappingLike, PyDecimal, PyFloat, toNumber } from './python/value.js';

type Test = (...args: unknown[]) => boolean;

export interface TestEnvironment {
  filters: Record<string, unknown>;
  tests: Record<string, Test>;
}

const cased = (c: string) => c.toLowerCase() !== c.toUpperCase();

function caseTest(s: string, upper: boolean): boolean {
  let any = false;
  for (const c of s) {
    if (!cased(c)) continue;
    any = true;
    if (upper ? c !== c.toUpperCase() : c !== c.toLowerCase()) return false;
  }
  return any;
}

function intValue(name: string, v: unknown): number {
  const n = toNumber(v);
  if (n === undefined) throw valueError(`'${name}' needs a number`);
  return n;
}

export function installJinjaTests(env: TestEnvironment): void {
  const one = (name: string, fn: (v: unknown) => boolean): Test => (...a) => fn(bind(name, ['value'], 1, a)[0]);
  const two = (name: string, param: string, fn: (v: unknown, o: unknown) => boolean): Test => (...a) => {
    const [v, o] = bind(name, ['value', param], 2, a);
    return fn(v, o);
  };
  const eqTest = two('eq', 'other', (v, o) => eq(v, o));
  const neTest = two('ne', 'other', (v, o) => !eq(v, o));
  const ltTest = two('lt', 'other', (v, o) => compare('<', v, o));
  const leTest = two('le', 'other', (v, o) => compare('<=', v, o));
  const gtTest = two('gt', 'other', (v, o) => compare('>', v, o));
  const geTest = two('ge', 'other', (v, o) => compare('>=', v, o));
  const tests: Record<string, Test> = {
    boolean: one('boolean', (v) => typeof v === 'boolean'),
    callable: one('callable', (v) => typeof v === 'function' || (v !== null && typeof v === 'object' && typeof (v as { __call__?: unknown }).__call__ === 'function')),
    defined: one('defined', (v) => v !== undefined),
    divisibleby: two('divisibleby', 'num', (v, n) => {
      const d = intValue('divisibleby', n);
      if (d === 0) throw valueError('integer division or modulo by zero');
      return intValue('divisibleby', v) % d === 0;
    }),
    eq: eqTest,
    equalto: eqTest,
    '==': eqTest,
    escaped: one('escaped', (v) => v !== null && typeof v === 'object' && typeof (v as { __html__?: unknown }).__html__ === 'function'),
    even: one('even', (v) => intValue('even', v) % 2 === 0),
    false: one('false', (v) => v === false),
    filter: one('filter', (v) => typeof v === 'string' && Object.hasOwn(env.filters, v)),
    float: one('float', (v) => isFloat(v)),
    ge: geTest,
    '>=': geTest,
    gt: gtTest,
    greaterthan: gtTest,
    '>': gtTest,
    in: two('in', 'seq', (v, seq) => contains(seq, v)),
    integer: one('integer', (v) => isInt(v) && typeof v !== 'boolean'),
    iterable: one('iterable', (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || v === undefined || (v !== null && typeof v === 'object' && Symbol.iterator in v)),
    le: leTest,
    '<=': leTest,
    lower: one('lower', (v) => caseTest(str(v), false)),
    lt: ltTest,
    lessthan: ltTest,
    '<': ltTest,
    mapping: one('mapping', (v) => isMappingLike(v)),
    ne: neTest,
    '!=': neTest,
    none: one('none', (v) => v === null),
    number: one('number', (v) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat || v instanceof PyDecimal),
    odd: one('odd', (v) => Math.abs(intValue('odd', v) % 2) === 1),
    sameas: two('sameas', 'other', (v, o) => v === o),
    sequence: one('sequence', (v) => typeof v === 'string' || Array.isArray(v) || isDict(v)),
    string: one('string', (v) => typeof v === 'string'),
    test: one('test', (v) => typeof v === 'string' && Object.hasOwn(env.tests, v)),
    true: one('true', (v) => v === true),
    undefined: one('undefined', (v) => v === undefined),
    upper: one('upper', (v) => caseTest(str(v), true)),
  };
  for (const fn of Object.values(tests)) Object.defineProperty(fn, TEMPLATE_CALLABLE, { value: true });
  for (const name of ['falsy', 'truthy', 'null']) delete env.tests[name];
  Object.assign(env.tests, tests);
}
