/**
 * Every macro of an invocation, by package: the root project's, each installed package's, and dbt's
 * global namespace (`dbt`, bmp's own implementations of dbt's global macros). Pure bookkeeping and
 * name resolution; nothing here parses or renders a template (the engine compiles a macro the first
 * time it is called).
 *
 * Resolution follows dbt:
 * - an unqualified name (`star(...)`) is looked up in the root project, then in the calling package
 *   (the package of the macro that calls it, or of the node being rendered), then in `dbt`;
 * - `pkg.name(...)` only looks in `pkg`; the same name in two packages is no conflict;
 * - `adapter.dispatch(name, namespace)` tries `duckdb__name`, then `default__name`, in each package of
 *   the project's `dispatch:` search order for `namespace` (default: the root project, then the
 *   namespace itself). Where the search reaches the namespace's own package and it has no
 *   `duckdb__name`, bmp's `duckdb__name` written for that namespace (see {@link addAdapterFile}) is
 *   the candidate in its place, before the package's `default__name`: bmp acts as the DuckDB adapter
 *   that supplies what a package's default SQL cannot do on DuckDB, and a project's override or a
 *   package's own `duckdb__` still wins;
 * - a generic test `x` is the macro `test_x`: in its namespace when one is written (`dbt_utils.x`),
 *   else in the root project, the calling package, any other installed package, then `dbt`;
 * - a materialization `m` is `materialization_m_duckdb` or `materialization_m_default`, from the root
 *   project first, then packages, then `dbt`; a package cannot replace one of bmp's built-in
 *   materializations (dbt's rule since 1.8), the root project can.
 */
import { CompileError } from '../errors.js';
import { findMacroBlocks, type MacroArg, type MacroBlock } from './macro-source.js';

/** dbt's global macro namespace. */
export const GLOBAL_PACKAGE = 'dbt';
/** The package name a registry made without one gives the root project. */
export const DEFAULT_ROOT = 'root';
/** Adapter prefixes `adapter.dispatch` tries, most specific first. */
export const DISPATCH_PREFIXES = ['duckdb', 'default'] as const;

export interface MacroSource {
  /** Path shown in errors, relative to the root project folder. */
  readonly file: string;
  readonly text: string;
}

export interface RegisteredMacro {
  /** The name it is called by: `star`, `test_equality`, `materialization_table_default`. */
  readonly name: string;
  readonly packageName: string;
  readonly file: string;
  readonly line: number;
  readonly kind: 'macro' | 'test' | 'materialization';
  readonly args: readonly MacroArg[];
  readonly block: MacroBlock;
  /** Jinja2: the body reads `varargs` / `kwargs`, so extra positional / keyword arguments are taken. */
  readonly catchVarargs: boolean;
  readonly catchKwargs: boolean;
}

export interface DispatchOrder {
  readonly macroNamespace: string;
  readonly searchOrder: readonly string[];
}

/** The name a block is registered (and called) under. */
export function registeredName(block: MacroBlock): string {
  if (block.kind === 'test') return `test_${block.name}`;
  if (block.kind === 'materialization') return `materialization_${block.name}_${block.adapter ?? 'default'}`;
  return block.name;
}

function registered(block: MacroBlock, name: string, packageName: string, file: string): RegisteredMacro {
  const catchVarargs = block.args.some((a) => a.name === 'varargs') || /\bvarargs\b/.test(block.text);
  const catchKwargs = block.args.some((a) => a.name === 'kwargs') || /\bkwargs\b/.test(block.text);
  return { name, packageName, file, line: block.line, kind: block.kind, args: block.args, block, catchVarargs, catchKwargs };
}

export class MacroRegistry {
  private readonly byPackage = new Map<string, Map<string, RegisteredMacro>>();
  /** bmp's `duckdb__` implementations by the namespace they are written for (only `adapter.dispatch` sees them). */
  private readonly adapterMacros = new Map<string, Map<string, RegisteredMacro>>();
  private readonly dispatch: ReadonlyMap<string, readonly string[]>;
  /** Called with each macro added (the engine exposes it to templates already made). */
  onAdd: ((macro: RegisteredMacro) => void) | undefined;

  constructor(
    readonly rootPackage: string = DEFAULT_ROOT,
    options: { readonly dispatch?: readonly DispatchOrder[]; readonly packages?: readonly string[] } = {},
  ) {
    this.dispatch = new Map((options.dispatch ?? []).map((d) => [d.macroNamespace, d.searchOrder]));
    this.byPackage.set(rootPackage, new Map());
    for (const p of options.packages ?? []) if (!this.byPackage.has(p)) this.byPackage.set(p, new Map());
    if (!this.byPackage.has(GLOBAL_PACKAGE)) this.byPackage.set(GLOBAL_PACKAGE, new Map());
  }

