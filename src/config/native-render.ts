/**
 * dbt's "native" rendering of YAML values (dbt_project.yml, profiles.yml, properties files): a value
 * that is a single `{{ ... }}` keeps the type of what the expression evaluated to at run time
 * (`{{ var('n', 3) }}` is the number 3, `{{ var('on', false) }}` the boolean false); anything else
 * is text. dbt's four filters decide the type explicitly: `as_bool`, `as_number` and `as_native`
 * read the text back as a Python literal (`'False' | as_bool` is false), `as_text` keeps text.
 *
 * The rules, as dbt-core 1.10 applies them (its NativeSandboxEnvironment on Jinja 3.1):
 * - several outputs (text around an expression, two expressions) are joined into one string, each
 *   printed as Python prints it (`True`, `None`, `['a']`);
 * - an expression Jinja can fold when compiling (only literals: `{{ 2 + 2 }}`, `{{ false }}`) is
 *   printed to text before dbt sees it, so `"{{ 2 + 2 }}"` is the string "4" and
 *   `"{{ (2 + 2) | as_number }}"` the number 4;
 * - `as_bool` of something that does not read as True/False, and `as_number` of something that
 *   does not read as a number, are errors.
 */
import { createRequire } from 'node:module';
import type nunjucksTypes from 'nunjucks';
import { BmpError, ConfigError, type ErrorLocation } from '../errors.js';
import { envVar } from './env-render.js';
import { NotALiteral, pyLiteralEval, pyStr } from './py-values.js';

/** `as_text`'s result: text, never read as a literal. */
export class TextMarker extends String {}
/** `as_native`'s result: read back with Python's `literal_eval` when it is the whole value. */
export class NativeMarker extends String {}
/** `as_bool`'s result: must read back as True or False. */
export class BoolMarker extends NativeMarker {}
/** `as_number`'s result: must read back as an int or a float. */
export class NumberMarker extends NativeMarker {}

/** The four filters in the native (YAML) environment: they mark their input's text. */
export const NATIVE_FILTERS: Readonly<Record<'as_text' | 'as_bool' | 'as_native' | 'as_number', (v: unknown) => unknown>> = {
  as_text: (v) => new TextMarker(pyStr(v)),
  as_bool: (v) => new BoolMarker(pyStr(v)),
  as_native: (v) => new NativeMarker(pyStr(v)),
  as_number: (v) => new NumberMarker(pyStr(v)),
};

/**
 * The same four filters in SQL templates (dbt's text environment): they return their input
 * unchanged, so `config(enabled=var('x') | as_bool)` passes var's own value.
 */
export const TEXT_FILTERS: Readonly<Record<keyof typeof NATIVE_FILTERS, (v: unknown) => unknown>> = {
  as_text: (v) => v,
  as_bool: (v) => v,
  as_native: (v) => v,
  as_number: (v) => v,
};

