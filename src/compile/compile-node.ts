import { quoteIdent, quoteLiteral, relationSql, tableRowsSql, type Catalog } from '../adapters/duckdb/index.js';
import { templateEnvVar, hasTemplate, projectVars, resolveVar, type LoadedConfig } from '../config/index.js';
import { CompileError, type ErrorLocation } from '../errors.js';
import { analyzeStatic, renderStatic, suspensionIn, TemplateRelation, type RegisteredMacro, type StaticCall, type TemplateEngine } from '../jinja/index.js';
import type { ExecutableNode, Manifest, NodeConfig, Relation, SqlNode } from '../manifest/types.js';
import { refKey, resolveDocId, resolveRefId, resolveSourceId } from '../manifest/lookup.js';
import { builtinTestSql, isBuiltinTest, relationshipsBoundsSql, relationshipsProbeSql, type RelationshipsLookup } from '../data-tests/index.js';
import { BufferedOutput, contextFor, type ContextEnv, type ContextKind, type ContextOutput, type NodeScope } from './context/index.js';
import { CallReplay } from './context/replay.js';
import type { StoredResult } from './context/statements.js';

/** Where `--defer` sends refs (see CompileEnv.defer). */
export interface DeferTo {
  /** The state's relation of each node, by unique id. */
  readonly relations: ReadonlyMap<string, Relation>;
  /** Nodes this invocation builds: never deferred. */
  readonly selected: ReadonlySet<string>;
  /** `--favor-state`: defer even when the node exists in this target. */
  readonly favorState: boolean;
}

export interface CompiledNode {
  readonly node: ExecutableNode;
  readonly compiledSql: string;
  /** The node's merged config (in-file `config()` calls are read at parse time). */
  readonly config: NodeConfig;
  /** Ephemeral models inlined as CTEs, in order. */
  readonly ephemerals: readonly string[];
  /**
   * A one-row query whose first column is zero exactly when the test has no failures, cheaper than
   * the test (built-in `relationships` on integer keys: relationshipsProbeSql). The runner asks it
   * first and the test's own query only when it is not zero.
   */
  readonly probeSql?: string;
}

/** What compiling needs beyond the node. One per invocation (and connection), shared by all nodes. */
export interface CompileEnv {
  readonly cfg: LoadedConfig;
  readonly manifest: Manifest;
  readonly engine: TemplateEngine;
  /** The template context's environment: the invocation's members and the database calls reach. */
  readonly context: ContextEnv;
  readonly catalog?: Catalog;
  readonly fullRefresh: boolean;
  /** Where a node's template output (log, print, exceptions.warn) goes. */
  readonly output: (nodeId: string | undefined) => ContextOutput;
  /** The kind of context models get (`unit_test` when a unit test compiles its model). */
  readonly contextKind?: 'compile' | 'unit_test';
  /** Macros replaced for one compile (unit tests' `overrides: macros:`; `name` or `pkg.name` → value). */
  readonly macroOverrides?: Readonly<Record<string, unknown>>;
  /** A unit test's `overrides: env_vars:` — what env_var() returns for those names. */
  readonly envVarOverrides?: Readonly<Record<string, string>>;
  /** Overrides of vars for one compile (unit tests). */
  readonly varOverrides?: Readonly<Record<string, unknown>>;
  /** Compile-time relation rewrites (unit tests point refs at fixtures). */
  readonly refOverrides?: ReadonlyMap<string, string>;
  readonly isIncrementalOverride?: boolean;
  /**
   * Microbatch: the batch being built. `ref()`/`source()` of inputs that configure `event_time`
   * render as `(select * from X where event_time >= start and event_time < end)`.
   */
  readonly eventTimeWindow?: { readonly start: string; readonly end: string; readonly id: string };
  /** `--empty`: refs and sources read no rows (`(select * from x where false limit 0)`), as dbt's. */
  readonly empty?: boolean;
  /**
   * `--defer`: a ref to a node this invocation does not build reads the state's relation when the
   * node has none in this target (or always, with `favorState`).
   */
  readonly defer?: DeferTo;
}

/**
 * Compiles one node to SQL: static fast path when the template only uses literal ref/source/
 * config/var; otherwise a nunjucks render. Database calls (`run_query`, statements) are answered
 * between passes over the template (see CallReplay): each runs once, in the order written.
 * @throws CompileError located at the node's file and line.
 */
