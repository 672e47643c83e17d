/**
 * The helpers dbt's global project gives packages and materializations, for DuckDB: naming
 * (`generate_schema_name`, `generate_alias_name`, `generate_database_name`), run flags
 * (`should_full_refresh`, `should_store_failures`), test plumbing (`get_where_subquery`), relations
 * (`make_temp_relation`, `make_intermediate_relation`, `make_backup_relation`) and DDL
 * (`get_create_table_as_sql`, `create_table_as`, `get_create_view_as_sql`, `create_view_as`).
 *
 * | call | result |
 * | --- | --- |
 * | `generate_schema_name('raw', node)` | `<target.schema>_raw` (`<target.schema>` when none) |
 * | `generate_alias_name(none, node)` | the node's name (the alias when given) |
 * | `should_full_refresh()` | the model's `full_refresh` config, else `--full-refresh` |
 * | `get_where_subquery(rel)` | `(select * from rel where <config where>) dbt_subquery`, or `rel` |
 * | `make_temp_relation(rel)` | `rel` with identifier `<identifier>__dbt_tmp` |
 * | `get_create_table_as_sql(False, rel, 'select 1')` | `create or replace table rel as (select 1)` |
 * | `get_create_view_as_sql(rel, 'select 1')` | `create or replace view rel as (select 1)` |
 * | `run_hooks(pre_hooks, inside_transaction=True)` | runs each hook whose `transaction` matches, as a statement |
 */