const RENDER_CHARS = /\{[{%#]/;

/** True when a string holds template syntax (`{{`, `{%`, `{#`). */
export function hasTemplate(value: string): boolean {
  return value.includes('{') && RENDER_CHARS.test(value);
}

/** True when any string in a parsed YAML value holds template syntax. */
function holdsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(holdsTemplate);
  if (value && typeof value === 'object') {
    for (const k in value) if (holdsTemplate((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

type Nunjucks = typeof nunjucksTypes & {
  parser: { parse(src: string, extensions: unknown[], opts: unknown): NjNode };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => { compile(node: NjNode): void; getCode(): string } };
  nodes: Record<string, new (...args: unknown[]) => NjNode>;
};
interface NjNode {
  readonly typename: string;
  readonly fields: readonly string[];
  readonly lineno: number;
  readonly colno: number;
  children?: NjNode[];
  value?: unknown;
  [field: string]: unknown;
}

/** What a template can call: the context of one YAML file kind. */
export type YamlContext = Readonly<Record<string, unknown>>;

/** A compiled YAML value template. */
export interface YamlTemplate {
  render(context: object): string;
}

/**
 * The template language YAML values are written in, handed down by the layer that owns it (the
 * template engine's Jinja2 semantics: `'a'.upper()`, `'%s' % x`, list `+`); without one, plain
 * nunjucks. `compile` parses `source`, lets `transform` rewrite the syntax tree with the node
 * classes it is made of, adds `filters`, and compiles.
 */
export interface YamlTemplateSyntax {
  compile(source: string, transform: (root: unknown, nodes: Record<string, new (...args: unknown[]) => unknown>) => void, filters: Readonly<Record<string, (v: unknown) => unknown>>): YamlTemplate;
}

/**
 * Renders YAML values the way dbt's native environment does, with a given context (`env_var`,
 * `var`, `target`, ...). One per file kind and invocation; compiled templates are kept per text.
 * @example new NativeRenderer({ var: cliVar({ on: true }) }).render("{{ var('on') | as_bool }}", { file: 'project.yml' }) // true
 */
export class NativeRenderer {
  private env?: nunjucksTypes.Environment;
  private nj?: Nunjucks;
  private readonly templates = new Map<string, YamlTemplate>();
  private readonly context: YamlContext;
  /** What a context function threw during the current render (nunjucks keeps only its message). */
  private thrown: unknown;

  constructor(
    context: YamlContext,
    private readonly syntax?: YamlTemplateSyntax,
  ) {
    const wrapped: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(context)) {
      wrapped[name] =
        typeof v === 'function'
          ? (...args: unknown[]) => {
              try {
                return (v as (...a: unknown[]) => unknown)(...args);
              } catch (err) {
                this.thrown ??= err;
                throw err;
              }
            }
          : v;
    }
    this.context = wrapped;
  }

  /**
   * One value: returned as is unless it is a string holding template syntax.
   * @throws ConfigError BMP_YAML_TEMPLATE (syntax, or a failed as_bool/as_number), BMP_ENV_VAR_MISSING, BMP_VAR_UNDEFINED; located at `where`.
   */
  render(value: unknown, where: ErrorLocation): unknown {
    if (typeof value !== 'string' || !hasTemplate(value)) return value;
    const parts: unknown[] = [];
    const emit = (v: unknown, constant: boolean): string => {
      // a folded constant is printed to text, unless Jinja could not fold it (a marker)
      parts.push(constant && !(v instanceof String) ? pyStr(v === undefined ? '' : v) : v);
      return '';
    };
    this.thrown = undefined;
    try {
      this.template(value).render({ ...this.context, __bmp_emit: emit });
      return concat(parts);
    } catch (err) {
      const cause = this.thrown ?? err;
      if (cause instanceof BmpError) {
        // the same error, located at the YAML value
        const Ctor = cause.constructor as new (code: BmpError['code'], message: string, where: ErrorLocation, hint?: string, details?: string) => BmpError;
        throw new Ctor(cause.code, cause.message, { ...cause.where, file: where.file, line: where.line ?? cause.where.line, column: where.column, nodeId: where.nodeId ?? cause.where.nodeId }, cause.hint, cause.details);
      }
      const message = (err as Error).message.split('\n').filter((l) => l.trim()).pop()?.trim().replace(/^(Compile)?Error: /, '') ?? String(err);
      throw new ConfigError('BMP_YAML_TEMPLATE', `cannot render ${JSON.stringify(value)}: ${message}`, where);
    }
  }

  /**
   * Renders every string in a parsed YAML tree, keeping objects that did not change. `skip`
   * leaves a key path (and the value there) unrendered (hooks, vars, descriptions and tests, as dbt
   * does).
   */
  renderTree(value: unknown, where: (path: (string | number)[]) => ErrorLocation, skip?: (path: readonly (string | number)[], value: unknown) => boolean, path: (string | number)[] = []): unknown {
    // most of a large properties file holds no template: nothing to walk key by key
    if (!path.length && !holdsTemplate(value)) return value;
    if (skip?.(path, value)) return value;
    if (typeof value === 'string') return this.render(value, where(path));
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((v, i) => {
        const r = this.renderTree(v, where, skip, [...path, i]);
        if (r !== v) (out ??= [...value])[i] = r;
      });
      return out ?? value;
    }
    if (value && typeof value === 'object') {
      let out: Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(value)) {
        const r = this.renderTree(v, where, skip, [...path, k]);
        if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = r;
      }
      return out ?? value;
    }
    return value;
  }

  private template(source: string): YamlTemplate {
    let t = this.templates.get(source);
    if (!t) {
      // Jinja drops one trailing newline of a template (keep_trailing_newline=False)
      t = this.syntax ? this.syntax.compile(source.replace(/\r?\n$/, ''), (root, nodes) => instrument(root as NjNode, nodes as Nunjucks['nodes']), NATIVE_FILTERS) : this.compile(source);
      this.templates.set(source, t);
    }
    return t;
  }

  private compile(source: string): YamlTemplate {
    const nj = (this.nj ??= createRequire(import.meta.url)('nunjucks') as Nunjucks);
    if (!this.env) {
      this.env = new nj.Environment(null, { autoescape: false, throwOnUndefined: false });
      for (const [name, fn] of Object.entries(NATIVE_FILTERS)) this.env.addFilter(name, fn);
      for (const [name, v] of Object.entries({ True: true, False: false, None: null })) this.env.addGlobal(name, v);
    }
    // Jinja drops one trailing newline of a template (keep_trailing_newline=False)
    const src = source.replace(/\r?\n$/, '');
    const ast = nj.parser.parse(src, [], (this.env as unknown as { opts: unknown }).opts);
    instrument(ast, nj.nodes);
    const compiler = new nj.compiler.Compiler('yaml value', false);
    compiler.compile(ast);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const props = new Function(compiler.getCode())() as unknown;
    return new nj.Template({ type: 'code', obj: props } as unknown as string, this.env, 'yaml value');
  }
}

/** dbt's `quoted_native_concat`: one output keeps its value (markers read back), several join to text. */
function concat(parts: readonly unknown[]): unknown {
  if (!parts.length) return '';
  if (parts.length > 1) return parts.map((p) => (p === undefined ? '' : pyStr(p))).join('');
  const raw = parts[0];
  if (raw instanceof TextMarker) return raw.valueOf();
  if (!(raw instanceof NativeMarker)) return raw === undefined ? '' : raw;
  const text = raw.valueOf();
  let result: unknown;
  try {
    result = pyLiteralEval(text);
  } catch (err) {
    if (!(err instanceof NotALiteral)) throw err;
    result = text;
  }
  if (raw instanceof BoolMarker && typeof result !== 'boolean') {
    throw new ConfigError('BMP_YAML_TEMPLATE', `could not convert value '${text}' into type 'bool'`, {}, `as_bool reads True or False (what var('x', false) or a comparison gives); for text like 'true', compare instead: {{ var('x') == 'true' }}`);
  }
  if (raw instanceof NumberMarker && typeof result !== 'number') {
    throw new ConfigError('BMP_YAML_TEMPLATE', `could not convert value '${text}' into type 'number'`, {}, 'as_number reads an integer or a decimal number like 42 or 1.5');
  }
  return result;
}

/**
 * Routes every output of the template through `__bmp_emit(value, constant)` so the renderer sees
 * each output's value instead of nunjucks' string. Macro bodies are left alone: a macro call is
 * one output, as in Jinja.
 */
function instrument(node: NjNode, nodes: Nunjucks['nodes']): void {
  if (node.typename === 'Macro' || node.typename === 'Caller') return;
  if (node.typename === 'Output') {
    node.children = (node.children ?? []).map((child) => {
      const { lineno, colno } = child;
      const value = child.typename === 'TemplateData' ? new nodes['Literal']!(lineno, colno, child.value) : child;
      const args = new nodes['NodeList']!(lineno, colno, [value, new nodes['Literal']!(lineno, colno, child.typename === 'TemplateData' || isConstant(child))]);
      return new nodes['FunCall']!(lineno, colno, new nodes['Symbol']!(lineno, colno, '__bmp_emit'), args);
    });
    return;
  }
  for (const field of node.fields) {
    const v = node[field];
    if (Array.isArray(v)) for (const c of v) isNode(c) && instrument(c, nodes);
    else if (isNode(v)) instrument(v, nodes);
  }
}

function isNode(v: unknown): v is NjNode {
  return !!v && typeof v === 'object' && typeof (v as NjNode).typename === 'string';
}

const CONSTANT_NAMES = new Set(['True', 'False', 'None', 'true', 'false', 'none']);
const MARKER_FILTERS = new Set(Object.keys(NATIVE_FILTERS));

/** What Jinja folds at compile time: literals and operators, filters and tests over literals. */
function isConstant(node: NjNode | null | undefined): boolean {
  if (!node) return true;
  switch (node.typename) {
    case 'Literal':
    case 'TemplateData':
      return true;
    case 'Symbol':
      return CONSTANT_NAMES.has(String(node.value));
    case 'FunCall':
    case 'Caller':
      return false;
    case 'Filter': {
      const name = (node['name'] as NjNode | undefined)?.value;
      return !MARKER_FILTERS.has(String(name)) && isConstant(node['args'] as NjNode);
    }
    case 'Is': {
      const test = node['right'] as NjNode | undefined;
      const testArgs = test?.typename === 'FunCall' ? (test['args'] as NjNode) : undefined;
      return isConstant(node['left'] as NjNode) && (test?.typename === 'Symbol' || (test?.typename === 'FunCall' && isConstant(testArgs)));
    }
    default:
      break;
  }
  for (const field of node.fields) {
    if (node.typename === 'Filter' && field === 'name') continue;
    const v = node[field];
    if (Array.isArray(v)) {
      if (!v.every((c) => !isNode(c) || isConstant(c))) return false;
    } else if (isNode(v) && !isConstant(v)) return false;
    else if (v !== null && v !== undefined && !isNode(v) && !Array.isArray(v) && typeof v === 'object') return false;
  }
  return true;
}

/**
 * `var()` where only `--vars` are visible (dbt_project.yml and profiles.yml, as in dbt).
 * @throws ConfigError BMP_VAR_UNDEFINED when the var is neither given nor defaulted
 */
export function cliVarFunction(cliVars: Readonly<Record<string, unknown>>, fileKind: string): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const name = String(args[0]);
    if (Object.prototype.hasOwnProperty.call(cliVars, name)) return cliVars[name];
    if (args.length > 1) return args[1];
    throw new ConfigError('BMP_VAR_UNDEFINED', `required var '${name}' not found: in ${fileKind} only --vars are visible (as in dbt)`, {}, `pass --vars '{${name}: ...}' or give a default: var('${name}', ...)`);
  };
}

/** `env_var()` for YAML contexts. */
export const yamlEnvVar = (name: unknown, fallback?: unknown): string => envVar(String(name), fallback);

/** `target` as YAML templates see it (dbt's target dict: name, schema, type, threads, ...). */
export function templateTarget(t: { readonly name: string; readonly schema: string; readonly threads: number; readonly database: string; readonly profileName: string; readonly path: string }): Readonly<Record<string, unknown>> {
  return { name: t.name, schema: t.schema, type: 'duckdb', threads: t.threads, database: t.database, profile_name: t.profileName, path: t.path };
}
