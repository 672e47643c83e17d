/**
 * dbt's base context: the members every kind of template context has, whatever it renders —
 * `dbt_version`, `modules`, `fromjson`/`tojson`/`fromyaml`/`toyaml`, `zip`/`zip_strict`,
 * `set`/`set_strict`, `local_md5`, `diff_of_two_dicts`, `exceptions`, `try_or_compiler_error`,
 * `print`, `log`. Built once per invocation; `modules` is built on first access.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { load as loadYaml } from 'js-yaml';
import { BmpError, CompileError, TemplateRaisedError, type ErrorCode } from '../../errors.js';
import { markTemplateCallable, PyDecimal, PyFloat, PySet, suspensionIn, tuple } from '../../jinja/index.js';
import { PYYAML_PYTHON_SCHEMA, PYYAML_WRITE_TAGS } from '../../config/index.js';
import { floatRepr } from '../../manifest/py-float.js';
import { kwargsOf } from './kwargs.js';
import { pyJsonLoads, pyJsonNumber, pyJsonString } from './py-json.js';
import { pythonDates } from './python-dates.js';
import { datetimeModule, PyDate, PyDateTime } from './modules/datetime.js';
import { itertoolsModule } from './modules/itertools.js';
import { pytzModule } from './modules/pytz.js';
import { reModule } from './modules/re.js';

/**
 * The dbt version bmp's templates report (`dbt_version`): the dbt release whose documented
 * behaviour bmp follows, so `{% if dbt_version >= '1.8' %}` in packages takes the current branch.
 */
export const DBT_VERSION = '1.10.0';

/** Where the context's output goes: log lines, print, warnings (per render: see the provider). */
export interface ContextOutput {
  log(message: string, info: boolean): void;
  print(text: string): void;
  warn(message: string): void;
}

/** `modules`: datetime, re, itertools, pytz, each built when first read. */
export function modulesObject(): Readonly<Record<string, unknown>> {
  const built: Record<string, unknown> = {};
  const lazy = (name: string, make: () => unknown) => ({ get: () => (built[name] ??= make()), enumerable: true });
  return Object.defineProperties({}, { datetime: lazy('datetime', datetimeModule), re: lazy('re', reModule), itertools: lazy('itertools', itertoolsModule), pytz: lazy('pytz', pytzModule) });
}

function iterable(v: unknown): unknown[] {
  if (typeof v === 'string' || Array.isArray(v)) return [...v];
  if (v instanceof Set || v instanceof Map) return [...v.keys()];
  if (v && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(v as Iterable<unknown>)];
  if (v && typeof v === 'object') return Object.keys(v);
  throw new TypeError(`'${v === null || v === undefined ? 'NoneType' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v}' object is not iterable`);
}

/** A date or datetime on its way into YAML: written plain, as PyYAML writes one (`d: 2024-01-02`). */
class YamlTimestampOut {
  constructor(readonly text: string) {}
}

/**
 * Values JSON can carry (dates and relations as their text, as dbt's encoder does for its types);
 * `forYaml`: dates and datetimes stay timestamps (PyYAML writes them unquoted).
 */
function jsonable(v: unknown, forYaml = false): unknown {
  if (v === undefined) return null;
  if (forYaml && v instanceof PyDate) return new YamlTimestampOut(v instanceof PyDateTime ? v.isoformat(' ') : v.isoformat());
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return v; // written `1.0`, as json.dumps writes a float
  // json.dumps raises TypeError for a Decimal, which dbt's tojson does not catch (it catches ValueError)
  if (v instanceof PyDecimal) throw new CompileError('BMP_TEMPLATE_TYPE', 'Object of type Decimal is not JSON serializable (use `| float` or `| string` first)');
  if (Array.isArray(v)) return v.map((x) => jsonable(x, forYaml));
  if (v instanceof Set) return [...v].map((x) => jsonable(x, forYaml));
  if (v && typeof v === 'object') {
    if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '__keywords').map(([k, x]) => [k, jsonable(x, forYaml)]));
    }
    const s = (v as { toString(): string }).toString();
    if (s !== '[object Object]') return s;
  }
  return v;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** JSON as Python's json.dumps writes it (`, ` and `: ` separators, floats as Python prints them, ASCII only). */
function pythonJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof PyFloat || typeof v === 'number' || typeof v === 'bigint') return pyJsonNumber(v);
  if (typeof v === 'string') return pyJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as object).map(([k, x]) => `${pyJsonString(k)}: ${pythonJson(x)}`).join(', ')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A float as PyYAML's safe_dump writes it: Python's repr (`1.0`, `1.0e+16`: never without its dot), `.nan`, `.inf`. */
