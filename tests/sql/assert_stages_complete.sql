-- No memory falls through the stages: every memory known at as_of has a short-term row, and
-- every memory whose short-term phase ended and whose night has come has a replay row (and no
-- other has one). Catches incremental filters that skip rows.
with clock as (
    select as_of from {{ ref('pipeline_clock') }}
)
select 'no short-term row' as violation, m.memory_id
from {{ ref('stg_memories') }} as m
left join {{ ref('stm_episodes') }} as s on s.memory_id = m.memory_id
where s.memory_id is null
union all
select 'night came but no replay row', s.memory_id
from {{ ref('stm_episodes') }} as s
cross join clock
left join {{ ref('memory_replay') }} as r on r.memory_id = s.memory_id
where s.phase_complete and s.replay_scheduled_at <= clock.as_of and r.memory_id is null
union all
select 'replay row before its night', r.memory_id
from {{ ref('memory_replay') }} as r
cross join clock
where r.consolidated_at > clock.as_of
union all
select 'replayed memory was not ready', r.memory_id
from {{ ref('memory_replay') }} as r
join {{ ref('stm_episodes') }} as s on s.memory_id = r.memory_id
where r.replayed <> s.ready_for_consolidation