export async function compileNode(node: ExecutableNode, env: CompileEnv, ephemeralCache = new Map<string, CompiledNode>()): Promise<CompiledNode> {
  if (node.resourceType === 'seed' || node.resourceType === 'unit_test') {
    return { node, compiledSql: '', config: node.config, ephemerals: [] };
  }
  const renderer = new NodeRenderer(node, env);
  let sql: string;
  if (node.resourceType === 'test' && node.testMetadata?.testType === 'generic') {
    sql = await renderer.genericTest();
  } else {
    sql = await renderer.renderTemplate(node.rawCode);
  }
  const body = stripTrailingSemicolon(sql);
  const probe = renderer.probeSql ? { probeSql: renderer.probeSql } : {};
  // most nodes refer to no ephemeral model: nothing to inline
  if (!renderer.ephemeralRefs.length) {
    const result: CompiledNodeWithRefs = { node, compiledSql: body, config: node.resourceType === 'test' ? renderer.testConfig() : node.config, ephemerals: NONE, referencedEphemerals: NONE, bodySql: body, ...probe };
    return result;
  }
  const ephemerals: string[] = [];
  const ctes: string[] = [];
  const seen = new Set<string>();
  const visit = async (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    let compiled = ephemeralCache.get(id);
    if (!compiled) {
      compiled = await compileNode(env.manifest.nodes.get(id)!, env, ephemeralCache);
      ephemeralCache.set(id, compiled);
    }
    // an ephemeral's own ephemerals come first
    for (const inner of (compiled as CompiledNodeWithRefs).referencedEphemerals ?? []) await visit(inner);
    ephemerals.push(id);
    ctes.push(`${cteName(env.manifest.nodes.get(id)!.name)} as (\n${(compiled as CompiledNodeWithRefs).bodySql ?? compiled.compiledSql}\n)`);
  };
  for (const id of renderer.ephemeralRefs) await visit(id);
  const compiledSql = ctes.length ? injectCtes(body, ctes) : body;
  const result: CompiledNodeWithRefs = {
    node,
    compiledSql,
    config: node.resourceType === 'test' ? renderer.testConfig() : node.config,
    ephemerals,
    referencedEphemerals: renderer.ephemeralRefs,
    bodySql: body,
    ...probe,
  };
  return result;
}

const NONE: readonly string[] = Object.freeze([]);

/** Rows (the larger side's estimate) from which a `relationships` test is probed first (see NodeRenderer.relationshipsPlan). */
const PROBE_MIN_ROWS = 100_000;

/**
 * Whether a test argument may render to something else or call ref()/source(): a template (in a
 * string, or in a string of a list), or a `ref(...)`/`source(...)` call. Anything else is kept as it is.
 */
function holdsCall(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%') || /^\s*(ref|source)\s*\(/.test(v);
  return Array.isArray(v) && v.some(holdsCall);
}

interface CompiledNodeWithRefs extends CompiledNode {
  readonly referencedEphemerals?: readonly string[];
  readonly bodySql?: string;
}

/** What a `{% materialization %}` macro returned: the relations it built (dbt's `{'relations': [...]}`). */
export interface MaterializationOutcome {
  readonly relations: readonly TemplateRelation[];
}

/**
 * Runs a materialization written in Jinja (`{% materialization name, adapter='duckdb' %}` from the
 * project or a package) for a compiled node: the macro renders in the node's context with `sql` /
 * `compiled_code` set to the compiled SQL and `pre_hooks`/`post_hooks` as dbt gives them; every
 * `{% call statement() %}` it makes runs on the environment's connection, once each, in order.
 * @throws CompileError when the macro fails to render or returns no relations.
 */
export async function renderMaterialization(node: SqlNode, compiledSql: string, macro: RegisteredMacro, env: CompileEnv, hooks: { readonly pre: readonly string[]; readonly post: readonly string[] }): Promise<MaterializationOutcome> {
  const renderer = new NodeRenderer(node, env);
  const out = await renderer.materialization(macro, compiledSql, hooks);
  const relations = out && typeof out === 'object' && Array.isArray((out as { relations?: unknown }).relations) ? ((out as { relations: unknown[] }).relations.filter((r) => r instanceof TemplateRelation) as TemplateRelation[]) : undefined;
  if (!relations) {
    throw new CompileError('BMP_MATERIALIZATION_RETURN', `materialization '${macro.block.name}' must end with {{ return({'relations': [...]}) }} naming what it built`, { file: macro.file, line: macro.line, nodeId: node.uniqueId });
  }
  return { relations };
}

