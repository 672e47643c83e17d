/**
 * The built-in generic tests as SQL that returns failing rows, matching dbt's (and dbt_utils') macros.
 * Column names are inserted as written (dbt does the same, so expressions work); values from YAML are
 * SQL literals, quoted unless `quote: false`.
 *
 * ### Examples
 * ```ts
 * builtinTestSql('not_null', '"main"."orders"', { column_name: 'id' });
 * ```
 * The generated SQL:
 * ```sql
 * select id
 * from "main"."orders"
 * where id is null
 * ```
 */
import { quoteLiteral } from '../adapters/duckdb/index.js';

type Args = Readonly<Record<string, unknown>>;

/** dbt's four, plus the dbt_utils tests dbt projects use most, under their dbt_utils names. */
export const BUILTIN_TESTS = [
  'unique',
  'not_null',
  'accepted_values',
  'relationships',
  'accepted_range',
  'expression_is_true',
  'not_accepted_values',
  'unique_combination_of_columns',
  'not_constant',
  'not_empty_string',
  'at_least_one',
  'relationships_where',
  'equal_rowcount',
] as const;

export function isBuiltinTest(name: string): boolean {
  return (BUILTIN_TESTS as readonly string[]).includes(name);
}

function literal(v: unknown, quote: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return quote ? quoteLiteral(String(v)) : String(v);
}

function valueList(args: Args): string {
  const values = (args['values'] as unknown[] | undefined) ?? [];
  const quote = args['quote'] !== false;
  return values.map((v) => literal(v, quote)).join(', ') || 'null';
}

/** `col >= 0 and col <= 10`, as dbt_utils' accepted_range (the `not` of it fails a row). */
function rangeCondition(col: string | undefined, args: Args): string {
  const inclusive = args['inclusive'] !== false;
  const conds: string[] = [];
  if (args['min_value'] !== undefined && args['min_value'] !== null) conds.push(`${col} ${inclusive ? '>=' : '>'} ${literal(args['min_value'], false)}`);
  if (args['max_value'] !== undefined && args['max_value'] !== null) conds.push(`${col} ${inclusive ? '<=' : '<'} ${literal(args['max_value'], false)}`);
  return conds.join(' and ') || 'true';
}

function expression(col: string | undefined, args: Args): string {
  const expr = String(args['expression']);
  return col ? `${col} ${expr}` : expr;
}

/** `group_by_columns` (dbt_utils' at_least_one, not_constant, equal_rowcount), as written. */
export function groupByColumns(args: Args): string[] {
  const cols = args['group_by_columns'];
  return Array.isArray(cols) ? cols.map(String) : typeof cols === 'string' && cols ? [cols] : [];
}

function columnsOf(args: Args): string[] {
  const cols = args['combination_of_columns'];
  const list = Array.isArray(cols) ? cols.map(String) : typeof cols === 'string' ? [cols] : [];
  return args['quote_columns'] === true ? list.map((c) => `"${c.replaceAll('"', '""')}"`) : list;
}

/**
 * How `relationships` looks its parent values up. `join` (dbt's text): a left join, filtered to
 * the unmatched child rows, whose hash table DuckDB may build on either side — at times on a child
 * many times the parent's size. `parent`: `not in` the parent's non-null values, a mark join that
 * always builds on the parent: the cheaper one when the parent is the smaller table (at 10M,
 * 36.5M child rows against 7.3M parents: 2.45 → 1.27 s), the dearer one for a small child of a
 * large parent. Both count the same child rows.
 */
export type RelationshipsLookup = 'join' | 'parent';

/**
 * What {@link relationshipsProbeSql} needs to know, in one row: the types of the child column and
 * the parent field (`typeof`: static, also for no rows; the child's from no rows at all, so a view
 * is not computed for it), the parent's smallest and largest value as text (integers of any
 * width) and how many non-null values it holds.
 */
export function relationshipsBoundsSql(child: string, column: string, parent: string, field: string): string {
  return `select typeof(min(${field})) as parent_type, cast(min(${field}) as varchar) as lo, cast(max(${field}) as varchar) as hi, count(${field}) as n, (select typeof(any_value(${column})) from (select ${column} from ${child} limit 0)) as child_type\nfrom ${parent}`;
}

