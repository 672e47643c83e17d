-- Long-term memory holds exactly the replayed memories fated to the cortex or kept by the
-- hippocampus, each once, with the fate and consolidation time memory_replay gave it — what a
-- partition overwrite that lost or duplicated a month would break.
with expected as (
    select memory_id, fate, consolidated_at
    from {{ ref('memory_replay') }}
    where fate in ('cortical_transfer', 'hippocampal_retention')
),
stored as (
    select memory_id, fate, consolidated_at, count(*) over (partition by memory_id) as copies
    from {{ ref('ltm_memories') }}
)
select 'missing from long-term memory' as violation, e.memory_id
from expected as e
left join stored as s on s.memory_id = e.memory_id
where s.memory_id is null
union all
select 'not a retained memory', s.memory_id
from stored as s
left join expected as e on e.memory_id = s.memory_id
where e.memory_id is null or e.fate <> s.fate or e.consolidated_at <> s.consolidated_at
union all
select 'stored more than once', memory_id
from stored
where copies > 1
