/**
 * Conformance cases for dbt's template context (the companion of jinja's conformance suite for
 * the language): each case renders a template in a kind of context against a real in-memory
 * DuckDB, and says which documented rule (docs.getdbt.com/reference/dbt-jinja-functions/…,
 * dbt-classes, or Python's documentation for `modules`) decides the expected output. Outputs are
 * text and integers, so they read the same however booleans and None come to render.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, Database, DuckDbTemplateDatabase, type Connection } from '../../src/adapters/duckdb/index.js';
import { loadConfig } from '../../src/config/index.js';
import { BmpError } from '../../src/errors.js';
import { TemplateRelation, jinjaYamlSyntax } from '../../src/jinja/index.js';
import { parseProject } from '../../src/parse/index.js';
import { BufferedOutput, CallReplay, contextFor, InvocationContext, makeInvocation, type ContextEnv, type ContextKind, type StoredResult } from '../../src/compile/context/index.js';

interface Case {
  /** The documented rule, and where it is documented. */
  readonly rule: string;
  readonly template: string;
  readonly expected?: string;
  /** The error code a template the rule rejects raises. */
  readonly error?: string;
  readonly kind?: ContextKind;
}

const c = (rule: string, template: string, expected: string, kind: ContextKind = 'compile'): Case => ({ rule, template, expected, kind });
const e = (rule: string, template: string, error: string, kind: ContextKind = 'compile'): Case => ({ rule, template, error, kind });
const T = (cond: string) => `{{ 'T' if ${cond} else 'F' }}`;

