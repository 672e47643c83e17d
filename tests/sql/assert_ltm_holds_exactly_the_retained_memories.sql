-- Long-term memory holds exactly the memories replayed at least once: those replayed on their
-- first night (entering that night), and those retrieved after a first night without replay
-- (entering by reconsolidation the night after the last access), as memory_retention computes
-- them at as_of — what a partition overwrite that lost a month, or an incremental run that missed
-- a reconsolidation, would break. (Each once: the unique test on ltm_memories.memory_id, in the
-- batched scan of its generic tests; a window counting copies here cost ~0.1 s of CPU at 1M.)
with expected as (
    select memory_id, ltm_entry as fate, entered_at as consolidated_at
    from {{ ref('memory_retention') }}
    where in_long_term_memory
),
stored as (
    select memory_id, fate, consolidated_at
    from {{ ref('ltm_memories') }}
)
-- one full join (memory_retention is a view: two joins computed it twice; 10M 1.9-2.4 -> 1.3 s)
select
    case when s.memory_id is null then 'missing from long-term memory' else 'not a retained memory' end as violation,
    coalesce(e.memory_id, s.memory_id) as memory_id
from expected as e
full join stored as s on s.memory_id = e.memory_id
where s.memory_id is null or e.memory_id is null or e.fate <> s.fate or e.consolidated_at <> s.consolidated_at