export const HELPER_MACROS = String.raw`
{% macro generate_schema_name(custom_schema_name=none, node=none) %}{{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}{% endmacro %}
{% macro default__generate_schema_name(custom_schema_name, node) -%}
{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
{%- if target.name == 'prod' and custom_schema_name is not none -%}{{ custom_schema_name | trim }}{%- else -%}{{ target.schema }}{%- endif -%}
{%- endmacro %}

{% macro generate_alias_name(custom_alias_name=none, node=none) %}{{ return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) }}{% endmacro %}
{% macro default__generate_alias_name(custom_alias_name, node) -%}
{%- if custom_alias_name -%}{{ custom_alias_name | trim }}{%- else -%}{{ node.name }}{%- endif -%}
{%- endmacro %}

{% macro generate_database_name(custom_database_name=none, node=none) %}{{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}{% endmacro %}
{% macro default__generate_database_name(custom_database_name, node) -%}
{%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ custom_database_name | trim }}{%- endif -%}
{%- endmacro %}

{% macro should_full_refresh() -%}
{%- set configured = config.get('full_refresh') -%}
{%- if configured is none -%}{%- set configured = flags.FULL_REFRESH -%}{%- endif -%}
{{ return(configured) }}
{%- endmacro %}

{% macro should_store_failures() -%}
{%- set configured = config.get('store_failures') -%}
{%- if configured is none -%}{%- set configured = flags.STORE_FAILURES -%}{%- endif -%}
{{ return(configured) }}
{%- endmacro %}

{% macro get_where_subquery(relation) %}{{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}{% endmacro %}
{% macro default__get_where_subquery(relation) -%}
{%- set where = config.get('where') -%}
{%- if where -%}{{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}{%- endif -%}
{{ return(relation) }}
{%- endmacro %}

{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') %}{{ return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix)) }}{% endmacro %}
{% macro default__make_temp_relation(base_relation, suffix) -%}
{{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix})) }}
{%- endmacro %}
{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') -%}
{{ return(make_temp_relation(base_relation, suffix)) }}
{%- endmacro %}
{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') -%}
{{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix}, type=backup_relation_type)) }}
{%- endmacro %}

{% macro get_create_table_as_sql(temporary, relation, sql) %}{{ return(adapter.dispatch('get_create_table_as_sql', 'dbt')(temporary, relation, sql)) }}{% endmacro %}
{% macro default__get_create_table_as_sql(temporary, relation, sql) -%}
{{ return(create_table_as(temporary, relation, sql)) }}
{%- endmacro %}
{% macro create_table_as(temporary, relation, compiled_code, language='sql') %}{{ return(adapter.dispatch('create_table_as', 'dbt')(temporary, relation, compiled_code, language)) }}{% endmacro %}
{% macro default__create_table_as(temporary, relation, compiled_code, language='sql') -%}
create or replace {% if temporary %}temporary {% endif %}table {{ relation }} as (
{{ compiled_code }}
)
{%- endmacro %}

{% macro run_hooks(hooks, inside_transaction=True) -%}
{%- for hook in hooks -%}
{%- set sql = hook.sql if hook.sql is defined else hook -%}
{%- set in_transaction = hook.transaction if hook.transaction is defined else true -%}
{%- if in_transaction == inside_transaction and (sql | trim) -%}
{%- call statement(auto_begin=inside_transaction) -%}{{ sql }}{%- endcall -%}
{%- endif -%}
{%- endfor -%}
{%- endmacro %}

{#- hooks that say where they run (a pre_hook/post_hook value: {sql, transaction}) -#}
{% macro before_begin(sql) %}{{ return({'sql': sql, 'transaction': false}) }}{% endmacro %}
{% macro in_transaction(sql) %}{{ return({'sql': sql, 'transaction': true}) }}{% endmacro %}
{% macro after_commit(sql) %}{{ return({'sql': sql, 'transaction': false}) }}{% endmacro %}

{#- SQL run just before the node's own statement: {% call set_sql_header(config) %}...{% endcall %} -#}
{% macro set_sql_header(config) -%}{{ config.set('sql_header', caller()) }}{%- endmacro %}

{#- what dbt's own materializations call around the build: DuckDB has no grants, so those do
    nothing; persist_docs writes the descriptions as comments, as bmp's own materializations do
    (the relation's, and those of the columns it has); on_schema_change is checked as dbt checks it -#}
{% macro apply_grants(relation, grant_config, should_revoke=false) %}{% endmacro %}
{% macro should_revoke(existing_relation, full_refresh_mode=true) %}{{ return(false) }}{% endmacro %}
{% macro persist_docs(relation, model, for_relation=true, for_columns=true) %}
{%- if for_relation and config.persist_relation_docs() and model.description -%}
{%- do run_query(alter_relation_comment(relation, model.description)) -%}
{%- endif -%}
{%- if for_columns and config.persist_column_docs() and model.columns -%}
{%- set statements = alter_column_comment(relation, model.columns) -%}
{%- if statements | trim -%}{%- do run_query(statements) -%}{%- endif -%}
{%- endif -%}
{% endmacro %}
{% macro alter_relation_comment(relation, relation_comment) -%}
comment on {{ 'view' if relation.type == 'view' else 'table' }} {{ relation }} is '{{ relation_comment | replace("'", "''") }}'
{%- endmacro %}
{% macro alter_column_comment(relation, column_dict) -%}
{%- set built = {} -%}
{%- for c in adapter.get_columns_in_relation(relation) -%}{%- do built.update({c.name | lower: c.name}) -%}{%- endfor -%}
{%- for name, column in column_dict.items() if (name | lower) in built %}
comment on column {{ relation }}.{{ adapter.quote(built[name | lower]) }} is '{{ (column.description or '') | replace("'", "''") }}';
{%- endfor -%}
{%- endmacro %}
{% macro incremental_validate_on_schema_change(on_schema_change, default='ignore') -%}
{%- if on_schema_change not in ['sync_all_columns', 'append_new_columns', 'fail', 'ignore'] -%}
{%- do log('Invalid value for on_schema_change (' ~ on_schema_change ~ ') specified. Setting default value of ' ~ default ~ '.', info=true) -%}
{{ return(default) }}
{%- endif -%}
{{ return(on_schema_change) }}
{%- endmacro %}

{#- relation helpers that materializations and operations written for dbt call -#}
{% macro load_cached_relation(relation) %}{{ return(load_relation(relation)) }}{% endmacro %}
{% macro drop_relation_if_exists(relation) %}{% if relation is not none %}{% do adapter.drop_relation(relation) %}{% endif %}{% endmacro %}
{% macro get_or_create_relation(database, schema, identifier, type) -%}
{%- set found = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
{%- if found is not none -%}{{ return([true, found]) }}{%- endif -%}
{{ return([false, api.Relation.create(database=database, schema=schema, identifier=identifier, type=type)]) }}
{%- endmacro %}
{% macro get_columns_in_query(select_sql) -%}
{%- set probe = run_query('select * from (\n' ~ select_sql ~ '\n) as __dbt_sbq where false limit 0') -%}
{{ return(probe.columns | map(attribute='name') | list if probe is not none else []) }}
{%- endmacro %}
{% macro get_quoted_csv(column_names) -%}
{%- set quoted = [] -%}
{%- for name in column_names -%}{%- do quoted.append(adapter.quote(name)) -%}{%- endfor -%}
{{ return(quoted | join(', ')) }}
{%- endmacro %}

{% macro get_create_view_as_sql(relation, sql) %}{{ return(adapter.dispatch('get_create_view_as_sql', 'dbt')(relation, sql)) }}{% endmacro %}
{% macro default__get_create_view_as_sql(relation, sql) -%}
{{ return(create_view_as(relation, sql)) }}
{%- endmacro %}
{% macro create_view_as(relation, sql) %}{{ return(adapter.dispatch('create_view_as', 'dbt')(relation, sql)) }}{% endmacro %}
{% macro default__create_view_as(relation, sql) -%}
create or replace view {{ relation }} as (
{{ sql }}
)
{%- endmacro %}
`;
