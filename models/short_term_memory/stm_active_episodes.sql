{#-
  stm_active_episodes — what is in short-term memory now: the episodes with members encoded
  within short_term_window_hours before as_of, one row per episode, from the stage facts of
  stm_episodes (those members' rows are still provisional, evaluated at as_of).
-#}
{{ config(materialized='view') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
)

select
    s.episode_id,
    s.primary_concept,
    min(s.episode_started_at) as episode_started_at,
    min(s.created_at) as first_member_in_stm_at,
    max(s.created_at) as last_member_at,
    cast(count(*) as integer) as members_in_stm,
    max(s.episode_position) as episode_size,
    avg(s.stm_strength) as mean_stm_strength,
    max(s.stm_strength) as max_stm_strength,
    avg(s.interference) as mean_interference,
    avg(s.emotional_salience) as mean_emotional_salience,
    min(s.stm_ends_at) as first_member_leaves_at,
    any_value(clock.as_of) as as_of
from {{ ref('stm_episodes') }} as s
cross join clock
where s.created_at > clock.as_of - {{ hours_interval(var('short_term_window_hours')) }}
  and s.created_at <= clock.as_of
group by s.episode_id, s.primary_concept
