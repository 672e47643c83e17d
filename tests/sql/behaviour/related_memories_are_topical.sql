-- Behaviour: related memories are found by topic, not by template wording.
-- Findings: recall cues retrieve memories through shared meaning (pattern completion, Marr 1971;
-- McClelland et al. 1995; semantic cueing, Tulving & Pearlstone 1966), with temporal contiguity
-- (Howard & Kahana 2002) but not by incidental wording.
-- Measure: among memories with at least two concepts whose related list (top related_memories_k)
-- holds a memory sharing at least two concepts with them, the top-ranked related memory is such a
-- topical match in at least 60% of cases (a topical match must not be passed over for a better
-- worded one). Returns a row when it is not.
{%- set min_share = 0.6 %}
with cues as (
    select memory_id
    from {{ ref('ltm_memories') }}
    where len(concepts) >= 2
),
-- the cues' topical rows only (a cue without one does not count), so the aggregate groups the
-- cues that count and nothing else (at 10M: 3.1 -> 1.8 s alone)
topical as (
    select r.memory_id, r.similarity_rank
    from {{ ref('related_memories') }} as r
    where len(r.shared_concepts) >= 2
      and r.memory_id in (select memory_id from cues)
),
per_cue as (
    select memory_id, bool_or(similarity_rank = 1) as top_is_topical
    from topical
    group by memory_id
),
share as (
    select avg(top_is_topical::int) as value, count(*) as n
    from per_cue
)
select 'topical matches passed over' as violation, value, n
from share
where n >= 30 and not (value >= {{ min_share }})
