-- Behaviour: interference from similar material causes forgetting, under the default vars.
-- Findings: interference theory (McGeoch 1932): similar items learned close in time compete, and
-- proactive interference from earlier similar material accounts for much of everyday forgetting
-- (Underwood 1957).
-- Measures (rows when violated):
--  1. the interference gate is live: at least 0.5% of completed short-term phases have
--     interference above stm_max_interference;
--  2. interference lowers consolidation: within strata of comparable memories (same competition,
--     rehearsal and emotional-salience decile), memories with interference >= 0.5 are replayed at
--     least 0.05 less often than memories without interference (weighted by stratum size).
{%- set min_live_share = 0.005 %}
{%- set min_drop = 0.05 %}
with phases as (
    select *
    from {{ ref('stm_episodes') }}
    where phase_complete
),
live as (
    select avg((interference > {{ var('stm_max_interference') }})::int) as share, count(*) as n
    from phases
),
strata as (
    select
        competition, rehearsed, floor(emotional_salience * 10) as salience_decile,
        avg(ready_for_consolidation::int) filter (where interference = 0) as p_none,
        avg(ready_for_consolidation::int) filter (where interference >= 0.5) as p_high,
        least(count(*) filter (where interference = 0), count(*) filter (where interference >= 0.5)) as weight
    from phases
    group by all
),
effect as (
    select sum((p_none - p_high) * weight) / nullif(sum(weight), 0) as drop, sum(weight) as n
    from strata
    where weight >= 3
)
select 'interference never exceeds the gate' as violation, share as value, n
from live
where n >= 1000 and not (share >= {{ min_live_share }})
union all
select 'interference does not lower consolidation', drop, n
from effect
where n >= 30 and not (drop >= {{ min_drop }})
union all
select 'too few interfered memories to measure an effect', null, coalesce(n, 0)
from effect
where (select n from live) >= 1000 and coalesce(n, 0) < 30
