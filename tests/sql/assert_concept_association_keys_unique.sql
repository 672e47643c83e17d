-- The composite key (source_concept, target_concept) is unique and not null (in
-- concept_associations and in the surviving semantic_network), no concept is associated with
-- itself, and every pair is stored in both directions with the same history.
-- concept_associations is a view: computed once here (materialized), not once per check.
with associations as materialized (
    select source_concept, target_concept, co_activation_count, last_co_activated_at
    from {{ ref('concept_associations') }}
),
keys as (
    select source_concept, target_concept, count(*) as n
    from associations
    group by source_concept, target_concept
)
select 'duplicate key' as violation, source_concept, target_concept
from keys where n > 1
union all
select 'duplicate key in semantic_network', source_concept, target_concept
from {{ ref('semantic_network') }}
group by source_concept, target_concept
having count(*) > 1
union all
select 'null key', source_concept, target_concept
from associations
where source_concept is null or target_concept is null
union all
select 'self association', source_concept, target_concept
from associations
where source_concept = target_concept
union all
select 'one direction only or histories differ', a.source_concept, a.target_concept
from associations as a
left join associations as b
  on b.source_concept = a.target_concept and b.target_concept = a.source_concept
where b.source_concept is null
   or b.co_activation_count <> a.co_activation_count
   or b.last_co_activated_at <> a.last_co_activated_at