/** Renders a hook (or any snippet) with the node's template context: `{{ this }}` is the node's relation. */
export async function renderInNodeContext(node: ExecutableNode, source: string, env: CompileEnv): Promise<string> {
  if (!source.includes('{{') && !source.includes('{%')) return source;
  const renderer = new NodeRenderer(node as SqlNode, env);
  // a hook's refs are not the node's parse-time dependencies (bmp does not render hooks at parse)
  renderer.inHook = true;
  return renderer.renderTemplate(source);
}

/**
 * Renders an on-run-start/-end hook or an operation (no node): `ref`/`source` resolve by name,
 * the database is live, `extra` adds members (`results`, `schemas` at on-run-end).
 */
export async function renderOperation(kind: 'hook' | 'operation', source: string, env: CompileEnv, file: string, extra?: Readonly<Record<string, unknown>>): Promise<string> {
  if (!source.includes('{{') && !source.includes('{%')) return source;
  const { replay, stored, output, scope } = operationScope(env, file, extra);
  try {
    return await replay.run(
      () => env.engine.render({ file, source }, contextFor(kind, env.context, scope)),
      () => {
        stored.clear();
        output.clear();
      },
    );
  } finally {
    output.drain(env.output(undefined));
  }
}

/** Calls a project macro as an operation (`bmp run-operation`): keyword arguments, the database live. */
export async function callOperation(macro: string, kwargs: Readonly<Record<string, unknown>>, env: CompileEnv, packageName?: string): Promise<unknown> {
  // a package's macro (`run-operation pkg.name`, or a name only a package defines) by its package
  const m = packageName ? env.engine.registry.get(packageName, macro) : env.engine.macros.get(macro);
  if (!m) throw new CompileError('BMP_MACRO_UNDEFINED', `macro '${macro}' is not defined`);
  const { replay, stored, output, scope } = operationScope(env, m.file);
  try {
    return await replay.run(
      () => env.engine.callMacro(m, [], { ...kwargs }, contextFor('operation', env.context, scope)),
      () => {
        stored.clear();
        output.clear();
      },
    );
  } finally {
    output.drain(env.output(undefined));
  }
}

function operationScope(env: CompileEnv, file: string, extra?: Readonly<Record<string, unknown>>) {
  const replay = new CallReplay();
  const stored = new Map<string, StoredResult>();
  const output = new BufferedOutput();
  const where: ErrorLocation = { file };
  const vars = projectVars(env.cfg, undefined, undefined, env.context.shared.varRender(false, where));
  const scope: NodeScope = { replay, stored, output, extra, where, var: (n, d, has) => resolveVar(vars, n, d, has, where) };
  return { replay, stored, output, scope };
}

export function cteName(name: string): string {
  return `__dbt__cte__${name}`;
}

/** `with a as (...)` goes before the model's own `with` (merged) or before its select. */
export function injectCtes(sql: string, ctes: readonly string[]): string {
  const lead = /^(\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*)with(\s+recursive)?\b/i.exec(sql);
  if (lead) {
    return `${lead[1]}with${lead[2] ?? ''} ${ctes.join(',\n')},${sql.slice(lead[0].length)}`;
  }
  return `with ${ctes.join(',\n')}\n${sql}`;
}

/** `sql.replace(/;?\s*$/, '')` without the regex scanning every position of a long statement. */
function stripTrailingSemicolon(sql: string): string {
  const trimmed = sql.trimEnd();
  return trimmed.endsWith(';') ? trimmed.slice(0, -1) : trimmed;
}

class NodeRenderer {
  readonly ephemeralRefs: string[] = [];
  /** Rendering one of the node's hooks, not its body: its ref()s need not be parse-time dependencies. */
  inHook = false;
  /** A generic test's probe (CompiledNode.probeSql), set by {@link genericTest}. */
  probeSql: string | undefined;
  /** Ephemeral models a generic test refers to outside its render (its model, its ref() arguments): kept across passes. */
  private readonly pinnedEphemerals: string[] = [];
  /** What the node's `config()` calls set while rendering (made on the first render: most nodes take the static path). */
  private configSetMemo: Record<string, unknown> | undefined;
  private get configSet(): Record<string, unknown> {
    return (this.configSetMemo ??= {});
  }