  /**
   * Registers the macro, test and materialization blocks of a file under `packageName`.
   * @throws CompileError BMP_MACRO_DUPLICATE when the package already defines a name.
   */
  addFile(packageName: string, src: MacroSource): RegisteredMacro[] {
    this.testLookups.clear();
    this.globalDefaults.clear();
    let macros = this.byPackage.get(packageName);
    if (!macros) this.byPackage.set(packageName, (macros = new Map()));
    const added: RegisteredMacro[] = [];
    for (const block of findMacroBlocks(src.text)) {
      const name = registeredName(block);
      const prev = macros.get(name);
      if (prev) {
        const what = block.kind === 'materialization' ? `materialization '${block.name}' (${block.adapter})` : `${block.kind} '${block.name}'`;
        throw new CompileError('BMP_MACRO_DUPLICATE', `${what} is defined twice${packageName === this.rootPackage ? '' : ` in package '${packageName}'`}: ${prev.file}:${prev.line} and ${src.file}:${block.line}`, { file: src.file, line: block.line });
      }
      const macro = registered(block, name, packageName, src.file);
      macros.set(name, macro);
      added.push(macro);
      this.onAdd?.(macro);
    }
    return added;
  }

  /**
   * Registers bmp's DuckDB implementations of macros the package `namespace` dispatches
   * (`duckdb__name` blocks only). They join no namespace and no unqualified lookup: only
   * `adapter.dispatch(name, namespace)` finds one, when the package itself has no `duckdb__name`
   * (see the module comment). Each runs as a macro of `namespace`.
   * @throws CompileError BMP_MACRO_INVALID for a block that is not a `duckdb__` macro, BMP_MACRO_DUPLICATE for a name given twice.
   */
  addAdapterFile(namespace: string, src: MacroSource): RegisteredMacro[] {
    this.globalDefaults.clear();
    let macros = this.adapterMacros.get(namespace);
    if (!macros) this.adapterMacros.set(namespace, (macros = new Map()));
    const added: RegisteredMacro[] = [];
    for (const block of findMacroBlocks(src.text)) {
      if (block.kind !== 'macro' || !block.name.startsWith(`${DISPATCH_PREFIXES[0]}__`)) {
        throw new CompileError('BMP_MACRO_INVALID', `${block.kind} '${block.name}' cannot be an adapter implementation for '${namespace}': only ${DISPATCH_PREFIXES[0]}__ macros can`, { file: src.file, line: block.line });
      }
      const prev = macros.get(block.name);
      if (prev) throw new CompileError('BMP_MACRO_DUPLICATE', `macro '${block.name}' for '${namespace}' is defined twice: ${prev.file}:${prev.line} and ${src.file}:${block.line}`, { file: src.file, line: block.line });
      const macro = registered(block, block.name, namespace, src.file);
      macros.set(block.name, macro);
      added.push(macro);
    }
    return added;
  }

  /** bmp's `duckdb__` implementation of `name` for the package `namespace`, if it has one. */
  adapterMacro(namespace: string, name: string): RegisteredMacro | undefined {
    return this.adapterMacros.get(namespace)?.get(name);
  }

  /** Package names: the root project, the installed packages (sorted), then `dbt`. */
  packageNames(): string[] {
    const others = [...this.byPackage.keys()].filter((p) => p !== this.rootPackage && p !== GLOBAL_PACKAGE).sort();
    return [this.rootPackage, ...others, GLOBAL_PACKAGE];
  }

  hasPackage(packageName: string): boolean {
    return this.byPackage.has(packageName);
  }

  macrosOf(packageName: string): ReadonlyMap<string, RegisteredMacro> {
    return this.byPackage.get(packageName) ?? EMPTY;
  }

  get(packageName: string, name: string): RegisteredMacro | undefined {
    return this.byPackage.get(packageName)?.get(name);
  }

  /** An unqualified name: root project, then the calling package, then `dbt`. */
  resolve(name: string, callingPackage: string = this.rootPackage): RegisteredMacro | undefined {
    return this.get(this.rootPackage, name) ?? this.get(callingPackage, name) ?? this.get(GLOBAL_PACKAGE, name);
  }

  /**
   * The packages `adapter.dispatch(name, namespace)` searches, in order; `undefined` stands for an
   * unqualified lookup (no namespace, or one that is neither configured nor installed).
   */
  dispatchOrder(namespace: string | undefined): readonly (string | undefined)[] {
    if (namespace === undefined || namespace === null) return [undefined];
    const configured = this.dispatch.get(namespace);
    if (configured?.length) return configured;
    if (this.byPackage.has(namespace)) return namespace === this.rootPackage ? [namespace] : [this.rootPackage, namespace];
    return [undefined];
  }

