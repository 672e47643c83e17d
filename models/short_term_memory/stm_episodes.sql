{#-
  stm_episodes — each memory's short-term (hippocampal) phase: one row per memory.

  The phase lasts short_term_window_hours from encoding (stm_ends_at). Facts are evaluated at
  stm_evaluated_at = least(as_of, stm_ends_at), from events up to that time only:
  - episode: per primary concept, a silence over episode_gap_minutes starts a new episode;
    episode_id is the memory_id of its first member (decided by the past only, so final at
    encoding); episode_position counts members in order.
  - co_activation_count: other members of its episode encoded within short_term_window_hours
    before or after it (held in short-term memory together); competition = that, capped.
  - interference_count: items of other episodes encoded within interference_window_minutes of it
    that share its concepts, once per shared concept (similar content competes, McGeoch 1932;
    earlier similar items interfere proactively, Underwood 1957); interference in [0, 1].
  - recency_factor: exp(-ln 2 * hours from the last rehearsal to the first night's replay /
    stm_recency_half_life_hours) (to as_of while the phase lasts); a rehearsal is an access during
    the phase, encoding the first one. Time awake before sleep weakens the trace.
  - stm_strength = least(1, recency_factor * (1 + competition * gain) * (1 - interference)).
  - consolidation_probability = 1 - exp(-consolidation_drive * stm_strength * emotional_salience):
    emotion scales the chance of consolidation, it does not gate it.
  - ready_for_consolidation: phase complete, tagged (a fixed per-memory draw under the
    probability) and interference <= stm_max_interference, or flashbulb (see
    macros/biology/short_term.sql); replay_scheduled_at is the first night after the phase
    (consolidation_hour).

  Incremental (merge on memory_id). Once as_of passes stm_ends_at a row never changes again;
  before that it is provisional and re-merged every run. A run recomputes the memories encoded
  within short_term_window_hours of the newest stored one (every provisional row, plus a few
  final ones, recomputed to the same values), reading a further window of older memories as
  context: their stored episode ids continue open episodes, and they count as neighbours in the
  windows. Every window looks back at most that far and forward at most short_term_window_hours,
  so each row is a function of the input and its own evaluation time: building day by day gives
  the rows one full build gives. (A memory arriving late, encoded before the recomputed range,
  is only picked up by --full-refresh.)
-#}
{#- incremental_insert_first=false: every run re-merges the provisional rows: one MERGE from the SELECT, no insert tried first -#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='merge',
    incremental_insert_first=false,
    on_schema_change='fail'
) }}