const CASES: Case[] = [
  // execute (dbt-jinja-functions/execute)
  c('execute: False while dbt parses the project', T('execute'), 'F', 'parse'),
  c('execute: True while dbt compiles and runs', T('execute'), 'T', 'compile'),
  c('execute: True in on-run-start/on-run-end hooks', T('execute'), 'T', 'hook'),
  c('execute: True in run-operation', T('execute'), 'T', 'operation'),
  // statement blocks (dbt-jinja-functions/statement-blocks)
  c('statement: fetch_result=True stores the result; load_result(name).data holds rows as lists', "{% call statement('s', fetch_result=True) %}select 7 as n{% endcall %}{{ load_result('s')['data'][0][0] }}", '7'),
  c('statement: load_result(name).table is an agate Table', "{% call statement('s', fetch_result=True) %}select 1 as a, 2 as b{% endcall %}{{ load_result('s').table.column_names | join(',') }}", 'a,b'),
  c('statement: load_result(name).response carries the adapter response (code)', "{% call statement('s', fetch_result=True) %}select 1{% endcall %}{{ load_result('s').response.code }}", 'SELECT'),
  c('statement: the block renders nothing', "[{% call statement('s') %}select 1{% endcall %}]", '[]'),
  c('statement: without fetch_result the table is empty', "{% call statement('s') %}select 1{% endcall %}{{ load_result('s').table | length }}", '0'),
  c('load_result: none for a name no statement stored', T("load_result('nothing') is none"), 'T'),
  c('statement: does not run while parsing, load_result is none then', "{% call statement('s', fetch_result=True) %}select 1{% endcall %}" + T("load_result('s') is none"), 'T', 'parse'),
  c('statement: name=None runs without storing', "{% call statement(none) %}select 1{% endcall %}" + T("load_result('None') is none"), 'T'),
  // run_query (dbt-jinja-functions/run_query)
  c('run_query: returns a Table (agate) of the result', "{{ run_query('select 1 as x union all select 2').columns[0].values() | join(',') }}", '1,2'),
  c('run_query: none for a statement that returns no results (DDL)', T("run_query('create table if not exists main.c_ddl (x int)') is none"), 'T'),
  c('run_query: none while parsing (guard with execute)', T("run_query('select 1') is none"), 'T', 'parse'),
  c('run_query: Table.rows, indexable by column name', "{{ run_query('select 3 as a, 4 as b').rows[0]['b'] }}", '4'),
  c('run_query: Table.columns by name, Column.values()', "{{ run_query('select 3 as a').columns['a'].values()[0] }}", '3'),
  c('run_query: iterating a Table gives its rows', "{% for r in run_query('select 1 as a union all select 2 order by 1') %}{{ r[0] }}{% endfor %}", '12'),
  c('run_query: len(table) is the row count', "{{ run_query('select * from range(5)') | length }}", '5'),
  c('run_query: print_table returns none (prints the table)', T("run_query('select 1').print_table() is none"), 'T'),
  e('run_query: a query the database rejects is an error', "{{ run_query('select * from no_such_relation') }}", 'BMP_RUN_QUERY'),
  // adapter (dbt-jinja-functions/adapter)
  c('adapter.get_relation: a Relation when it exists', "{{ adapter.get_relation(database=none, schema='main', identifier='c_t') }}", '"main"."c_t"'),
  c('adapter.get_relation: none when it does not', T("adapter.get_relation(none, 'main', 'no_such') is none"), 'T'),
  c('adapter.get_relation: the relation knows its type', "{{ adapter.get_relation(none, 'main', 'c_v').type }}", 'view'),
  c('load_relation: get_relation by a Relation', "{{ load_relation(api.Relation.create(schema='main', identifier='c_t')).type }}", 'table'),
  c('adapter.get_columns_in_relation: Column objects with name and dtype', "{% for col in adapter.get_columns_in_relation(api.Relation.create(schema='main', identifier='c_t')) %}{{ col.name }} {{ col.dtype }};{% endfor %}", 'id INTEGER;label VARCHAR;'),
  c('adapter.get_columns_in_relation: [] while parsing', "{{ adapter.get_columns_in_relation(api.Relation.create(schema='main', identifier='c_t')) | length }}", '0', 'parse'),
  c('adapter.get_missing_columns: columns of from_relation missing in to_relation', "{% for col in adapter.get_missing_columns(api.Relation.create(schema='main', identifier='c_t'), api.Relation.create(schema='main', identifier='c_v')) %}{{ col.name }}{% endfor %}", 'label'),
  c('adapter.expand_target_column_types: returns nothing (DuckDB strings have no length)', "[{{ adapter.expand_target_column_types(api.Relation.create(schema='main', identifier='c_t'), api.Relation.create(schema='main', identifier='c_t')) }}]", '[]'),
  c('adapter.quote: quotes an identifier', "{{ adapter.quote('my col') }}", '"my col"'),
  c('adapter.type(): the adapter type', '{{ adapter.type() }}', 'duckdb'),
  c('adapter.already_exists (deprecated): whether schema.name exists', T("adapter.already_exists('main', 'c_t')"), 'T'),
  c('adapter.create_schema then drop_schema', "{% do adapter.create_schema(api.Relation.create(schema='c_s')) %}" + T("adapter.check_schema_exists(none, 'c_s')") + "{% do adapter.drop_schema(api.Relation.create(schema='c_s')) %}" + T("adapter.check_schema_exists(none, 'c_s')"), 'TF'),
  // api.Relation (dbt-classes#relation)
  c('Relation.create renders quoted schema.identifier', "{{ api.Relation.create(schema='s', identifier='t') }}", '"s"."t"'),
  c('Relation.include(database=True) renders the database too', "{{ api.Relation.create(database='d', schema='s', identifier='t').include(database=True) }}", '"d"."s"."t"'),
  c('Relation.include(schema=False) leaves the schema out', "{{ api.Relation.create(schema='s', identifier='t').include(schema=False) }}", '"t"'),
  c('Relation.quote(identifier=False) leaves the identifier unquoted', "{{ api.Relation.create(schema='s', identifier='t').quote(identifier=False) }}", '"s".t'),
  c('Relation.render() is str(relation)', "{{ api.Relation.create(schema='s', identifier='t').render() }}", '"s"."t"'),
  c('Relation attributes: database, schema, identifier, name', "{% set r = api.Relation.create(database='d', schema='s', identifier='t') %}{{ r.database }}.{{ r.schema }}.{{ r.identifier }}.{{ r.name }}", 'd.s.t.t'),
  c('Relation.is_table / is_view / is_cte follow type', T("api.Relation.create(schema='s', identifier='t', type='table').is_table"), 'T'),
  c('Relation.incorporate(path=...) replaces parts', "{{ api.Relation.create(schema='s', identifier='t').incorporate(path={'schema': 'x'}) }}", '"x"."t"'),
  c("Relation is a Mapping of its fields (dbt's relation dataclass): `is mapping`, .get(key, default), metadata.type names the class", "{% set r = api.Relation.create(schema='s', identifier='t', type='view') %}" + T('r is mapping') + "{{ r.get('type') }} {{ r.get('metadata', {}).get('type', '') }} {{ r.get('nope', 'd') }} {{ r['schema'] }}", 'Tview DuckDBRelation d s'),
  c("set(): Python sets compare by members, not order (dbt-jinja-functions/set)", "{{ set(['a', 'b']) == set(['b', 'a']) }}", 'True'),
  // api.Column (dbt-classes#column)
  c('Column.translate_type maps the STRING label', "{{ api.Column.translate_type('string') }}", 'TEXT'),
  c('Column.string_type(size)', '{{ api.Column.string_type(64) }}', 'character varying(64)'),
  c('Column.numeric_type(dtype, precision, scale)', "{{ api.Column.numeric_type('numeric', 12, 4) }}", 'numeric(12,4)'),
  c('Column.data_type of a string column includes its size', "{{ api.Column('c', 'varchar', 12).data_type }}", 'character varying(12)'),
  c('Column.data_type of a numeric column includes precision and scale', "{{ api.Column.from_description('c', 'DECIMAL(9,2)').data_type }}", 'DECIMAL(9,2)'),
  c('Column.quoted', "{{ api.Column('My Col', 'integer').quoted }}", '"My Col"'),
  c('Column.is_string / is_number / is_integer / is_float / is_numeric', "{% set cols = [api.Column('a', 'text'), api.Column('b', 'bigint'), api.Column('c', 'double'), api.Column('d', 'numeric')] %}{% for x in cols %}{{ 'S' if x.is_string() }}{{ 'N' if x.is_number() }}{{ 'I' if x.is_integer() }}{{ 'F' if x.is_float() }}{{ 'D' if x.is_numeric() }},{% endfor %}", 'S,NI,NF,ND,'),
  c('Column.name and dtype', "{{ api.Column.create('n', 'integer').name }}:{{ api.Column.create('n', 'integer').dtype }}", 'n:integer'),
  // flags, invocation (dbt-jinja-functions/flags, invocation_args_dict, invocation_id)
  c('flags.WHICH is the running command', '{{ flags.WHICH }}', 'test'),
  c('flags.FULL_REFRESH follows --full-refresh', T('flags.FULL_REFRESH'), 'F'),
  c('invocation_args_dict.which', '{{ invocation_args_dict.which }}', 'test'),
  c('invocation_id is the invocation UUID', '{{ invocation_id }}', 'conformance-invocation'),
  c('dbt_version is a version string (major.minor.patch)', "{{ dbt_version.split('.') | length }}", '3'),
  // run_started_at (dbt-jinja-functions/run_started_at)
  c('run_started_at.strftime', "{{ run_started_at.strftime('%Y-%m-%d') }}", '2024-06-01'),
  c('run_started_at is in UTC', "{{ run_started_at.strftime('%H:%M %z') }}", '12:30 +0000'),
  c('run_started_at.astimezone(pytz tz)', "{{ run_started_at.astimezone(modules.pytz.timezone('Europe/Paris')).strftime('%H:%M') }}", '14:30'),
  c('str(run_started_at) is Python\'s datetime str', '{{ run_started_at }}', '2024-06-01 12:30:00+00:00'),
  // graph, selected_resources, model, this (dbt-jinja-functions/graph, selected_resources, model, this)
  c('graph.nodes maps unique ids to node dicts', "{{ graph.nodes['model.cc.m1'].name }}", 'm1'),
  c('graph.nodes is empty while parsing', '{{ graph.nodes | length }}', '0', 'parse'),
  c('graph.sources maps unique ids to source dicts', "{{ graph.sources | length }} {{ graph.sources['source.cc.raw.orders'].name }}", '1 orders'),
  c('selected_resources lists the selected unique ids', "{{ selected_resources | join(',') }}", 'model.cc.m1'),
  c('selected_resources is empty while parsing', '{{ selected_resources | length }}', '0', 'parse'),
  // var, env_var (dbt-jinja-functions/var, env_var)
  c('var: project vars', "{{ var('colour') }}", 'blue'),
  c('var: the default when undefined', "{{ var('undefined_var', 'dflt') }}", 'dflt'),
  e('var: undefined without default is a compilation error', "{{ var('undefined_var') }}", 'BMP_VAR_UNDEFINED'),
  c("var: a value holding a template renders with the calling template's context (target)", "{{ var('tgt') }}", 'dev_x'),
  c("var: a value holding a template sees the calling node (this)", "{{ var('me') }}", 'm1'),
  c("var: a value holding a template renders with Jinja2's semantics and sees other vars", "{{ var('shout') }}", 'BLUE'),
  c('var: a rendered value is text, not a native value (get_rendered)', "{{ var('two') | pprint }} {{ var('falsy') | pprint }}", "'2' 'False'"),
  c('var: the same while parsing', "{{ var('tgt') }}", 'dev_x', 'parse'),
  c('var: the same in hooks', "{{ var('tgt') }}", 'dev_x', 'hook'),
  c('var: a default is returned as given, never rendered', "{{ var('undefined_var', '{{ 1 }}') }}", '{{ 1 }}'),
  e('var: a value whose template fails is an error', "{{ var('broken') }}", 'BMP_TEMPLATE_UNDEFINED'),
  c('env_var: the default when unset', "{{ env_var('BMP_CONFORMANCE_UNSET', 'dflt') }}", 'dflt'),
  e('env_var: unset without default is an error', "{{ env_var('BMP_CONFORMANCE_UNSET') }}", 'BMP_ENV_VAR_MISSING'),
  c('env_var in hooks too', "{{ env_var('BMP_CONFORMANCE_UNSET', 'hook') }}", 'hook', 'hook'),
  // base context methods (dbt-jinja-functions/tojson, fromjson, toyaml, fromyaml, zip, set, local_md5, exceptions, log, print)
  c('tojson: json.dumps of a value', "{{ tojson({'a': [1, 2]}) }}", '{"a": [1, 2]}'),
  c('tojson: sort_keys', "{{ tojson({'b': 1, 'a': 2}, sort_keys=True) }}", '{"a": 2, "b": 1}'),
  c('tojson: a float is written as json.dumps writes it (1.0), also with sort_keys', "{{ tojson({'b': 4 / 2, 'a': [1.0]}, sort_keys=True) }}", '{"a": [1.0], "b": 2.0}'),
  e("tojson: json.dumps raises TypeError for a Decimal (dbt's tojson catches only ValueError)", "{{ tojson({'d': run_query('select 1.5::decimal(4,2)').rows[0][0]}) }}", 'BMP_TEMPLATE_TYPE'),
  c('fromjson: parses JSON', "{{ fromjson('[1, 2, 3]') | sum }}", '6'),
  c('fromjson: the default on invalid JSON', "{{ fromjson('{oops', 'dflt') }}", 'dflt'),
  c('toyaml: YAML text', "{{ toyaml({'a': 1}) | trim }}", 'a: 1'),
  c('fromyaml: parses YAML', "{{ fromyaml('dogs: [good, bad]').dogs | join(',') }}", 'good,bad'),
  c('zip: pairs of the i-th elements, to the shortest', "{% for a, b in zip([1, 2], ['alice', 'bob', 'carol']) %}[{{ a }}{{ b }}]{% endfor %}", '[1alice][2bob]'),
  c('zip: tuples of the i-th elements (the docs\' own example)', "{{ zip([1, 2], ['alice', 'bob']) | list }}", "[(1, 'alice'), (2, 'bob')]"),
  c('set: a Python set (the docs\' own example)', '{{ set([1, 2, 2, 3]) }}', '{1, 2, 3}'),
  c('run_started_at + modules.datetime.timedelta (Python datetime arithmetic)', "{{ (run_started_at + modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d') }}", '2024-06-02'),
  c('run_started_at - a datetime is a timedelta', "{{ run_started_at.replace(tzinfo=none) - modules.datetime.datetime(2024, 6, 1) }}", '12:30:00'),
  c('zip: the default when an argument is not iterable', "{{ zip(12, ['a'], default='none') }}", 'none'),
  e('zip_strict: an error when an argument is not iterable', '{{ zip_strict(12, [1]) }}', 'BMP_TEMPLATE_TYPE'),
  c('set: unique elements', '{{ set([1, 2, 2, 3]) | length }}', '3'),
  c("set: members equal as Python's hash says (1, 1.0 and True are one)", '{{ set([1, 1.0, True]) | length }}', '1'),
  c('set: tuples are equal by their items', '{{ set([(1, 2), (1, 2)]) | length }}', '1'),
  c('set: in tests membership', "{{ 'T' if 'b' in set(['a', 'b']) }}{{ 'F' if 'c' not in set(['a']) }}", 'TF'),
  c('set: == compares members, in any order', T('set([1, 2]) == set([2, 1])') + T('set([1]) == set([1, 2])'), 'TF'),
  c('set.add and set.discard change the set', "{% set s = set([1]) %}{% do s.add(2) %}{% do s.add(1) %}{% do s.discard(1) %}{{ s }}", '{2}'),
  c('set.union / intersection / difference / symmetric_difference', "{% set s = set(['a', 'b']) %}{{ s.union(['c']) | sort | join }} {{ s.intersection(['b', 'c']) | join }} {{ s.difference(['a']) | join }} {{ s.symmetric_difference(['b', 'c']) | sort | join }}", 'abc b b ac'),
  c('set.issubset / issuperset / isdisjoint', T("set([1]).issubset([1, 2])") + T("set([1, 2]).issuperset([2])") + T("set([1]).isdisjoint([2])"), 'TTT'),
  c('set - set is the difference; <= is subset', "{{ set([1, 2, 3]) - set([2]) }} " + T('set([1]) <= set([1, 2])'), '{1, 3} T'),
  c('set: the empty set prints as set()', '{{ set([]) }}', 'set()'),
  e('set.remove of a missing member is a KeyError', '{% do set([1]).remove(2) %}', 'BMP_TEMPLATE_VALUE'),
  e('set_strict: a list of lists is unhashable (TypeError)', '{{ set_strict([[1]]) }}', 'BMP_TEMPLATE_TYPE'),
  c('set: the default when not iterable', "{{ set(1234, default='dflt') }}", 'dflt'),
  e('set_strict: an error when not iterable', '{{ set_strict(1234) }}', 'BMP_TEMPLATE_TYPE'),
  c('local_md5: the hex md5 of a string (RFC 1321 digest of "hello")', "{{ local_md5('hello') }}", '5d41402abc4b2a76b9719d911017c592'),
  e('exceptions.raise_compiler_error raises', "{{ exceptions.raise_compiler_error('custom message') }}", 'BMP_RAISED'),
  e('exceptions.raise_not_implemented raises', "{{ exceptions.raise_not_implemented('later') }}", 'BMP_NOT_IMPLEMENTED'),
  c('exceptions.warn warns and renders nothing', "[{{ exceptions.warn('careful') }}]", '[]'),
  c('log renders nothing', "[{{ log('a line', info=True) }}]", '[]'),
  c('print renders nothing', "[{{ print('a line') }}]", '[]'),
  c('try_or_compiler_error returns the call\'s value', "{{ try_or_compiler_error('msg', local_md5, 'x') | length }}", '32'),
  e('try_or_compiler_error raises the message when the call fails', "{{ try_or_compiler_error('msg', set_strict, 5) }}", 'BMP_RAISED'),
  // modules (dbt-jinja-functions/modules; Python's datetime, re, itertools docs)
  c('modules.datetime.datetime(...) and strftime', "{{ modules.datetime.datetime(2002, 10, 27, 6, 0, 0).strftime('%Y-%m-%d %H:%M') }}", '2002-10-27 06:00'),
  c('modules.datetime.date.fromisoformat', "{{ modules.datetime.date.fromisoformat('2024-02-29').weekday() }}", '3'),
  c('modules.datetime.timedelta str', '{{ modules.datetime.timedelta(hours=36) }}', '1 day, 12:00:00'),
  c('modules.pytz.timezone(...).localize', "{{ modules.pytz.timezone('US/Eastern').localize(modules.datetime.datetime(2002, 10, 27, 6, 0, 0)) }}", '2002-10-27 06:00:00-05:00'),
  c('modules.re.search', "{{ modules.re.search('[0-9]+', 'abc123def').group() }}", '123'),
  c('modules.re.sub', "{{ modules.re.sub('a+', '-', 'caaat') }}", 'c-t'),
  c('modules.re.match is none when the start does not match', T("modules.re.match('b', 'abc') is none"), 'T'),
  c('modules.itertools.chain', "{{ modules.itertools.chain([1], [2, 3]) | join(',') }}", '1,2,3'),
  c('modules.itertools.product', '{{ modules.itertools.product([1, 2], [3]) | length }}', '2'),
  // Python's tuples print as tuples (and SQL reads them): combinations, match groups, spans
  c('itertools yields tuples', "{{ modules.itertools.combinations(['a', 'b', 'c'], 2) | list }}", "[('a', 'b'), ('a', 'c'), ('b', 'c')]"),
  c('re match groups() and span() are tuples', "{{ modules.re.match('(a)(b)', 'ab').groups() }} {{ modules.re.match('(a)(b)', 'ab').span() }}", "('a', 'b') (0, 2)"),
  c('timedelta.total_seconds() is a float', '{{ modules.datetime.timedelta(seconds=90).total_seconds() }}', '90.0'),
  // builtins, ref/source/this (dbt-jinja-functions/builtins, ref, this)
  c('builtins.ref is the builtin ref', "{{ builtins.ref('m1') }}", '"main"."m1"', 'hook'),
  c('ref in hooks resolves by name', "{{ ref('m1').identifier }}", 'm1', 'hook'),
  // dbt's Relation compares its fields: two refs to one model are equal (and found in a list)
  c('relations compare by value', "{{ ref('m1') == ref('m1') }} {{ ref('m1') in [ref('m1')] }} {{ ref('m1') == api.Relation.create(schema='main', identifier='other') }}", 'True True False', 'hook'),
  e('ref to a model that does not exist is an error', "{{ ref('nope') }}", 'BMP_REF_UNDEFINED', 'hook'),
  c('target.name', '{{ target.name }}', 'dev'),
  c('target.schema', '{{ target.schema }}', 'main'),
  c('target.type', '{{ target.type }}', 'duckdb'),
  c('project_name', '{{ project_name }}', 'cc'),
  // the rest of the adapter's documented methods (dbt-jinja-functions/adapter)
  c('adapter.drop_relation drops the relation', "{% do run_query('create table main.c_drop (x int)') %}{% do adapter.drop_relation(api.Relation.create(schema='main', identifier='c_drop', type='table')) %}" + T("adapter.get_relation(none, 'main', 'c_drop') is none"), 'T'),
  c('adapter.rename_relation renames from_relation to to_relation', "{% do run_query('create table main.c_from (x int)') %}{% do adapter.rename_relation(api.Relation.create(schema='main', identifier='c_from', type='table'), api.Relation.create(schema='main', identifier='c_to', type='table')) %}" + T("adapter.get_relation(none, 'main', 'c_from') is none") + T("adapter.get_relation(none, 'main', 'c_to') is not none"), 'TT'),
  c('adapter.truncate_relation removes every row', "{% do run_query('create table main.c_trunc as select 1 as x') %}{% do adapter.truncate_relation(api.Relation.create(schema='main', identifier='c_trunc', type='table')) %}{{ run_query('select count(*) from main.c_trunc').columns[0].values()[0] }}", '0'),
  c('adapter.quote_as_configured quotes an identifier as the quoting config says (quoted by default)', "{{ adapter.quote_as_configured('my col', 'identifier') }}", '"my col"'),
  c('adapter.dispatch: the adapter-prefixed implementation before default__', "{{ adapter.dispatch('cc_pick')() }}", 'duckdb'),
  c('adapter.dispatch: default__ when there is no adapter-specific one', "{{ adapter.dispatch('cc_only_default')() }}", 'default'),
  // agate tables (dbt-classes, run_query's agate.Table)
  c('run_query: a whole number from a DOUBLE column is a Python float (prints 1.0)', "{{ run_query('select 1.0::double as f, 2::integer as i').rows[0] | list }}", '[1.0, 2]'),
  c('run_query: float values keep their float-ness in arithmetic', "{{ run_query('select 3::double as f').columns[0].values()[0] / 2 }} {{ run_query('select 4::double as f').columns[0].values()[0] + 1 }}", '1.5 5.0'),
  c('run_query: values_distinct of a float column counts equal values once', "{{ run_query('select 1::double as f union all select 1::double').columns[0].values_distinct() | length }}", '1'),
  c('run_query: Table.column_names', "{{ run_query('select 1 as a, 2 as b').column_names | join(',') }}", 'a,b'),
  // graph, model, this (dbt-jinja-functions/graph, model, this)
  c('graph.macros maps unique ids to macro dicts', "{{ graph.macros['macro.cc.cc_ret'].name }}", 'cc_ret'),
  c('graph.nodes: a node dict carries config', "{{ graph.nodes['model.cc.m1'].config.materialized }}", 'view'),
  c('model is the node being rendered, as a dict (name, unique_id, resource_type)', '{{ model.name }} {{ model.unique_id }} {{ model.resource_type }}', 'm1 model.cc.m1 model'),
  c('model.config holds the node config', "{{ model.config.materialized }}", 'view'),
  c('this is the relation of the node', '{{ this }}', '"main"."m1"'),
  // return (dbt-jinja-functions/return)
  c('return: a macro hands back a value (a list), not text', '{{ cc_ret() | length }} {{ cc_ret()[1] }}', '2 b'),
  e('return outside a macro is an error', '{{ return(1) }}', 'BMP_TEMPLATE_RETURN'),
  // builtins (dbt-jinja-functions/builtins)
  c('builtins.source is the builtin source', "{{ builtins.source('raw', 'orders') }}", '"raw"."orders"'),
  c('builtins.config.get reads the node config', "{{ builtins.config.get('materialized') }}", 'view'),
  c('source: schema defaults to the source name', "{{ source('raw', 'orders').schema }}.{{ source('raw', 'orders').identifier }}", 'raw.orders'),
  // run_started_at (a Python datetime)
  c('run_started_at.isoformat()', '{{ run_started_at.isoformat() }}', '2024-06-01T12:30:00+00:00'),
  // tojson / toyaml / fromyaml arguments (dbt-jinja-functions/toyaml, fromyaml)
  c('toyaml: sort_keys=True orders the keys', "{{ toyaml({'b': 1, 'a': 2}, sort_keys=True) | replace('\\n', ';') }}", 'a: 2;b: 1;'),
  c('fromyaml: the default on invalid YAML', "{{ fromyaml('a: [', 'dflt') }}", 'dflt'),
  // dbt's fromyaml/toyaml are PyYAML's safe_load/safe_dump: YAML 1.1 scalars
  c('fromyaml: PyYAML scalars (yes/off booleans, octal, underscores, 1e3 text, 1.0 a float, dates: a dict prints its date as Python repr does)', "{{ fromyaml('a: yes\\nb: off\\nc: 017\\nd: 1_000\\nf: 1.0\\ni: 1e3\\ne: 2024-01-31') }}", "{'a': True, 'b': False, 'c': 15, 'd': 1000, 'f': 1.0, 'i': '1e3', 'e': datetime.date(2024, 1, 31)}"),
  c('fromyaml: a date has date attributes', "{{ fromyaml('e: 2024-01-31').e.month }}", '1'),
  // Python's json and PyYAML, value by value (found by a differential run against dbt's functions)
  c('tojson: a float argument is written as json.dumps writes a float (1.0, 1e+16, 1e-07)', "{{ tojson(1.0) }} {{ tojson(6 / 2) }} {{ tojson(1e16) }} {{ tojson(1e-7) }} {{ tojson([0.5]) }}", '1.0 3.0 1e+16 1e-07 [0.5]'),
  c('tojson: json.dumps escapes what is not ASCII (ensure_ascii)', "{{ tojson({'k': 'é–😀'}) }}", '{"k": "\\u00e9\\u2013\\ud83d\\ude00"}'),
  c("fromjson: a float stays a float, an integer of any size stays exact, NaN is a number", "{{ fromjson('{\"a\": 1.0}').a * 2 }} {{ fromjson('12345678901234567890') + 1 }} {{ fromjson('[NaN]')[0] is number }}", '2.0 12345678901234567891 True'),
  c('fromjson: a "__proto__" key is a key like any other', "{{ fromjson('{\"__proto__\": {\"x\": 1}, \"y\": 2}') }}", "{'__proto__': {'x': 1}, 'y': 2}"),
  e('fromjson: an undefined argument is an error (dbt: json.loads raises TypeError)', '{{ fromjson(no_such_var) }}', 'BMP_TEMPLATE_UNDEFINED'),
  c("return(): the value keeps its type (a float returned prints 1.0)", "{{ float_back() }} {{ float_back() is float }}", '1.0 True'),
  c('toyaml: a float as PyYAML writes it; a date-like string is quoted (it would read back as a date)', "{{ toyaml({'f': 1.0, 'g': 1e16, 'd': '2024-01-02'}) | replace('\n', ';') }}", "f: 1.0;g: 1.0e+16;d: '2024-01-02';"),
  c('toyaml: a date or datetime is written plain, as PyYAML writes it (also with sort_keys)', "{{ toyaml({'d': modules.datetime.date(2024, 1, 2), 't': modules.datetime.datetime(2024, 1, 2, 3, 4, 5)}, sort_keys=True) | replace('\n', ';') }}|{{ toyaml(fromyaml('a: 2024-01-01')) | trim }}", 'd: 2024-01-02;t: 2024-01-02 03:04:05;|a: 2024-01-01'),
  c('fromyaml: a date is a datetime.date (strftime, + timedelta); a key given twice keeps its last value', "{{ fromyaml('a: 2024-01-02').a.strftime('%d/%m') }} {{ fromyaml('a: 2024-01-02').a + modules.datetime.timedelta(days=1) }} {{ fromyaml('{a: 1, a: 2}') }}", "02/01 2024-01-03 {'a': 2}"),
  c("diff_of_two_dicts: dict_a minus dict_b, keys and values compared case-insensitively (dbt's own example)", "{{ diff_of_two_dicts({'key_x': ['value_1', 'VALUE_2'], 'KEY_Y': ['value_3']}, {'key_x': ['value_1'], 'key_z': ['value_4']}) }}", "{'key_x': ['VALUE_2'], 'KEY_Y': ['value_3']}"),
  e('local_md5: an undefined argument is an error, not the md5 of a word', '{{ local_md5(no_such_var) }}', 'BMP_TEMPLATE_UNDEFINED'),
  c('modules.datetime: keyword arguments as Python takes them (isoformat(sep=, timespec=), strftime(format=))', "{% set d = modules.datetime.datetime(2024, 1, 2, 3, 4, 5) %}{{ d.isoformat(sep=' ') }}|{{ d.isoformat(timespec='minutes') }}|{{ d.strftime(format='%Y') }}|{{ d.date().strftime(format='%d') }}|{{ modules.datetime.time(1, 2, 3).isoformat(timespec='minutes') }}", '2024-01-02 03:04:05|2024-01-02T03:04|2024|02|01:02'),
  c('modules.datetime: microseconds are exact in arithmetic and comparisons', "{% set dt = modules.datetime %}{% set d = dt.datetime(2024, 1, 2, 3, 4, 5) %}{{ dt.datetime(2024, 1, 1) - dt.timedelta(microseconds=1) }}|{{ dt.datetime(2024, 1, 2, 3, 4, 5, 500) - d }}|{{ d - dt.timedelta(microseconds=1) < d }}", '2023-12-31 23:59:59.999999|0:00:00.000500|True'),
  c('modules.datetime: dates compare with dates and datetimes with datetimes', "{% set dt = modules.datetime %}{{ dt.date(2024, 1, 1) < dt.date(2024, 1, 2) }} {{ dt.datetime(2024, 1, 1) < dt.datetime(2024, 1, 1, 0, 0, 0, 1) }} {{ dt.date(2024, 1, 1) == dt.datetime(2024, 1, 1) }}", 'True True False'),
  e("modules.datetime: a date and a datetime do not order (Python's TypeError)", '{{ modules.datetime.date(2024, 1, 1) < modules.datetime.datetime(2025, 1, 1) }}', 'BMP_TEMPLATE_TYPE'),
  c('modules.datetime: timestamp() is a float (1704164645.0)', "{{ modules.datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=modules.datetime.timezone.utc).timestamp() }}", '1704164645.0'),
  c('modules.itertools: keyword arguments (permutations(iterable=, r=), combinations(r=))', "{{ modules.itertools.permutations(iterable='ab', r=2) | list }} {{ modules.itertools.combinations('abc', r=2) | list | length }}", "[('a', 'b'), ('b', 'a')] 3"),
  c("toyaml: a string PyYAML would read as another type is quoted; sequences at their key's indent", "{{ toyaml({'d': 'yes', 'n': '017', 'l': ['a', 'off', 2]}) | replace('\\n', ';') }}", "d: 'yes';n: '017';l:;- a;- 'off';- 2;"),
  // parse vs execute (dbt-jinja-functions/execute)
  c('execute: code under {% if execute %} never runs at parse, so it cannot fail there', "{% if execute %}{{ run_query('select * from no_such_relation').columns[0].values()[0] }}{% endif %}ok", 'ok', 'parse'),
  c('run_query at parse: none, and reading from it is undefined, not an error', "[{% set r = run_query('select 1') %}{{ r.columns[0].values() if r else 'none' }}]", '[none]', 'parse'),
];

