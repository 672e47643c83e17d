{#-
  wm_active_context — what is held in working memory at as_of (Cowan's 4 +/- 1 chunks by default; Miller's 7 +/- 2 for simple items).

  Rebuilt each run (table): working memory is a state at as_of, not a history.
  1. Candidates: memories accessed within working_memory_window_minutes before as_of whose
     activation exceeds plasticity_threshold (working_memory_lookup over memory_accesses, the
     access history clustered by access time: only the window's rows are read and scored).
  2. Ranked by activation, then recency, then frequency (memory_id breaks ties, so the result is
     deterministic).
  3. Cognitive load = mean complexity (concepts and length) of the top capacity + variance
     candidates; the span is capacity + variance at no load down to capacity - variance at full
     load (working_memory_span), and the top `span` candidates are kept. Fewer candidates than the
     span leave free slots.
-#}
{{ config(materialized='table') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

-- the lookup at as_of (macros/biology/working_memory.sql): memory_accesses is clustered by access
-- time, so only the window's rows are scored
candidates as (
    {{ working_memory_lookup('(select as_of from clock)') }}
),

ranked as (
    select
        *,
        row_number() over (order by activation desc, recency desc, frequency desc, memory_id) as wm_rank
    from candidates
),

load as (
    select
        coalesce(avg(complexity), 0.0) as cognitive_load,
        count(*) as competing_items
    from ranked
    where wm_rank <= {{ var('working_memory_capacity') + var('working_memory_variance') }}
),

span as (
    select
        cognitive_load,
        competing_items,
        {{ working_memory_span('cognitive_load') }} as wm_capacity
    from load
)

select
    r.memory_id,
    cast(r.wm_rank as integer) as wm_rank,
    m.content,
    m.concepts[1] as primary_concept,
    m.concepts,
    r.created_at,
    r.last_accessed_at,
    r.access_count,
    r.recency,
    r.frequency,
    r.novelty,
    r.activation,
    {{ emotional_salience('m.emotional_valence') }} as emotional_salience,
    r.complexity,
    s.cognitive_load,
    s.wm_capacity,
    clock.as_of
from ranked as r
cross join span as s
cross join clock
-- content and concepts of the few items kept
join {{ ref('raw_memories') }} as m on m.memory_id = r.memory_id
where r.wm_rank <= s.wm_capacity
order by r.wm_rank
