{#-
  Incremental helpers.
-#}

{#- The largest `column` stored in `relation`, or `empty` when it holds no rows: the watermark an
    incremental run filters on (`where x > watermark`). `empty` defaults to -infinity, so the
    first run after an empty build still selects everything. -#}
{% macro watermark(relation, column, empty="'-infinity'::timestamp") -%}
  (select coalesce(max({{ column }}), {{ empty }}) from {{ relation }})
{%- endmacro %}
