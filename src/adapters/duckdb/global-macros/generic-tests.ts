/**
 * dbt's four built-in generic tests as macros of the `dbt` namespace (`test_unique`, `test_not_null`,
 * `test_accepted_values`, `test_relationships`), each dispatching to `default__test_<name>`, so a
 * project overrides them as dbt documents (its own `{% test unique %}`, or a `default__test_unique`).
 * While nothing overrides them, bmp compiles these tests in TypeScript to the same SQL
 * (testing/builtin-tests.ts) and may count several in one scan.
 */
export const GENERIC_TEST_MACROS = String.raw`
{% test unique(model, column_name) %}{{ return(adapter.dispatch('test_unique', 'dbt')(model, column_name)) }}{% endtest %}
{% macro default__test_unique(model, column_name) -%}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}

{% test not_null(model, column_name) %}{{ return(adapter.dispatch('test_not_null', 'dbt')(model, column_name)) }}{% endtest %}
{% macro default__test_not_null(model, column_name) -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{%- endmacro %}

{% test accepted_values(model, column_name, values, quote=True) %}{{ return(adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote)) }}{% endtest %}
{% macro default__test_accepted_values(model, column_name, values, quote=True) -%}
with all_values as (
  select {{ column_name }} as value_field, count(*) as n_records
  from {{ model }}
  group by {{ column_name }}
)
select *
from all_values
where value_field not in ({% for v in values %}{% if quote %}'{{ v | string | replace("'", "''") }}'{% else %}{{ v }}{% endif %}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% test relationships(model, column_name, to, field) %}{{ return(adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field)) }}{% endtest %}
{% macro default__test_relationships(model, column_name, to, field) -%}
with child as (
  select {{ column_name }} as from_field
  from {{ model }}
  where {{ column_name }} is not null
),
parent as (
  select {{ field }} as to_field
  from {{ to }}
)
select from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{%- endmacro %}
`;
