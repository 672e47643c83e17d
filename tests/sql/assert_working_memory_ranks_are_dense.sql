-- Working-memory ranks are exactly 1..n: no gaps, no repeats.
select count(*) as items, min(wm_rank) as min_rank, max(wm_rank) as max_rank, count(distinct wm_rank) as distinct_ranks
from {{ ref('wm_active_context') }}
having count(*) > 0
   and (min(wm_rank) <> 1 or max(wm_rank) <> count(*) or count(distinct wm_rank) <> count(*))