  /**
   * A test's config with what its macros set by `config()` while rendering (dbt_utils' equality sets
   * `fail_calc`, a test may set `severity=var('x')`): as in dbt, such a call overrides the defaults
   * and the project's `tests:` configs, not what the test's properties entry sets (for a singular
   * test, its own config() calls were read at parse).
   */
  testConfig(): NodeConfig {
    if (!this.configSetMemo) return this.node.config;
    const extra: Record<string, unknown> = {};
    const node = this.node as SqlNode;
    const fixed = node.testMetadata?.testType === 'generic' ? node.configFixed ?? [] : undefined;
    for (const [key, value] of Object.entries(this.configSetMemo)) {
      const k = key.replace(/-/g, '_');
      if (value === undefined) continue;
      if (fixed ? !fixed.includes(k) : (this.node.config as Record<string, unknown>)[k] === undefined) extra[k] = value;
    }
    return Object.keys(extra).length ? Object.freeze({ ...this.node.config, ...extra }) : this.node.config;
  }
  private readonly where: ErrorLocation;
  /** The database calls of the render in progress, and what its statements stored (made by the first render). */
  private replayMemo: CallReplay | undefined;
  private storedMemo: Map<string, StoredResult> | undefined;
  /** What the current pass logged: only the last pass's lines are reported. */
  private outputMemo: BufferedOutput | undefined;
  private get replay(): CallReplay {
    return (this.replayMemo ??= new CallReplay());
  }
  private get stored(): Map<string, StoredResult> {
    return (this.storedMemo ??= new Map());
  }
  private get output(): BufferedOutput {
    return (this.outputMemo ??= new BufferedOutput());
  }
  private readonly kind: ContextKind;
  private modelMemo: Record<string, unknown> | undefined;

  constructor(
    private readonly node: SqlNode,
    private readonly env: CompileEnv,
  ) {
    this.where = { file: node.resourceType === 'test' && node.testMetadata?.testType === 'generic' ? node.patchPath ?? node.originalFilePath : node.originalFilePath, nodeId: node.uniqueId };
    this.kind = node.resourceType === 'test' ? 'test' : env.contextKind ?? 'compile';
  }


  async renderTemplate(source: string): Promise<string> {
    const stat = this.env.context.shared.staticPathAllowed ? analyzeStatic(source) : undefined;
    if (stat && !stat.segments.some((c) => typeof c !== 'string' && c.fn === 'var' && this.varHoldsTemplate(c))) return renderStatic(stat, (c) => this.staticCall(c));
    const file = this.where.file!;
    return this.passes(() => this.env.engine.render({ file, source, nodeId: this.node.uniqueId, packageName: this.node.packageName }, this.globals(), { macroOverrides: this.env.macroOverrides }));
  }

  /** Runs `render` in passes until its database calls are answered; reports the last pass's log lines. */
  private async passes<T>(render: () => T): Promise<T> {
    const replay = (this.replayMemo = new CallReplay());
    try {
      return await replay.run(render, () => {
        this.ephemeralRefs.length = 0;
        this.ephemeralRefs.push(...this.pinnedEphemerals);
        this.storedMemo?.clear();
        this.outputMemo?.clear();
      });
    } finally {
      if (this.outputMemo?.lines.length) this.outputMemo.drain(this.env.output(this.node.uniqueId));
    }
  }

  /** A `{% materialization %}` macro, called in passes until its statements have all run. */
  async materialization(macro: RegisteredMacro, compiledSql: string, hooks: { readonly pre: readonly string[]; readonly post: readonly string[] }): Promise<unknown> {
    const hook = (sql: string) => ({ sql, transaction: true });
    const extra = { sql: compiledSql, compiled_code: compiledSql, pre_hooks: hooks.pre.map(hook), post_hooks: hooks.post.map(hook) };
    return this.passes(() => {
      try {
        return this.env.engine.callMacro(macro, [], undefined, { ...this.globals(), ...extra }, this.node.packageName);
      } catch (err) {
        if (suspensionIn(err)) throw err;
        throw this.env.engine.toCompileError(err, { file: macro.file, nodeId: this.node.uniqueId });
      }
    });
  }

