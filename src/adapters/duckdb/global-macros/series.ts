/**
 * dbt's series macros for DuckDB.
 *
 * - `dbt.generate_series(5)`: a select of `generated_number` 1..5.
 * - `dbt.get_intervals_between("'2024-01-01'", "'2024-03-01'", 'month')`: the number of month
 *   boundaries between the two (2), asked of the database (1 while parsing, as dbt's placeholder).
 * - `dbt.date_spine('day', "cast('2024-01-01' as date)", "cast('2024-01-04' as date)")`: one row per
 *   day from the start (included) to the end (excluded), column `date_day` (a timestamp): row k is
 *   `start + k days` for k below the `datediff` of start and end, kept when not after the end.
 *   DuckDB computes the count itself, so no query runs while compiling:
 *   ```sql
 *   select date_day from (
 *     select date_add(cast('2024-01-01' as date), interval (i) day) as date_day
 *     from range(0, <datediff>) as spine(i)
 *   ) where date_day <= cast('2024-01-04' as date)
 *   ```
 */
export const SERIES_MACROS = String.raw`
{% macro generate_series(upper_bound) %}{{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__generate_series(upper_bound) -%}
select generate_series as generated_number from generate_series(1, {{ upper_bound }})
{%- endmacro %}

{% macro get_powers_of_two(upper_bound) %}{{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__get_powers_of_two(upper_bound) -%}
{%- if upper_bound <= 0 -%}{{ exceptions.raise_compiler_error('upper bound must be positive') }}{%- endif -%}
{%- for n in range(1, 64) -%}{%- if upper_bound <= 2 ** n -%}{{ return(n) }}{%- endif -%}{%- endfor -%}
{%- endmacro %}

{% macro get_intervals_between(start_date, end_date, datepart) %}{{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}{% endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
{%- if not execute -%}{{ return(1) }}{%- endif -%}
{%- set result = run_query('select ' ~ datediff(start_date, end_date, datepart) ~ ' as intervals') -%}
{%- if result is not none and result.rows | length > 0 -%}{{ return(result.rows[0][0] | int) }}{%- endif -%}
{{ return(1) }}
{%- endmacro %}

{% macro date_spine(datepart, start_date, end_date) %}{{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}{% endmacro %}
{% macro default__date_spine(datepart, start_date, end_date) -%}
select date_{{ datepart }} from (
    select {{ dateadd(datepart, 'spine.i', start_date) }} as date_{{ datepart }}
    from range(0, {{ datediff(start_date, end_date, datepart) }}) as spine(i)
) as all_periods
where date_{{ datepart }} <= {{ end_date }}
{%- endmacro %}
`;
