-- Behaviour: emotion enhances consolidation, within bounds, and its advantage grows with delay.
-- Findings: emotional arousal modulates consolidation through the amygdala (McGaugh 2004): an
-- enhancement, not a gate (neutral material is remembered well too, Standing 1973). Emotional
-- memories are forgotten more slowly, so their advantage grows with the retention interval
-- (Kleinsmith & Kaplan 1963; Sharot & Phelps 2004; Yonelinas & Ritchey 2015).
-- Measures (rows when violated):
--  1. at the first consolidation night, P(kept | |valence| < 0.1) >= 0.2 and
--     P(kept | |valence| >= 0.6) / P(kept | |valence| < 0.1) within [1.1, 3];
--  2. among memories never re-accessed (as in the laboratory studies: no retrieval practice), the
--     ratio of mean retention (0 when not in long-term memory) of emotional (|v| >= 0.6) to
--     neutral (|v| < 0.1) memories at remote ages (>= 180 days) is at least 1.1 times the ratio
--     at recent ages (2-90 days).
{%- set min_neutral = 0.2 %}
{%- set min_ratio = 1.1 %}
{%- set max_ratio = 3.0 %}
{%- set growth = 1.1 %}
with kept as (
    select
        abs(m.emotional_valence) as arousal,
        (r.fate in ('cortical_transfer', 'hippocampal_retention'))::int as kept,
        coalesce(l.retention, 0.0) as retention,
        m.access_count = 1 as never_reaccessed,
        {{ days_between('c.as_of', 'm.created_at') }} as age_days
    from {{ ref('memory_replay') }} as r
    join {{ ref('stg_memories') }} as m on m.memory_id = r.memory_id
    left join {{ ref('ltm_retention') }} as l on l.memory_id = r.memory_id
    cross join {{ ref('pipeline_clock') }} as c
),
first_night as (
    select
        avg(kept) filter (where arousal < 0.1) as p_neutral,
        avg(kept) filter (where arousal >= 0.6) as p_emotional,
        count(*) filter (where arousal < 0.1) as n_neutral
    from kept
),
by_delay as (
    select
        avg(retention) filter (where arousal >= 0.6 and age_days between 2 and 90)
          / nullif(avg(retention) filter (where arousal < 0.1 and age_days between 2 and 90), 0) as recent_ratio,
        avg(retention) filter (where arousal >= 0.6 and age_days >= 180)
          / nullif(avg(retention) filter (where arousal < 0.1 and age_days >= 180), 0) as remote_ratio,
        count(*) filter (where arousal < 0.1 and age_days between 2 and 90) as n_recent,
        count(*) filter (where arousal < 0.1 and age_days >= 180) as n_remote
    from kept
    where never_reaccessed
)
select 'neutral memories rarely kept' as violation, p_neutral as value, p_emotional / nullif(p_neutral, 0) as ratio
from first_night
where n_neutral >= 30 and not (p_neutral >= {{ min_neutral }})
union all
select 'emotional enhancement outside [{{ min_ratio }}, {{ max_ratio }}]', p_neutral, p_emotional / nullif(p_neutral, 0)
from first_night
where n_neutral >= 30 and not (p_emotional / nullif(p_neutral, 0) between {{ min_ratio }} and {{ max_ratio }})
union all
select 'emotional advantage does not grow with delay', recent_ratio, remote_ratio
from by_delay
where n_recent >= 10 and n_remote >= 10
  and not (remote_ratio >= {{ growth }} * recent_ratio)
