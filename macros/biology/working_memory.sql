{#-
  The working-memory lookup at any instant (wm_active_context at as_of; callers and the seed's
  benchmark query at any other time): the memories accessed within working_memory_window_minutes
  before `as_of` whose activation at `as_of` exceeds plasticity_threshold, with their scores,
  read from memory_accesses (clustered by access time). `as_of` is a TIMESTAMP expression; a
  literal (or a pinned var) lets DuckDB prune by zone maps to the row groups of the window.
  Same scores as stg_memories at that instant (macros/biology/activation.sql).
-#}
{% macro working_memory_lookup(as_of, relation=none) -%}
  {%- set rel = relation if relation else ref('memory_accesses') -%}
  select
      memory_id,
      accessed_at as last_accessed_at,
      access_count,
      created_at,
      complexity,
      recency,
      frequency,
      novelty,
      {{ activation_score('novelty', 'recency', 'frequency') }} as activation
  from (
      select
          *,
          {{ recency_score(hours_between(as_of, 'accessed_at')) }} as recency,
          {{ frequency_score('access_count') }} as frequency,
          {{ novelty_score('epoch(' ~ as_of ~ ') - epoch(created_at)') }} as novelty
      from {{ rel }}
      where accessed_at > {{ as_of }} - {{ minutes_interval(var('working_memory_window_minutes')) }}
        and accessed_at <= {{ as_of }}
        and is_last_access = (last_accessed_at <= {{ as_of }})
  )
  where {{ activation_score('novelty', 'recency', 'frequency') }} > {{ var('plasticity_threshold') }}
{%- endmacro %}
