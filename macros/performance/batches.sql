{#-
  Batch processing in fixed-size batches (memory_replay numbers its replays by sleep cycle
  instead: macros/biology/consolidation.sql sleep_cycle).
-#}

{#- The 1-based batch number of each row within its partition, in batches of `size` rows taken in
    `order_by` order (e.g. one night's replay, strongest first). Deterministic as long as
    `order_by` is a total order (end it with a key). -#}
{% macro consolidation_batch(partition_by, order_by, size) -%}
  cast((row_number() over (partition by {{ partition_by }} order by {{ order_by }}) - 1) // {{ size }} + 1 as integer)
{%- endmacro %}

{#- A filter keeping the first `batches` batches (for queries over a night's replay, e.g. the
    benchmark's "first three consolidation batches"). -#}
{% macro first_batches(batch_column, batches=3) -%}
  {{ batch_column }} <= {{ batches }}
{%- endmacro %}
