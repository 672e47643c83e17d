-- Behaviour: Hebbian associations are bounded by the learning rule itself, and synaptic scaling
-- brings each concept's mean weight to its set point.
-- Findings: a Hebbian rule needs its own bound (Oja 1982's normalisation; the BCM rule,
-- Bienenstock, Cooper & Munro 1982); a clamp afterwards erases the order of the strongest links.
-- Synaptic scaling multiplies a neuron's synapses until its activity returns to a set point
-- (Turrigiano 2008).
-- Measures (rows when violated):
--  1. no association_strength or weight reaches 1 (nothing sits at a clamp);
--  2. no concept's strongest association is tied with its second while their histories differ
--     (different co-activation counts): a tie only a clamp creates;
--  3. for concepts with at least 10 surviving associations, the mean surviving weight is within
--     0.1 of homeostasis_target.
{%- set tolerance = 0.1 %}
-- semantic_network is a view: computed once here (materialized), not once per measure
with network as materialized (
    select source_concept, target_concept, weight, co_activation_count
    from {{ ref('semantic_network') }}
),
ranked as (
    select
        source_concept, target_concept, weight, co_activation_count,
        row_number() over (partition by source_concept order by weight desc, target_concept) as rank_in_source
    from network
),
top_two as (
    select
        source_concept,
        max(weight) filter (where rank_in_source = 1) as w1,
        max(weight) filter (where rank_in_source = 2) as w2,
        max(co_activation_count) filter (where rank_in_source = 1) as c1,
        max(co_activation_count) filter (where rank_in_source = 2) as c2
    from ranked
    group by source_concept
),
means as (
    select source_concept, avg(weight) as mean_weight, count(*) as n
    from network
    group by source_concept
)
select 'association at the clamp' as violation, source_concept, target_concept, association_strength as value
from {{ ref('concept_associations') }}
where association_strength >= 1 or weight >= 1
union all
select 'strongest association tied by a clamp', source_concept, null, w1
from top_two
where w1 = w2 and c1 <> c2
union all
select 'mean weight off the homeostatic set point', source_concept, null, mean_weight
from means
where n >= 10 and abs(mean_weight - {{ var('homeostasis_target') }}) > {{ tolerance }}
