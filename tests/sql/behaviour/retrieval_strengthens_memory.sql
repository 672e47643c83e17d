-- Behaviour: retrieving a memory strengthens it (the testing effect), more so when retrievals are
-- spaced.
-- Findings: retrieval practice makes memories last (Roediger & Karpicke 2006; Karpicke & Roediger
-- 2008); a memory that was retrieved after its consolidation night demonstrably still existed and is
-- re-stabilised by the retrieval (reconsolidation, Nader, Schafe & LeDoux 2000); spaced practice
-- beats massed practice at equal retention intervals (Cepeda et al. 2006).
-- Measures (each returns rows when violated):
--  1. every memory accessed after its first consolidation night, whose next night has come, is in
--     long-term memory (ltm_retention);
--  2. mean retention at as_of (recall probability, 0 for memories not in long-term memory) of
--     memories accessed 10 times or more exceeds that of memories accessed once by at least 0.10,
--     among the memories of the last behaviour_horizon_years;
--  3. among memories accessed 2-20 times, those whose accesses were spaced (mean gap >= 1 day)
--     are retained better than massed ones (all accesses within an hour), compared within the same
--     retention interval (time since the last access, log2 bins) and weighted by stratum size.
{%- set min_gain = 0.10 %}
-- Every measure reads memory_retention once (the view ltm_retention filters: a long-term
-- memory's retention, 0 otherwise; the first night, creation and access times known at as_of are
-- memory_replay's and stg_memories'): joining memory_replay, stg_memories and ltm_retention
-- computed both views for every memory and hashed a million rows twice (1M, 2 DuckDB threads:
-- 0.56-0.95 -> 0.49-0.56 CPU-s; the view is still computed for every memory, since the three
-- measures together need nearly all of them).
with past_night as (
    select
        memory_id,
        first_night_at as consolidated_at,
        created_at,
        last_accessed_at,
        access_count,
        case when in_long_term_memory then retention else 0.0 end as retention,
        in_long_term_memory as in_ltm,
        as_of
    from {{ ref('memory_retention') }}
    where state <> 'short_term'
),
lost_after_retrieval as (
    select 'retrieved after its night but not in long-term memory' as violation,
           count(*) as memories, null::double as value
    from past_night
    where last_accessed_at > consolidated_at
      and {{ next_sleep_cycle('last_accessed_at') }} <= as_of
      and not in_ltm
    having count(*) > 0
),
-- over the memories of the last lifetime before as_of (behaviour_horizon_years): a synthetic
-- stream of millions of notes spans centuries, whose retention is ~0 whatever the practice
gain as (
    select
        avg(retention) filter (where access_count >= 10) - avg(retention) filter (where access_count = 1) as value,
        count(*) filter (where access_count >= 10) as n_often
    from past_night
    where created_at > as_of - interval {{ (var('behaviour_horizon_years') * 365.25) | int }} day
),
no_testing_effect as (
    select 'retention gain of 10+ accesses over 1 below {{ min_gain }}', n_often, value
    from gain
    where n_often >= 30 and not (value >= {{ min_gain }})
),
practised as (
    select
        *,
        {{ days_between('last_accessed_at', 'created_at') }} / (access_count - 1) as mean_gap_days,
        floor(log2(greatest({{ days_between('as_of', 'last_accessed_at') }}, 1.0 / 24))) as interval_bin
    from past_night
    where access_count between 2 and 20
),
strata as (
    select
        interval_bin,
        avg(retention) filter (where mean_gap_days >= 1) as spaced,
        avg(retention) filter (where {{ days_between('last_accessed_at', 'created_at') }} <= 1.0 / 24) as massed,
        least(count(*) filter (where mean_gap_days >= 1), count(*) filter (where {{ days_between('last_accessed_at', 'created_at') }} <= 1.0 / 24)) as weight
    from practised
    group by interval_bin
),
spacing as (
    select sum((spaced - massed) * weight) / nullif(sum(weight), 0) as value, sum(weight) as n
    from strata
    where weight >= 5
),
no_spacing_effect as (
    select 'spaced retrievals not better than massed at equal retention interval', n, value
    from spacing
    where n >= 30 and not (value > 0)
)
select * from lost_after_retrieval
union all select * from no_testing_effect
union all select * from no_spacing_effect