{%- set stm_hours = var('short_term_window_hours') -%}
{%- set gap_hours = var('episode_gap_minutes') / 60.0 -%}
{%- set interference_hours = var('interference_window_minutes') / 60.0 -%}
{#- windows never look forward past the end of the phase, so facts are final when it ends -#}
{%- set interference_ahead_hours = interference_hours if interference_hours < stm_hours else stm_hours -%}
{#- the context read before the recomputed rows covers every look-back -#}
{%- set context_hours = stm_hours -%}
{%- if gap_hours > context_hours %}{% set context_hours = gap_hours %}{% endif -%}
{%- if interference_hours > context_hours %}{% set context_hours = interference_hours %}{% endif %}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

{% if is_incremental() %}
bounds as (
    select
        coalesce(max(created_at), '-infinity'::timestamp) - {{ hours_interval(stm_hours) }} as recompute_after,
        coalesce(max(created_at), '-infinity'::timestamp) - {{ hours_interval(stm_hours + context_hours) }} as context_after
    from {{ this }}
),
{% endif %}

memories as (
    select
        m.memory_id,
        m.primary_concept,
        m.concepts,
        m.created_at,
        m.last_accessed_at,
        m.emotional_salience,
        {% if is_incremental() %}
        -- context: final rows already stored (a missing one is recomputed instead)
        m.created_at <= b.recompute_after and s.memory_id is not null as is_context,
        s.episode_id as stored_episode_id,
        s.episode_started_at as stored_episode_started_at,
        s.episode_position as stored_episode_position
        {% else %}
        false as is_context,
        cast(null as bigint) as stored_episode_id,
        cast(null as timestamp) as stored_episode_started_at,
        cast(null as integer) as stored_episode_position
        {% endif %}
    from {{ ref('stg_memories') }} as m
    {% if is_incremental() %}
    cross join bounds as b
    -- an equi-join only (a condition on `bounds` here would turn it into a nested-loop join);
    -- stored values are used for context rows only
    left join {{ this }} as s
      on s.memory_id = m.memory_id
    where m.created_at > b.context_after
    {% endif %}
),

-- episodes: a gap over episode_gap_minutes within the primary concept starts a new one
sequenced as (
    select
        *,
        lag(created_at) over concept_timeline as previous_same_concept_at,
        -- place on the concept's timeline: an episode is a run of it, so a member's position is
        -- counted from the episode's last known place (same window, one sort)
        row_number() over concept_timeline as timeline_place
    from memories
    window concept_timeline as (partition by primary_concept order by created_at, memory_id)
),

anchored as (
    select
        *,
        case
            when is_context then stored_episode_id
            when previous_same_concept_at is null
              or created_at - previous_same_concept_at > {{ minutes_interval(var('episode_gap_minutes')) }} then memory_id
        end as episode_anchor_id,
        case
            when is_context then stored_episode_started_at
            when previous_same_concept_at is null
              or created_at - previous_same_concept_at > {{ minutes_interval(var('episode_gap_minutes')) }} then created_at
        end as episode_anchor_at,
        -- a known episode position: a stored row's, or 1 where a new episode starts
        case
            when is_context then stored_episode_position
            when previous_same_concept_at is null
              or created_at - previous_same_concept_at > {{ minutes_interval(var('episode_gap_minutes')) }} then 1
        end as known_position
    from sequenced
),

episodes as (
    select
        *,
        last_value(episode_anchor_id ignore nulls) over episode_so_far as episode_id,
        last_value(episode_anchor_at ignore nulls) over episode_so_far as episode_started_at,
        last_value(known_position ignore nulls) over episode_so_far as last_known_position,
        last_value(case when known_position is not null then timeline_place end ignore nulls) over episode_so_far as last_known_place
    from anchored
    window episode_so_far as (
        partition by primary_concept order by created_at, memory_id
        rows between unbounded preceding and current row)
),

positioned as (
    select
        *,
        -- the last known position in the episode (this row's own when stored, 1 at a new
        -- episode's first member) plus the members since: the stored rows precede the new
        -- ones in time, so this is the stored episode's last position + the new rank in it
        last_known_position + (timeline_place - last_known_place) as episode_position,
        -- members of the episode held in short-term memory together with this one
        count(*) over (
            partition by episode_id order by created_at
            range between {{ hours_interval(stm_hours) }} preceding and {{ hours_interval(stm_hours) }} following
        ) - 1 as co_activation_count
    from episodes
),

-- interference: items of other episodes encoded within interference_window_minutes that share
-- concepts with this item, each counted once per shared concept (more similar, more
-- interference). Matched by time bucket (width = the window; a bucket and its two neighbours
-- cover +/- the window) and concept: an equi-join, linear in the number of memories.
mentions as (
    select
        memory_id,
        episode_id,
        created_at,
        is_context,
        unnest(concepts) as concept,
        cast(floor(epoch(created_at) / {{ interference_hours * 3600 }}) as bigint) as time_bucket
    from positioned
),

probes as (
    select
        m.memory_id,
        m.episode_id,
        m.concept,
        m.created_at,
        m.time_bucket + neighbour.shift as time_bucket
    from mentions as m
    cross join (values (-1), (0), (1)) as neighbour(shift)
    where not m.is_context
),

interference_counts as (
    select
        p.memory_id,
        count(*) as interference_count
    from probes as p
    join mentions as s
      on s.concept = p.concept
     and s.time_bucket = p.time_bucket
    where s.episode_id <> p.episode_id
      and s.created_at >= p.created_at - {{ hours_interval(interference_hours) }}
      and s.created_at <= p.created_at + {{ hours_interval(interference_ahead_hours) }}
    group by p.memory_id
),

phased as (
    select
        p.*,
        cast(coalesce(i.interference_count, 0) as integer) as interference_count,
        p.created_at + {{ hours_interval(stm_hours) }} as stm_ends_at,
        least(clock.as_of, p.created_at + {{ hours_interval(stm_hours) }}) as stm_evaluated_at,
        p.created_at + {{ hours_interval(stm_hours) }} <= clock.as_of as phase_complete
    from positioned as p
    cross join clock
    left join interference_counts as i
      on i.memory_id = p.memory_id
    where not p.is_context
),

rehearsed as (
    select
        *,
        last_accessed_at > created_at and last_accessed_at <= stm_evaluated_at as rehearsed,
        case when last_accessed_at > created_at and last_accessed_at <= stm_evaluated_at
             then last_accessed_at else created_at end as last_rehearsal_at,
        {{ next_sleep_cycle('stm_ends_at') }} as replay_scheduled_at
    from phased
),

scored as (
    select
        *,
        -- freshness when the trace is replayed (its first night), or now while the phase lasts
        {{ stm_recency_factor(hours_between('case when phase_complete then replay_scheduled_at else stm_evaluated_at end', 'last_rehearsal_at')) }} as recency_factor,
        {{ stm_competition('co_activation_count') }} as competition,
        {{ interference_score('interference_count') }} as interference
    from rehearsed
),

strengths as (
    select
        *,
        {{ stm_strength('recency_factor', 'competition', 'interference') }} as stm_strength
    from scored
),

tagged as (
    select
        *,
        {{ consolidation_probability('stm_strength', 'emotional_salience') }} as consolidation_probability
    from strengths
)

select
    memory_id,
    primary_concept,
    concepts,
    created_at,
    episode_id,
    episode_started_at,
    cast(episode_position as integer) as episode_position,
    stm_ends_at,
    stm_evaluated_at,
    phase_complete,
    rehearsed,
    last_rehearsal_at,
    recency_factor,
    emotional_salience,
    cast(co_activation_count as integer) as co_activation_count,
    cast(competition as integer) as competition,
    interference_count,
    interference,
    stm_strength,
    consolidation_probability,
    {{ ready_for_consolidation('phase_complete', 'consolidation_probability', stable_draw('memory_id', 'consolidation'), 'interference', 'emotional_salience') }} as ready_for_consolidation,
    replay_scheduled_at
from tagged
{#- A full build writes its rows in memory_id order (the windows above leave them grouped by concept):
    ids follow encoding time, so each row group then holds a narrow range of ids, times and nights,
    and the incremental readers' filters skip the rest by zone maps: this model's own MERGE and
    context join, memory_replay's new nights and episodes, and, since memory_replay's rows come out
    in this order too (its final joins stream this table's rows), ltm_memories' newest month
    (1M: a +1% run ~90 ms shorter, a run with nothing new ~60 ms, the full build no slower; 10M:
    +1% 5.50 -> 5.05 s, the sort spills and a full build takes ~3% longer: docs/BENCHMARKS.md,
    twenty-first session). Incremental runs append their rows, which are the newest, after the
    stored ones. #}
{%- if not is_incremental() %}
order by memory_id
{%- endif %}