  /** Built-in generic tests are SQL built in TypeScript; custom ones call their `{% test %}` macro. */
  async genericTest(): Promise<string> {
    const meta = this.node.testMetadata!;
    const target = this.env.manifest.nodes.get(this.node.attachedNode!) ?? this.env.manifest.sources.get(this.node.attachedNode!);
    if (!target) throw new CompileError('BMP_TEST_TARGET', `test '${this.node.name}' is attached to a missing node`, this.where);
    const before = this.ephemeralRefs.length;
    const modelRel = this.relationOf(target.uniqueId);
    this.pinSince(before);
    const testMacro = this.env.engine.registry.findTest(meta.name, meta.namespace, this.node.packageName);
    const builtin = isBuiltinTest(meta.name) && this.env.engine.registry.isGlobalDefault(testMacro, this.node.packageName);
    const kwargs: Record<string, unknown> = {};
    for (const key in meta.kwargs) kwargs[key] = meta.kwargs[key];
    for (const k of Object.keys(kwargs)) {
      const v = kwargs[k];
      // a plain value (a column name) is neither rendered nor resolved: no promise, no closure
      if (!holdsCall(v)) continue;
      const rendered = await this.renderArg(v);
      const at = this.ephemeralRefs.length;
      kwargs[k] = this.resolveArg(rendered);
      this.pinSince(at);
    }
    const where = this.node.config.where;
    const model = where ? new TemplateRelation(modelRel.database, modelRel.schema, modelRel.identifier, modelRel.type, `(select * from ${modelRel} where ${where})`) : modelRel;
    if (testMacro && !builtin) {
      const file = this.where.file!;
      const out = await this.passes(() => {
        try {
          return this.env.engine.callMacro(testMacro, [], { ...kwargs, model }, this.globals(), this.node.packageName);
        } catch (err) {
          if (suspensionIn(err)) throw err;
          throw this.env.engine.toCompileError(err, { file, nodeId: this.node.uniqueId });
        }
      });
      return String(out);
    }
    const plan = meta.name === 'relationships' && !where ? await this.relationshipsPlan(modelRel, kwargs) : undefined;
    const lookup = plan?.lookup;
    this.probeSql = plan?.probe;
    // dbt's not_null keeps every column of a failing row when failures are stored
    const storing = meta.name === 'not_null' && !!(this.globals()['should_store_failures'] as (() => unknown) | undefined)?.();
    const sql = builtinTestSql(meta.name, String(model), kwargs, { ...(lookup && { relationshipsLookup: lookup }), ...(storing && { storeFailures: true }) });
    if (sql === undefined) {
      throw new CompileError('BMP_TEST_UNDEFINED', `unknown test '${meta.namespace ? meta.namespace + '.' : ''}${meta.name}'`, this.where, `built-in tests: unique, not_null, accepted_values, relationships, accepted_range, expression_is_true; or define {% test ${meta.name}(model, column_name) %}`);
    }
    return sql;
  }

