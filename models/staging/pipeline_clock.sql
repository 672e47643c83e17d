{#-
  pipeline_clock — the one "now" of a run (var as_of, see macros/biology/time.sql), computed once
  and read by every model, so all stages of a run agree on the time and nothing calls now().
  Rebuilt each run (table): views over the stages show the state as of the last build.
-#}
{{ config(materialized='table') }}

select
    {{ as_of() }} as as_of,
    {% if var('as_of', none) %}'pinned'{% elif var('memories_path', none) %}'run_started_at'{% else %}'newest_memory'{% endif %} as as_of_source,
    {% if var('memories_path', none) %}'memories_path'{% else %}'synthetic'{% endif %} as input_kind,
    (select count(*) from {{ ref('raw_memories') }}) as raw_memories
