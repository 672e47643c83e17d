/**
 * The one place a template context is made (dbt's context providers). Every render — a model at
 * parse or compile, a generic test, a unit test, a hook, an operation, a description — asks
 * {@link contextFor} for its kind; the members that do not depend on the node are built once per
 * invocation and kind ({@link InvocationContext}), the rest per render from a {@link NodeScope}
 * that names the node's resolvers (ref, source, config, this, var), as dbt's ParseProvider and
 * RuntimeProvider do.
 *
 * | kind | execute | ref/source/config | database | graph |
 * | --- | --- | --- | --- | --- |
 * | parse | false | recorded by the parser | none: statements and adapter reads give none/[] | empty |
 * | compile, test, unit_test | true | resolved to relations | live | the project's |
 * | hook, operation | true | resolved by name | live | the project's |
 * | docs | false | — | none | the project's |
 */
import { templateEnvVar, projectVars, resolveVar, type LoadedConfig, type VarLookup, type VarRender } from '../../config/index.js';
import { BmpError, CompileError, type ErrorLocation } from '../../errors.js';
import { PyDecimal, PyFloat, TemplateRelation, stripKeywords, suspensionIn, type TemplateEngine } from '../../jinja/index.js';
import { DecimalText } from '../../manifest/decimal-text.js';
import type { Manifest, ManifestNode } from '../../manifest/types.js';
import { manifestDicts, type ManifestDicts } from '../../report/index.js';
import { adapterObject, relationApi } from './adapter.js';
import { AgateType, type PrintSink } from './agate.js';
import { baseMembers, exceptionsObject, modulesObject, type ContextOutput } from './base.js';
import { columnApi } from './column.js';
import type { TemplateDatabase } from './database.js';
import { EMPTY_GRAPH, graphOf, type Graph } from './graph.js';
import { flagsOf, invocationArgs, type Invocation } from './invocation.js';
import { kwargsOf } from './kwargs.js';
import { PyDate, PyDateTime, PyTimezone } from './modules/datetime.js';
import { pythonDates } from './python-dates.js';
import type { CallReplay } from './replay.js';
import { statementMembers, type StoredResult } from './statements.js';
import { targetContext, type TargetContext } from './target.js';

export type ContextKind = 'parse' | 'compile' | 'test' | 'unit_test' | 'hook' | 'operation' | 'docs';

const EXECUTES: Readonly<Record<ContextKind, boolean>> = { parse: false, compile: true, test: true, unit_test: true, hook: true, operation: true, docs: false };

/** What the context says about the node being rendered and how its calls resolve. */
export interface NodeScope {
  /** The node (its dict is `model`); absent for hooks and operations. */
  readonly node?: ManifestNode;
  /** `model` when there is no node yet (parse) or it needs more (a microbatch's `batch`). */
  readonly model?: Readonly<Record<string, unknown>>;
  readonly this?: TemplateRelation;
  readonly ref?: (name: string, pkg?: string, version?: unknown) => TemplateRelation;
  readonly source?: (sourceName: string, tableName: string) => TemplateRelation;
  /** `{{ config(...) }}` in the template. */
  readonly setConfig?: (config: Record<string, unknown>) => void;
  /** `config.get(key)`: the node's config as the template sees it. */
  readonly configValue?: (key: string) => unknown;
  readonly var?: VarLookup;
  readonly isIncremental?: () => boolean;
  /** `doc(name)` and `doc(package, name)`. */
  readonly doc?: (name: string, pkg?: string) => string;
  /** The render's database calls (absent while parsing). */
  readonly replay?: CallReplay;
  /** What `{% call statement(name) %}` stored in this pass. */
  readonly stored?: Map<string, StoredResult>;
  /** Where log lines, prints and warnings of this render go. */
  readonly output: ContextOutput;
  /** Kind-specific members (`results` and `schemas` in on-run-end hooks, ...). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Where the render happens, for errors. */
  readonly where?: ErrorLocation;
}

/** The per-connection part of the environment: which database the calls reach. */
export interface ContextEnv {
  readonly shared: InvocationContext;
  readonly database?: TemplateDatabase;
  /** Extra globals (LLM functions, unit-test macro overrides), installed last. */
  readonly extraGlobals?: Readonly<Record<string, unknown>>;
}

