-- With the defaults (10,000 synthetic memories) every stage holds rows and working memory holds
-- 5 to 9 items. A warning, not an error: a small dataset of the user's may leave a stage empty.
{{ config(severity='warn') }}
select stage, items, capacity
from {{ ref('memory_health') }}
where items = 0
   or (stage = 'working_memory'
       and (items < {{ var('working_memory_capacity') - var('working_memory_variance') }}
            or items > {{ var('working_memory_capacity') + var('working_memory_variance') }}))
