/**
 * Packages in process: overriding what dbt lets a project override (tests, materializations, schema
 * names, a package's macros), var precedence, and the errors a broken package layout gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/tasks/index.js';
import { loadError, tempProject, type TempProject } from '../helpers/project.js';

const PKG = (name: string, extra = '') => `name: ${name}\nversion: 1.0.0\nconfig-version: 2\n${extra}`;

let p: TempProject | undefined;
afterEach(() => {
  p?.remove();
  p = undefined;
});


describe('vars across packages', () => {
  it('--vars, then the root scoped to the package, the root global, the package scoped, the package global', async () => {
    p = tempProject({
      'project.yml': 'name: p\nprofile: p\nvars:\n  b: root-global-b\n  c: root-global-c\n  pk:\n    a: root-scoped-a\n    b: root-scoped-b\n',
      'dbt_packages/pk/dbt_project.yml': PKG('pk', 'vars:\n  a: pkg-a\n  b: pkg-b\n  c: pkg-c\n  d: pkg-d\n  e: pkg-e\n  pk:\n    d: pkg-scoped-d\n'),
      'dbt_packages/pk/models/vars_seen.sql': "select '{{ var('a') }}' as a, '{{ var('b') }}' as b, '{{ var('c') }}' as c, '{{ var('d') }}' as d, '{{ var('e') }}' as e, '{{ var('z', 'fallback') }}' as z",
      'models/root_seen.sql': "select '{{ var('b') }}' as b, '{{ var('a', 'none') }}' as a",
    });
    const out = await p.run('run', { vars: '{e: cli-e}' });
    expect(out.exitCode).toBe(0);
    expect(await p.query('select * from main.vars_seen')).toEqual([{ a: 'root-scoped-a', b: 'root-scoped-b', c: 'root-global-c', d: 'pkg-scoped-d', e: 'cli-e', z: 'fallback' }]);
    // the root project does not see a package's vars
    expect(await p.query('select * from main.root_seen')).toEqual([{ b: 'root-global-b', a: 'none' }]);
  });
});

describe('overrides', () => {
  it("a root {% test unique %} replaces dbt's for every test; a default__ implementation does through dispatch", async () => {
    p = tempProject({
      'models/m.sql': 'select * from (values (1), (1), (2)) t(id)',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
      // unique now never fails; not_null's implementation reports every row
      'macros/tests.sql': "{% test unique(model, column_name) %}select 1 where false{% endtest %}\n{% macro default__test_not_null(model, column_name) %}select * from {{ model }}{% endmacro %}",
    });
    const out = await p.run('build');
    expect([out.byName('unique_m_id').status, out.byName('not_null_m_id').status, out.byName('not_null_m_id').failures]).toEqual(['pass', 'fail', 3]);
    expect(out.results.every((r) => !(r.adapterResponse as { batched?: boolean }).batched)).toBe(true);
  });

  it("a root generate_schema_name applies to a package's nodes; the package's own does not beat the root's", async () => {
    p = tempProject({
      'macros/schema.sql': "{% macro generate_schema_name(custom, node) %}{{ 'pkg_' ~ custom if custom else target.schema }}{% endmacro %}",
      'project.yml': 'name: p\nprofile: p\nmodels:\n  pk:\n    +schema: stuff\n',
      'dbt_packages/pk/dbt_project.yml': PKG('pk'),
      'dbt_packages/pk/macros/schema.sql': "{% macro generate_schema_name(custom, node) %}ignored{% endmacro %}",
      'dbt_packages/pk/models/pm.sql': 'select 1 as x',
    });
    const project = await loadProject({ projectDir: p.dir });
    expect(project.manifest.nodes.get('model.pk.pm')!.relation!.schema).toBe('pkg_stuff');
  });

  it('a root {% materialization %} replaces a built-in one; a package cannot', async () => {
    p = tempProject({
      'macros/view.sql': "{% materialization view, default %}{% call statement('main') %}create or replace table {{ this }} as ({{ sql }}){% endcall %}{{ return({'relations': [this.incorporate(type='table')]}) }}{% endmaterialization %}",
      'models/a.sql': "{{ config(materialized='view') }} select 1 as x",
      'dbt_packages/pk/dbt_project.yml': PKG('pk'),
      'dbt_packages/pk/macros/table.sql': "{% materialization table, default %}{{ exceptions.raise_compiler_error('never used') }}{% endmaterialization %}",
      'models/b.sql': "{{ config(materialized='table') }} select 2 as x",
    });
    expect((await p.run('run')).exitCode).toBe(0);
    expect(await p.query("select table_name, table_type from information_schema.tables where table_schema = 'main' order by 1")).toEqual([
      { table_name: 'a', table_type: 'BASE TABLE' },
      { table_name: 'b', table_type: 'BASE TABLE' },
    ]);
  });

  it("a package test's config() (fail_calc) decides its failure count", async () => {
    p = tempProject({
      'models/m.sql': 'select * from (values (1), (2)) t(id)',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    tests:\n      - pk.enough_rows: {minimum: 5}\n',
      'dbt_packages/pk/dbt_project.yml': PKG('pk'),
      'dbt_packages/pk/macros/t.sql': "{% test enough_rows(model, minimum) %}{{ return(adapter.dispatch('test_enough_rows', 'pk')(model, minimum)) }}{% endtest %}\n{% macro default__test_enough_rows(model, minimum) %}{{ config(fail_calc='max(missing)') }}select {{ minimum }} - count(*) as missing from {{ model }} having count(*) < {{ minimum }}{% endmacro %}",
    });
    const out = await p.run('build');
    expect([out.byName('pk_enough_rows_m_5').status, out.byName('pk_enough_rows_m_5').failures]).toEqual(['fail', 3]);
  });

  it("a package test on an ephemeral model gets its CTE, and reads the columns of models built in the same run", async () => {
    p = tempProject({
      'models/eph.sql': "{{ config(materialized='ephemeral') }} select 1 as id, 'a' as name",
      'models/built.sql': 'select 1 as id, 2 as extra',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: eph\n    tests:\n      - pk.same_columns: {other: ref(\'built\')}\n  - name: built\n    tests:\n      - pk.same_columns: {other: ref(\'eph\')}\n',
      'dbt_packages/pk/dbt_project.yml': PKG('pk'),
      // fails (one row) when the other relation's column count differs from built's, which it reads from the database
      'dbt_packages/pk/macros/t.sql': "{% test same_columns(model, other) %}{% set cols = adapter.get_columns_in_relation(ref('built')) %}select * from (select count(*) as n from {{ model }}) m, (select count(*) as k from {{ other }}) o where {{ cols | length }} != 2{% endtest %}",
    });
    const out = await p.run('build');
    expect([out.byName('pk_same_columns_eph_ref_built_').status, out.byName('pk_same_columns_built_ref_eph_').status]).toEqual(['pass', 'pass']);
  });

  it('a materialization the project does not define is an error before anything runs', async () => {
    p = tempProject({ 'models/a.sql': "{{ config(materialized='logged') }} select 1 as x" });
    await expect(p.run('run')).rejects.toThrow(/unknown materialization 'logged'/);
  });
});

describe('what package macros lean on (a package written here, used as dbt_utils and dbt_date use theirs)', () => {
  it('relations are Mappings, column-name sets compare by members, result columns iterate as a mapping, pytz localizes in UTC', async () => {
    p = tempProject({
      'dbt_packages/hp/dbt_project.yml': PKG('hp'),
      'dbt_packages/hp/macros/helpers.sql': [
        // refuses anything that is not a relation the way packages check for one
        "{% macro must_be_relation(obj) %}{% if not (obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) %}{{ exceptions.raise_compiler_error('not a relation: ' ~ obj) }}{% endif %}{% endmacro %}",
        // a test: one row when the two relations do not have the same column names (in any order)
        "{% test same_column_names(model, other) %}{% do hp.must_be_relation(model) %}{% set a = set(adapter.get_columns_in_relation(model) | map(attribute='quoted') | map('lower')) %}{% set b = set(adapter.get_columns_in_relation(other) | map(attribute='quoted') | map('lower')) %}select 1 as differs where {{ 'false' if a == b else 'true' }}{% endtest %}",
        // {column: values} of a query, read through table.columns.items()
        "{% macro columns_of(query) %}{% call statement('q', fetch_result=True) %}{{ query }}{% endcall %}{% set out = {} %}{% if execute %}{% for name, col in load_result('q').table.columns.items() %}{% do out.update({name: col.values() | list}) %}{% endfor %}{% endif %}{{ return(out) }}{% endmacro %}",
        "{% macro utc_midnight(day) %}{{ return(modules.pytz.timezone('UTC').localize(modules.datetime.datetime.strptime(day, '%Y-%m-%d')).isoformat()) }}{% endmacro %}",
      ].join('\n'),
      'models/wide.sql': 'select 1 as a, 2 as b',
      'models/wide_reordered.sql': 'select 2 as b, 1 as a',
      'models/narrow.sql': 'select 1 as a',
      'models/seen.sql': "{% set d = hp.columns_of('select 1 as x, 2 as y union all select 3, 4 order by 1') %}select '{{ d['x'] | join(',') }}|{{ d['y'] | join(',') }}|{{ d.keys() | list | join(',') }}' as cols, '{{ hp.utc_midnight('2026-09-01') }}' as utc",
      'models/not_a_relation.sql': "{% if execute %}{% do hp.must_be_relation('main.wide') %}{% endif %}select 1 as x",
      'models/schema.yml': "version: 2\nmodels:\n  - name: wide\n    tests:\n      - hp.same_column_names: {other: ref('wide_reordered'), name: same_reordered}\n      - hp.same_column_names: {other: ref('narrow'), name: same_narrow}\n",
    });
    const out = await p.run('build');
    expect([out.byName('same_reordered').status, out.byName('same_narrow').status, out.byName('same_narrow').failures]).toEqual(['pass', 'fail', 1]);
    expect(await p.query('select * from main.seen')).toEqual([{ cols: '1,3|2,4|x,y', utc: '2026-09-01T00:00:00+00:00' }]);
    expect(out.byName('not_a_relation').status).toBe('error');
    expect(out.byName('not_a_relation').message).toContain('not a relation: main.wide');
  });
});

describe("bmp's duckdb__ implementation of a dbt_utils macro DuckDB cannot run as written", () => {
  // A package written here under dbt_utils' name, shaped as dbt_utils shapes get_tables_by_pattern_sql:
  // a dispatching macro and a default__ reading `<database>.information_schema.tables`, which DuckDB has not.
  const FAKE_UTILS = {
    'dbt_packages/dbt_utils/dbt_project.yml': PKG('dbt_utils'),
    'dbt_packages/dbt_utils/macros/tables.sql': [
      "{% macro get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude='', database=target.database) %}",
      "{{ return(adapter.dispatch('get_tables_by_pattern_sql', 'dbt_utils')(schema_pattern, table_pattern, exclude, database)) }}",
      '{% endmacro %}',
      "{% macro default__get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude='', database=target.database) %}",
      "select table_schema, table_name, 'from-default' as table_type from {{ database }}.information_schema.tables where table_name ilike '{{ table_pattern }}'",
      '{% endmacro %}',
      '{% macro get_table_types_sql() %}{{ return(adapter.dispatch(\'get_table_types_sql\', \'dbt_utils\')()) }}{% endmacro %}',
      "{% macro default__get_table_types_sql() %}case table_type when 'BASE TABLE' then 'table' else lower(table_type) end as table_type{% endmacro %}",
      // what get_relations_by_pattern does with the rows: relations of the type each row gives
      "{% macro relations_like(schema_pattern, table_pattern, exclude='') %}",
      "{% call statement('tables', fetch_result=True) %}{{ dbt_utils.get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude) }}{% endcall %}",
      "{% set found = load_result('tables') %}{% set out = [] %}",
      '{% if found %}{% for row in found.table %}{% do out.append(api.Relation.create(database=target.database, schema=row.table_schema, identifier=row.table_name, type=row.table_type)) %}{% endfor %}{% endif %}',
      '{{ return(out) }}',
      '{% endmacro %}',
    ].join('\n'),
  };
  const MODELS = {
    'project.yml': "name: p\nprofile: p\nmodels:\n  p:\n    +materialized: table\n    extra:\n      +schema: extra\n# another attached database holding a table of the same schema and a matching name\non-run-start:\n  - \"attach if not exists ':memory:' as other\"\n  - 'create schema if not exists other.main'\n  - 'create or replace table other.main.events_elsewhere as select 9 as user_id'\n",
    'models/events_a.sql': "select 1 as user_id, 'a' as event",
    'models/events_b.sql': "{{ config(materialized='view') }} select 2 as user_id, 'b' as event",
    'models/extra/events_c.sql': "select 3 as user_id, 'c' as event",
    'models/events_skipped.sql': "select 4 as user_id, 'skip' as event",
    'models/unrelated.sql': 'select 5 as user_id',
    'models/found.sql': [
      '-- depends_on: {{ ref(\'events_a\') }} {{ ref(\'events_b\') }} {{ ref(\'events_c\') }} {{ ref(\'events_skipped\') }} {{ ref(\'unrelated\') }}',
      "{% set rels = dbt_utils.relations_like(target.schema ~ '%', 'EVENTS%', 'events_skip%') %}",
      "{% for r in rels %}select '{{ r.schema }}' as s, '{{ r.identifier }}' as n, '{{ r.type }}' as t, user_id from {{ r }}{% if not loop.last %} union all {% endif %}{% endfor %}",
    ].join('\n'),
  };

  it('lists the tables and views of the target database by schema and name patterns, with their types', async () => {
    p = tempProject({ ...FAKE_UTILS, ...MODELS });
    const out = await p.run('run');
    expect(out.results.map((r) => `${r.uniqueId}:${r.status}`).filter((s) => !s.endsWith(':success'))).toEqual([]);
    expect(out.exitCode).toBe(0);
    expect(await p.query('select s, n, t, user_id from main.found order by n')).toEqual([
      { s: 'main', n: 'events_a', t: 'table', user_id: 1 },
      { s: 'main', n: 'events_b', t: 'view', user_id: 2 },
      { s: 'main_extra', n: 'events_c', t: 'table', user_id: 3 },
    ]);
  });

  it("quotes the patterns it is given", async () => {
    p = tempProject({ ...FAKE_UTILS, ...MODELS, 'models/found.sql': MODELS['models/found.sql'].replace("'events_skip%'", '"it\'s%"') });
    expect((await p.run('run')).exitCode).toBe(0);
    expect(await p.query('select n from main.found order by n')).toEqual([{ n: 'events_a' }, { n: 'events_b' }, { n: 'events_c' }, { n: 'events_skipped' }]);
  });

  it("yields to the root project's implementation and to the package's own duckdb__", async () => {
    const root = "{% macro default__get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude, database) %}select 'main' as table_schema, 'unrelated' as table_name, 'table' as table_type{% endmacro %}";
    p = tempProject({ ...FAKE_UTILS, ...MODELS, 'macros/mine.sql': root });
    expect((await p.run('run')).exitCode).toBe(0);
    expect(await p.query('select n from main.found')).toEqual([{ n: 'unrelated' }]);
    p.remove();
    const own = "{% macro duckdb__get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude, database) %}select 'main' as table_schema, 'events_skipped' as table_name, 'table' as table_type{% endmacro %}";
    p = tempProject({ ...FAKE_UTILS, ...MODELS, 'dbt_packages/dbt_utils/macros/own.sql': own });
    expect((await p.run('run')).exitCode).toBe(0);
    expect(await p.query('select n from main.found')).toEqual([{ n: 'events_skipped' }]);
  });

  it("is offered to no other namespace: a package of another name gets its own default__", async () => {
    const other = Object.fromEntries(Object.entries(FAKE_UTILS).map(([k, v]) => [k.replace('/dbt_utils/', '/my_utils/'), v.replaceAll('dbt_utils', 'my_utils')]));
    p = tempProject({ ...other, ...MODELS, 'models/found.sql': MODELS['models/found.sql'].replaceAll('dbt_utils', 'my_utils') });
    const out = await p.run('run');
    expect(out.exitCode).toBe(1);
    expect(out.byName('found').message).toMatch(/information_schema/);
  });
});

describe('bad package layouts', () => {
  it('two installed packages with the same name', async () => {
    p = tempProject({ 'dbt_packages/one/dbt_project.yml': PKG('same'), 'dbt_packages/two/dbt_project.yml': PKG('same') });
    const err = await loadError(p);
    expect([err.code, err.message]).toEqual(['BMP_PACKAGE_DUPLICATE', "two installed packages are named 'same': dbt_packages/one and dbt_packages/two"]);
  });

  it("a package named like the root project, or like dbt's namespace", async () => {
    p = tempProject({ 'dbt_packages/x/dbt_project.yml': PKG('dbt') });
    expect((await loadError(p)).message).toBe("the installed package in dbt_packages/x is named 'dbt', which is dbt's own macro namespace");
  });

  it("a broken package project file is located in the package", async () => {
    p = tempProject({ 'dbt_packages/x/dbt_project.yml': 'name: [x\n' });
    const err = await loadError(p);
    expect(err.code).toBe('BMP_YAML_SYNTAX');
    expect(err.where.file).toBe('dbt_packages/x/dbt_project.yml');
  });

  it("a ref to a package's model the root disabled, and to a package that is not installed", async () => {
    p = tempProject({
      'project.yml': 'name: p\nprofile: p\nmodels:\n  pk:\n    +enabled: false\n',
      'dbt_packages/pk/dbt_project.yml': PKG('pk'),
      'dbt_packages/pk/models/pm.sql': 'select 1 as x',
      'models/m.sql': "select * from {{ ref('pk', 'pm') }}",
    });
    expect((await loadError(p)).message).toBe("model 'm' depends on model 'pk.pm', which is disabled");
    // unqualified, the ref looks in every package: the disabled model is named too
    p.write('models/m.sql', "select * from {{ ref('pm') }}");
    expect((await loadError(p)).message).toBe("model 'm' depends on model 'pk.pm', which is disabled");
    p.write('models/m.sql', "select * from {{ ref('nopkg', 'pm') }}");
    const err = await loadError(p);
    expect([err.code, err.hint]).toEqual(['BMP_REF_UNDEFINED', "no installed package or project is named 'nopkg'"]);
  });

  it('a macro defined twice in one package, while the same name in two packages is fine', async () => {
    p = tempProject({
      'macros/a.sql': '{% macro twice() %}1{% endmacro %}',
      'dbt_packages/pk/dbt_project.yml': PKG('pk'),
      'dbt_packages/pk/macros/a.sql': '{% macro twice() %}2{% endmacro %}',
    });
    await expect(loadProject({ projectDir: p.dir })).resolves.toBeDefined();
    p.write('dbt_packages/pk/macros/b.sql', '{% macro twice() %}3{% endmacro %}');
    const err = await loadError(p);
    expect([err.code, err.where.file]).toEqual(['BMP_MACRO_DUPLICATE', 'dbt_packages/pk/macros/b.sql']);
  });

  it("dispatch: that is not a list of namespaces and search orders", async () => {
    p = tempProject({ 'project.yml': 'name: p\nprofile: p\ndispatch:\n  - macro_namespace: pk\n    search_order: pk\n' });
    const err = await loadError(p);
    expect([err.code, err.message, err.where.line]).toEqual(['BMP_PROJECT_INVALID', "'dispatch' entry 1 must be {macro_namespace: <package>, search_order: [<package>, ...]}", 4]);
  });
});