/** Integer types DuckDB's `bitstring_agg` takes (not UHUGEINT: no such overload in 1.5). */
const INTEGER_TYPE = /^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i;
/** The largest bitmap a probe builds: 2^27 bits (16 MiB). */
const MAX_PROBE_BITS = 2n ** 27n;

/**
 * A probe for `relationships` on integer keys, or undefined when one does not pay: one row, one
 * column `missing`, zero exactly when every non-null child value is among the parent's (the
 * test passes with no failures); otherwise the number of distinct child values missing, which is
 * not dbt's count of failing rows, so the runner then asks the test's own query. It marks the
 * parent's values in a bitmap over [lo, hi] (`bitstring_agg`) and the child's in another, and
 * counts the child's bits the parent lacks, plus the child rows outside [lo, hi]: no hash table,
 * a quarter of the left join's time on 1M-row tables (1M child rows against 1M parents: 110 →
 * 30 ms; 3.65M against 730k: 200 → 47 ms). `bounds` is {@link relationshipsBoundsSql}'s row; no
 * probe for a non-integer side, an empty parent, or a range wider than 2^27 values or than
 * 32 values per parent row (a sparse bitmap costs more than it saves).
 */
export function relationshipsProbeSql(child: string, column: string, parent: string, field: string, bounds: { readonly parent_type?: unknown; readonly child_type?: unknown; readonly lo?: unknown; readonly hi?: unknown; readonly n?: unknown }): string | undefined {
  if (!INTEGER_TYPE.test(String(bounds.parent_type)) || !INTEGER_TYPE.test(String(bounds.child_type))) return undefined;
  const integer = /^-?\d+$/;
  if (typeof bounds.lo !== 'string' || typeof bounds.hi !== 'string' || !integer.test(bounds.lo) || !integer.test(bounds.hi)) return undefined;
  const width = BigInt(bounds.hi) - BigInt(bounds.lo) + 1n;
  const rows = BigInt(Math.max(0, Math.trunc(Number(bounds.n ?? 0))));
  if (width > MAX_PROBE_BITS || width > 32n * rows + 1024n) return undefined;
  const { lo, hi } = bounds;
  const within = (x: string) => `${x} between ${lo} and ${hi}`;
  return [
    `select count_if(not (${within(column)})) + coalesce(bit_count(`,
    `  bitstring_agg(${column}, ${lo}, ${hi}) filter (where ${within(column)})`,
    `  & ~(select bitstring_agg(${field}, ${lo}, ${hi}) from ${parent} where ${within(field)})), 0) as missing`,
    `from ${child}`,
    `where ${column} is not null`,
  ].join('\n');
}