let dir: string;
let db: Database;
let conn: Connection;
let env: ContextEnv;
let manifest: Awaited<ReturnType<typeof parseProject>>['manifest'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bmp-context-conformance-'));
  const files: Record<string, string> = {
    'project.yml': [
      'name: cc', 'profile: cc', 'vars:', '  colour: blue',
      `  tgt: "{{ target.name }}_x"`, `  me: "{{ this.identifier }}"`, `  shout: "{{ var('colour').upper() }}"`,
      `  two: "{{ 1 + 1 }}"`, `  falsy: "{{ false }}"`, `  broken: "{{ nothing_here.x }}"`, '',
    ].join('\n'),
    'profiles.yml': 'cc:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: cc.duckdb}\n',
    'models/m1.sql': 'select 1 as id',
    'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: orders\n',
    'macros/cc.sql': [
      "{% macro cc_ret() %}{{ return(['a', 'b']) }}{% endmacro %}",
      "{% macro float_back() %}{{ return(1.0) }}{% endmacro %}",
      "{% macro default__cc_pick() %}default{% endmacro %}",
      "{% macro duckdb__cc_pick() %}duckdb{% endmacro %}",
      "{% macro default__cc_only_default() %}default{% endmacro %}",
    ].join('\n'),
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir });
  const parsed = await parseProject(cfg);
  manifest = parsed.manifest;
  const engine = parsed.engine;
  db = await Database.open({ path: ':memory:' });
  conn = await db.connect();
  await conn.run("create table main.c_t (id integer, label varchar); create view main.c_v as select id from main.c_t");
  const shared = new InvocationContext(cfg, engine, makeInvocation('test', {}, 'conformance-invocation', new Date('2024-06-01T12:30:00Z')), manifest, ['model.cc.m1']);
  env = { shared, database: new DuckDbTemplateDatabase(async () => conn, await Catalog.read(conn)) };
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function render(k: Case): Promise<string> {
  const replay = new CallReplay();
  const stored = new Map<string, StoredResult>();
  const output = new BufferedOutput();
  const kind = k.kind ?? 'compile';
  const scope = kind === 'hook' || kind === 'operation' ? {} : { this: new TemplateRelation('cc', 'main', 'm1'), node: kind === 'parse' ? undefined : manifest.nodes.get('model.cc.m1') };
  return replay.run(
    () => env.shared.engine.render({ file: 'case.sql', source: k.template }, contextFor(kind, env, { ...scope, replay, stored, output }), { parsing: kind === 'parse' }),
    () => {
      stored.clear();
      output.clear();
    },
  );
}

describe(`dbt template context conformance (${CASES.length} cases)`, () => {
  for (const k of CASES) {
    it(`${k.kind ?? 'compile'}: ${k.rule} — ${JSON.stringify(k.template)}`, async () => {
      if (k.error) {
        const thrown = await render(k).catch((err: unknown) => err);
        expect(thrown, 'the template should raise').toBeInstanceOf(BmpError);
        expect((thrown as BmpError).code).toBe(k.error);
      } else {
        expect(await render(k)).toBe(k.expected);
      }
    });
  }
  it('every case names its rule, and no case is there twice', () => {
    for (const k of CASES) expect(k.rule.length).toBeGreaterThan(8);
    expect(new Set(CASES.map((k) => `${k.kind}\u0000${k.template}`)).size).toBe(CASES.length);
  });
});
