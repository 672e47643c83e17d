import type nunjucks from 'nunjucks';
import { createRequire } from 'node:module';
import { TEXT_FILTERS } from '../config/index.js';
import { CompileError } from '../errors.js';
import { stripKeywords } from './relation.js';

export interface BuiltinHooks {
  /** `return(value)` in a macro. */
  returnValue(value: unknown): never;
}

/**
 * The parts of Jinja (and dbt's base context) that nunjucks lacks: `{% do %}`, `return()`,
 * `none`/`sameas`/... tests, `tojson`/`fromjson`, `zip`, `dict`, `namespace`, `modules`.
 */
export function installBuiltins(env: nunjucks.Environment, hooks: BuiltinHooks): void {
  env.addExtension('DoExtension', new DoExtension());

  const g: Record<string, unknown> = {
    return: hooks.returnValue,
    fromjson: (s: string, fallback?: unknown) => {
      try {
        return JSON.parse(s);
      } catch {
        return fallback ?? null;
      }
    },
    tojson: (v: unknown, sortKeys?: boolean) => JSON.stringify(sortKeys ? sortObject(v) : v),
    fromyaml: (s: string) => yaml().parse(s),
    toyaml: (v: unknown) => yaml().stringify(v),
    zip: (...lists: unknown[][]) => {
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
    },
    dict: (kw?: Record<string, unknown>) => ({ ...stripKeywords(kw ?? {}) }),
    list: (v: Iterable<unknown> | undefined) => (v ? [...v] : []),
    namespace: (kw?: Record<string, unknown>) => ({ ...stripKeywords(kw ?? {}) }),
    set: (v: Iterable<unknown> | undefined) => [...new Set(v ?? [])],
    print: (...args: unknown[]) => {
      process.stderr.write(args.map(String).join(' ') + '\n');
      return '';
    },
    exceptions: {
      raise_compiler_error: (msg: string) => {
        throw new CompileError('BMP_RAISED', String(msg));
      },
      warn: (msg: string) => {
        process.stderr.write(`Warning: ${msg}\n`);
        return '';
      },
      raise_not_implemented: (msg: string) => {
        throw new CompileError('BMP_RAISED', `not implemented: ${msg}`);
      },
    },
    modules: {
      datetime: {
        datetime: {
          now: () => new PyDate(new Date()),
          utcnow: () => new PyDate(new Date()),
        },
      },
      re: {
        match: (p: string, s: string) => new RegExp('^(?:' + p + ')').exec(s),
        search: (p: string, s: string) => new RegExp(p).exec(s),
        sub: (p: string, r: string, s: string) => s.replace(new RegExp(p, 'g'), r),
      },
    },
    True: true,
    False: false,
    None: null,
    none: null,
  };
  for (const [k, v] of Object.entries(g)) env.addGlobal(k, v);

  const addTest = (name: string, fn: (...a: any[]) => boolean) => (env as unknown as { addTest(n: string, f: unknown): void }).addTest(name, fn);
  addTest('none', (v: unknown) => v === null || v === undefined);
  addTest('sameas', (a: unknown, b: unknown) => a === b);
  addTest('boolean', (v: unknown) => typeof v === 'boolean');
  addTest('true', (v: unknown) => v === true);
  addTest('false', (v: unknown) => v === false);
  addTest('integer', (v: unknown) => Number.isInteger(v));
  addTest('float', (v: unknown) => typeof v === 'number' && !Number.isInteger(v));
  addTest('sequence', (v: unknown) => Array.isArray(v) || typeof v === 'string');
  addTest('in', (v: unknown, c: unknown) => (Array.isArray(c) || typeof c === 'string' ? c.includes(v as string) : !!c && typeof c === 'object' && String(v) in c));
  addTest('lower', (v: unknown) => typeof v === 'string' && v === v.toLowerCase());
  addTest('upper', (v: unknown) => typeof v === 'string' && v === v.toUpperCase());

  env.addFilter('tojson', (v: unknown) => JSON.stringify(v));
  // dbt's as_bool/as_number/as_native/as_text: in SQL templates (dbt's text environment) they return
  // their input; YAML values render natively in src/config/native-render.ts
  for (const [name, fn] of Object.entries(TEXT_FILTERS)) env.addFilter(name, fn);
  env.addFilter('unique', (v: unknown[]) => [...new Set(v ?? [])]);
  env.addFilter('items', (v: Record<string, unknown>) => Object.entries(v ?? {}));
}

/** A Python-datetime-like value for templates (`run_started_at.strftime('%Y-%m-%d')`). */
export class PyDate {
  constructor(private readonly d: Date) {}
  isoformat(): string {
    return this.d.toISOString();
  }
  strftime(fmt: string): string {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const d = this.d;
    return fmt
      .replace('%Y', String(d.getUTCFullYear()))
      .replace('%m', pad(d.getUTCMonth() + 1))
      .replace('%d', pad(d.getUTCDate()))
      .replace('%H', pad(d.getUTCHours()))
      .replace('%M', pad(d.getUTCMinutes()))
      .replace('%S', pad(d.getUTCSeconds()));
  }
  get year(): number {
    return this.d.getUTCFullYear();
  }
  get month(): number {
    return this.d.getUTCMonth() + 1;
  }
  get day(): number {
    return this.d.getUTCDate();
  }
  timestamp(): number {
    return this.d.getTime() / 1000;
  }
  toString(): string {
    // dbt renders run_started_at as '2026-11-24 18:40:11.123456+00:00'
    return this.d.toISOString().replace('T', ' ').replace('Z', '000+00:00');
  }
}

function sortObject(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortObject);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortObject((v as Record<string, unknown>)[k])]));
  return v;
}

/** `{% do expr %}`: evaluates an expression for its side effect and outputs nothing. */
class DoExtension {
  readonly tags = ['do'];
  parse(parser: any, nodes: any): unknown {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tok.lineno, tok.colno, [expr]), null);
  }
  run(): string {
    return '';
  }
}

/** `yaml`, loaded when a template first calls fromyaml/toyaml. */
function yaml(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}