/** Failing-rows SQL for a built-in test, or undefined when `name` is not built in. */
export function builtinTestSql(name: string, model: string, args: Args, opts: { readonly relationshipsLookup?: RelationshipsLookup; readonly storeFailures?: boolean } = {}): string | undefined {
  const col = args['column_name'] as string | undefined;
  switch (name) {
    case 'not_null':
      // the failing rows whole when they are stored (dbt: column_list = '*'), else the column
      return `select ${opts.storeFailures ? '*' : col}\nfrom ${model}\nwhere ${col} is null`;
    case 'unique':
      return `select ${col} as unique_field, count(*) as n_records\nfrom ${model}\nwhere ${col} is not null\ngroup by ${col}\nhaving count(*) > 1`;
    case 'accepted_values':
      return `with all_values as (\n  select ${col} as value_field, count(*) as n_records\n  from ${model}\n  group by ${col}\n)\nselect *\nfrom all_values\nwhere value_field not in (${valueList(args)})`;
    case 'not_accepted_values':
      // one row per distinct bad value, as dbt_utils counts them
      return `with all_values as (\n  select distinct ${col} as value_field\n  from ${model}\n)\nselect value_field\nfrom all_values\nwhere value_field in (${valueList(args)})`;
    case 'relationships': {
      const to = String(args['to']);
      const field = String(args['field']);
      const ctes = `with child as (\n  select ${col} as from_field\n  from ${model}\n  where ${col} is not null\n),\nparent as (\n  select ${field} as to_field\n  from ${to}\n)`;
      if (opts.relationshipsLookup === 'parent') return `${ctes}\nselect from_field\nfrom child\nwhere from_field not in (select to_field from parent where to_field is not null)`;
      return `${ctes}\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`;
    }
    case 'relationships_where': {
      const to = String(args['to']);
      const field = String(args['field']);
      const fromCond = String(args['from_condition'] ?? '1=1');
      const toCond = String(args['to_condition'] ?? '1=1');
      return `with left_table as (\n  select ${col} as id\n  from ${model}\n  where ${col} is not null and ${fromCond}\n),\nright_table as (\n  select ${field} as id\n  from ${to}\n  where ${field} is not null and ${toCond}\n)\nselect left_table.id, right_table.id as right_id\nfrom left_table\nleft join right_table on left_table.id = right_table.id\nwhere right_table.id is null`;
    }
    case 'accepted_range':
      return `select *\nfrom ${model}\nwhere not (${rangeCondition(col, args)})`;
    case 'expression_is_true':
      return `select *\nfrom ${model}\nwhere not (${expression(col, args)})`;
    case 'unique_combination_of_columns': {
      const cols = columnsOf(args).join(', ');
      return `select ${cols}, count(*) as n_records\nfrom ${model}\ngroup by ${cols}\nhaving count(*) > 1`;
    }
    case 'not_constant': {
      // with group_by_columns: one failing row per group whose values are all the same
      const gb = groupByColumns(args);
      const select = gb.length ? `${gb.join(', ')}, ` : '';
      const group = gb.length ? `\ngroup by ${gb.join(', ')}` : '';
      return `select ${select}count(distinct ${col}) as filler_column\nfrom ${model}${group}\nhaving count(distinct ${col}) = 1`;
    }
    case 'not_empty_string':
      return `select ${col}\nfrom ${model}\nwhere ${args['trim_whitespace'] === false ? col : `trim(${col})`} = ''`;
    case 'at_least_one': {
      // with group_by_columns: one failing row per group without a single non-null value
      const gb = groupByColumns(args);
      if (gb.length) return `select ${gb.join(', ')}, count(${col}) as filler_column\nfrom ${model}\ngroup by ${gb.join(', ')}\nhaving count(${col}) = 0`;
      return `select *\nfrom (\n  select count(${col}) as filler_column\n  from ${model}\n) as counts\nwhere filler_column = 0`;
    }
    case 'equal_rowcount': {
      // the failures are the summed differences (fail_calc, see BUILTIN_TEST_CONFIG); with
      // group_by_columns, per group present on both sides, as dbt_utils joins them
      const other = String(args['compare_model']);
      const gb = groupByColumns(args);
      if (!gb.length) return `with a as (select count(*) as count_a from ${model}),\nb as (select count(*) as count_b from ${other})\nselect count_a, count_b, abs(count_a - count_b) as diff_count\nfrom a cross join b\nwhere count_a != count_b`;
      const cols = gb.join(', ');
      const on = gb.map((c) => `a.${c} = b.${c}`).join(' and ');
      return `with a as (select ${cols}, count(*) as count_a from ${model} group by ${cols}),\nb as (select ${cols}, count(*) as count_b from ${other} group by ${cols})\nselect ${gb.map((c) => `a.${c}`).join(', ')}, count_a, count_b, abs(count_a - count_b) as diff_count\nfrom a join b on ${on}\nwhere count_a != count_b`;
    }
    default:
      return undefined;
  }
}

/**
 * Config a built-in test carries itself, as a `{% test %}` macro's `config()` would: the project and
 * the properties file override it.
 */
export const BUILTIN_TEST_CONFIG: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  equal_rowcount: { fail_calc: 'sum(coalesce(diff_count, 0))' },
};

/** Tests whose failure count a shared scan can compute as one aggregate ({@link builtinTestAggregate}). */
export const SCAN_TESTS: readonly string[] = ['not_null', 'accepted_values', 'not_accepted_values', 'accepted_range', 'expression_is_true', 'not_empty_string', 'not_constant', 'at_least_one'];
/**
 * Scan tests whose aggregate is only a probe: zero exactly when the test has no failures, but not
 * dbt's failure count otherwise ((not_)accepted_values count distinct bad values). A non-zero probe is
 * followed by the test's own query, so reported counts stay dbt's.
 */
export const PROBE_TESTS: readonly string[] = ['accepted_values', 'not_accepted_values'];
/** Tests that need a grouping of their own; a batch counts them in the same statement. */
export const GROUPED_TESTS: readonly string[] = ['unique', 'unique_combination_of_columns'];