const PY_FLOAT_OUT = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  // (written, never read: reading floats is PYYAML_TAGS' part)
  test: /^\b\B/,
  resolve: (text: string) => text,
  identify: (v: unknown) => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)),
  stringify: ({ value }: { value: unknown }) => {
    const n = value instanceof PyFloat ? value.value : Number(value);
    if (Number.isNaN(n)) return '.nan';
    if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
    const repr = floatRepr(n).toLowerCase();
    return repr.includes('.') || !repr.includes('e') ? repr : repr.replace('e', '.0e');
  },
};

/** A date or datetime as PyYAML's safe_dump writes it: plain, isoformat (with a space before the time). */
const TIMESTAMP_OUT = {
  tag: 'tag:yaml.org,2002:timestamp',
  default: true,
  test: /^\b\B/,
  resolve: (text: string) => text,
  identify: (v: unknown) => v instanceof YamlTimestampOut,
  stringify: ({ value }: { value: unknown }) => (value as YamlTimestampOut).text,
};

function yamlLib(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}

/** The raise helpers of `exceptions` (dbt's exceptions namespace), warnings through `out`. */
export function exceptionsObject(out: ContextOutput): Readonly<Record<string, unknown>> {
  const raise = (code: ErrorCode, msg: string): never => {
    throw new TemplateRaisedError(code, msg);
  };
  const nameOf = (x: unknown) => (x && typeof x === 'object' && 'name' in x ? String((x as { name: unknown }).name) : String(x));
  return Object.freeze({
    raise_compiler_error: (msg: unknown) => raise('BMP_RAISED', String(msg)),
    raise_not_implemented: (msg: unknown) => raise('BMP_NOT_IMPLEMENTED', `not implemented: ${String(msg)}`),
    raise_database_error: (msg: unknown) => raise('BMP_RAISED_DATABASE', `database error: ${String(msg)}`),
    raise_dependency_error: (msg: unknown) => raise('BMP_RAISED_DEPENDENCY', `dependency error: ${String(msg)}`),
    raise_fail_fast_error: (msg: unknown) => raise('BMP_RAISED', `failing fast: ${String(msg)}`),
    raise_contract_error: (yamlColumns: unknown, sqlColumns: unknown) => raise('BMP_CONTRACT', `this model's columns do not match its contract: declared ${JSON.stringify(jsonable(yamlColumns))}, the SQL gives ${JSON.stringify(jsonable(sqlColumns))}`),
    raise_ambiguous_alias: (a: unknown, b: unknown, name: unknown) => raise('BMP_RAISED', `two resources would be the relation '${String(name)}': ${nameOf(a)} and ${nameOf(b)}`),
    raise_cache_inconsistent: (msg: unknown) => raise('BMP_RAISED', `relation cache inconsistent: ${String(msg)}`),
    column_type_missing: (names: unknown) => raise('BMP_CONTRACT', `contracted columns need a data_type: ${iterable(names).join(', ')}`),
    missing_config: (model: unknown, name: unknown) => raise('BMP_CONFIG_REQUIRED', `model ${nameOf(model)} does not define a required config parameter '${String(name)}'`),
    missing_materialization: (model: unknown, adapterType: unknown) => raise('BMP_MATERIALIZATION_UNKNOWN', `no materialization for ${nameOf(model)} on ${String(adapterType)}`),
    missing_relation: (relation: unknown) => raise('BMP_RELATION_MISSING', `relation ${String(relation)} not found`),
    relation_wrong_type: (relation: unknown, expected: unknown) => raise('BMP_RELATION_TYPE', `${String(relation)} is a ${String((relation as { type?: unknown })?.type ?? 'relation')}, expected a ${String(expected)}`),
    warn: (msg: unknown) => {
      out.warn(String(msg));
      return '';
    },
  });
}

