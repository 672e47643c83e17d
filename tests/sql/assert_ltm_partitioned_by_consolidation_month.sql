-- Every long-term memory sits in the partition (month) of its own consolidation time.
select memory_id, consolidated_at, consolidation_month
from {{ ref('ltm_memories') }}
where consolidation_month <> cast(date_trunc('month', consolidated_at) as date)
