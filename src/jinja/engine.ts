import { createRequire } from 'node:module';
import type nunjucksTypes from 'nunjucks';
import { BmpError, CompileError, closeMatches, didYouMeanOf, type ErrorLocation } from '../errors.js';
import { checkRenderedSize, renderedTooLarge, RenderBudget } from './limits.js';
import { installBuiltins } from './builtins.js';
import { installJinjaFilters } from './filters.js';
import { GLOBAL_PACKAGE, MacroRegistry, type MacroSource, type RegisteredMacro } from './macro-registry.js';
import { suspensionIn } from './suspend.js';
import { copyMacroInfo, createPyRuntime, macroTraceOf, markTemplateCallable, type PyRuntime } from './python/runtime.js';
import { makeJinjaSyntax, type JinjaSyntax, type NunjucksModule } from './syntax/index.js';
import { installJinjaTests } from './tests.js';

type Nunjucks = typeof nunjucksTypes;
interface Loaded {
  readonly nunjucks: Nunjucks;
  /** nunjucks' Template with Jinja2's lexer, parser, compiler and Python runtime. */
  readonly jinja: JinjaSyntax;
}
let loaded: Loaded | undefined;

/** nunjucks and Jinja2's syntax on it, loaded on first use (shared by every engine of the process). */
export function jinjaModules(): Loaded {
  return loadNunjucks();
}

/** nunjucks is loaded on first render: projects whose templates all take the static path never load it. */
function loadNunjucks(): Loaded {
  if (!loaded) {
    const nunjucks = createRequire(import.meta.url)('nunjucks') as Nunjucks;
    loaded = { nunjucks, jinja: makeJinjaSyntax(nunjucks as unknown as NunjucksModule) };
  }
  return loaded;
}

/** Thrown by `return(value)` inside a macro; caught at the macro's boundary. */
class MacroReturn {
  constructor(readonly value: unknown) {}
}

export type { MacroSource, RegisteredMacro } from './macro-registry.js';

export interface RenderInput {
  /** Path shown in errors, relative to the project folder. */
  readonly file: string;
  readonly source: string;
  readonly nodeId?: string;
  /** The package the template belongs to (its unqualified macro names resolve from there); default the root project. */
  readonly packageName?: string;
}

export interface RenderOptions {
  /**
   * A parse render, with dbt's parse-time Undefined: reading an attribute or item of an undefined
   * value, or calling what an attribute or item lookup gave, is undefined instead of an error
   * (templates are rendered at parse to find refs and config, with a context that cannot answer
   * everything yet). Calling an unknown name is still an error.
   */
  readonly parsing?: boolean;
  /** Macros replaced for this render (unit tests' `overrides: macros:`): `name` or `pkg.name` → value. */
  readonly macroOverrides?: Readonly<Record<string, unknown>>;
}

type Globals = Record<string, unknown>;

/** What templates of each package see besides the render's context (built on first render). */
interface Layers {
  /** dbt's global macros and every package's namespace object (`dbt_utils.star`), over the base globals. */
  readonly global: Globals;
  /** A package's own macros, over `global`. */
  readonly own: Map<string, Globals>;
  /** What a package's templates see: the root project's macros, over its own (root first). */
  readonly view: Map<string, Globals>;
  /** Package name → its namespace object. */
  readonly namespaces: Map<string, Globals>;
  /** Package name → an Environment whose globals are that package's view. */
  readonly envs: Map<string, nunjucksTypes.Environment>;
}

/**
 * One nunjucks Environment per invocation, with every macro of the project and its packages
 * callable by name (see {@link MacroRegistry} for how names resolve).
 *
 * Rendering is synchronous, so the per-render context (ref, this, config, ...) is installed into the
 * environment's globals for the duration of a render and restored afterwards; macros defined in
 * other files then see the caller's context, as in dbt. Macros shadow context members of the same
 * name (dbt's rule: a project may override `ref`). Each package's templates see the globals through
 * a view that puts the root project's macros first, then the package's own, then dbt's and the
 * package namespaces; a macro is compiled the first time it is called, in its package's view.
 */
