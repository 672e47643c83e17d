/**
 * The template context, member by member and kind by kind, rendered through the real engine
 * against a real (in-memory) DuckDB. Outputs are chosen to read the same whether values render
 * the JavaScript way or Python's (strings and integers, `{% if %}` for booleans).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, Database, DuckDbTemplateDatabase, type Connection } from '../../src/adapters/duckdb/index.js';
import { loadConfig, type LoadedConfig } from '../../src/config/index.js';
import { BmpError } from '../../src/errors.js';
import { TemplateEngine, TemplateRelation, jinjaYamlSyntax } from '../../src/jinja/index.js';
import type { Manifest } from '../../src/manifest/types.js';
import { parseProject } from '../../src/parse/index.js';
import { BufferedOutput, CallReplay, contextFor, InvocationContext, makeInvocation, type ContextEnv, type ContextKind, type NodeScope, type StoredResult } from '../../src/compile/context/index.js';

let dir: string;
let cfg: LoadedConfig;
let manifest: Manifest;
let engine: TemplateEngine;
let db: Database;
let conn: Connection;
let env: ContextEnv;

const FILES: Record<string, string> = {
  'project.yml': 'name: p\nprofile: p\nvars:\n  greeting: hello\n  start: 2024-01-31\n  at: 2024-01-31 10:00:00\n  days: [2024-01-01, 2024-12-31]\n  quoted: "2024-01-31"\n  p:\n    scoped: inner\n',
  'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: p.duckdb\n      threads: 2\n',
  'models/a.sql': "select 1 as id, 'x' as name",
  'models/b.sql': "select * from {{ ref('a') }}",
  'models/props.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null]\n',
  'macros/chain.sql': "{% macro outer_macro() %}\n{{ inner_macro() }}\n{% endmacro %}\n\n{% macro inner_macro() %}\nline one\n{{ exceptions.raise_compiler_error('boom from inner') }}\n{% endmacro %}\n",
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bmp-context-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir, vars: '{cli_var: 7, cli_day: 2024-02-29}' });
  ({ manifest, engine } = await parseProject(cfg));
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
  await conn.run("create table main.t (id integer, name varchar, amount decimal(10,2), born date); insert into main.t values (1, 'ada', 1.50, date '1815-12-10'), (2, 'grace', 2.25, date '1906-12-09')");
  await conn.run('create table main.u (id integer)');
  await conn.run('create view main.v as select id from main.t');
  const catalog = await Catalog.read(conn);
  const shared = new InvocationContext(cfg, engine, makeInvocation('build', { select: ['a'], fullRefresh: true }, 'inv-1', new Date('2024-03-05T06:07:08.123Z')), manifest, ['model.p.a']);
  env = { shared, database: new DuckDbTemplateDatabase(async () => conn, catalog) };
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Renders `source` as `kind` through the engine, in passes as compile does. */
async function render(kind: ContextKind, source: string, scope: Partial<NodeScope> = {}, e: ContextEnv = env): Promise<{ out: string; output: BufferedOutput; stored: Map<string, StoredResult> }> {
  const replay = new CallReplay();
  const stored = new Map<string, StoredResult>();
  const output = new BufferedOutput();
  const out = await replay.run(
    () => e.shared.engine.render({ file: 'models/m.sql', source, nodeId: 'model.p.m' }, contextFor(kind, e, { replay, stored, output, ...scope }), { parsing: kind === 'parse' }),
    () => {
      stored.clear();
      output.clear();
    },
  );
  return { out: out.trim(), output, stored };
}

const yes = (cond: string) => `{% if ${cond} %}yes{% else %}no{% endif %}`;