/**
 * Everything a template context holds that depends on the invocation only: target, flags,
 * run_started_at, graph, selected resources, and the base members; one per invocation (one for
 * parsing, one for running).
 */
export class InvocationContext {
  readonly target: TargetContext;
  readonly flags: Readonly<Record<string, unknown>>;
  readonly runStartedAt: PyDateTime;
  private readonly bases = new Map<ContextKind, Readonly<Record<string, unknown>>>();
  private graphMemo: Graph | undefined;
  private dictsMemo: ManifestDicts | undefined;
  private overriddenMemo: ReadonlySet<string> | undefined;
  private staticPathMemo: boolean | undefined;

  constructor(
    readonly cfg: LoadedConfig,
    readonly engine: TemplateEngine,
    readonly invocation: Invocation,
    /** The parsed project (absent while parsing). */
    readonly manifest?: Manifest,
    /** `selected_resources`: the unique ids the command selected. */
    readonly selected: readonly string[] = [],
    /** `adapter.dispatch` (the macro layer's); default: `duckdb__name`, `default__name`, `name`. */
    readonly dispatch?: (...args: unknown[]) => unknown,
  ) {
    this.target = targetContext(cfg.target);
    this.flags = flagsOf(invocation, cfg.project.projectDir, cfg.project.targetPath);
    this.runStartedAt = PyDateTime.fromJsDate(invocation.startedAt, PyTimezone.utc, invocation.startedAtMicros % 1000);
  }

  get graph(): Graph {
    return (this.graphMemo ??= this.manifest ? graphOf(this.manifest, this.dicts) : EMPTY_GRAPH);
  }

  /** manifest.json's dicts of single nodes (`model`, `graph`, on-run-end `results`); made on first use. */
  get dicts(): ManifestDicts {
    if (!this.dictsMemo) {
      if (!this.manifest) throw new Error('internal error: node dicts asked for while parsing');
      const t = this.cfg.target;
      this.dictsMemo = manifestDicts(this.manifest, {
        targetPath: this.cfg.project.targetPath,
        // where a node without a relation of its own would live (dbt writes one for tests and ephemerals)
        fallbackRelation: (n) => {
          const custom = n.config.schema;
          const schema = n.resourceType === 'test' ? `${t.schema}_${custom ?? 'dbt_test__audit'}` : custom ? `${t.schema}_${custom}` : t.schema;
          return { database: t.database, schema, identifier: String(n.config.alias ?? n.name) };
        },
      });
    }
    return this.dictsMemo;
  }

  /** Context members that project macros of the same name replace (dbt: macros override builtins). */
  get overridden(): ReadonlySet<string> {
    return (this.overriddenMemo ??= new Set(OVERRIDABLE.filter((n) => this.engine.macros.has(n))));
  }

  /** Whether `{{ ref('x') }}`-only templates may skip the renderer (no project macro replaces those). */
  get staticPathAllowed(): boolean {
    // asked once per node at parse and at compile: remembered, as `overridden` is
    return (this.staticPathMemo ??= !['ref', 'source', 'config', 'var', 'env_var'].some((n) => this.overridden.has(n)));
  }

  /**
   * How `var()` renders a var whose value holds a template (`"{{ target.schema }}_raw"`): dbt renders
   * it with the context of the template that called var(), into a string. Called from inside that
   * render, a nested render sees the enclosing render's members, so that is what this does.
   */
  varRender(parsing: boolean, where: ErrorLocation = {}): VarRender {
    return (template, name) => {
      try {
        return this.engine.render({ source: template, file: `var('${name}')` }, {}, { parsing });
      } catch (err) {
        if (suspensionIn(err) || !(err instanceof BmpError)) throw err;
        throw new CompileError(err.code, `var '${name}' (${JSON.stringify(template)}) fails to render: ${err.message}`, where, err.hint);
      }
    };
  }

  /** The members of a kind that do not depend on the node or the render. */
  base(kind: ContextKind): Readonly<Record<string, unknown>> {
    let b = this.bases.get(kind);
    if (!b) this.bases.set(kind, (b = this.makeBase(kind)));
    return b;
  }

