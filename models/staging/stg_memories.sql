{#-
  stg_memories — typed, cleaned memories as known at as_of, with their accessibility scores.

  A view: scores depend on as_of (pipeline_clock), so they are computed when read.
  - Memories created after as_of do not exist yet.
  - Accesses after as_of have not happened yet: a memory whose last access lies after as_of is
    seen as last accessed at its creation, with one access (only relevant when as_of is pinned
    in the past; the input holds no access history to do better).
  - recency   = exp(-ln 2 * hours_since_access / recency_half_life_hours)
    frequency = least(1, ln(1 + access_count) / ln(1 + frequency_saturation_accesses))
    novelty   = exp(-age_seconds / (activation_age_scale_days * 86400))
    activation = clamp(w_recency * recency + w_frequency * frequency + w_age * novelty): recency
                 of use dominates, so a just-retrieved old memory is as active as a new one
  Downstream stage tables read only the time-invariant columns (ids, content, creation time,
  concepts, valence) plus last_accessed_at compared against their own evaluation time.
-#}
{{ config(materialized='view') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

known as (
    select
        r.memory_id,
        r.content,
        r.created_at,
        {{ access_known_at('clock.as_of', 'r.last_accessed_at', 'r.access_count', 'r.created_at') }},
        r.concepts,
        r.concepts[1] as primary_concept,
        r.emotional_valence,
        r.source,
        r.external_id,
        r.theme,
        clock.as_of
    from {{ ref('raw_memories') }} as r
    cross join clock
    where r.created_at <= clock.as_of
),

timed as (
    select
        *,
        epoch(as_of) - epoch(created_at) as age_seconds,
        {{ hours_between('as_of', 'last_accessed_at') }} as hours_since_access
    from known
),

scored as (
    select
        *,
        {{ recency_score('hours_since_access') }} as recency,
        {{ frequency_score('access_count') }} as frequency,
        {{ novelty_score('age_seconds') }} as novelty
    from timed
)

select
    memory_id,
    content,
    created_at,
    last_accessed_at,
    access_count,
    concepts,
    primary_concept,
    emotional_valence,
    {{ emotional_salience('emotional_valence') }} as emotional_salience,
    source,
    external_id,
    theme,
    age_seconds,
    hours_since_access,
    recency,
    frequency,
    novelty,
    {{ activation_score('novelty', 'recency', 'frequency') }} as activation,
    as_of
from scored