describe('execute and the database, per kind (dbt: execute, statement blocks, run_query)', () => {
  it('parse: execute is false; statements do not run; run_query and load_result give none; code past them does not fail', async () => {
    const src = `${yes('execute')} {% call statement('s', fetch_result=True) %}insert into main.u values (99){% endcall %}${yes("load_result('s') is none")} ${yes("run_query('select 1') is none")} {% set r = run_query('select 1') %}[{{ r.columns[0].values() }}]`;
    expect((await render('parse', src)).out).toBe('no yes yes []');
    expect(await conn.rows('select * from main.u')).toEqual([]);
  });

  it('compile, test, unit_test, hook, operation: execute is true; docs: false', async () => {
    for (const kind of ['compile', 'test', 'unit_test', 'hook', 'operation'] as const) expect((await render(kind, yes('execute'))).out).toBe('yes');
    expect((await render('docs', yes('execute'))).out).toBe('no');
  });

  it('run_query returns an agate-like table: columns, column_names, rows, values(), iteration, length', async () => {
    const src = `{% set t = run_query('select id, name from main.t order by id') %}{{ t.column_names | join(',') }}|{{ t.columns[1].values() | join(',') }}|{{ t.columns['id'].values() | sum }}|{{ t.rows[1]['name'] }}|{{ t.rows[0][1] }}|{{ t | length }}|{% for row in t %}{{ row.name }};{% endfor %}`;
    expect((await render('compile', src)).out).toBe('id,name|ada,grace|3|grace|ada|2|ada;grace;');
  });

  it('run_query of a statement that returns no rows gives none; print_table prints', async () => {
    const { out, output } = await render('compile', `${yes("run_query('create table main.made as select 1 as x') is none")}{{ run_query('select 1 as one').print_table() }}`);
    expect(out.startsWith('yes')).toBe(true);
    expect(output.lines.map((l) => l.text).join('\n')).toContain('| one |');
    expect(await conn.rows('select x from main.made')).toEqual([{ x: 1 }]);
  });

  it('statement + load_result: .data, .table, .response; fetch_result=False stores an empty table', async () => {
    const src = `{% call statement('q', fetch_result=True) %}select count(*) as n from main.t{% endcall %}{% call statement('d') %}select 1{% endcall %}{% set r = load_result('q') %}{{ r['data'][0][0] }}|{{ r.table.columns[0].values()[0] }}|{{ r.response.code }}|{{ r.response.rows_affected }}|{{ load_result('d').table | length }}|{{ load_result('d')['data'] | length }}`;
    expect((await render('compile', src)).out).toBe('2|2|SELECT|1|0|0');
  });

  it('a statement runs once however many passes the render takes', async () => {
    await render('compile', "{% do run_query('insert into main.u values (1)') %}{% do run_query('select 1') %}{% do run_query('insert into main.u values (2)') %}{% do run_query('select 2') %}");
    expect(await conn.rows('select id from main.u order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    await conn.run('delete from main.u');
  });

  it('dates from the database are datetime objects', async () => {
    expect((await render('compile', "{% set t = run_query('select born, born::timestamp as ts from main.t order by id') %}{{ t.rows[0][0].strftime('%d %B %Y') }}|{{ t.rows[0][0].year }}|{{ t.rows[1][1].isoformat() }}")).out).toBe('10 December 1815|1815|1906-12-09T00:00:00');
  });

  it('DECIMAL values are Decimals with their scale (agate: Python Decimal), from run_query, load_result and statement', async () => {
    const q = "select amount, amount::decimal(18,3) as wide, 12345678901234567890.123456789::decimal(38,9) as big, null::decimal(5,1) as missing from main.t order by id";
    const src = `{% set t = run_query("${q}") %}{{ t.columns[0].values() }}|{{ t.rows[0][0] }}|{{ t.rows[1]['wide'] }}|{{ t.rows[0]['big'] }}|{{ t.rows[0]['missing'] }}|{{ t.columns[0].values() | sum }}|{{ t.rows[0][0] + 1 }}|{{ t.rows[0][0] * t.rows[1][1] }}|{{ t.rows[0][0] == 1.5 }}|{{ 1.5 in t.columns[0].values() }}|{{ t.rows[1][0] | round(1) }}|{{ t.rows[1][0] | int }}|{{ t.rows[1][0] | float }}`;
    expect((await render('compile', src)).out).toBe("(Decimal('1.50'), Decimal('2.25'))|1.50|2.250|12345678901234567890.123456789|None|3.75|2.50|3.37500|True|True|2.2|2|2.25");
    const viaStatement = `{% call statement('dec', fetch_result=True) %}select amount from main.t order by id{% endcall %}{{ load_result('dec').table.columns[0].values()[1] }}|{{ load_result('dec')['data'][0][0] }}`;
    expect((await render('compile', viaStatement)).out).toBe('2.25|1.50');
  });

  it('DECIMALs inside a LIST, STRUCT or MAP are Decimals too (Python: lists and dicts of Decimal); DOUBLEs stay floats', async () => {
    const q = "select [amount, amount * 2] as l, {'a': amount, 'n': name} as s, [{'x': amount}] as ls, map([name], [amount]) as mp, [amount::double] as dl, amount as top from main.t order by id";
    const src = `{% set t = run_query("${q}") %}{{ t.rows[0]['l'] }}|{{ t.rows[0]['s'] }}|{{ t.rows[1]['ls'][0]['x'] }}|{{ t.rows[0]['mp'][0]['value'] }}|{{ t.rows[0]['dl'] }}|{{ t.rows[0]['l'][1] + t.rows[1]['s']['a'] }}|{{ '{:.3f}'.format(t.rows[0]['l'][0]) }}|{{ t.rows[1]['top'] }}`;
    expect((await render('compile', src)).out).toBe("[Decimal('1.50'), Decimal('3.00')]|{'a': Decimal('1.50'), 'n': 'ada'}|2.25|1.50|[1.5]|5.25|1.500|2.25");
    // a lone list column (its type `DECIMAL(10,2)[]` starts as a DECIMAL column's does)
    expect((await render('compile', "{{ run_query('select [amount] as l from main.t order by id').columns[0].values() }}")).out).toBe("([Decimal('1.50')], [Decimal('2.25')])");
  });

  it('a failing statement is a located compile error', async () => {
    await expect(render('compile', "select 1\n{% do run_query('select * from no_such_table') %}")).rejects.toMatchObject({ code: 'BMP_RUN_QUERY', where: { file: 'models/m.sql', line: 2 } });
  });
});

describe('adapter (dbt: adapter object)', () => {
  it('get_relation / load_relation: a Relation with its type, or none', async () => {
    const src = `{% set r = adapter.get_relation(database=target.database, schema='main', identifier='t') %}{{ r }}|{{ r.type }}|${yes("adapter.get_relation('memory', 'main', 'nope') is none")}|{{ adapter.get_relation(none, 'main', 'v').type }}|{{ load_relation(api.Relation.create(schema='main', identifier='t')).identifier }}`;
    expect((await render('compile', src)).out).toBe('"main"."t"|table|yes|view|t');
  });

  it('get_columns_in_relation returns Column objects (name, dtype, data_type, quoted, is_*)', async () => {
    const src = "{% for c in adapter.get_columns_in_relation(api.Relation.create(schema='main', identifier='t')) %}{{ c.name }}:{{ c.dtype }}:{{ c.data_type }}:{{ c.quoted }}:{{ 'S' if c.is_string() else '' }}{{ 'N' if c.is_number() else '' }}{{ 'I' if c.is_integer() else '' }}{{ 'D' if c.is_numeric() else '' }};{% endfor %}";
    expect((await render('compile', src)).out).toBe('id:INTEGER:INTEGER:"id":NI;name:VARCHAR:character varying(256):"name":S;amount:DECIMAL:DECIMAL(10,2):"amount":ND;born:DATE:DATE:"born":;');
  });

  it('get_missing_columns, already_exists, check_schema_exists, list_relations_without_caching, list_schemas, type, quote', async () => {
    const t = "api.Relation.create(schema='main', identifier='t')";
    const u = "api.Relation.create(schema='main', identifier='u')";
    const src = `{% for c in adapter.get_missing_columns(${t}, ${u}) %}{{ c.name }},{% endfor %}|${yes("adapter.already_exists('main', 't')")}|${yes("adapter.check_schema_exists(target.database, 'main')")}|{% for r in adapter.list_relations_without_caching(${t}.without_identifier()) %}{{ r.identifier }},{% endfor %}|${yes("'main' in adapter.list_schemas(target.database)")}|{{ adapter.type() }}|{{ adapter.quote('a"b') }}|{{ adapter.quote_as_configured('x', 'identifier') }}`;
    expect((await render('compile', src)).out).toBe('name,amount,born,|yes|yes|made,t,u,v,|yes|duckdb|"a""b"|"x"');
  });

  it('create_schema, rename_relation, truncate_relation, drop_relation, drop_schema change the database', async () => {
    const src = [
      "{% do adapter.create_schema(api.Relation.create(schema='scratch')) %}",
      "{% do run_query('create table scratch.one as select 1 as x') %}",
      "{% do adapter.rename_relation(api.Relation.create(schema='scratch', identifier='one'), api.Relation.create(schema='scratch', identifier='two')) %}",
      "{% do adapter.truncate_relation(api.Relation.create(schema='scratch', identifier='two')) %}",
      "{{ run_query('select count(*) from scratch.two').rows[0][0] }}|",
      "{% do adapter.drop_relation(adapter.get_relation(none, 'scratch', 'two')) %}",
      "{{ 'gone' if adapter.get_relation(none, 'scratch', 'two') is none else 'there' }}|",
      "{% do adapter.drop_schema(api.Relation.create(schema='scratch')) %}",
      "{{ 'gone' if not adapter.check_schema_exists(none, 'scratch') else 'there' }}",
    ].join('');
    expect((await render('compile', src)).out).toBe('0|gone|gone');
  });

  it('execute returns (response, table); get_column_schema_from_query describes a query', async () => {
    const src = "{% set res = adapter.execute('select 41 + 1 as answer', fetch=True) %}{{ res[0].code }}|{{ res[1].rows[0][0] }}|{% for c in adapter.get_column_schema_from_query('select 1::bigint as a, 2.5::double as b') %}{{ c.name }}={{ c.dtype }};{% endfor %}";
    expect((await render('compile', src)).out).toBe('SELECT|42|a=BIGINT;b=DOUBLE;');
  });

  it('while parsing, adapter reads give none/[] and changes do nothing', async () => {
    const src = `${yes("adapter.get_relation(none, 'main', 't') is none")}|{{ adapter.get_columns_in_relation(api.Relation.create(schema='main', identifier='t')) | length }}|{{ adapter.drop_relation(api.Relation.create(schema='main', identifier='t')) }}`;
    expect((await render('parse', src)).out).toBe('yes|0|');
    expect(await conn.rows("select count(*)::int as n from duckdb_tables() where table_name = 't'")).toEqual([{ n: 1 }]);
  });
});

describe('api.Relation and api.Column (dbt: dbt classes)', () => {
  it('Relation.create, include, quote, render, incorporate, path, is_*', async () => {
    const r = "api.Relation.create(database='db', schema='s', identifier='i', type='view')";
    const src = `{{ ${r} }}|{{ ${r}.include(database=True) }}|{{ ${r}.quote(identifier=False) }}|{{ ${r}.include(schema=False).render() }}|{{ ${r}.incorporate(path={'identifier': 'j'}, type='table') }}|{{ ${r}.path.schema }}|${yes(`${r}.is_view and not ${r}.is_table`)}|{{ ${r}.name }}`;
    // 'db' is not the target's database (an attached one): it renders, as dbt-duckdb's three-part names
    expect((await render('compile', src)).out).toBe('"db"."s"."i"|"db"."s"."i"|"db"."s".i|"db"."i"|"db"."s"."j"|s|yes|i');
    // the target's database (the default) stays implicit
    const own = "api.Relation.create(schema='s', identifier='i', type='view')";
    expect((await render('compile', `{{ ${own} }}|{{ ${own}.include(database=True) }}|{{ ${own}.include(schema=False) }}`)).out).toMatch(/^"s"\."i"\|"[^"]+"\."s"\."i"\|"i"$/);
  });

  it('Column: create, translate_type, string_type, numeric_type, from_description, data_type, literal', async () => {
    const src = "{% set c = api.Column.create('price', 'decimal') %}{{ c.name }}:{{ c.dtype }}|{{ api.Column.translate_type('string') }}|{{ api.Column.string_type(10) }}|{{ api.Column.numeric_type('numeric', 12, 2) }}|{{ api.Column.from_description('x', 'DECIMAL(18,3)').data_type }}|{{ api.Column('v', 'varchar', 12).data_type }}|{{ api.Column.from_description('n', 'INTEGER').literal(5) }}";
    expect((await render('compile', src)).out).toBe('price:decimal|TEXT|character varying(10)|numeric(12,2)|DECIMAL(18,3)|character varying(12)|5::INTEGER');
  });
});

describe('invocation members (dbt: flags, invocation_args_dict, run_started_at, graph, selected_resources)', () => {
  it('flags.WHICH is the command; FULL_REFRESH and friends follow the options', async () => {
    expect((await render('compile', `{{ flags.WHICH }}|${yes('flags.FULL_REFRESH')}|${yes('should_full_refresh()')}|{{ invocation_args_dict.which }}|{{ invocation_args_dict.select | join(',') }}|{{ invocation_id }}`)).out).toBe('build|yes|yes|build|a|inv-1');
    const other = { ...env, shared: new InvocationContext(cfg, engine, makeInvocation('compile'), manifest) };
    expect((await render('compile', `{{ flags.WHICH }}|${yes('flags.FULL_REFRESH')}`, {}, other)).out).toBe('compile|no');
  });

  it('run_started_at is a UTC datetime: strftime, isoformat, astimezone, timestamp, arithmetic and comparison with timedelta', async () => {
    const src = "{{ run_started_at.strftime('%Y-%m-%d %H:%M:%S') }}|{{ run_started_at.isoformat() }}|{{ run_started_at.astimezone(modules.pytz.timezone('America/New_York')).strftime('%H:%M %Z') }}|{{ run_started_at.tzinfo }}|{{ (run_started_at + modules.datetime.timedelta(days=1)).strftime('%d') }}|{{ (run_started_at - modules.datetime.timedelta(hours=7)).strftime('%d %H') }}|{{ 'later' if run_started_at < run_started_at + modules.datetime.timedelta(seconds=1) else 'not' }}|{{ run_started_at.timestamp() | int }}";
    expect((await render('compile', src)).out).toBe(`2024-03-05 06:07:08|2024-03-05T06:07:08.123000+00:00|01:07 EST|UTC|06|04 23|later|${Date.UTC(2024, 2, 5, 6, 7, 8) / 1000}`);
  });

  it('graph holds the project as dbt node dicts (empty while parsing); selected_resources the selection', async () => {
    const src = "{{ graph.nodes['model.p.b'].depends_on.nodes | join(',') }}|{% for n in graph.nodes.values() %}{% if n.resource_type == 'test' %}T{% endif %}{% endfor %}|{{ graph.macros['macro.p.inner_macro'].name }}|{{ selected_resources | join(',') }}";
    expect((await render('compile', src)).out).toBe('model.p.a|T|inner_macro|model.p.a');
    expect((await render('parse', '{{ graph.nodes | length }}|{{ selected_resources | length }}')).out).toBe('0|0');
  });

  it('target, project_name, dbt_version, database, schema', async () => {
    expect((await render('compile', '{{ target.name }}|{{ target.type }}|{{ target.schema }}|{{ target.database }}|{{ target.threads }}|{{ target.profile_name }}|{{ project_name }}|{{ dbt_version }}|{{ schema }}')).out).toBe('dev|duckdb|main|p|2|p|p|1.10.0|main');
  });
});

describe('node members (dbt: ref, source, config, this, model, var, builtins)', () => {
  it('var: --vars, scoped project vars, global project vars, defaults; a missing var is an error; has_var', async () => {
    expect((await render('compile', "{{ var('cli_var') }}|{{ var('scoped') }}|{{ var('greeting') }}|{{ var('nope', 'dflt') }}|" + yes("var.has_var('greeting') and not var.has_var('nope')"))).out).toBe('7|inner|hello|dflt|yes');
  });

  it('unquoted dates in vars are datetime.date / datetime.datetime values, as PyYAML reads them for dbt', async () => {
    const d = 'modules.datetime';
    const src = [
      "{{ var('start') }}|{{ var('at') }}|{{ var('start') ~ '' }}|{{ var('start').year }}-{{ var('start').month }}-{{ var('start').day }}|{{ var('at').hour }}",
      `{{ var('start') < ${d}.date(2024, 2, 1) }}|{{ var('start') == ${d}.date(2024, 1, 31) }}|{{ var('start') + ${d}.timedelta(days=1) }}|{{ var('at') - ${d}.timedelta(hours=11) }}`,
      "{{ var('start').strftime('%d/%m/%Y') }}|{{ var('at').isoformat() }}|{{ var('days')[1] - var('days')[0] }}|{{ var('days') }}|{{ var('cli_day').strftime('%A') }}|{{ var('quoted').year }}|{{ var('quoted') }}",
    ].join('|');
    expect((await render('compile', src)).out).toBe(
      '2024-01-31|2024-01-31 10:00:00|2024-01-31|2024-1-31|10|True|True|2024-02-01|2024-01-30 23:00:00|31/01/2024|2024-01-31T10:00:00|365 days, 0:00:00|[datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)]|Thursday||2024-01-31',
    );
    await expect(render('compile', "{{ var('missing_one') }}")).rejects.toMatchObject({ code: 'BMP_VAR_UNDEFINED' });
  });

  it('ref/source/this/model come from the scope; hooks and operations resolve refs by name', async () => {
    const scope: Partial<NodeScope> = { this: new TemplateRelation('p', 'main', 'm'), model: { unique_id: 'model.p.m', name: 'm' }, ref: (n) => new TemplateRelation('p', 'main', `resolved_${n}`) };
    expect((await render('compile', "{{ ref('a') }}|{{ this }}|{{ model.unique_id }}|{{ builtins.ref('a') }}", scope)).out).toBe('"main"."resolved_a"|"main"."m"|model.p.m|"main"."resolved_a"');
    expect((await render('hook', "{{ ref('a') }}|{{ ref('p', 'b').identifier }}")).out).toBe('"main"."a"|b');
  });

  it('config: config(), config.get with default, config.require, meta_get', async () => {
    const set: Record<string, unknown> = {};
    const scope: Partial<NodeScope> = { setConfig: (c) => Object.assign(set, c), configValue: (k) => ({ materialized: 'table', meta: { owner: 'me' } } as Record<string, unknown>)[k] };
    expect((await render('compile', "{{ config(materialized='view', tags=['x']) }}{{ config.get('materialized') }}|{{ config.get('nope', 'dflt') }}|{{ config.require('materialized') }}|{{ config.meta_get('owner') }}", scope)).out).toBe('table|dflt|table|me');
    expect(set).toEqual({ materialized: 'view', tags: ['x'] });
    await expect(render('compile', "{{ config.require('nope') }}", scope)).rejects.toMatchObject({ code: 'BMP_CONFIG_REQUIRED' });
  });

  it('a project macro named ref replaces the builtin; builtins.ref stays reachable', async () => {
    const e = new TemplateEngine();
    e.addMacroFile({ file: 'macros/ref.sql', text: "{% macro ref(name) %}{{ return(builtins.ref(name).include(database=True)) }}{% endmacro %}" });
    const shared = new InvocationContext(cfg, e, makeInvocation('run'), manifest);
    expect(shared.staticPathAllowed).toBe(false);
    expect((await render('compile', "{{ ref('a') }}", { ref: (n) => new TemplateRelation('p', 'main', n) }, { shared })).out).toBe('"p"."main"."a"');
  });
});

describe('base members (dbt: base context)', () => {
  it('tojson/fromjson/toyaml/fromyaml with dbt arguments', async () => {
    const src = "{{ tojson({'b': 1, 'a': [1, 2]}) }}|{{ tojson({'b': 1, 'a': 2}, sort_keys=True) }}|{{ fromjson('{\"k\": [1, 2]}').k[1] }}|{{ fromjson('not json', 'dflt') }}|{{ toyaml({'a': 1}) | trim }}|{{ fromyaml('a: [x, y]').a[1] }}|{{ fromyaml('{bad', 'dflt') }}";
    expect((await render('compile', src)).out).toBe('{"b": 1, "a": [1, 2]}|{"a": 2, "b": 1}|2|dflt|a: 1|y|dflt');
  });

  it('zip, zip_strict, set, set_strict, local_md5, diff_of_two_dicts', async () => {
    const src = "{% for a, b in zip([1, 2, 3], ['x', 'y']) %}{{ a }}{{ b }};{% endfor %}|{{ zip(12, [1], default='d') }}|{{ set([1, 2, 2, 3]) | length }}|{{ set(5, default='d') }}|{{ local_md5('hello') }}|{% for k, v in diff_of_two_dicts({'A': ['x'], 'b': ['y']}, {'a': ['X']}).items() %}{{ k }}={{ v }}{% endfor %}";
    expect((await render('compile', src)).out).toBe("1x;2y;|d|3|d|5d41402abc4b2a76b9719d911017c592|b=['y']");
    await expect(render('compile', '{{ set_strict(5) }}')).rejects.toMatchObject({ code: 'BMP_TEMPLATE_TYPE' });
    await expect(render('compile', '{{ zip_strict(5, [1]) }}')).rejects.toMatchObject({ code: 'BMP_TEMPLATE_TYPE' });
  });

  it('log, print and exceptions.warn go to the output of the final pass only; raise_compiler_error raises', async () => {
    const { output } = await render('compile', "{{ log('debug line') }}{{ log('info line', info=True) }}{{ print('printed') }}{{ exceptions.warn('careful') }}{% do run_query('select 1') %}");
    expect(output.lines).toEqual([
      { kind: 'log', text: 'debug line', info: false },
      { kind: 'log', text: 'info line', info: true },
      { kind: 'print', text: 'printed', info: true },
      { kind: 'warn', text: 'careful', info: true },
    ]);
    await expect(render('compile', "{{ exceptions.raise_compiler_error('nope') }}")).rejects.toMatchObject({ code: 'BMP_RAISED', message: 'nope' });
    await expect(render('compile', "{{ exceptions.raise_not_implemented('x') }}")).rejects.toMatchObject({ code: 'BMP_NOT_IMPLEMENTED' });
  });

  it('an error raised inside macros names the model line and each macro with the line of its call', async () => {
    const err = await render('compile', 'select 1\n{{ outer_macro() }}').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BmpError);
    expect((err as BmpError).where).toMatchObject({ file: 'models/m.sql', line: 2, nodeId: 'model.p.m' });
    expect((err as BmpError).message).toBe('boom from inner');
    expect((err as BmpError).details).toBe("in macro 'inner_macro' (macros/chain.sql:7)\ncalled from macro 'outer_macro' (macros/chain.sql:2)");
    expect((err as BmpError).format()).toContain('in model m (models/m.sql:2:');
  });

  it('try_or_compiler_error turns any error of the call into a compiler error with the message', async () => {
    await expect(render('compile', "{{ try_or_compiler_error('could not parse', fromjson, '{}') | length }}")).resolves.toMatchObject({ out: '0' });
    await expect(render('compile', "{{ try_or_compiler_error('bad date', modules.datetime.datetime.strptime, 'x', '%Y') }}")).rejects.toMatchObject({ code: 'BMP_RAISED', message: 'bad date' });
  });

  it('env_var: value, default, error when unset without default', async () => {
    process.env['BMP_CONTEXT_TEST_VAR'] = 'from-env';
    expect((await render('hook', "{{ env_var('BMP_CONTEXT_TEST_VAR') }}|{{ env_var('BMP_CONTEXT_TEST_UNSET', 'dflt') }}")).out).toBe('from-env|dflt');
    await expect(render('hook', "{{ env_var('BMP_CONTEXT_TEST_UNSET') }}")).rejects.toMatchObject({ code: 'BMP_ENV_VAR_MISSING' });
  });

  it('modules: datetime, re, itertools, pytz', async () => {
    const src = [
      "{{ modules.datetime.date(2024, 2, 29).strftime('%A %j') }}|",
      "{{ modules.datetime.datetime.strptime('2024-03-05 14:07', '%Y-%m-%d %H:%M').isoformat() }}|",
      "{{ modules.datetime.timedelta(days=1, hours=2, minutes=3) }}|",
      "{{ modules.re.sub('(\\\\d+)', '<\\\\1>', 'a1b22') }}|",
      "{{ modules.re.match('(?P<word>[a-z]+)', 'abc1').group('word') }}|",
      "{{ modules.re.findall('[0-9]', 'a1b2') | join(',') }}|",
      "{{ modules.itertools.combinations([1, 2, 3], 2) | length }}|",
      "{{ modules.pytz.timezone('Asia/Kolkata').localize(modules.datetime.datetime(2024, 1, 1, 12)).isoformat() }}",
    ].join('');
    expect((await render('compile', src)).out).toBe('Thursday 060|2024-03-05T14:07:00|1 day, 2:03:00|a<1>b<22>|abc|1,2|3|2024-01-01T12:00:00+05:30');
  });

  it('docs: doc() gives the block; without a resolver it is a located error', async () => {
    expect((await render('docs', "{{ doc('x') }}", { doc: (n) => `block ${n}` })).out).toBe('block x');
    await expect(render('compile', "{{ doc('x') }}")).rejects.toBeInstanceOf(BmpError);
  });

  it('hook extras (results, schemas) are members; context is the member dict itself', async () => {
    expect((await render('hook', "{{ results | length }}|{{ schemas | join(',') }}|{{ context['project_name'] }}", { extra: { results: [{ status: 'success' }], schemas: ['main'] } })).out).toBe('1|main|p');
  });
});