  private makeBase(kind: ContextKind): Readonly<Record<string, unknown>> {
    const { cfg, invocation } = this;
    const parsing = kind === 'parse';
    const vars = projectVars(cfg, undefined, undefined, this.varRender(parsing));
    const members = baseMembers(SILENT);
    delete members['log'];
    delete members['print'];
    delete members['exceptions'];
    return Object.freeze({
      ...members,
      modules: modulesObject(),
      target: this.target,
      project_name: cfg.project.name,
      database: this.target.database,
      schema: this.target.schema,
      flags: this.flags,
      invocation_id: invocation.invocationId,
      invocation_args_dict: invocationArgs(invocation, cfg.project.projectDir, cfg.cliVars),
      run_started_at: this.runStartedAt,
      dbt_metadata_envs: Object.freeze(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DBT_ENV_CUSTOM_ENV_')).map(([k, v]) => [k.slice('DBT_ENV_CUSTOM_ENV_'.length), v]))),
      env_var: (name: unknown, fallback?: unknown) => templateEnvVar(String(name), fallback ?? undefined),
      var: varMember((n, d, has) => resolveVar(vars, n, d, has)),
      execute: EXECUTES[kind],
      graph: parsing ? EMPTY_GRAPH : this.graph,
      selected_resources: parsing ? Object.freeze([]) : Object.freeze([...this.selected]),
      api: Object.freeze({ Relation: relationApi(this.target.database), Column: columnApi() }),
    });
  }
}

/** Context members a project macro of the same name replaces (dbt lets root-project macros override builtins). */
const OVERRIDABLE = ['ref', 'source', 'config', 'var', 'env_var', 'is_incremental', 'should_full_refresh', 'should_store_failures', 'load_relation', 'run_query', 'statement', 'load_result', 'log', 'print', 'doc', 'zip', 'set', 'tojson', 'fromjson', 'toyaml', 'fromyaml', 'local_md5'];

const SILENT: ContextOutput = { log: () => undefined, print: () => undefined, warn: () => undefined };

/** `var(name, default)` with dbt's `var.has_var(name)`. */
function varMember(lookup: VarLookup): ((...args: unknown[]) => unknown) & { has_var(name: string): boolean } {
  const fn = (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const name = positional[0] ?? kwargs['var_name'] ?? kwargs['name'];
    const has = positional.length > 1 || 'default' in kwargs;
    return pythonDates(lookup(String(name), positional.length > 1 ? positional[1] : kwargs['default'], has));
  };
  return Object.assign(fn, {
    has_var: (name: string) => {
      try {
        lookup(String(name), undefined, false);
        return true;
      } catch {
        return false;
      }
    },
  });
}

function splitArgs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && '__keywords' in last) return { positional: args.slice(0, -1), kwargs: stripKeywords(last as Record<string, unknown>) };
  return { positional: args, kwargs: {} };
}

const FLOAT_TYPE = /^(DOUBLE|FLOAT|REAL|FLOAT4|FLOAT8)$/i;
const DECIMAL_TYPE = /^(DECIMAL|NUMERIC)\(/i;
const NESTED_DECIMAL = /(DECIMAL|NUMERIC)\(/i;

/** A nested value with each {@link DecimalText} in it made a Decimal. */
function withDecimals(v: unknown): unknown {
  if (v instanceof DecimalText) return PyDecimal.parse(v.text);
  if (Array.isArray(v)) return v.map(withDecimals);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withDecimals(x)]));
  }
  return v;
}

/**
 * Values DuckDB returns, as templates see them: dates and timestamps become datetime objects, a
 * whole number from a floating-point column stays a float (Python prints `1.0`, not `1`), and a
 * DECIMAL value is a Decimal with its scale (`1.50`).
 */
export function templateValue(value: unknown, type: AgateType, engineType = ''): unknown {
  // agate gives a DECIMAL/NUMERIC column's values as Python Decimals (the engine sends their exact text)
  if (typeof value === 'string' && DECIMAL_TYPE.test(engineType)) return PyDecimal.parse(value);
  // and so are the DECIMALs inside a LIST, STRUCT or MAP value (Python's duckdb gives lists and dicts of Decimals)
  if (typeof value === 'object' && value !== null && NESTED_DECIMAL.test(engineType)) return withDecimals(value);
  if (typeof value === 'number') return Number.isInteger(value) && FLOAT_TYPE.test(engineType) ? new PyFloat(value) : value;
  if (value instanceof Date) {
    if (type === AgateType.Date) return new PyDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
    return PyDateTime.fromJsDate(value, null);
  }
  return value;
}

