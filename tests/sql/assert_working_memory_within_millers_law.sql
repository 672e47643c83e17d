-- The span (Cowan's 4 +/- 1 chunks by default, Miller's 7 +/- 2 for simple items): working memory
-- never holds more than capacity + variance items, its span stays within capacity +/- variance,
-- and it never holds more than its span.
-- Returns one row per violation.
with held as (
    select count(*) as items, min(wm_capacity) as min_span, max(wm_capacity) as max_span
    from {{ ref('wm_active_context') }}
)
select 'more items than capacity + variance' as violation, items, min_span, max_span
from held
where items > {{ var('working_memory_capacity') + var('working_memory_variance') }}
union all
select 'span outside capacity +/- variance', items, min_span, max_span
from held
where min_span < {{ var('working_memory_capacity') - var('working_memory_variance') }}
   or max_span > {{ var('working_memory_capacity') + var('working_memory_variance') }}
union all
select 'more items than the span', items, min_span, max_span
from held
where items > max_span
union all
select 'span differs between rows', items, min_span, max_span
from held
where min_span <> max_span
