/**
 * Batched scans: the column tests of one model that only count rows (not_null, accepted_values,
 * accepted_range, expression_is_true, ...) compile to ONE query over the model, each test a
 * `count(*) filter (where ...)` column; unique-style tests join the same statement as subqueries.
 * Pure planning and SQL building; the runner executes a group's query once and shares the result.
 */
import { quoteIdent } from '../adapters/duckdb/index.js';
import type { ExecutableNode, Manifest, SqlNode } from '../manifest/types.js';
import { builtinTestAggregate, builtinTestCondition, builtinTestProbe, builtinTestSql, groupByColumns, GROUPED_TESTS, isDefaultFailCalc, PROBE_TESTS, SCAN_TESTS } from '../data-tests/index.js';

type Args = Readonly<Record<string, unknown>>;

export interface BatchMember {
  readonly id: string;
  /** The built-in test (`not_null`, `unique`, ...). */
  readonly testName: string;
  readonly args: Args;
}

/** Tests of one model that share one query. */
export interface BatchGroup {
  /** The unique id of the model (seed, snapshot, source) under test. */
  readonly key: string;
  readonly members: readonly BatchMember[];
}

export interface BatchSql {
  readonly sql: string;
  /** True when a probe counts an integer column's distinct values with a bitmap (see {@link batchSql}'s `integerColumns`). */
  readonly bitmaps?: boolean;
  /** Result column of each member, by test unique id. */
  readonly columns: ReadonlyMap<string, string>;
  /** Members whose column is a probe: 0 means no failures, anything else needs the test's own query. */
  readonly probes: ReadonlySet<string>;
}

/**
 * Whether a test's failure count can come from a shared scan: a built-in scan or grouped test
 * (not replaced by a `{% test %}` macro the test resolves to: the project's or a package's) with dbt's default verdict inputs (no
 * `where`, `limit`, `fail_calc` or `store_failures`), on a model that is a relation.
 */
export function isBatchable(node: ExecutableNode, manifest: Manifest, hasUserTest: (name: string, node: SqlNode) => boolean): node is SqlNode {
  if (node.resourceType !== 'test' || node.testMetadata?.testType !== 'generic' || !node.attachedNode) return false;
  const name = node.testMetadata.name;
  if (!SCAN_TESTS.includes(name) && !GROUPED_TESTS.includes(name)) return false;
  if (hasUserTest(name, node)) return false;
  // per-group answers (dbt_utils' group_by_columns) need the test's own query
  if (groupByColumns(node.testMetadata.kwargs).length) return false;
  // templated arguments are rendered per test at compile time; the shared query uses them as written
  const templated = (v: unknown): boolean => (typeof v === 'string' ? v.includes('{{') || v.includes('{%') : Array.isArray(v) && v.some(templated));
  if (Object.values(node.testMetadata.kwargs).some(templated)) return false;
  const cfg = node.config;
  if (cfg['where'] != null || cfg['limit'] != null) return false;
  if (cfg['store_failures'] || (cfg['store_failures_as'] != null && cfg['store_failures_as'] !== 'ephemeral')) return false;
  if (!isDefaultFailCalc(cfg['fail_calc'])) return false;
  const target = manifest.nodes.get(node.attachedNode) ?? manifest.sources.get(node.attachedNode);
  if (!target?.relation) return false;
  if (target.resourceType === 'model' && target.config.materialized === 'ephemeral') return false;
  return true;
}

/**
 * Groups the batchable tests among `tests` by the model they test; groups of one are left out
 * (nothing to share). Returns each batched test's group.
 */
export function planBatches(tests: Iterable<ExecutableNode>, manifest: Manifest, hasUserTest: (name: string, node: SqlNode) => boolean): Map<string, BatchGroup> {
  const byModel = new Map<string, BatchMember[]>();
  for (const node of tests) {
    if (!isBatchable(node, manifest, hasUserTest)) continue;
    const key = node.attachedNode!;
    let list = byModel.get(key);
    if (!list) byModel.set(key, (list = []));
    list.push({ id: node.uniqueId, testName: node.testMetadata!.name, args: node.testMetadata!.kwargs });
  }
  const out = new Map<string, BatchGroup>();
  for (const [key, members] of byModel) {
    if (members.length < 2) continue;
    const group: BatchGroup = { key, members };
    for (const m of members) out.set(m.id, group);
  }
  return out;
}

/**
 * The one query that computes every member's failure count over `relation` (SQL text such as
 * `"main"."orders"`).
 *
 * By default (for tables) the row-wise tests share one scan whose `where` keeps only rows failing
 * some test, so DuckDB can skip row groups by statistics and zone maps, and each grouped test
 * (`unique`, ...) adds a subquery of its own. With `singleScan` (for views, which DuckDB computes
 * anew for every reference) the relation is read exactly once: one aggregate per test over all its
 * rows, no `where` (pushed into a view, a filter on a computed column computes it a second time) and
 * grouped tests as probes (`count(x) - count(distinct x)`: zero exactly when nothing repeats; the
 * runner then asks a non-zero probe's own query for dbt's count). `integerColumns` (lower-cased
 * names of the relation's integer-typed columns) makes `unique` on such a column, in either form, a
 * probe that counts distinct values with a bitmap (see builtinTestProbe; the result says `bitmaps`,
 * and if DuckDB refuses the bitmap the caller asks again without `integerColumns`).
 *
 * The single pass is within ~15% of the floor any plan over a view has (every tested column computed
 * once, no test at all: the bench's `floor` row). Measured on the bench's 1M-row staging view and
 * the pipeline's views (min of 7, CPU, one DuckDB thread), the alternatives cost more: the view's
 * tested columns written to a temp table first, then tested (+15–25%: the write costs more than the
 * predicates it saves); `unique` in a query of its own, the rest in the pass (+13% when the column
 * needs the view's dedupe; −20% on a view whose key is a plain column, no better on another: no
 * rule the planner can see); groups by column (each group recomputes the view's shared work).
 *
 * ### Examples
 * ```ts
 * batchSql('"main"."orders"', [
 *   { id: 'a', testName: 'not_null', args: { column_name: 'id' } },
 *   { id: 'b', testName: 'unique', args: { column_name: 'id' } },
 * ]).sql;
 * ```
 * The generated SQL:
 * ```sql
 * select *
 * from (
 *   select
 *     count(*) filter (where id is null) as "t0"
 *   from "main"."orders"
 *   where (id is null)
 * ) as bmp_scan,
 * (
 *   select count(*) as "t1" from (
 * select id as unique_field, count(*) as n_records
 * ...
 * ) as bmp_failures
 * ) as bmp_t1
 * ```
 * With `{ singleScan: true }`:
 * ```sql
 * select
 *     count_if((id is null)::boolean) as "t0",
 *     count(id) - count(distinct id) as "t1"
 * from "main"."orders_view"
 * ```
 */
