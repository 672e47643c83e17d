-- Behaviour: the forgetting rate falls with the age of a memory.
-- Finding: Jost's second law (Jost 1897) and the power-law / logarithmic form of forgetting
-- curves (Wixted & Ebbesen 1991; Rubin & Wenzel 1996): of two memories of equal strength the older
-- one is lost more slowly, so the hazard -d ln R / dt falls with age. An exponential (constant
-- hazard) fails this test.
-- Measure: long-term memories never re-accessed (pure forgetting, no retrieval practice); the
-- log-slope of retention against age over 7-60 days must be at least twice as steep as over the
-- oldest half of the ages (and over at least 180 days of age). Returns one row when it is not;
-- nothing when either window holds fewer than 30 memories (too little history to judge).
{%- set early_from = 7 %}
{%- set early_to = 60 %}
{%- set hazard_ratio = 2 %}
-- memory_retention's long-term rows (ltm_retention's) with the access count known at as_of, read
-- from the one view: the filter reaches its scan, so retention is computed for the memories
-- accessed once only (joining ltm_retention to stg_memories computed it for every long-term
-- memory and hashed a million rows: 1M, 0.30 -> 0.11 CPU-s)
with pure as (
    select age_days, ln(retention) as log_retention
    from {{ ref('memory_retention') }}
    where in_long_term_memory and access_count = 1 and retention > 0
),
windows as (
    select max(age_days) as oldest from pure
),
fits as (
    select
        regr_slope(log_retention, age_days) filter (where age_days between {{ early_from }} and {{ early_to }}) as early_slope,
        count(*) filter (where age_days between {{ early_from }} and {{ early_to }}) as early_n,
        regr_slope(log_retention, age_days) filter (where age_days >= greatest(w.oldest / 2, 180)) as late_slope,
        count(*) filter (where age_days >= greatest(w.oldest / 2, 180)) as late_n
    from pure cross join windows as w
    group by w.oldest
)
select
    'forgetting hazard does not fall with age' as violation,
    early_slope, late_slope, early_slope / nullif(late_slope, 0) as hazard_ratio, early_n, late_n
from fits
where early_n >= 30 and late_n >= 30
  and not (early_slope <= {{ hazard_ratio }} * late_slope)
