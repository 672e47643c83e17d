/**
 * dbt's global macros as bmp writes them for DuckDB: each call renders to the SQL shown, and that
 * SQL run on DuckDB gives what dbt documents (boundaries for datediff, the last date for last_day,
 * counting from the end for negative split_part parts, ...).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, GLOBAL_MACRO_FILES, type Connection } from '../../src/adapters/duckdb/index.js';
import { MacroRegistry, TemplateEngine, TemplateRelation } from '../../src/jinja/index.js';

let db: Database;
let conn: Connection;
beforeAll(async () => {
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
});
afterAll(() => db.close());

function engine(rootMacros = ''): TemplateEngine {
  const e = new TemplateEngine(new MacroRegistry('shop'));
  for (const f of GLOBAL_MACRO_FILES) e.addMacroFile(f, 'dbt');
  if (rootMacros) e.addMacroFile({ file: 'macros/over.sql', text: rootMacros });
  return e;
}

function globals(e: TemplateEngine, config: Record<string, unknown> = {}) {
  return {
    adapter: { dispatch: (n: string, ns?: string) => e.dispatch(n, ns) },
    config: { get: (k: string, d?: unknown) => config[k] ?? d ?? null },
    flags: { FULL_REFRESH: false, STORE_FAILURES: false },
    target: { schema: 'main', name: 'dev', database: 'memory' },
    execute: false,
  };
}

const sqlOf = (template: string, e = engine()) => e.render({ file: 'm.sql', source: template }, globals(e)).trim();

async function value(template: string, e = engine()): Promise<unknown> {
  const rows = await conn.rows(`select ${sqlOf(template, e)} as v`);
  const v = rows[0]!['v'];
  return typeof v === 'bigint' ? Number(v) : v;
}

async function text(template: string): Promise<string> {
  const rows = await conn.rows(`select cast(${sqlOf(template)} as varchar) as v`);
  return String(rows[0]!['v']);
}

describe('data types', () => {
  it('name DuckDB types', async () => {
    const types = await conn.rows<{ s: string; t: string; f: string; n: string; b: string; i: string; o: string }>(
      `select typeof(cast('x' as ${sqlOf('{{ dbt.type_string() }}')})) as s, typeof(cast('2024-01-01' as ${sqlOf('{{ dbt.type_timestamp() }}')})) as t,
              typeof(cast(1 as ${sqlOf('{{ dbt.type_float() }}')})) as f, typeof(cast(1 as ${sqlOf('{{ dbt.type_numeric() }}')})) as n,
              typeof(cast(1 as ${sqlOf('{{ dbt.type_bigint() }}')})) as b, typeof(cast(1 as ${sqlOf('{{ dbt.type_int() }}')})) as i,
              typeof(cast(1 as ${sqlOf('{{ dbt.type_boolean() }}')})) as o`,
    );
    expect(types[0]).toEqual({ s: 'VARCHAR', t: 'TIMESTAMP', f: 'FLOAT', n: 'DECIMAL(28,6)', b: 'BIGINT', i: 'INTEGER', o: 'BOOLEAN' });
  });
});

describe('dates', () => {
  it('dateadd adds whole parts, month ends clamped, literals cast', async () => {
    expect(sqlOf("{{ dbt.dateadd('day', 1, 'd') }}")).toBe('date_add(d, interval (1) day)');
    expect(await text("{{ dbt.dateadd('month', 1, \"date '2024-01-31'\") }}")).toBe('2024-02-29 00:00:00');
    expect(await text("{{ dbt.dateadd('quarter', -1, \"'2024-05-15'\") }}")).toBe('2024-02-15 00:00:00');
    expect(await text("{{ dbt.dateadd('hour', '2 * 3', \"timestamp '2024-01-01 23:00'\") }}")).toBe('2024-01-02 05:00:00');
  });

  it('datediff counts the boundaries crossed from the first date to the second (weeks start on Sunday)', async () => {
    expect(await value("{{ dbt.datediff(\"timestamp '2024-01-31 23:00'\", \"timestamp '2024-02-01 01:00'\", 'day') }}")).toBe(1);
    expect(await value("{{ dbt.datediff(\"date '2024-01-31'\", \"date '2024-02-01'\", 'month') }}")).toBe(1);
    expect(await value("{{ dbt.datediff(\"date '2024-12-31'\", \"date '2023-01-01'\", 'year') }}")).toBe(-1);
    expect(await value("{{ dbt.datediff(\"date '2024-01-01'\", \"date '2024-03-31'\", 'quarter') }}")).toBe(0);
    // Saturday → Sunday crosses a week boundary; Monday → Saturday does not; 14 days → 2
    expect(await value("{{ dbt.datediff(\"date '2024-01-06'\", \"date '2024-01-07'\", 'week') }}")).toBe(1);
    expect(await value("{{ dbt.datediff(\"date '2024-01-08'\", \"date '2024-01-13'\", 'week') }}")).toBe(0);
    expect(await value("{{ dbt.datediff(\"date '2024-01-07'\", \"date '2024-01-21'\", 'week') }}")).toBe(2);
    expect(await value("{{ dbt.datediff(\"date '2024-01-21'\", \"date '2024-01-06'\", 'week') }}")).toBe(-3);
    expect(await value("{{ dbt.datediff(\"date '2024-01-03'\", \"date '2024-02-17'\", 'week') }}")).toBe(6);
    expect(await value("{{ dbt.datediff(\"timestamp '2024-01-01 10:59'\", \"timestamp '2024-01-01 11:00'\", 'hour') }}")).toBe(1);
  });

  it('date_trunc, last_day and date', async () => {
    expect(await text("{{ dbt.date_trunc('month', \"date '2024-02-17'\") }}")).toBe('2024-02-01 00:00:00');
    expect(await text("{{ dbt.last_day(\"date '2024-02-17'\", 'month') }}")).toBe('2024-02-29');
    expect(await text("{{ dbt.last_day(\"date '2024-05-17'\", 'quarter') }}")).toBe('2024-06-30');
    expect(await text("{{ dbt.last_day(\"timestamp '2023-05-17 10:00'\", 'year') }}")).toBe('2023-12-31');
    expect(await text('{{ dbt.date(2024, 2, 29) }}')).toBe('2024-02-29');
  });

  it('current_timestamp and its backcompat forms', async () => {
    const rows = await conn.rows<{ a: string; b: string; c: string }>(
      `select typeof(${sqlOf('{{ dbt.current_timestamp() }}')}) as a, typeof(${sqlOf('{{ dbt.current_timestamp_backcompat() }}')}) as b, typeof(${sqlOf('{{ dbt.current_timestamp_in_utc_backcompat() }}')}) as c`,
    );
    expect(rows[0]).toEqual({ a: 'TIMESTAMP WITH TIME ZONE', b: 'TIMESTAMP', c: 'TIMESTAMP' });
  });
});

describe('strings, casts and aggregates', () => {
  it('split_part counts parts from 1, negative ones from the end', async () => {
    expect(await value("{{ dbt.split_part(\"'a,b,c'\", \"','\", 2) }}")).toBe('b');
    expect(await value("{{ dbt.split_part(\"'a,b,c'\", \"','\", -1) }}")).toBe('c');
  });

  it('listagg orders and limits', async () => {
    await conn.run("create or replace table letters as select * from (values ('b', 2), ('a', 1), ('c', 3)) t(x, n)");
    const agg = (t: string) => conn.rows<{ v: string }>(`select ${sqlOf(t)} as v from letters`).then((r) => r[0]!.v);
    expect(await agg("{{ dbt.listagg('x', \"', '\", 'order by n') }}")).toBe('a, b, c');
    expect(await agg("{{ dbt.listagg('x', \"'|'\", 'order by n desc', 2) }}")).toBe('c|b');
    expect(sqlOf("{{ dbt.listagg('x') }}")).toBe("string_agg(x, ',')");
  });

  it('concat, hash, length, position, replace, right, literals', async () => {
    expect(await value("{{ dbt.concat([\"'a'\", \"'b'\", \"'c'\"]) }}")).toBe('abc');
    expect(await value("{{ dbt.hash(\"'1'\") }}")).toBe('c4ca4238a0b923820dcc509a6f75849b');
    expect(await value("{{ dbt.length(\"'abcd'\") }}")).toBe(4);
    expect(await value("{{ dbt.position(\"'c'\", \"'abcd'\") }}")).toBe(3);
    expect(await value("{{ dbt.replace(\"'abcabc'\", \"'b'\", \"'x'\") }}")).toBe('axcaxc');
    expect(await value("{{ dbt.right(\"'abcd'\", 2) }}")).toBe('cd');
    expect(sqlOf('{{ dbt.string_literal("it\'s") }}')).toBe("'it''s'");
    expect(await value('{{ dbt.string_literal("it\'s") }}')).toBe("it's");
    expect(sqlOf('{{ dbt.escape_single_quotes("it\'s") }}')).toBe("it''s");
  });

  it('cast, safe_cast and cast_bool_to_text', async () => {
    expect(await value("{{ dbt.cast(\"'12'\", dbt.type_int()) }}")).toBe(12);
    expect(await value("{{ dbt.safe_cast(\"'x'\", dbt.type_int()) }}")).toBeNull();
    expect(await value("{{ dbt.cast_bool_to_text('true') }}")).toBe('true');
  });

  it('any_value, bool_or, except, intersect', async () => {
    const rows = await conn.rows<{ a: string; b: boolean }>(`select ${sqlOf("{{ dbt.any_value('x') }}")} as a, ${sqlOf("{{ dbt.bool_or('n > 2') }}")} as b from letters where x = 'a' or n = 3`);
    expect(['a', 'c']).toContain(rows[0]!.a);
    expect(rows[0]!.b).toBe(true);
    expect((await conn.rows(`select x from letters ${sqlOf('{{ dbt.except() }}')} select 'a' order by 1`)).map((r) => r['x'])).toEqual(['b', 'c']);
    expect((await conn.rows(`select x from letters ${sqlOf('{{ dbt.intersect() }}')} select 'a'`)).map((r) => r['x'])).toEqual(['a']);
  });

  it('arrays', async () => {
    expect(await value('{{ dbt.array_construct([1, 2]) }}')).toEqual([1, 2]);
    expect(sqlOf('{{ dbt.array_construct([]) }}')).toBe('cast([] as integer[])');
    expect(await value('{{ dbt.array_append(dbt.array_construct([1]), 2) }}')).toEqual([1, 2]);
    expect(await value('{{ dbt.array_concat(dbt.array_construct([1]), dbt.array_construct([2, 3])) }}')).toEqual([1, 2, 3]);
  });
});

describe('series', () => {
  it('generate_series numbers 1..n', async () => {
    const rows = await conn.rows(`${sqlOf('{{ dbt.generate_series(4) }}')}`);
    expect(rows.map((r) => Number(r['generated_number']))).toEqual([1, 2, 3, 4]);
  });

  it('date_spine: the start, every part after it, never the end', async () => {
    const spine = async (t: string) => (await conn.rows(`select cast(d as varchar) as d from (${sqlOf(t)}) s(d) order by 1`)).map((r) => String(r['d']));
    expect(await spine("{{ dbt.date_spine('day', \"cast('2024-02-27' as date)\", \"cast('2024-03-01' as date)\") }}")).toEqual(['2024-02-27 00:00:00', '2024-02-28 00:00:00', '2024-02-29 00:00:00']);
    expect(await spine("{{ dbt.date_spine('month', \"cast('2024-01-31' as date)\", \"cast('2024-04-01' as date)\") }}")).toEqual(['2024-01-31 00:00:00', '2024-02-29 00:00:00', '2024-03-31 00:00:00']);
    // Monday to Saturday crosses no week boundary: nothing, as dbt's datediff says
    expect(await spine("{{ dbt.date_spine('week', \"cast('2024-01-08' as date)\", \"cast('2024-01-13' as date)\") }}")).toEqual([]);
  });

  it('get_intervals_between answers 1 while parsing, and get_powers_of_two the exponent', () => {
    expect(sqlOf("{{ dbt.get_intervals_between(\"'2024-01-01'\", \"'2024-03-01'\", 'month') }}")).toBe('1');
    expect(sqlOf('{{ dbt.get_powers_of_two(5) }}')).toBe('3');
  });
});

describe('helpers and overrides', () => {
  it('generate_schema_name and generate_alias_name as dbt defines them', () => {
    expect(sqlOf("{{ generate_schema_name(none, {}) }}|{{ generate_schema_name(' raw ', {}) }}|{{ generate_alias_name(none, {'name': 'm'}) }}|{{ generate_alias_name('a', {'name': 'm'}) }}")).toBe('main|main_raw|m|a');
  });

  it('get_where_subquery, should_full_refresh, make_temp_relation, DDL', () => {
    const e = engine();
    const rel = new TemplateRelation('memory', 'main', 'orders');
    const render = (t: string, config: Record<string, unknown> = {}) => e.render({ file: 'm.sql', source: t }, { ...globals(e, config), rel }).trim();
    expect(render('{{ get_where_subquery(rel) }}')).toBe('"main"."orders"');
    expect(render('{{ get_where_subquery(rel) }}', { where: 'x > 1' })).toBe('(select * from "main"."orders" where x > 1) dbt_subquery');
    expect(render('{{ should_full_refresh() }}|{{ should_store_failures() }}', { full_refresh: true })).toBe('True|False'); // printed as Jinja2 prints Python's booleans
    expect(render('{{ make_temp_relation(rel) }}')).toBe('"main"."orders__dbt_tmp"');
    expect(render("{{ get_create_table_as_sql(false, rel, 'select 1') }}")).toBe('create or replace table "main"."orders" as (\nselect 1\n)');
    expect(render("{{ get_create_view_as_sql(rel, 'select 1') }}")).toBe('create or replace view "main"."orders" as (\nselect 1\n)');
  });

  it('a project overrides a global macro, or its default__ implementation', () => {
    expect(sqlOf("{{ dbt.type_string() }}|{{ type_string() }}", engine('{% macro default__type_string() %}text{% endmacro %}'))).toBe('text|text');
    expect(sqlOf("{{ dbt.dateadd('day', 1, 'd') }}", engine("{% macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) %}{{ from_date_or_timestamp }} + {{ interval }}{% endmacro %}"))).toBe('d + 1');
    // a root macro of the same name replaces it where called without namespace; dbt.x keeps dbt's
    const e = engine('{% macro current_timestamp() %}my_now(){% endmacro %}');
    expect(sqlOf('{{ current_timestamp() }}|{{ dbt.current_timestamp() }}', e)).toBe('my_now()|now()');
  });

  it("dbt's generic tests as macros give bmp's built-in SQL", () => {
    const e = engine();
    const render = (t: string) => e.render({ file: 'm.sql', source: t }, { ...globals(e), rel: new TemplateRelation('memory', 'main', 'orders') }).trim();
    expect(render("{{ dbt.test_not_null(model=rel, column_name='id') }}")).toBe('select id\nfrom "main"."orders"\nwhere id is null');
    expect(render("{{ dbt.test_accepted_values(model=rel, column_name='s', values=['a', \"o'k\"]) }}")).toContain("where value_field not in ('a', 'o''k')");
  });
});