  /**
   * How the built-in `relationships` looks parents up (builtinTestSql), and its probe (CompiledNode.probeSql),
   * from DuckDB's row estimates of both tables, read when the test compiles (its model is built by
   * then). The lookup: `parent` when both sides are tables and the parent holds at most half the
   * child's rows, else dbt's left join (also without a live database, or for a view). The probe
   * (relationshipsProbeSql, on integer keys): into a table, from a table or a view, once the
   * tables hold {@link PROBE_MIN_ROWS} rows or more (below, the join costs less than the probe's
   * extra round trip), sized by the parent's bounds read now; none for a parent view (its bounds
   * would compute it once more) or when the bounds query fails (a bad column: the test's own query
   * says so).
   */
  private async relationshipsPlan(child: TemplateRelation, kwargs: Readonly<Record<string, unknown>>): Promise<{ lookup: RelationshipsLookup; probe?: string }> {
    const db = this.env.context.database;
    const to = kwargs['to'];
    if (!db || this.env.empty || !(to instanceof TemplateRelation) || to.type !== 'table' || (child.type !== 'table' && child.type !== 'view')) return { lookup: 'join' };
    const row = (await db.execute(tableRowsSql([child, to]))).rows[0];
    const childRows = child.type === 'table' ? Number(row?.[0] ?? NaN) : NaN;
    const parentRows = Number(row?.[1] ?? NaN);
    const lookup = parentRows * 2 <= childRows ? 'parent' : 'join';
    const column = kwargs['column_name'];
    const field = kwargs['field'];
    // the parent must be a table DuckDB knows (not, say, an external source's reader)
    if (!Number.isFinite(parentRows) || !(Math.max(childRows || 0, parentRows) >= PROBE_MIN_ROWS) || typeof column !== 'string' || typeof field !== 'string') return { lookup };
    try {
      const bounds = (await db.execute(relationshipsBoundsSql(String(child), column, String(to), field))).rows[0];
      if (!bounds) return { lookup };
      const [parent_type, lo, hi, n, child_type] = bounds as unknown[];
      const probe = relationshipsProbeSql(String(child), column, String(to), field, { parent_type, lo, hi, n, child_type });
      return probe ? { lookup, probe } : { lookup };
    } catch {
      return { lookup };
    }
  }

