import { quoteIdent } from '../adapters/duckdb/index.js';
import { CompileError } from '../errors.js';
import { stripKeywords, TemplateRelation } from './relation.js';

export interface TemplateColumn {
  readonly name: string;
  readonly column: string;
  readonly data_type: string;
  readonly dtype: string;
  readonly quoted: string;
}

/** What a render needs from the stage that renders (parse captures, compile resolves). */
export interface ContextHooks {
  ref(name: string, pkg?: string): TemplateRelation;
  source(sourceName: string, tableName: string): TemplateRelation;
  /** `{{ config(...) }}` in the template. */
  onConfig(config: Record<string, unknown>): void;
  /** `config.get('key')`. */
  configValue(key: string): unknown;
  var(name: string, fallback?: unknown, hasFallback?: boolean): unknown;
  envVar(name: string, fallback?: unknown): string;
  isIncremental(): boolean;
  runQuery(sql: string): unknown;
  getRelation(database: string | undefined, schema: string, identifier: string): TemplateRelation | null;
  getColumns(relation: TemplateRelation): TemplateColumn[];
  log(message: string, info: boolean): void;
  doc(name: string): string;
  /** The relation being built, if any. */
  readonly thisRelation?: TemplateRelation;
  readonly execute: boolean;
  readonly target: Readonly<Record<string, unknown>>;
  /** A PyDate (strftime, isoformat) or an ISO string. */
  readonly runStartedAt: unknown;
  readonly invocationId: string;
  readonly model?: Readonly<Record<string, unknown>>;
  readonly flags: Readonly<Record<string, unknown>>;
  /** `adapter.dispatch(name, macro_namespace)`: the macro its search order finds (TemplateEngine.dispatch). */
  dispatch(name: string, namespace?: string): (...args: unknown[]) => unknown;
}

const parseStubs = new Map<string, (...args: unknown[]) => unknown>();

/**
 * Template globals that plugins add at run time (e.g. `llm_generate`) must exist when the parser
 * renders a template in capture mode, before any plugin is set up: register a stand-in here.
 */
export function registerParseStub(name: string, stub: (...args: unknown[]) => unknown = () => ''): void {
  parseStubs.set(name, stub);
}

export function parseStubGlobals(): Record<string, unknown> {
  return Object.fromEntries(parseStubs);
}

/** Splits a template call's arguments: nunjucks passes keyword arguments as a trailing `__keywords` object. */
export function splitKwargs(args: unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && '__keywords' in (last as object)) {
    return { positional: args.slice(0, -1), kwargs: stripKeywords(last as Record<string, unknown>) };
  }
  return { positional: args, kwargs: {} };
}

/** The dbt template context (INTERFACE.md "Template context") built on `hooks`. */
export function buildTemplateContext(hooks: ContextHooks): Record<string, unknown> {
  const config = Object.assign(
    (...args: unknown[]) => {
      const { positional, kwargs } = splitKwargs(args);
      const fromDict = positional[0] && typeof positional[0] === 'object' ? (positional[0] as Record<string, unknown>) : {};
      hooks.onConfig({ ...fromDict, ...kwargs });
      return '';
    },
    {
      get: (key: string, fallback?: unknown) => hooks.configValue(key) ?? fallback ?? null,
      require: (key: string) => {
        const v = hooks.configValue(key);
        if (v === undefined || v === null) throw new CompileError('BMP_CONFIG_REQUIRED', `config '${key}' is required here`);
        return v;
      },
      set: () => '',
      persist_relation_docs: () => false,
      persist_column_docs: () => false,
    },
  );

  const adapter = {
    get_relation: (...args: unknown[]) => {
      const { positional, kwargs } = splitKwargs(args);
      const [database, schema, identifier] = [kwargs['database'] ?? positional[0], kwargs['schema'] ?? positional[1], kwargs['identifier'] ?? positional[2]];
      return hooks.getRelation(database as string | undefined, String(schema), String(identifier));
    },
    get_columns_in_relation: (rel: TemplateRelation) => hooks.getColumns(rel),
    quote: (s: string) => quoteIdent(s),
    dispatch: (...args: unknown[]) => {
      const { positional, kwargs } = splitKwargs(args);
      const name = kwargs['macro_name'] ?? positional[0];
      const namespace = kwargs['macro_namespace'] ?? positional[1];
      return hooks.dispatch(String(name), namespace === undefined || namespace === null ? undefined : String(namespace));
    },
    type: () => 'duckdb',
    check_schema_exists: (_db: string, schema: string) => hooks.getRelation(undefined, schema, '') !== null,
  };

  return {
    ref: (...args: unknown[]) => {
      const { positional } = splitKwargs(args);
      return positional.length >= 2 ? hooks.ref(String(positional[1]), String(positional[0])) : hooks.ref(String(positional[0]));
    },
    source: (src: string, table: string) => hooks.source(String(src), String(table)),
    config,
    var: Object.assign((name: string, ...rest: unknown[]) => hooks.var(name, rest[0], rest.length > 0), { has_var: (n: string) => hooks.var(n, undefined, true) !== undefined }),
    env_var: (name: string, fallback?: unknown) => hooks.envVar(name, fallback),
    this: hooks.thisRelation,
    is_incremental: () => hooks.isIncremental(),
    should_full_refresh: () => !!hooks.flags['FULL_REFRESH'],
    target: hooks.target,
    run_started_at: hooks.runStartedAt,
    invocation_id: hooks.invocationId,
    execute: hooks.execute,
    flags: hooks.flags,
    model: hooks.model,
    run_query: (sql: string) => hooks.runQuery(String(sql)),
    statement: () => '',
    load_result: () => null,
    log: (msg: unknown, ...rest: unknown[]) => {
      const { positional, kwargs } = splitKwargs(rest);
      hooks.log(String(msg), !!(kwargs['info'] ?? positional[0]));
      return '';
    },
    doc: (name: string) => hooks.doc(name),
    adapter,
    load_relation: (rel: TemplateRelation) => hooks.getRelation(rel.database, rel.schema, rel.identifier),
    api: {
      Relation: {
        create: (kw: Record<string, unknown>) => {
          const k = stripKeywords(kw ?? {});
          return new TemplateRelation(String(k['database'] ?? ''), String(k['schema'] ?? 'main'), String(k['identifier'] ?? ''), (k['type'] as 'table') ?? undefined);
        },
      },
      Column: {
        create: (name: string, dtype: string) => ({ name, column: name, data_type: dtype, dtype, quoted: quoteIdent(name) }),
      },
    },
    graph: { nodes: {}, sources: {} },
  };
}