/**
 * The condition that makes a row fail a row-wise test (not_null, accepted_values, accepted_range,
 * expression_is_true, ...), or undefined for other tests. `count(*) filter (where <it>)` over the
 * model is the test's failure count, except for the probes in {@link PROBE_TESTS}.
 *
 * ### Examples
 * ```ts
 * builtinTestCondition('accepted_range', { column_name: 'x', min_value: 0 }); // 'not (x >= 0)'
 * ```
 */
export function builtinTestCondition(name: string, args: Args): string | undefined {
  const col = args['column_name'] as string | undefined;
  switch (name) {
    case 'not_null':
      return `${col} is null`;
    case 'accepted_values':
      // a probe: bad rows, where dbt counts distinct bad values; null is never "not in", as in dbt
      return `${col} not in (${valueList(args)})`;
    case 'not_accepted_values':
      // a probe too: dbt_utils counts distinct bad values
      return `${col} in (${valueList(args)})`;
    case 'accepted_range':
      return `not (${rangeCondition(col, args)})`;
    case 'expression_is_true':
      return `not (${expression(col, args)})`;
    case 'not_empty_string':
      return `${args['trim_whitespace'] === false ? col : `trim(${col})`} = ''`;
    default:
      return undefined;
  }
}

/**
 * The failure count of a scan test as one aggregate over the model's rows: the number
 * `select count(*) from (<builtinTestSql>)` gives (for probes, zero exactly when that is zero), so
 * many tests can share one scan. A row-wise test is `count_if`, which means
 * `count(*) filter (where ...)` (the cast to boolean is the one a `where` applies; NULL counts as
 * not failing) and costs DuckDB less: twenty filtered counts over a 1M-row view took ~250 ms more
 * CPU than twenty `count_if`s.
 *
 * ### Examples
 * ```ts
 * builtinTestAggregate('not_null', { column_name: 'status' });
 * // count_if((status is null)::boolean)
 * ```
 */
export function builtinTestAggregate(name: string, args: Args): string | undefined {
  const col = args['column_name'] as string | undefined;
  const cond = builtinTestCondition(name, args);
  if (cond !== undefined) return `count_if((${cond})::boolean)`;
  switch (name) {
    case 'not_constant':
      return `case when count(distinct ${col}) = 1 then 1 else 0 end`;
    case 'at_least_one':
      return `case when count(${col}) = 0 then 1 else 0 end`;
    default:
      return undefined;
  }
}

/**
 * A grouped test ({@link GROUPED_TESTS}) as one aggregate over the model's rows that is zero exactly
 * when the test has no failures (a probe: not dbt's count otherwise), or undefined for other tests.
 * Lets a single pass over a view answer `unique` without grouping the view's rows a second time.
 *
 * With `integerKey` (the caller knows `unique`'s column is of an integer type) the distinct values
 * are counted as the set bits of a bitmap over the column's range (`bitstring_agg`), which costs
 * DuckDB a fraction of `count(distinct ...)`'s hash table (1M keys: ~20 ms of CPU instead of
 * ~150 ms). DuckDB sizes the bitmap from the column's statistics and refuses to bind it without
 * them or for a range of 10^9 or more; the caller then asks again without `integerKey`.
 *
 * ### Examples
 * ```ts
 * builtinTestProbe('unique', { column_name: 'id' }); // 'count(id) - count(distinct id)'
 * builtinTestProbe('unique', { column_name: 'id' }, { integerKey: true });
 * // 'count(id) - coalesce(bit_count(bitstring_agg(id)), 0)'
 * ```
 */
export function builtinTestProbe(name: string, args: Args, opts: { integerKey?: boolean } = {}): string | undefined {
  const col = args['column_name'] as string | undefined;
  switch (name) {
    case 'unique':
      // NULLs are not compared, as in the test's `where col is not null`; no non-null value: a NULL
      // bitmap, zero distinct values
      if (opts.integerKey) return `count(${col}) - coalesce(bit_count(bitstring_agg(${col})), 0)`;
      return `count(${col}) - count(distinct ${col})`;
    case 'unique_combination_of_columns':
      // a row of NULLs is one value, as `group by` makes it one group
      return `count(*) - count(distinct row(${columnsOf(args).join(', ')}))`;
    default:
      return undefined;
  }
}