/**
 * A ref resolved by name over the whole manifest (hooks and operations, which have no parsed
 * dependencies): a model, seed or snapshot of that name.
 * @throws CompileError BMP_REF_UNDEFINED
 */
export function refByName(manifest: Manifest | undefined, name: string, pkg?: string, where?: ErrorLocation, version?: unknown): TemplateRelation {
  for (const n of manifest?.nodes.values() ?? []) {
    if (n.name !== name || (pkg && n.packageName !== pkg) || !(n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot')) continue;
    // a versioned model: the version asked for, else its latest
    if (n.resourceType === 'model' && n.version !== undefined && n.version !== (version === undefined || version === null ? n.latestVersion : String(version))) continue;
    if (!n.relation) return new TemplateRelation('', '', `__dbt__cte__${n.name}`, 'cte');
    return TemplateRelation.of(n.relation);
  }
  throw new CompileError('BMP_REF_UNDEFINED', `ref('${name}') was not found`, where ?? {});
}

/** A source resolved by name over the manifest. */
export function sourceByName(manifest: Manifest | undefined, src: string, table: string, where?: ErrorLocation): TemplateRelation {
  const s = manifest?.sources.get(`source.${manifest.projectName}.${src}.${table}`);
  if (!s?.relation) throw new CompileError('BMP_SOURCE_UNDEFINED', `source('${src}', '${table}') was not found`, where ?? {});
  return TemplateRelation.of(s.relation);
}

/**
 * The template context for one render of `kind`: the invocation's base members, then the node's
 * (ref, source, config, this, model, var, is_incremental, the statement family, adapter, log,
 * print, exceptions), then `extraGlobals`. Project macros that share a member's name replace it;
 * `builtins` keeps every member.
 */
export function contextFor(kind: ContextKind, env: ContextEnv, scope: NodeScope): Record<string, unknown> {
  const shared = env.shared;
  const base = shared.base(kind);
  const execute = EXECUTES[kind];
  const manifest = shared.manifest;
  const where = scope.where;
  const print: PrintSink = (text) => scope.output.print(text);
  const database = execute ? env.database : undefined;

  const ref = (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const version = kwargs['version'] ?? kwargs['v'];
    const [pkg, name] = positional.length >= 2 ? [String(positional[0]), String(positional[1])] : [undefined, String(positional[0])];
    return scope.ref ? scope.ref(name, pkg, version) : refByName(manifest, name, pkg, where, version);
  };
  const source = (src: unknown, table: unknown) => (scope.source ? scope.source(String(src), String(table)) : sourceByName(manifest, String(src), String(table), where));
  const configValue = scope.configValue ?? ((k: string) => (scope.node?.config as Record<string, unknown> | undefined)?.[k]);
  const config = Object.assign(
    (...args: unknown[]) => {
      const { positional, kwargs } = splitArgs(args);
      const fromDict = positional[0] && typeof positional[0] === 'object' ? (positional[0] as Record<string, unknown>) : {};
      scope.setConfig?.({ ...fromDict, ...kwargs });
      return '';
    },
    {
      get: (...args: unknown[]) => {
        const kw = kwargsOf(args, ['name', 'default', 'validator']);
        return configValue(String(kw['name'])) ?? kw['default'] ?? null;
      },
      require: (name: unknown) => {
        const v = configValue(String(name));
        if (v === undefined || v === null) throw new CompileError('BMP_CONFIG_REQUIRED', `config '${String(name)}' is required here`, where ?? {});
        return v;
      },
      meta_get: (...args: unknown[]) => {
        const kw = kwargsOf(args, ['key', 'default']);
        const meta = (configValue('meta') ?? {}) as Record<string, unknown>;
        return meta[String(kw['key'])] ?? kw['default'] ?? null;
      },
      meta_require: (key: unknown) => {
        const meta = (configValue('meta') ?? {}) as Record<string, unknown>;
        const v = meta[String(key)];
        if (v === undefined || v === null) throw new CompileError('BMP_CONFIG_REQUIRED', `meta '${String(key)}' is required here`, where ?? {});
        return v;
      },
      // config.set(name, value) in a template: as config(name=value) (set_sql_header uses it)
      set: (...args: unknown[]) => {
        const kw = kwargsOf(args, ['name', 'value']);
        if (kw['name'] !== undefined) scope.setConfig?.({ [String(kw['name'])]: kw['value'] });
        return '';
      },
      persist_relation_docs: () => !!(configValue('persist_docs') as { relation?: unknown } | undefined)?.relation,
      persist_column_docs: () => !!(configValue('persist_docs') as { columns?: unknown } | undefined)?.columns,
    },
  );
  const flags = shared.flags;
  const statements = statementMembers({ execute, run: database ? (sql) => database.execute(sql) : undefined, replay: scope.replay, print, convert: templateValue }, scope.stored ?? new Map());
  const adapter = adapterObject({
    execute,
    database,
    replay: scope.replay,
    defaultDatabase: shared.target.database,
    print,
    convert: templateValue,
    dispatch: shared.dispatch ?? defaultDispatch(shared.engine),
  });
  const model = scope.model ?? (scope.node && manifest ? shared.dicts.node(scope.node) : undefined);

  const members: Record<string, unknown> = {
    ...base,
    ...statements,
    ref,
    source,
    config,
    this: scope.this,
    model,
    is_incremental: () => (execute && scope.isIncremental ? scope.isIncremental() : false),
    should_full_refresh: () => {
      const v = configValue('full_refresh');
      return v === undefined || v === null ? !!flags['FULL_REFRESH'] : !!v;
    },
    should_store_failures: () => {
      const v = configValue('store_failures');
      return v === undefined || v === null ? !!flags['STORE_FAILURES'] : !!v;
    },
    adapter,
    load_relation: (rel: unknown) => {
      if (!rel || typeof rel !== 'object') return null;
      const r = rel as { database?: unknown; schema?: unknown; identifier?: unknown };
      return (adapter['get_relation'] as (...a: unknown[]) => unknown)({ database: r.database, schema: r.schema, identifier: r.identifier, __keywords: true });
    },
    doc: (...args: unknown[]) => {
      const [pkg, name] = args.length >= 2 ? [String(args[0]), String(args[1])] : [undefined, String(args[0])];
      if (!scope.doc) throw new CompileError('BMP_DOC_UNDEFINED', `doc('${name}') is not available here`, where ?? {});
      return scope.doc(name, pkg);
    },
    log: (...a: unknown[]) => {
      const kw = kwargsOf(a, ['msg', 'info']);
      scope.output.log(String(kw['msg'] ?? ''), !!kw['info']);
      return '';
    },
    print: (msg: unknown) => {
      scope.output.print(String(msg ?? ''));
      return '';
    },
    exceptions: exceptionsObject(scope.output),
    ...(scope.var ? { var: varMember(scope.var) } : {}),
    ...scope.extra,
  };
  members['builtins'] = Object.freeze({ ...members });
  for (const name of shared.overridden) delete members[name];
  members['context'] = members;
  if (env.extraGlobals) Object.assign(members, env.extraGlobals);
  return members;
}

/** `adapter.dispatch(macro_name, macro_namespace)`: the macro layer's dispatch (search orders, duckdb__/default__). */
function defaultDispatch(engine: TemplateEngine): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const kw = kwargsOf(args, ['macro_name', 'macro_namespace']);
    const ns = kw['macro_namespace'];
    return engine.dispatch(String(kw['macro_name']), ns === undefined || ns === null ? undefined : String(ns));
  };
}

/** A {@link ContextOutput} that keeps what a render said, to report once the render is final. */
export class BufferedOutput implements ContextOutput {
  lines: { kind: 'log' | 'print' | 'warn'; text: string; info: boolean }[] = [];
  log(message: string, info: boolean): void {
    this.lines.push({ kind: 'log', text: message, info });
  }
  print(text: string): void {
    this.lines.push({ kind: 'print', text, info: true });
  }
  warn(message: string): void {
    this.lines.push({ kind: 'warn', text: message, info: true });
  }
  clear(): void {
    this.lines = [];
  }
  /** Hands what was said to `to` and forgets it. */
  drain(to: ContextOutput): void {
    const lines = this.lines;
    this.lines = [];
    for (const l of lines) (l.kind === 'log' ? to.log(l.text, l.info) : l.kind === 'print' ? to.print(l.text) : to.warn(l.text));
  }
}
