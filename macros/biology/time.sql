{#-
  Time in the pipeline. Nothing calls now(): "now" is as_of(), computed once per run by the
  pipeline_clock model; every other model reads it from there.
-#}

{#- The pipeline's "now" as a TIMESTAMP expression.
    - var('as_of') set: that instant (reproducible; tests and day-by-day builds pin it).
    - synthetic input: the newest memory's creation time. It is a pure function of the data, so a
      build is reproducible and raising synthetic_memories moves "now" to the newest memory, as a
      live stream would.
    - the user's input: the run's start time (run_started_at). -#}
{% macro as_of() -%}
  {%- set pinned = var('as_of', none) -%}
  {%- if pinned -%}
    cast('{{ pinned }}' as timestamp)
  {%- elif not var('memories_path', none) -%}
    (select max(created_at) from {{ ref('raw_memories') }})
  {%- else -%}
    cast(cast('{{ run_started_at }}' as timestamptz) as timestamp)
  {%- endif -%}
{%- endmacro %}

{#- Hours from `earlier` to `later` (DOUBLE, fractional). -#}
{% macro hours_between(later, earlier) -%}
  ((epoch({{ later }}) - epoch({{ earlier }})) / 3600.0)
{%- endmacro %}

{#- Days from `earlier` to `later` (DOUBLE, fractional). -#}
{% macro days_between(later, earlier) -%}
  ((epoch({{ later }}) - epoch({{ earlier }})) / 86400.0)
{%- endmacro %}

{#- An INTERVAL of `n` hours, fractional hours kept (DuckDB's `interval (x) hour` truncates x). -#}
{% macro hours_interval(n) -%}
  to_microseconds(cast(round(({{ n }}) * 3600000000.0) as bigint))
{%- endmacro %}

{#- An INTERVAL of `n` minutes, fractional minutes kept. -#}
{% macro minutes_interval(n) -%}
  to_microseconds(cast(round(({{ n }}) * 60000000.0) as bigint))
{%- endmacro %}

{#- The first consolidation hour (var consolidation_hour, the night's slow-wave sleep) strictly
    after `ts`: when a memory that left short-term memory at `ts` is replayed. Derived from the
    memory's own timestamps only, never from as_of. -#}
{% macro next_sleep_cycle(ts) -%}
  (date_trunc('day', {{ ts }} - {{ hours_interval(var('consolidation_hour')) }})
    + {{ hours_interval(24 + var('consolidation_hour')) }})
{%- endmacro %}
