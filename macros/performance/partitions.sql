{#-
  Partition helpers for month-partitioned tables (config partition_by = {'field': ...,
  'granularity': 'month'}). bmp keeps such tables clustered by month and, with
  incremental_strategy='insert_overwrite', replaces every month present in a run's batch.
-#}

{#- The partition (month) a timestamp belongs to, as DATE. -#}
{% macro month_partition(ts) -%}
  cast(date_trunc('month', {{ ts }}) as date)
{%- endmacro %}

{#- The first instant of the newest month stored in `relation` (by `ts_column`), or -infinity when
    it is empty. With insert_overwrite a batch must hold *every* row of each month it touches, so
    an incremental run selects the rows from this instant on: the newest stored month (which may
    still be filling) is rebuilt whole, older months are complete and left alone. -#}
{% macro newest_partition_start(relation, ts_column) -%}
  (select coalesce(cast(date_trunc('month', max({{ ts_column }})) as timestamp), '-infinity'::timestamp) from {{ relation }})
{%- endmacro %}

{#- A predicate selecting the rows of the month containing `instant` — the form that lets DuckDB's
    zone maps skip the other months of a month-clustered table (a range on the raw column, not a
    function of it). -#}
{% macro in_month_of(ts_column, instant) -%}
  ({{ ts_column }} >= date_trunc('month', {{ instant }}) and {{ ts_column }} < date_trunc('month', {{ instant }}) + interval 1 month)
{%- endmacro %}
