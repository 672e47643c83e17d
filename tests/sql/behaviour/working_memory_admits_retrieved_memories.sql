-- Behaviour: a long-term memory that has just been retrieved can enter working memory.
-- Findings: working memory is the activated part of long-term memory plus a focus of attention
-- (Cowan 1999; Oberauer 2002; the episodic buffer, Baddeley 2000): what is attended depends on when
-- it was last accessed, not on when it was first encoded.
-- Measure: for every memory re-accessed 30 days or more after its creation, its activation one
-- minute after that access (the pipeline's own activation formula: macros/biology/activation.sql)
-- exceeds plasticity_threshold, the bar for entering working memory, in at least 95% of cases.
{%- set min_share = 0.95 %}
with retrieved as (
    select
        memory_id,
        {{ activation_score(
              novelty_score('epoch(last_accessed_at) - epoch(created_at) + 60'),
              recency_score('1.0 / 60'),
              frequency_score('access_count')) }} as activation_after_access
    from {{ ref('stg_memories') }}
    where access_count >= 2
      and last_accessed_at >= created_at + interval 30 day
),
share as (
    select avg((activation_after_access > {{ var('plasticity_threshold') }})::int) as value,
           max(activation_after_access) as best, count(*) as n
    from retrieved
)
select 'retrieved old memories cannot enter working memory' as violation, value, best, n
from share
where n >= 1 and not (value >= {{ min_share }})
