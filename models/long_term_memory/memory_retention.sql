{#-
  memory_retention — how well every memory is retained at as_of, where its trace is held, and how
  many times it has been replayed: the memory chain model (macros/biology/forgetting.sql) in
  closed form from the memory's own timestamps and as_of. A view: every value moves with as_of,
  so a table would rewrite every memory's retention on every run (1M: ~0.7 s, most of a +1%
  run's budget); each reader (the behavioural tests, ltm_retention, memory_health, the plots)
  computes it instead (~0.2-0.3 s at 1M), and only as arithmetic over memory_traces (and
  memory_traces_pending), which hold everything about a memory that does not move with as_of,
  built incrementally: no join, no hash, one scan.

  Per memory, at as_of:
  - state: short_term (its first night has not come), long_term (replayed at least once:
    ltm_memories), fading (its night came without replay; only a fading trace is left);
  - the stores' intensities: short_term (the last access, minutes to hours), hippocampal (the
    consolidated trace, weeks; or, never replayed, the fading unconsolidated trace, days), cortical
    (moved there by later nights' replay, decades), each summed over the encoding and every
    retrieval after the first night (evenly spaced between encoding and the last access; each
    worth retrieval_intensity * spacing_benefit(gap) and replayed the night after it);
  - retention = 1 - exp(-(short_term + hippocampal + cortical)): the probability of recall;
  - hippocampal_share and memory_store (hippocampus while the hippocampal trace is the larger,
    then neocortex), for long-term memories;
  - expected_replays: replays so far — the first night's, one after each later retrieval, and the
    later nights' (transfer_rate / cortical_learning_rate replays a day per unit of the remaining
    hippocampal trace).
-#}
{{ config(materialized='view') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

-- the stored, as_of-independent facts (memory_traces, incremental, and memory_traces_pending
-- for the memories before their first night), and the accesses known at
-- as_of (an access after as_of has not happened yet: as stg_memories decides it)
known as (
    select
        t.memory_id,
        t.primary_concept,
        t.created_at,
        t.stm_strength,
        t.emotional_salience,
        t.first_night_at,
        {{ access_known_at('clock.as_of', 't.recorded_last_accessed_at', 't.recorded_access_count', 't.created_at') }},
        t.emotional_valence,
        t.theme,
        t.settled as night_come,
        t.replayed,
        t.first_night_fate,
        t.consolidated_strength,
        t.first_night_replays,
        t.importance,
        t.transfer_rate,
        t.hippocampal_tau_days,
        clock.as_of
    from (
        select * from {{ ref('memory_traces') }}
        union all
        select * from {{ ref('memory_traces_pending') }}
    ) as t
    cross join clock
    where t.created_at <= clock.as_of
),

timed as (
    select
        *,
        {{ days_between('as_of', 'created_at') }} as age_days,
        {{ days_between('as_of', 'last_accessed_at') }} as days_since_access,
        {{ days_between('as_of', 'first_night_at') }} as days_since_first_night,
        access_count - 1 as retrievals,
        case when access_count > 1 then {{ days_between('last_accessed_at', 'created_at') }} / (access_count - 1) end as retrieval_gap_days
    from known
),

-- retrievals after the first night (the accesses, evenly spaced, that fall after it)
retrieved as (
    select
        *,
        case
            when night_come and retrievals > 0 and last_accessed_at > first_night_at
            then greatest(1, least(retrievals,
                 retrievals - floor({{ days_between('first_night_at', 'created_at') }} / retrieval_gap_days)))
            else 0
        end as retrievals_after_night
    from timed
),

membership as (
    select
        *,
        replayed or (retrievals_after_night > 0 and {{ next_sleep_cycle('last_accessed_at') }} <= as_of) as in_long_term_memory,
        case
            when replayed then first_night_at
            when retrievals_after_night > 0 and {{ next_sleep_cycle('last_accessed_at') }} <= as_of then {{ next_sleep_cycle('last_accessed_at') }}
        end as entered_at,
        {{ var('retrieval_intensity') }} * {{ spacing_benefit('retrieval_gap_days') }} as retrieval_gain
    from retrieved
),

stores as (
    select
        *,
        {{ decayed(var('short_term_intensity'), 'days_since_access', var('short_term_time_constant_hours') ~ ' / 24.0') }} as short_term_intensity,
        -- the encoding: consolidated on the first night (hippocampal chain), or fading unconsolidated
        case when replayed
             then {{ hippocampal_trace(var('hippocampal_intensity') ~ ' * consolidated_strength', 'days_since_first_night', 'hippocampal_tau_days') }}
             else {{ decayed(var('hippocampal_intensity') ~ ' * stm_strength', 'age_days', var('unconsolidated_time_constant_days')) }}
        end as encoding_hippocampal,
        case when replayed
             then {{ cortical_trace(var('hippocampal_intensity') ~ ' * consolidated_strength', 'transfer_rate', 'days_since_first_night', 'hippocampal_tau_days') }}
             else 0.0
        end as encoding_cortical,
        -- the retrievals after the first night, each a chain of its own
        retrieval_gain * {{ spaced_sum('retrievals_after_night', 'retrieval_gap_days', 'days_since_access', 'hippocampal_tau_days') }} as retrieval_hippocampal,
        retrieval_gain * {{ transfer_gain('transfer_rate', 'hippocampal_tau_days') }}
            * ({{ spaced_sum('retrievals_after_night', 'retrieval_gap_days', 'days_since_access', var('cortical_time_constant_days')) }}
             - {{ spaced_sum('retrievals_after_night', 'retrieval_gap_days', 'days_since_access', 'hippocampal_tau_days') }}) as retrieval_cortical
    from membership
)

select
    memory_id,
    primary_concept,
    theme,
    emotional_valence,
    emotional_salience,
    created_at,
    last_accessed_at,
    access_count,
    case when not night_come then 'short_term' when in_long_term_memory then 'long_term' else 'fading' end as state,
    first_night_at,
    first_night_fate,
    in_long_term_memory,
    entered_at,
    case when replayed then 'hippocampal_retention' when in_long_term_memory then 'reconsolidation' end as ltm_entry,
    consolidated_strength as stability,
    importance,
    transfer_rate,
    hippocampal_tau_days,
    retrievals_after_night,
    retrieval_gap_days,
    age_days,
    days_since_access,
    short_term_intensity,
    encoding_hippocampal + retrieval_hippocampal as hippocampal_intensity,
    encoding_cortical + retrieval_cortical as cortical_intensity,
    {{ recall_probability('short_term_intensity + encoding_hippocampal + retrieval_hippocampal + encoding_cortical + retrieval_cortical') }} as retention,
    case when in_long_term_memory then
        (encoding_hippocampal + retrieval_hippocampal)
        / nullif(encoding_hippocampal + retrieval_hippocampal + encoding_cortical + retrieval_cortical, 0)
    end as hippocampal_share,
    case when in_long_term_memory then
        case when encoding_hippocampal + retrieval_hippocampal >= encoding_cortical + retrieval_cortical
             then 'hippocampus' else 'neocortex' end
    end as memory_store,
    first_night_replays + retrievals_after_night
      + case when replayed
             then transfer_rate / {{ var('cortical_learning_rate') }} * hippocampal_tau_days
                  * (1 - exp(-greatest(0.0, days_since_first_night) / hippocampal_tau_days))
             else 0.0 end as expected_replays,
    as_of
from stores