export function batchSql(relation: string, members: readonly BatchMember[], opts: { singleScan?: boolean; integerColumns?: ReadonlySet<string> } = {}): BatchSql {
  if (opts.singleScan) return singleScanSql(relation, members, opts.integerColumns);
  const columns = new Map<string, string>();
  const probes = new Set(members.filter((m) => PROBE_TESTS.includes(m.testName)).map((m) => m.id));
  const filtered: { alias: string; cond: string }[] = [];
  const whole: string[] = [];
  const grouped: string[] = [];
  let bitmaps = false;
  members.forEach((m, i) => {
    const alias = `t${i}`;
    columns.set(m.id, alias);
    const cond = builtinTestCondition(m.testName, m.args);
    if (cond !== undefined) {
      filtered.push({ alias, cond });
      return;
    }
    const agg = builtinTestAggregate(m.testName, m.args);
    if (agg !== undefined) {
      whole.push(`    ${agg} as ${quoteIdent(alias)}`);
      return;
    }
    if (isIntegerKey(m, opts.integerColumns)) {
      // a bitmap of the column's values costs DuckDB about half of grouping them; a non-zero
      // probe is followed by the test's own query
      whole.push(`    ${builtinTestProbe(m.testName, m.args, { integerKey: true })} as ${quoteIdent(alias)}`);
      probes.add(m.id);
      bitmaps = true;
      return;
    }
    const sql = builtinTestSql(m.testName, relation, m.args);
    if (sql === undefined) throw new Error(`test ${m.id} (${m.testName}) cannot be batched`);
    grouped.push(`(\n  select count(*) as ${quoteIdent(alias)} from (\n${sql}\n  ) as bmp_failures\n) as ${quoteIdent(`bmp_${alias}`)}`);
  });
  const parts: string[] = [];
  if (filtered.length) {
    // Only rows failing some test can count: the where keeps DuckDB's pruning by statistics and
    // zone maps (a not_null on a column without nulls reads nothing), as one query per test has.
    const counts = filtered.map((f) => `    count(*) filter (where ${f.cond}) as ${quoteIdent(f.alias)}`);
    parts.push(`(\n  select\n${counts.join(',\n')}\n  from ${relation}\n  where ${filtered.map((f) => `(${f.cond})`).join('\n     or ')}\n) as bmp_scan`);
  }
  if (whole.length) parts.push(`(\n  select\n${whole.join(',\n')}\n  from ${relation}\n) as bmp_whole`);
  parts.push(...grouped);
  return { sql: `select *\nfrom ${parts.join(',\n')}`, columns, probes, ...(bitmaps ? { bitmaps } : {}) };
}

/** Whether a member is `unique` on one of `integerColumns` (so its probe can be a bitmap). */
function isIntegerKey(m: BatchMember, integerColumns: ReadonlySet<string> | undefined): boolean {
  const col = plainColumn(m.args['column_name']);
  return m.testName === 'unique' && col !== undefined && !!integerColumns?.has(col);
}

/** {@link batchSql} with `singleScan`: every member one aggregate of a single pass over `relation`. */
function singleScanSql(relation: string, members: readonly BatchMember[], integerColumns: ReadonlySet<string> | undefined): BatchSql {
  const columns = new Map<string, string>();
  const probes = new Set<string>();
  let bitmaps = false;
  const aggregates = members.map((m, i) => {
    const alias = `t${i}`;
    columns.set(m.id, alias);
    const integerKey = isIntegerKey(m, integerColumns);
    bitmaps ||= integerKey;
    const probe = builtinTestProbe(m.testName, m.args, { integerKey });
    if (PROBE_TESTS.includes(m.testName) || probe !== undefined) probes.add(m.id);
    const agg = probe ?? builtinTestAggregate(m.testName, m.args);
    if (agg === undefined) throw new Error(`test ${m.id} (${m.testName}) cannot be batched`);
    return `    ${agg} as ${quoteIdent(alias)}`;
  });
  return { sql: `select\n${aggregates.join(',\n')}\nfrom ${relation}`, columns, probes, ...(bitmaps ? { bitmaps } : {}) };
}

const PLAIN_IDENT = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$/;

/** A column argument that names one column (bare or double-quoted), lower-cased and unquoted; else undefined. */
export function plainColumn(arg: unknown): string | undefined {
  if (typeof arg !== 'string' || !PLAIN_IDENT.test(arg)) return undefined;
  return (arg.startsWith('"') ? arg.slice(1, -1).replaceAll('""', '"') : arg).toLowerCase();
}