export class TemplateEngine {
  private envInstance: nunjucksTypes.Environment | undefined;
  private layers: Layers | undefined;
  readonly registry: MacroRegistry;
  private readonly compiledMacros = new Map<RegisteredMacro, (...args: unknown[]) => unknown>();
  /** Compiled templates by source, then by package and file. */
  private readonly templates = new Map<string, Map<string, nunjucksTypes.Template>>();
  /** The macro being executed, innermost last (for error locations and the calling package). */
  private readonly macroStack: RegisteredMacro[] = [];
  /** The package of each template being rendered, innermost last. */
  private readonly renderStack: string[] = [];
  /** What the current top-level render may still spend (see limits.ts); renders nest through macros. */
  private budget = new RenderBudget();
  private renderDepth = 0;

  constructor(registry?: MacroRegistry) {
    this.registry = registry ?? new MacroRegistry();
    this.registry.onAdd = (m) => this.expose(m);
  }

  /** How many macros have been compiled so far (each is compiled once, on its first call). */
  get compiledMacroCount(): number {
    return this.compiledMacros.size;
  }

  /** The root project's macros by name. */
  get macros(): ReadonlyMap<string, RegisteredMacro> {
    return this.registry.macrosOf(this.registry.rootPackage);
  }

  get env(): nunjucksTypes.Environment {
    if (!this.envInstance) {
      const { nunjucks } = loadNunjucks();
      // dbt's Jinja2 environment: no autoescape, trim_blocks/lstrip_blocks off, no trailing newline kept
      const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false, dev: true });
      (env as unknown as { py: PyRuntime }).py = createPyRuntime();
      installBuiltins(env, {
        returnValue: (value: unknown) => {
          // outside a project macro nothing would catch it: say so where it is written
          if (!this.macroStack.length) throw new CompileError('BMP_TEMPLATE_RETURN', 'return() works only inside a macro from the macro paths');
          throw new MacroReturn(value);
        },
      });
      installJinjaFilters(env as unknown as Parameters<typeof installJinjaFilters>[0]);
      installJinjaTests(env as unknown as Parameters<typeof installJinjaTests>[0]);
      // bounded: a billion-item range() would end the process in a V8 out-of-memory crash
      env.addGlobal('range', (start: number, stop?: number, step?: number) => this.budget.range(start, stop, step));
      // every render adds and removes its globals (withGlobals): a prototype-less object is a hash
      // table in V8, where that costs less than reshaping a fast-properties object each time
      const env2 = env as unknown as { globals: Record<string, unknown> };
      env2.globals = Object.assign(Object.create(null) as Record<string, unknown>, env2.globals);
      this.envInstance = env;
    }
    return this.envInstance;
  }

  /** The environment a package's templates compile in (its globals are the package's view). */
  private envFor(packageName: string): nunjucksTypes.Environment {
    const layers = this.buildLayers();
    let env = layers.envs.get(packageName);
    if (!env) {
      env = Object.create(this.env) as nunjucksTypes.Environment;
      (env as unknown as { globals: Globals }).globals = this.viewOf(packageName);
      layers.envs.set(packageName, env);
    }
    return env;
  }

  private buildLayers(): Layers {
    if (this.layers) return this.layers;
    const global = Object.create(globalsOf(this.env)) as Globals;
    this.layers = { global, own: new Map(), view: new Map(), namespaces: new Map(), envs: new Map() };
    for (const pkg of this.registry.packageNames()) for (const m of this.registry.macrosOf(pkg).values()) this.expose(m);
    return this.layers;
  }

  private ownLayer(packageName: string): Globals {
    const layers = this.layers!;
    if (packageName === GLOBAL_PACKAGE) return layers.global;
    let own = layers.own.get(packageName);
    if (!own) {
      own = Object.create(layers.global) as Globals;
      layers.own.set(packageName, own);
      for (const m of this.registry.macrosOf(packageName).values()) this.defineMacro(own, m);
    }
    return own;
  }

  private viewOf(packageName: string): Globals {
    const layers = this.layers!;
    let view = layers.view.get(packageName);
    if (!view) {
      const root = this.registry.rootPackage;
      if (packageName === root) view = this.ownLayer(root);
      else {
        view = Object.create(this.ownLayer(packageName)) as Globals;
        for (const m of this.registry.macrosOf(root).values()) this.defineMacro(view, m);
      }
      layers.view.set(packageName, view);
    }
    return view;
  }

  private namespaceOf(packageName: string): Globals {
    const layers = this.layers!;
    let ns = layers.namespaces.get(packageName);
    if (!ns) {
      ns = {};
      layers.namespaces.set(packageName, ns);
      Object.defineProperty(layers.global, packageName, { configurable: true, enumerable: true, value: ns });
    }
    return ns;
  }

  /** Makes a registered macro visible to the layers already built (and its namespace). */
  private expose(m: RegisteredMacro): void {
    const layers = this.layers;
    if (!layers) return;
    this.defineMacro(this.namespaceOf(m.packageName), m);
    if (m.packageName === GLOBAL_PACKAGE) this.defineMacro(layers.global, m);
    else if (layers.own.has(m.packageName)) this.defineMacro(layers.own.get(m.packageName)!, m);
    if (m.packageName === this.registry.rootPackage) {
      for (const [pkg, view] of layers.view) if (pkg !== m.packageName) this.defineMacro(view, m);
    }
  }

  private defineMacro(target: Globals, m: RegisteredMacro): void {
    Object.defineProperty(target, m.name, { configurable: true, enumerable: true, get: () => this.macroFunction(m) });
  }

  /**
   * Registers the macros of a file (under the root project unless `packageName` says otherwise).
   * Each macro is compiled on first call.
   * @throws CompileError BMP_MACRO_DUPLICATE when the package already defines a name.
   */
  addMacroFile(src: MacroSource, packageName: string = this.registry.rootPackage): RegisteredMacro[] {
    return this.registry.addFile(packageName, src);
  }

  /** The calling package: that of the innermost macro running, else of the template being rendered. */
  get currentPackage(): string {
    return this.macroStack[this.macroStack.length - 1]?.packageName ?? this.renderStack[this.renderStack.length - 1] ?? this.registry.rootPackage;
  }

  /**
   * `adapter.dispatch(name, macro_namespace)`: the macro the search order finds, as a callable.
   * @throws CompileError BMP_MACRO_UNDEFINED naming every candidate tried.
   */
  dispatch(name: string, namespace?: string): (...args: unknown[]) => unknown {
    const { macro, searched } = this.registry.dispatchTarget(String(name), namespace ?? undefined, this.currentPackage);
    if (!macro) {
      throw new CompileError('BMP_MACRO_UNDEFINED', `adapter.dispatch: no macro named '${name}' found${namespace ? ` within namespace '${namespace}'` : ''}; searched for ${searched.map((s) => `'${s}'`).join(', ')}`);
    }
    return this.macroFunction(macro);
  }

  /** The callable for a macro by name as the root project sees it (compiling it on first use). */
  macroFunction(macro: RegisteredMacro | string): (...args: unknown[]) => unknown {
    if (typeof macro === 'string') {
      const found = this.registry.resolve(macro);
      if (!found) throw new CompileError('BMP_MACRO_UNDEFINED', `macro '${macro}' is not defined`);
      macro = found;
    }
    const cached = this.compiledMacros.get(macro);
    if (cached) return cached;
    const m = macro;
    // Keep line numbers: pad with the newlines that preceded the block in its file.
    let text = m.block.text;
    if (m.kind === 'test') {
      text = text.replace(/^\{%(-?)\s*test\s+/, '{%$1 macro ').replace(/\{%(-?)\s*endtest\s*(-?)%\}$/, '{%$1 endmacro $2%}');
    } else if (m.kind === 'materialization') {
      text = text.replace(/^\{%(-?)\s*materialization\s+[^%]*?(-?)%\}/, `{%$1 macro ${m.name}() $2%}`).replace(/\{%(-?)\s*endmaterialization\s*(-?)%\}$/, '{%$1 endmacro $2%}');
    }
    const exportName = m.kind === 'materialization' ? m.name : m.block.name;
    const padded = '\n'.repeat(m.line - 1) + text;
    let tmpl: nunjucksTypes.Template;
    try {
      tmpl = this.newTemplate(padded, m.file, m.packageName);
    } catch (err) {
      throw this.toCompileError(err, { file: m.file, line: m.line }, padded, true);
    }
    let exported: Record<string, unknown> = {};
    try {
      (tmpl as unknown as { getExported(ctx: object, frame: null, cb: (err: Error | null, exp: Record<string, unknown>) => void): void }).getExported({}, null, (err: Error | null, exp: Record<string, unknown>) => {
        if (err) throw err;
        exported = exp;
      });
    } catch (err) {
      throw this.toCompileError(err, { file: m.file, line: m.line });
    }
    const raw = exported[exportName] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof raw !== 'function') throw new CompileError('BMP_MACRO_INVALID', `macro '${m.block.name}' could not be loaded`, { file: m.file, line: m.line });
    const engine = this;
    const fn = function (this: unknown, ...args: unknown[]) {
      checkMacroArgs(m, args, engine.registry.rootPackage);
      engine.macroStack.push(m);
      try {
        return raw.apply(this, args);
      } catch (err) {
        if (err instanceof MacroReturn) return err.value;
        throw err;
      } finally {
        engine.macroStack.pop();
      }
    };
    markTemplateCallable(fn, m.block.name);
    copyMacroInfo(raw, fn);
    this.compiledMacros.set(m, fn);
    return fn;
  }

  /**
   * Calls a macro from TypeScript with positional args (and optional keyword args); a name is
   * resolved as the root project sees it.
   */
  callMacro(macro: RegisteredMacro | string, args: unknown[], kwargs?: Record<string, unknown>, globals?: Readonly<Record<string, unknown>>, packageName?: string): unknown {
    const m = typeof macro === 'string' ? this.registry.resolve(macro) : macro;
    if (!m) throw new CompileError('BMP_MACRO_UNDEFINED', `macro '${String(macro)}' is not defined`);
    return this.withGlobals(globals ?? {}, packageName ?? m.packageName, () => {
      const fn = this.macroFunction(m);
      try {
        return kwargs ? fn(...args, { ...kwargs, __keywords: true }) : fn(...args);
      } catch (err) {
        const suspended = suspensionIn(err);
        if (suspended) throw suspended;
        throw this.toCompileError(err, { file: m.file, line: m.line });
      }
    });
  }

  /**
   * Renders a template with `globals` installed for this render only.
   * @throws CompileError with file and line on template syntax or render errors.
   */
  render(input: RenderInput, globals: Readonly<Record<string, unknown>>, opts: RenderOptions = {}): string {
    const pkg = input.packageName ?? this.registry.rootPackage;
    const tmpl = this.template(input, pkg);
    const py = (this.env as unknown as { py: PyRuntime }).py;
    const lenient = py.lenient;
    py.lenient = !!opts.parsing;
    if (this.renderDepth++ === 0) this.budget = new RenderBudget();
    const run = () =>
      this.withGlobals(globals, pkg, () => {
        try {
          return checkRenderedSize(tmpl.render({}));
        } catch (err) {
          const suspended = suspensionIn(err);
          if (suspended) throw suspended;
          throw this.toCompileError(err, { file: input.file, nodeId: input.nodeId }, input.source);
        }
      });
    try {
      const overrides = opts.macroOverrides;
      return overrides && Object.keys(overrides).length ? this.withMacroOverrides(overrides, pkg, run) : run();
    } finally {
      this.renderDepth--;
      py.lenient = lenient;
    }
  }

  /**
   * Replaces macros for one render (unit tests' `overrides: macros:`): `name` everywhere it is
   * callable without a namespace, `pkg.name` in that package's namespace.
   */
  private withMacroOverrides<T>(overrides: Readonly<Record<string, unknown>>, pkg: string, fn: () => T): T {
    this.buildLayers();
    this.viewOf(pkg);
    const layers = this.layers!;
    const saved: [Globals, string, PropertyDescriptor | undefined][] = [];
    const set = (target: Globals, key: string, value: unknown) => {
      saved.push([target, key, Object.getOwnPropertyDescriptor(target, key)]);
      Object.defineProperty(target, key, { value, configurable: true, enumerable: true, writable: true });
    };
    const everywhere = new Set([...layers.view.values(), ...layers.own.values(), layers.global]);
    for (const [name, value] of Object.entries(overrides)) {
      const dot = name.lastIndexOf('.');
      if (dot > 0) {
        const [ns, key] = [name.slice(0, dot), name.slice(dot + 1)];
        set(this.namespaceOf(ns), key, value);
        // dbt: overriding dbt.x overrides x too
        if (ns === GLOBAL_PACKAGE) for (const view of everywhere) set(view, key, value);
      } else {
        for (const view of everywhere) set(view, name, value);
        // dbt: overriding x overrides dbt.x too, where dbt has one
        const dbtNs = this.namespaceOf(GLOBAL_PACKAGE);
        if (name in dbtNs) set(dbtNs, name, value);
      }
    }
    try {
      return fn();
    } finally {
      for (let i = saved.length - 1; i >= 0; i--) {
        const [target, k, d] = saved[i]!;
        if (d) Object.defineProperty(target, k, d);
        else delete target[k];
      }
    }
  }

  /** A template with Jinja2's semantics in a package's view, compiled now (syntax errors are thrown here). */
  private newTemplate(source: string, file: string, pkg: string): nunjucksTypes.Template {
    // Jinja2's lexer reads \r\n and a lone \r as \n (a file written on Windows renders the same)
    const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
    return new (loadNunjucks().jinja.Template)(text, this.envFor(pkg) as never, file, true) as unknown as nunjucksTypes.Template;
  }

  private template(input: RenderInput, pkg: string): nunjucksTypes.Template {
    // keyed by the source string itself (V8 keeps a string's hash), then by package and file: a key
    // built by concatenating the source would be a new string, hashed in full, on every render
    const where = pkg === this.registry.rootPackage ? input.file : `${pkg}\u0000${input.file}`;
    let byFile = this.templates.get(input.source);
    let tmpl = byFile?.get(where);
    if (!tmpl) {
      try {
        tmpl = this.newTemplate(input.source, input.file, pkg);
      } catch (err) {
        throw this.toCompileError(err, { file: input.file, nodeId: input.nodeId }, input.source, true);
      }
      if (!byFile) this.templates.set(input.source, (byFile = new Map()));
      byFile.set(where, tmpl);
    }
    return tmpl;
  }

  /**
   * Runs `fn` with `globals` visible to every template and macro as members of the render. They
   * are not written into the shared globals (defining and deleting some sixty properties on an
   * object that is the prototype of every package's view cost more than the render itself): the
   * render gets a layer of its own, over the enclosing render's layer (nested renders see both, the
   * inner winning) or the builtins, and the package views' common base points at it for the
   * duration. Macros of the same name still shadow these members.
   */
  private withGlobals<T>(globals: Readonly<Record<string, unknown>>, pkg: string, fn: () => T): T {
    const layers = this.buildLayers();
    const base = layers.global;
    const below = Object.getPrototypeOf(base) as Globals;
    const keys = Object.keys(globals);
    let layer: Globals | undefined;
    if (keys.length) {
      layer = Object.create(below) as Globals;
      for (const k of keys) {
        if (k === '__proto__') Object.defineProperty(layer, k, { value: globals[k], configurable: true, enumerable: true, writable: true });
        else layer[k] = globals[k];
      }
      Object.setPrototypeOf(base, layer);
    }
    this.renderStack.push(pkg);
    try {
      return fn();
    } finally {
      this.renderStack.pop();
      if (layer) Object.setPrototypeOf(base, below);
    }
  }

  /**
   * Maps nunjucks' errors (and ours thrown from globals) to one located CompileError. `compileTime`:
   * the error comes from parsing the template, whose positions nunjucks already counts from 1.
   */
  toCompileError(err: unknown, where: ErrorLocation, source?: string, compileTime = false): BmpError {
    let located = this.locate(err, where, source, compileTime);
    // the node being rendered is named even when the error points into a macro's file
    if (where.nodeId && !located.where.nodeId) located = rebase(located, { ...located.where, nodeId: where.nodeId });
    // an error raised inside macros: the chain of calls under the message, innermost first, with the
    // line in each macro's file (frames an inner render already listed are not on this error)
    const trace = macroTraceOf(err);
    if (!trace.length) return located;
    const chain = trace.map((f, i) => `${i ? 'called from ' : 'in '}${f.macro === 'caller' ? 'the body of a {% call %} block' : `macro '${f.macro}'`} (${f.file}:${f.line})`).join('\n');
    return rebase(located, located.where, located.details ? `${located.details}\n${chain}` : chain);
  }

  private locate(err: unknown, where: ErrorLocation, source?: string, compileTime = false): BmpError {
    const e = err as { cause?: unknown; lineno?: number; colno?: number; message?: string };
    let cause: unknown = e.cause;
    while (cause && !(cause instanceof BmpError) && !(cause instanceof MacroReturn) && (cause as { cause?: unknown }).cause) cause = (cause as { cause?: unknown }).cause;
    // nunjucks counts runtime lines from 0 and parse errors from 1; some errors carry no usable line.
    const known = e.lineno !== undefined && !(e.lineno === 0 && !e.colno);
    const base = compileTime ? 0 : 1;
    let line = known ? e.lineno! + base : undefined;
    let column = known && e.colno !== undefined ? e.colno + base : undefined;
    if (!line && source) ({ line, column } = guessLine(e.message ?? '', source));
    if (err instanceof MacroReturn || cause instanceof MacroReturn) return new CompileError('BMP_TEMPLATE_RETURN', 'return() works only inside a macro from the macro paths', { ...where, line, column });
    if (/Invalid string length/.test(String((cause as Error | undefined)?.message ?? e.message))) return rebase(renderedTooLarge(), { ...where, line, column });
    if (/Maximum call stack size exceeded/.test(String((cause as Error | undefined)?.message ?? e.message))) {
      return new CompileError('BMP_TEMPLATE_RECURSION', 'recursion too deep: a macro that calls itself without end?', { ...where, line, column });
    }
    if (err instanceof BmpError) return err.where.file ? err : rebase(err, { ...where, line: err.where.line ?? line });
    if (cause instanceof BmpError) {
      return cause.where.file ? cause : rebase(cause, { ...where, line: cause.where.line ?? line, column: cause.where.column ?? column });
    }
    const msg = cleanMessage(e.message ?? String(err));
    const undefinedCall = /Unable to call `([^`]+)`, which is undefined or falsey/.exec(msg);
    if (undefinedCall) {
      const fn = undefinedCall[1]!;
      const hint = closeMatches(fn.replace(/^.*\./, ''), this.registry.visibleNames(this.currentPackage));
      return new CompileError('BMP_MACRO_UNDEFINED', `'${fn}' is undefined: no macro or function by that name`, { ...where, line, column }, didYouMeanOf(hint));
    }
    const code = ((compileTime && known) || /expected|unexpected|unknown block tag|parse/i.test(msg)) && !e.cause ? 'BMP_TEMPLATE_SYNTAX' : 'BMP_TEMPLATE_RENDER';
    return new CompileError(code, msg, { ...where, line, column });
  }
}

function rebase(err: BmpError, where: ErrorLocation, details = err.details): BmpError {
  const Ctor = err.constructor as new (code: BmpError['code'], message: string, where: ErrorLocation, hint?: string, details?: string) => BmpError;
  return new Ctor(err.code, err.message, where, err.hint, details);
}

/** For errors nunjucks raises without a line: find the offending filter/tag, or blame the end of file. */
function guessLine(message: string, source: string): { line?: number; column?: number } {
  const filter = /filter not found: (\w+)/.exec(message);
  const tag = /unknown block tag: (\w+)/.exec(message);
  const needle = filter ? new RegExp(`\\|\\s*${filter[1]}\\b`) : tag ? new RegExp(`\\{%-?\\s*${tag[1]}\\b`) : undefined;
  if (needle) {
    const lines = source.split('\n');
    const i = lines.findIndex((l) => needle.test(l));
    if (i >= 0) return { line: i + 1 };
  }
  if (/end of file/.test(message)) {
    // an unclosed block: blame the tag that opened it, else the last line
    const kind = /parse(If|For|Macro|Call|Filter|Raw|Block|Set|With|Test)\b/i.exec(message)?.[1]?.toLowerCase();
    const opened = unclosedBlockLine(source, kind);
    return { line: opened ?? source.replace(/\n$/, '').split('\n').length };
  }
  return {};
}

const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'raw', 'verbatim', 'block', 'set', 'with', 'test', 'materialization', 'snapshot', 'docs']);

/** The line of the innermost block tag (of `kind`, when given) that has no end tag. */
function unclosedBlockLine(source: string, kind?: string): number | undefined {
  const stack: { tag: string; offset: number }[] = [];
  const re = /\{%-?\s*(end)?([A-Za-z_]\w*)([^%]*)-?%\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source))) {
    const tag = m[2]!;
    if (m[1]) {
      const i = stack.map((s) => s.tag).lastIndexOf(tag);
      if (i >= 0) stack.length = i;
    } else if (BLOCK_TAGS.has(tag) && !(tag === 'set' && m[3]!.includes('='))) {
      stack.push({ tag, offset: m.index });
    }
  }
  const open = [...stack].reverse().find((s) => !kind || s.tag === kind);
  if (!open) return undefined;
  return source.slice(0, open.offset).split('\n').length;
}

/** The message without nunjucks' `(file) [Line n, Column m]` lines (the location is reported separately). */
function cleanMessage(message: string): string {
  return message
    .replace(/^[ \t]*\([^()\n]*\)( \[Line \d+(, Column \d+)?\])?[ \t]*$/gm, '')
    .replace(/Template render error:?\s*/g, '')
    .replace(/^\s*(Error|TypeError|RangeError|ReferenceError|SyntaxError): /, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Arity and keyword checks. The error carries no file: the render locates it at the node's line
 * and the chain of macro calls names the calling macro's line.
 */
function checkMacroArgs(macro: RegisteredMacro, args: unknown[], rootPackage: string): void {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  const kwargs = last && typeof last === 'object' && '__keywords' in last ? last : undefined;
  const positional = kwargs ? args.length - 1 : args.length;
  const names = new Set(macro.args.map((a) => a.name));
  const qualified = macro.packageName === rootPackage ? macro.name : `${macro.packageName}.${macro.name}`;
  const label = `${macro.kind === 'test' ? `test '${qualified.replace(/(^|\.)test_/, '$1')}'` : `macro '${qualified}'`} (${macro.file}:${macro.line})`;
  const where: ErrorLocation = {};
  if (positional > macro.args.length && !macro.catchVarargs) {
    throw new CompileError('BMP_MACRO_ARGS', `${label} takes at most ${macro.args.length} argument(s) (${macro.args.map((a) => a.name).join(', ') || 'none'}), got ${positional}`, where);
  }
  if (kwargs) {
    for (const k of Object.keys(kwargs)) {
      // `caller` is what {% call %} passes; the macro uses it without declaring it (as in Jinja)
      if (k === '__keywords' || k === 'caller' || names.has(k) || macro.catchKwargs) continue;
      const hint = closeMatches(k, names);
      throw new CompileError('BMP_MACRO_ARGS', `${label} has no argument '${k}' (arguments: ${macro.args.map((a) => a.name).join(', ') || 'none'})`, where, didYouMeanOf(hint.slice(0, 1)));
    }
  }
}

function globalsOf(env: nunjucksTypes.Environment): Record<string, unknown> {
  return (env as unknown as { globals: Record<string, unknown> }).globals;
}
