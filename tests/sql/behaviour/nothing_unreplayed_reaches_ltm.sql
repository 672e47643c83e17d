-- Behaviour (the pipeline's own contract): nothing reaches long-term memory without replay.
-- Finding: hippocampal replay during sleep is what consolidates a trace (Wilson & McNaughton 1994;
-- Diekelmann & Born 2010); a memory that is not replayed keeps its short-term trace and fades.
-- Measures (rows when violated):
--  1. no memory that was not replayed on its night has a long-term fate;
--  2. every long-term memory was replayed: on its first night, or on the night after a later
--     retrieval (reconsolidation), which must have come by as_of.
with clock as (
    select as_of from {{ ref('pipeline_clock') }}
)
select 'unreplayed memory given a long-term fate' as violation, memory_id
from {{ ref('memory_replay') }}
where not replayed and fate in ('cortical_transfer', 'hippocampal_retention')
union all
select 'long-term memory never replayed', l.memory_id
from {{ ref('ltm_memories') }} as l
join {{ ref('memory_replay') }} as r on r.memory_id = l.memory_id
join {{ ref('stg_memories') }} as m on m.memory_id = l.memory_id
cross join clock
where not r.replayed
  and not (m.last_accessed_at > r.consolidated_at
           and {{ next_sleep_cycle('m.last_accessed_at') }} <= clock.as_of)
