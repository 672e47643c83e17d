-- Time never runs ahead of as_of: no stage holds a memory encoded, replayed or consolidated
-- after the run's as_of.
with clock as (
    select as_of from {{ ref('pipeline_clock') }}
)
select 'stm_episodes' as relation, s.memory_id
from {{ ref('stm_episodes') }} as s, clock
where s.created_at > clock.as_of or s.stm_evaluated_at > clock.as_of
union all
select 'memory_replay', r.memory_id
from {{ ref('memory_replay') }} as r, clock
where r.consolidated_at > clock.as_of
union all
select 'ltm_memories', l.memory_id
from {{ ref('ltm_memories') }} as l, clock
where l.consolidated_at > clock.as_of
union all
select 'wm_active_context', w.memory_id
from {{ ref('wm_active_context') }} as w, clock
where w.last_accessed_at > clock.as_of or w.created_at > clock.as_of