/** The members of dbt's base context that need no node, kind or database. */
export function baseMembers(out: ContextOutput): Record<string, unknown> {
  return {
    dbt_version: DBT_VERSION,
    fromjson: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['string', 'default']);
      // (json.loads of an undefined value is a TypeError in dbt, not the default)
      if (kw['string'] === undefined) throw new CompileError('BMP_TEMPLATE_UNDEFINED', 'fromjson() was given an undefined value');
      try {
        return pyJsonLoads(String(kw['string']));
      } catch {
        return kw['default'] ?? null;
      }
    },
    // (template-callable: a float argument reaches it as a float, so 1.0 is written 1.0)
    tojson: markTemplateCallable((...a: unknown[]) => {
      const kw = kwargsOf(a, ['value', 'default', 'sort_keys']);
      try {
        const v = jsonable(kw['value']);
        return pythonJson(kw['sort_keys'] ? sortKeys(v) : v);
      } catch (err) {
        if (err instanceof BmpError && err.code === 'BMP_TEMPLATE_TYPE') throw err;
        return kw['default'] ?? null;
      }
    }),
    fromyaml: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['value', 'default']);
      try {
        // PyYAML's safe_load, as dbt's fromyaml: yes/off are booleans, 017 is octal, 1_000 an int,
        // dates are datetime.date objects, a key given twice keeps its last value
        return pythonDates(loadYaml(String(kw['value']), { schema: PYYAML_PYTHON_SCHEMA, json: true }) ?? null);
      } catch {
        return kw['default'] ?? null;
      }
    },
    /** YAML text, keys in insertion order unless sort_keys (dbt acts like json.dumps here). */
    toyaml: markTemplateCallable((...a: unknown[]) => {
      const kw = kwargsOf(a, ['value', 'default', 'sort_keys']);
      try {
        const v = jsonable(kw['value'], true);
        // as PyYAML's safe_dump writes it: a string PyYAML would read as something else ('yes',
        // '017') is quoted, sequences sit at their key's indent
        return yamlLib().stringify(kw['sort_keys'] ? sortKeys(v) : v, { customTags: (tags) => [PY_FLOAT_OUT, TIMESTAMP_OUT, ...tags, ...PYYAML_WRITE_TAGS], singleQuote: true, indentSeq: false });
      } catch {
        return kw['default'] ?? null;
      }
    }),
    zip: (...a: unknown[]) => {
      const last = a[a.length - 1];
      const kw = last && typeof last === 'object' && '__keywords' in last ? (last as Record<string, unknown>) : undefined;
      try {
        const lists = (kw ? a.slice(0, -1) : a).map(iterable);
        return lists.length ? Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => tuple(lists.map((l) => l[i]))) : [];
      } catch {
        return kw?.['default'] ?? null;
      }
    },
    zip_strict: (...a: unknown[]) => {
      try {
        const lists = a.map(iterable);
        return lists.length ? Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => tuple(lists.map((l) => l[i]))) : [];
      } catch (err) {
        throw new CompileError('BMP_TEMPLATE_TYPE', (err as Error).message);
      }
    },
    set: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['value', 'default']);
      try {
        return new PySet(iterable(kw['value']));
      } catch {
        return kw['default'] ?? null;
      }
    },
    set_strict: (value: unknown) => {
      try {
        return new PySet(iterable(value));
      } catch (err) {
        throw new CompileError('BMP_TEMPLATE_TYPE', (err as Error).message);
      }
    },
    local_md5: (value: unknown) => {
      if (value === undefined) throw new CompileError('BMP_TEMPLATE_UNDEFINED', 'local_md5() was given an undefined value');
      return createHash('md5').update(String(value), 'utf8').digest('hex');
    },
    /**
     * `a` minus `b` (dicts of lists of strings), keys and values compared case-insensitively: a key
     * `b` lacks keeps its whole list, a shared key keeps the values `b`'s list lacks (if any).
     */
    diff_of_two_dicts: (a: Record<string, unknown>, b: Record<string, unknown>) => {
      const fold = (x: unknown) => String(x).toLowerCase();
      const lowered = new Map(Object.entries(b ?? {}).map(([k, v]) => [fold(k), new Set(iterable(v).map(fold))]));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(a ?? {})) {
        const other = lowered.get(fold(k));
        if (!other) out[k] = v;
        else {
          const left = iterable(v).filter((x) => !other.has(fold(x)));
          if (left.length) out[k] = left;
        }
      }
      return out;
    },
    /** Calls `func(*args, **kwargs)`; any error becomes a compiler error with `message`. */
    try_or_compiler_error: (message: unknown, func: (...a: unknown[]) => unknown, ...args: unknown[]) => {
      try {
        return func(...args);
      } catch (err) {
        if (suspensionIn(err)) throw err;
        throw new TemplateRaisedError('BMP_RAISED', String(message), err instanceof BmpError ? {} : {});
      }
    },
    print: (msg: unknown) => {
      out.print(String(msg ?? ''));
      return '';
    },
    log: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['msg', 'info']);
      out.log(String(kw['msg'] ?? ''), !!kw['info']);
      return '';
    },
    exceptions: exceptionsObject(out),
  };
}
