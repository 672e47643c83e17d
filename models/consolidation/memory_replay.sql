{#-
  memory_replay — the night after a memory's short-term phase: hippocampal replay of the ready
  ones, and a fate for every memory. One row per memory whose night has come.

  consolidated_at = the first consolidation_hour after the short-term phase ended
  (stm_episodes.replay_scheduled_at), derived from the memory's own timestamps.
  - replayed: ready_for_consolidation (stm_episodes); the others are not replayed and keep their
    fading short-term trace
  - replay_strength = 0.3*stm + 0.3*emotion + 0.2*co_activation/10 + 0.2*recency (vars): the
    priority of each replay
  - replay_cycles: ceil(replay_cycles var * replay_strength), at least 1, for replayed memories
    (prioritized replay), 0 for the others
  - consolidated_strength = 1 - (1 - stm) * (1 - hebbian_learning_rate * replay) ^ cycles:
    Hebbian strengthening, in [0, 1]
  - importance (emotion, co-activation, concepts) and transfer_rate = systems_consolidation_rate
    * importance: how fast later nights move the memory to the cortex (macros/biology/forgetting.sql)
  - fate (macros/biology/consolidation.sql): hippocampal_retention when replayed (it enters
    long-term memory), else gradual_forgetting or rapid_forgetting by its short-term strength
  - episode_gist: a short gist of the episode the memory belongs to, from its first
    episode_gist_members members encoded within short_term_window_hours of its start (all known
    by the time any member's night comes), by episode_gist() (offline: extractive; with the LLM:
    a cached summary); replayed memories only
  - consolidation_batch: the sleep cycle of its night in which it is replayed, 1 to
    sleep_cycles_per_night, strongest first (NULL when not replayed)

  Incremental (merge on memory_id). A memory's row is built from its final short-term row and
  never changes. A run adds the memories whose night is after the newest night stored and not
  after as_of; a night is always processed whole (all its memories are final by then), so rows
  and batches are the same day by day as in one full build.
-#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='merge',
    on_schema_change='fail'
) }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

-- read where it is used (four places): DuckDB would otherwise keep all its rows, with every
-- short-term column, in memory for the whole query (1M: ~200 MB more peak memory, ~0.1 s more CPU)
nights_come as not materialized (
    select s.*
    from {{ ref('stm_episodes') }} as s
    where s.phase_complete
      and s.replay_scheduled_at <= (select as_of from clock)
    {% if is_incremental() %}
      and s.replay_scheduled_at > {{ watermark(this, 'consolidated_at') }}
    {% endif %}
),

-- the opening of each episode replayed: its first members, encoded within the short-term window of its start
episode_openings as (
    select
        e.episode_id,
        -- members 1..episode_gist_members in order (a pivot: much cheaper than an ordered string_agg)
        concat_ws(' '
        {%- for position in range(1, var('episode_gist_members') + 1) %},
            max(case when e.episode_position = {{ position }} then m.content end)
        {%- endfor %}) as episode_text
    from {{ ref('stm_episodes') }} as e
    -- content never changes: read it from raw_memories (a join on its id skips most of it)
    join {{ ref('raw_memories') }} as m on m.memory_id = e.memory_id
    where e.episode_id in (select episode_id from nights_come where ready_for_consolidation)
      and e.episode_position <= {{ var('episode_gist_members') }}
      and e.created_at <= e.episode_started_at + {{ hours_interval(var('short_term_window_hours')) }}
    group by e.episode_id
),

gists as (
    select
        episode_id,
        {{ episode_gist('episode_text') }} as episode_gist
    from episode_openings
),

replayed as (
    select
        n.*,
        n.ready_for_consolidation as replayed,
        {{ replay_strength('n.stm_strength', 'n.emotional_salience', 'n.co_activation_count', 'n.recency_factor') }} as replay_strength,
        {{ first_night_replays('n.ready_for_consolidation', replay_strength('n.stm_strength', 'n.emotional_salience', 'n.co_activation_count', 'n.recency_factor')) }} as replay_cycles,
        {{ memory_importance('n.emotional_salience', 'n.co_activation_count', 'n.concepts') }} as importance
    from nights_come as n
),

consolidated as (
    select
        *,
        {{ hebbian_consolidation('stm_strength', 'replay_strength', 'replay_cycles') }} as consolidated_strength
    from replayed
),

-- the night's sleep cycles, strongest first: numbered over the replayed memories' keys only and
-- joined back (a window over the wide rows would carry every column through its sort; the
-- strength is recomputed here, a few multiplications, so the wide rows are not kept twice)
batches as (
    select
        memory_id,
        {{ sleep_cycle('replay_scheduled_at', 'replay_strength desc, memory_id') }} as consolidation_batch
    from (
        select
            memory_id,
            replay_scheduled_at,
            {{ replay_strength('stm_strength', 'emotional_salience', 'co_activation_count', 'recency_factor') }} as replay_strength
        from nights_come
        where ready_for_consolidation
    )
)

select
    c.memory_id,
    c.episode_id,
    c.primary_concept,
    c.concepts,
    c.created_at,
    c.replay_scheduled_at as consolidated_at,
    c.replayed,
    cast(c.replay_cycles as integer) as replay_cycles,
    c.stm_strength,
    c.emotional_salience,
    c.co_activation_count,
    c.recency_factor,
    c.interference,
    c.consolidation_probability,
    c.replay_strength,
    c.consolidated_strength,
    c.importance,
    {{ transfer_rate('c.importance') }} as transfer_rate,
    {{ memory_fate('c.replayed', 'c.stm_strength') }} as fate,
    g.episode_gist,
    b.consolidation_batch
from consolidated as c
-- each replayed memory's gist (the others have none), by memory_id: joined by episode here, DuckDB (which guesses that
-- `replay_scheduled_at <= as_of` keeps ~0.1% of the rows) built its hash table on these million
-- wide rows and streamed the gists past it, emitting the unmatched rows last in part-filled row
-- groups that the run's final checkpoint then merged and compressed again (1M: ~0.25 s on one
-- thread at the end of the build, and ~0.2 s more for the model)
left join (
    select n.memory_id, g.episode_gist
    from nights_come as n
    join gists as g on g.episode_id = n.episode_id
    where n.ready_for_consolidation
) as g on g.memory_id = c.memory_id
left join batches as b on b.memory_id = c.memory_id
-- no ORDER BY: the rows stream from stm_episodes (the probe side of the joins above), which a
-- full build writes in memory_id order, so they come out in that order without a sort of their
-- own, and incremental runs append the newest nights after them: ltm_memories' read of the
-- newest month skips the older row groups by zone maps (sorting here cost a fifth of the model)