  /** A generic test's argument `ref('x')` / `source('a', 'b')`: the relation. */
  private resolveArg(v: unknown): unknown {
    if (typeof v !== 'string' || !/^\s*(ref|source)\s*\(/.test(v)) return v;
    const call = analyzeStatic(`{{ ${v.trim()} }}`)?.segments.find((s) => typeof s !== 'string') as StaticCall | undefined;
    return call ? this.staticCall(call) : v;
  }

  /** Test arguments are templates too, as in dbt: `values: ["{{ var('statuses') }}"]`. */
  private async renderArg(v: unknown): Promise<unknown> {
    if (typeof v === 'string' && (v.includes('{{') || v.includes('{%'))) {
      return this.passes(() => this.env.engine.render({ file: this.where.file!, source: v, nodeId: this.node.uniqueId, packageName: this.node.packageName }, this.globals()));
    }
    return Array.isArray(v) ? Promise.all(v.map((x) => this.renderArg(x))) : v;
  }

  /** Keeps the ephemeral models referred to since `before` (a length of ephemeralRefs) for every later render pass. */
  private pinSince(before: number): void {
    for (let i = before; i < this.ephemeralRefs.length; i++) {
      const id = this.ephemeralRefs[i]!;
      if (!this.pinnedEphemerals.includes(id)) this.pinnedEphemerals.push(id);
    }
  }

  private staticCall(c: StaticCall): unknown {
    switch (c.fn) {
      case 'ref':
        return c.args.length >= 2 ? this.ref(String(c.args[1]), String(c.args[0]), c.kwargs['v'] ?? c.kwargs['version']) : this.ref(String(c.args[0]), undefined, c.kwargs['v'] ?? c.kwargs['version']);
      case 'source':
        return this.source(String(c.args[0]), String(c.args[1]));
      case 'config':
        return '';
      case 'var':
        return this.var(String(c.args[0]), c.args[1], c.args.length > 1);
      case 'env_var':
        return this.envVar(c.args[0], c.args[1] ?? undefined);
      case 'this':
        return this.thisRelation();
    }
  }

  /** `var(name, default)`; a value holding a template renders with the calling render's context. */
  private var(name: string, fallback: unknown, hasFallback: boolean | undefined, render = true): unknown {
    const renderVar = render ? this.env.context.shared.varRender(false, this.where) : undefined;
    return resolveVar(projectVars(this.env.cfg, this.env.varOverrides, this.node.packageName, renderVar), name, fallback, !!hasFallback, this.where);
  }

  /** Whether a static `var()` call reads a value holding a template, which only a full render can render. */
  private varHoldsTemplate(c: StaticCall): boolean {
    const v = this.var(String(c.args[0]), c.args[1], c.args.length > 1, false);
    return typeof v === 'string' && hasTemplate(v);
  }

  private relationOf(id: string): TemplateRelation {
    const override = this.env.refOverrides?.get(id);
    if (override) return new TemplateRelation('', '', override, 'cte', override);
    const n = this.env.manifest.nodes.get(id) ?? this.env.manifest.sources.get(id);
    if (!n) throw new CompileError('BMP_REF_UNDEFINED', `unknown node ${id}`, this.where);
    if (n.resourceType === 'source' && n.externalLocation) {
      const read = externalReader(n.externalLocation, this.env.cfg.project.projectDir);
      if (this.env.empty) return new TemplateRelation(n.relation!.database, n.relation!.schema, n.identifier, 'external', `(select * from ${read} where false limit 0)`);
      return new TemplateRelation(n.relation!.database, n.relation!.schema, n.identifier, 'external', this.eventTimeFiltered(n, read) ?? read);
    }
    if (n.resourceType === 'model' && n.config.materialized === 'ephemeral') {
      if (!this.ephemeralRefs.includes(id)) this.ephemeralRefs.push(id);
      return new TemplateRelation('', '', cteName(n.name), 'cte');
    }
    const r = n.relation!;
    const kind = this.env.catalog?.get(r.schema, r.identifier)?.kind;
    const deferred = n.resourceType !== 'source' ? this.deferredRelation(id, kind !== undefined) : undefined;
    if (deferred) return deferred;
    if (this.env.empty) return new TemplateRelation(r.database, r.schema, r.identifier, kind, `(select * from ${relationSql(r)} where false limit 0)`);
    const filtered = this.eventTimeFiltered(n, relationSql(r));
    return new TemplateRelation(r.database, r.schema, r.identifier, kind, filtered, r.attached ? { include: { database: true } } : undefined);
  }

  /** `--defer`: the state's relation for a node not built here (and, unless favor-state, absent here). */
  private deferredRelation(id: string, existsHere: boolean): TemplateRelation | undefined {
    const d = this.env.defer;
    if (!d || d.selected.has(id) || (existsHere && !d.favorState)) return undefined;
    const s = d.relations.get(id);
    if (!s) return undefined;
    // the state's database when it is another one (attached), else schema.identifier as usual
    const sql = s.database && s.database !== this.env.cfg.target.database ? relationSql(s, true) : relationSql(s);
    return new TemplateRelation(s.database, s.schema, s.identifier, undefined, this.env.empty ? `(select * from ${sql} where false limit 0)` : sql);
  }

  /** Microbatch: an input that configures `event_time`, kept to the batch window (bounds bmp computed). */
  private eventTimeFiltered(n: { readonly config: NodeConfig }, from: string): string | undefined {
    const w = this.env.eventTimeWindow;
    const col = n.config['event_time'];
    if (!w || typeof col !== 'string' || !col) return undefined;
    const ts = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    if (!ts.test(w.start) || !ts.test(w.end)) throw new CompileError('BMP_EVENT_TIME_INVALID', `bad batch window ${w.start} - ${w.end}`, this.where);
    return `(select * from ${from} where ${quoteIdent(col)} >= TIMESTAMP '${w.start}' and ${quoteIdent(col)} < TIMESTAMP '${w.end}')`;
  }

  /** The same lookup as the parser's (a ref it did not see, e.g. in a branch not taken then, resolves too). */
  private ref(name: string, pkg?: string, version?: unknown): TemplateRelation {
    const m = this.env.manifest;
    const id = resolveRefId(m.refIndex, m.projectName, this.node.packageName, refKey(name, version), pkg);
    // the call as the user wrote it, for the two errors below (built only when one is thrown)
    const args = () => `${pkg ? `'${pkg}', ` : ''}'${name}'${version !== undefined && version !== null ? `, v=${String(version)}` : ''}`;
    if (!id) throw new CompileError('BMP_REF_UNDEFINED', `ref(${args()}) was not found`, this.where);
    // a ref the parse did not see (inside `{% if execute %}`): the DAG would not order the two
    // nodes, so dbt refuses it rather than read a relation that may not be built yet
    const deps = (this.node as { dependsOn?: { nodes?: readonly string[] } }).dependsOn?.nodes;
    if (deps && !this.inHook && id !== this.node.uniqueId && !deps.includes(id)) {
      throw new CompileError(
        'BMP_REF_NOT_INFERRED',
        `${this.node.resourceType} '${this.node.name}' calls ref(${args()}) where the parse could not see it (inside {% if execute %} or another branch that only runs at execution), so bmp cannot order the two`,
        this.where,
        `add this line at the top of the file, as dbt asks: -- depends_on: {{ ref(${args()}) }}`,
      );
    }
    return this.relationOf(id);
  }

  private source(src: string, table: string): TemplateRelation {
    const id = resolveSourceId(this.env.manifest, this.node.packageName, src, table);
    if (!id) throw new CompileError('BMP_SOURCE_UNDEFINED', `source('${src}', '${table}') was not found`, this.where);
    return this.relationOf(id);
  }

  private thisRelation(): TemplateRelation | undefined {
    const r = this.node.relation;
    if (!r) return undefined;
    const override = this.env.refOverrides?.get(this.node.uniqueId);
    if (override) return new TemplateRelation('', '', override, 'cte', override);
    return new TemplateRelation(r.database, r.schema, r.identifier, this.env.catalog?.get(r.schema, r.identifier)?.kind);
  }

  private isIncremental(): boolean {
    if (this.env.isIncrementalOverride !== undefined) return this.env.isIncrementalOverride;
    const cfg = this.node.config;
    // an external model with an incremental_strategy is incremental once its view exists
    const external = cfg.materialized === 'external' && !!cfg['incremental_strategy'];
    if ((cfg.materialized !== 'incremental' && !external) || !this.node.relation) return false;
    if (this.env.fullRefresh && cfg['full_refresh'] !== false) return false;
    if (cfg['full_refresh'] === true) return false;
    const existing = this.env.catalog?.get(this.node.relation.schema, this.node.relation.identifier);
    return existing?.kind === (external ? 'view' : 'table');
  }

  /** The node as `model`: its manifest dict, with `batch` (none outside a microbatch batch, as in dbt). */
  private model(): Record<string, unknown> {
    if (this.modelMemo) return this.modelMemo;
    const dict = this.env.context.shared.dicts.node(this.node);
    const w = this.env.eventTimeWindow;
    return (this.modelMemo = { ...dict, batch: w ? { id: w.id, event_time_start: w.start, event_time_end: w.end } : null });
  }

  private globals(): Record<string, unknown> {
    return contextFor(this.kind, this.env.context, {
      node: this.node,
      model: this.model(),
      this: this.thisRelation(),
      ref: (name, pkg, version) => this.ref(name, pkg, version),
      source: (s, t) => this.source(s, t),
      setConfig: (c) => Object.assign(this.configSet, c),
      configValue: (k) => configAsSeen(this.configSet[k], (this.node.config as Record<string, unknown>)[k]),
      var: (name, fallback, has) => this.var(name, fallback, has),
      isIncremental: () => this.isIncremental(),
      doc: (name) => {
        const id = resolveDocId(this.env.manifest, this.node.packageName, name);
        return id ? this.env.manifest.docs.get(id)!.blockContents : '';
      },
      replay: this.replay,
      stored: this.stored,
      output: this.output,
      where: this.where,
      ...(this.env.envVarOverrides && { extra: { env_var: (name: unknown, fallback?: unknown) => this.envVar(name, fallback ?? undefined) } }),
    });
  }

  /** env_var(), with a unit test's env_vars overrides first. */
  private envVar(name: unknown, fallback?: unknown): string {
    const override = this.env.envVarOverrides?.[String(name)];
    return override !== undefined ? String(override) : templateEnvVar(String(name), fallback);
  }
}

/** SQL that reads a file-backed source, by extension. */
export function externalReader(location: string, projectDir: string): string {
  const path = location.startsWith('/') || /^[a-z]+:\/\//.test(location) ? location : `${projectDir}/${location}`;
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet') || lower.includes('.parquet')) return `read_parquet(${quoteLiteral(path)})`;
  if (lower.endsWith('.json') || lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return `read_json_auto(${quoteLiteral(path)})`;
  return `read_csv_auto(${quoteLiteral(path)})`;
}

/**
 * `config.get(key)` while a node renders: what its config() call set in this render, over the
 * node's merged config; a mapping (`meta`, `docs`, ...) is merged key by key, as dbt merges the
 * layers, so a config(meta=...) in the file keeps the YAML's other meta keys.
 */
function configAsSeen(set: unknown, merged: unknown): unknown {
  if (set === undefined || set === null) return merged;
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
  return isMap(set) && isMap(merged) ? { ...merged, ...set } : set;
}
