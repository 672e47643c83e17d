{#-
  memory_health — one row per stage at as_of: how many items it holds, their mean strength (the
  stage's own measure, named in strength_measure), working-memory load against capacity, the
  stage's forgetting rate, and the LLM cache hit rate (NULL while no LLM provider has been used).
-#}
{{ config(materialized='view') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

stages as (
    select 1 as stage_order, 'input' as stage, count(*) as items,
           avg(activation) as mean_strength, 'activation' as strength_measure,
           cast(null as integer) as capacity, cast(null as double) as forgetting_rate
    from {{ ref('stg_memories') }}

    union all
    select 2, 'working_memory', count(*),
           avg(activation), 'activation',
           coalesce(max(wm_capacity), {{ var('working_memory_capacity') }}), cast(null as double)
    from {{ ref('wm_active_context') }}

    union all
    -- items in short-term memory now; forgetting = phases ended without being ready for sleep
    select 3, 'short_term_memory',
           count(*) filter (where not phase_complete),
           avg(stm_strength) filter (where not phase_complete), 'stm_strength',
           cast(null as integer),
           avg(case when ready_for_consolidation then 0.0 else 1.0 end) filter (where phase_complete)
    from {{ ref('stm_episodes') }}

    union all
    -- forgetting = replayed memories whose fate is to fade or be lost
    select 4, 'consolidation', count(*),
           avg(replay_strength), 'replay_strength',
           cast(null as integer),
           avg(case when fate in ('gradual_forgetting', 'rapid_forgetting') then 1.0 else 0.0 end)
    from {{ ref('memory_replay') }}

    union all
    -- forgetting = long-term memories whose retention fell under the gradual-forgetting level
    select 5, 'long_term_memory', count(*),
           avg(retention), 'retention',
           cast(null as integer),
           avg(case when retention < {{ var('gradual_forgetting_threshold') }} then 1.0 else 0.0 end)
    from {{ ref('ltm_retention') }}

    union all
    -- items = surviving associations; forgetting = pruned share
    select 6, 'semantic_network', count(*) filter (where not is_pruned),
           avg(weight) filter (where not is_pruned), 'weight',
           cast(null as integer),
           avg(case when is_pruned then 1.0 else 0.0 end)
    from {{ ref('concept_associations') }}

    union all
    select 7, 'related_memories', count(*),
           avg(similarity), 'similarity',
           cast(null as integer), cast(null as double)
    from {{ ref('related_memories') }}
)

select
    s.stage_order,
    s.stage,
    cast(s.items as bigint) as items,
    s.mean_strength,
    s.strength_measure,
    s.capacity,
    case when s.capacity > 0 then s.items / s.capacity end as load_ratio,
    s.forgetting_rate,
    {{ llm_cache_hit_rate() }} as llm_cache_hit_rate,
    clock.as_of
from stages as s
cross join clock
order by s.stage_order
