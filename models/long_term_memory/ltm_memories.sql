{#-
  ltm_memories — long-term memories: replayed memories moved to the cortex (fate
  cortical_transfer) or kept by the hippocampus for further replay (hippocampal_retention).

  - stability = consolidated strength (times hippocampal_stability_factor for hippocampal ones)
  - importance = emotion, co-activation and concept richness (importance_weight_* vars)
  - decay_resistance = exp(-synaptic_decay_rate * age_days) * stability, with age_days the age
    of the memory when it was consolidated (a fact that never changes); its value at as_of is
    ltm_retention.retention
  - embedding: memory_embedding(content), used by related_memories (offline: hashed bag of
    words; with the LLM: a cached embedding)

  Incremental, partitioned by month of consolidated_at (the night of its replay, derived from
  the memory's own timestamps, not from as_of), insert_overwrite: a run selects every long-term
  memory from the first day of the newest stored month on, so each month in the batch is
  complete, and bmp replaces those months whole. Older months are complete and untouched.
  Indexed on memory_id for point lookups. Not a UNIQUE index: DuckDB checks unique indexes
  over-eagerly, so deleting a month and re-inserting its rows in one transaction (what a partition
  overwrite is) would fail with a duplicate key; uniqueness is a data test instead.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    partition_by={'field': 'consolidated_at', 'granularity': 'month'},
    indexes=[{'columns': ['memory_id'], 'unique': false}],
    on_schema_change='fail'
) }}

with transferred as (
    select r.*
    from {{ ref('memory_replay') }} as r
    where r.fate in ('cortical_transfer', 'hippocampal_retention')
    {% if is_incremental() %}
      and r.consolidated_at >= {{ newest_partition_start(this, 'consolidated_at') }}
    {% endif %}
),

described as (
    select
        t.*,
        m.content,
        {{ ltm_stability('t.consolidated_strength', 't.fate') }} as stability,
        {{ ltm_importance('t.emotional_salience', 't.co_activation_count', 't.concepts') }} as importance,
        {{ days_between('t.consolidated_at', 't.created_at') }} as age_at_consolidation_days
    from transferred as t
    -- content never changes: read it from raw_memories (a join on its id skips most of it)
    join {{ ref('raw_memories') }} as m on m.memory_id = t.memory_id
)

select
    memory_id,
    episode_id,
    primary_concept,
    concepts,
    content,
    created_at,
    consolidated_at,
    {{ month_partition('consolidated_at') }} as consolidation_month,
    fate,
    case when fate = 'cortical_transfer' then 'neocortex' else 'hippocampus' end as memory_store,
    stm_strength,
    replay_strength,
    consolidated_strength,
    emotional_salience,
    co_activation_count,
    stability,
    importance,
    age_at_consolidation_days,
    {{ decay_resistance('stability', 'age_at_consolidation_days') }} as decay_resistance,
    episode_gist,
    {{ memory_embedding('content') }} as embedding
from described
order by consolidated_at, memory_id