  /** `adapter.dispatch`: the first `duckdb__name` / `default__name` along the search order, and what was tried. */
  dispatchTarget(name: string, namespace: string | undefined, callingPackage: string): { macro?: RegisteredMacro; searched: string[] } {
    const searched: string[] = [];
    for (const pkg of this.dispatchOrder(namespace)) {
      for (const prefix of DISPATCH_PREFIXES) {
        const candidate = `${prefix}__${name}`;
        searched.push(pkg === undefined ? candidate : `${pkg}.${candidate}`);
        const macro = pkg === undefined ? this.resolve(candidate, callingPackage) : this.get(pkg, candidate);
        if (macro) return { macro, searched };
        // the namespace's own package lacks a duckdb__ implementation: bmp's, when it has one
        if (pkg !== undefined && pkg === namespace && prefix === DISPATCH_PREFIXES[0]) {
          const supplied = this.adapterMacro(pkg, candidate);
          if (supplied) return { macro: supplied, searched };
        }
      }
    }
    return { searched };
  }

  /** The `test_<name>` macro a generic test runs (see the module comment for the order). */
  findTest(testName: string, namespace: string | undefined, callingPackage: string = this.rootPackage): RegisteredMacro | undefined {
    // asked for each of a project's generic tests when it is parsed and again when it is compiled
    let byName = this.testLookups.get(callingPackage);
    if (!byName) this.testLookups.set(callingPackage, (byName = new Map()));
    const key = namespace ? `${namespace}.${testName}` : testName;
    const known = byName.get(key);
    if (known !== undefined) return known ?? undefined;
    const found = this.lookUpTest(testName, namespace, callingPackage);
    byName.set(key, found ?? null);
    return found;
  }

  /** findTest's answers by calling package, then `namespace.name` (null: none); cleared when a macro is added. */
  private readonly testLookups = new Map<string, Map<string, RegisteredMacro | null>>();

  private lookUpTest(testName: string, namespace: string | undefined, callingPackage: string): RegisteredMacro | undefined {
    const name = `test_${testName}`;
    if (namespace) return this.get(namespace, name);
    const first = this.get(this.rootPackage, name) ?? this.get(callingPackage, name);
    if (first) return first;
    for (const pkg of this.packageNames()) {
      if (pkg === this.rootPackage || pkg === GLOBAL_PACKAGE) continue;
      const m = this.get(pkg, name);
      if (m) return m;
    }
    return this.get(GLOBAL_PACKAGE, name);
  }

  /**
   * A materialization defined in Jinja: root project, then packages, then `dbt`; in each, `duckdb`
   * before `default`. `builtin` names (bmp's own materializations) are only replaced by the root.
   */
  findMaterialization(name: string, builtin: boolean): RegisteredMacro | undefined {
    const pkgs = builtin ? [this.rootPackage] : this.packageNames();
    for (const pkg of pkgs) {
      for (const adapter of DISPATCH_PREFIXES) {
        const m = this.get(pkg, `materialization_${name}_${adapter}`);
        if (m) return m;
      }
    }
    return undefined;
  }

  /**
   * Whether `macro` is one of dbt's own (the `dbt` namespace) and dispatching its name within `dbt`
   * finds dbt's implementation too: bmp may then compute its result in TypeScript (a project that
   * overrides the macro or its `default__`/`duckdb__` implementation gets its own).
   */
  isGlobalDefault(macro: RegisteredMacro | undefined, callingPackage: string = this.rootPackage): boolean {
    if (!macro) return true;
    if (macro.packageName !== GLOBAL_PACKAGE) return false;
    let byPackage = this.globalDefaults.get(macro);
    if (!byPackage) this.globalDefaults.set(macro, (byPackage = new Map()));
    let answer = byPackage.get(callingPackage);
    if (answer === undefined) {
      const target = this.dispatchTarget(macro.name, GLOBAL_PACKAGE, callingPackage).macro;
      answer = !target || target.packageName === GLOBAL_PACKAGE;
      byPackage.set(callingPackage, answer);
    }
    return answer;
  }

  /** isGlobalDefault's answers by macro and calling package; cleared when a macro is added. */
  private readonly globalDefaults = new Map<RegisteredMacro, Map<string, boolean>>();

  /** Names callable without a namespace from `callingPackage` (for "did you mean"). */
  visibleNames(callingPackage: string = this.rootPackage): Set<string> {
    return new Set([...this.macrosOf(this.rootPackage).keys(), ...this.macrosOf(callingPackage).keys(), ...this.macrosOf(GLOBAL_PACKAGE).keys()]);
  }
}

const EMPTY: ReadonlyMap<string, RegisteredMacro> = new Map();
