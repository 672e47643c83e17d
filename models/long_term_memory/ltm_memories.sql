{#-
  ltm_memories — long-term memories: every memory that has been replayed at least once.

  A memory enters long-term memory held by the hippocampus, on the night it is first replayed:
  - its first night (memory_replay.replayed; fate hippocampal_retention), or
  - reconsolidation: a memory not replayed on its first night but accessed after it was retrieved,
    so it was still there, and is replayed the night after the retrieval (Nader, Schafe & LeDoux
    2000); the input records the last access only, so that is the night after the last access
    (fate reconsolidation). Nothing enters without replay.
  Where it is held later (hippocampus or neocortex) and how well it is retained move with as_of:
  memory_retention / ltm_retention.

  - stability = consolidated strength when it entered (its short-term strength for reconsolidation)
  - importance (emotion, co-activation, concepts) and transfer_rate = systems_consolidation_rate *
    importance: how fast later nights' replay moves it to the cortex; cortical_takeover_days: when
    its cortical trace overtakes the hippocampal one, absent further retrievals
  - embedding: memory_embedding(content, concepts), used by related_memories (offline: hashed
    words and concepts as a BIT string; with the LLM: a cached embedding)

  Incremental, partitioned by month of consolidated_at (the night it entered, derived from the
  memory's own timestamps, not from as_of), insert_overwrite: a run selects every long-term memory
  from the first day of the newest stored month on, so each month in the batch is complete, and
  bmp replaces those months whole. Older months are complete and untouched. (A reconsolidation
  enters on a night after its last access, which is after the previous run's as_of whenever the
  access was unknown to that run, so it always falls in the newest month or later.)
  No index: a point lookup by memory_id takes ~1.2 ms from the zone maps (memory ids follow the
  months closely), 0.9 ms with an ART index, which cost ~0.1 s of every 1M build and ~15 ms of
  every +1% run to maintain (measured 2026-12-03). Uniqueness is a data test (a UNIQUE index would
  not do: DuckDB checks them over-eagerly, so deleting a month and re-inserting its rows in one
  transaction, what a partition overwrite is, would fail with a duplicate key).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    partition_by={'field': 'consolidated_at', 'granularity': 'month'},
    on_schema_change='fail'
) }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

{#- memory_replay's columns this model does not use: described is read three times, so DuckDB
    materializes it, with every column it holds -#}
{%- set unused = 'replayed, recency_factor, interference, consolidation_probability, consolidation_batch, fate' %}
entered as (
    -- replayed on the first night
    select r.* exclude ({{ unused }}), r.consolidated_at as entered_at, r.fate as entry
    from {{ ref('memory_replay') }} as r
    where r.replayed
    {% if is_incremental() %}
      and r.consolidated_at >= {{ newest_partition_start(this, 'consolidated_at') }}
    {% endif %}
    union all by name
    -- retrieved after a first night without replay: replayed the night after the retrieval
    -- (the recorded last access, raw_memories: one after as_of has its night after as_of too, so
    -- the as_of view's rule is implied; a table, so the filters reach its scan)
    select r.* exclude ({{ unused }}), {{ next_sleep_cycle('m.last_accessed_at') }} as entered_at, 'reconsolidation' as entry
    from {{ ref('memory_replay') }} as r
    join (
        select m.memory_id, m.last_accessed_at
        from {{ ref('raw_memories') }} as m
        where {{ next_sleep_cycle('m.last_accessed_at') }} <= (select as_of from clock)
        {% if is_incremental() %}
          -- the next night is within a day of the access
          and m.last_accessed_at > {{ newest_partition_start(this, 'consolidated_at') }} - interval 1 day
        {% endif %}
    ) as m on m.memory_id = r.memory_id
    where not r.replayed
      and m.last_accessed_at > r.consolidated_at
    {% if is_incremental() %}
      and {{ next_sleep_cycle('m.last_accessed_at') }} >= {{ newest_partition_start(this, 'consolidated_at') }}
    {% endif %}
),

described as (
    select
        e.*,
        m.content,
        m.theme,
        -- once here: cortical_takeover_days needs it too (a hash and a log per memory)
        {{ hippocampal_time_constant('e.emotional_salience', 'e.memory_id') }} as hippocampal_tau_days
    from entered as e
    -- content never changes: read it from raw_memories (a join on its id skips most of it). The
    -- filter is always true (an equality join never matches a NULL id) and is there for the plan:
    -- it lowers DuckDB's estimate of raw_memories, so the join's hash table holds its three
    -- columns rather than entered's seventeen (1M: the join 0.4 -> 0.1 s on one thread)
    join (select * from {{ ref('raw_memories') }} as m where m.memory_id is not null) as m
      on m.memory_id = e.memory_id
),

embedded as (
    -- each row with memory_embedding(content, concepts): offline computed as a set (the few
    -- distinct pieces of the texts and concept lists hashed once; the embedding's list work row by
    -- row was most of this model's CPU), with the LLM once per distinct (content, concepts)
    {{ memory_embeddings('described', 'content', 'concepts') }}
)

select
    d.memory_id,
    episode_id,
    primary_concept,
    d.concepts,
    d.content,
    theme,
    created_at,
    consolidated_at as first_night_at,
    entered_at as consolidated_at,
    {{ month_partition('entered_at') }} as consolidation_month,
    entry as fate,
    stm_strength,
    replay_strength,
    replay_cycles,
    consolidated_strength,
    emotional_salience,
    co_activation_count,
    consolidated_strength as stability,
    importance,
    transfer_rate,
    hippocampal_tau_days,
    {{ cortical_takeover_days('transfer_rate', 'hippocampal_tau_days') }} as cortical_takeover_days,
    {{ days_between('entered_at', 'created_at') }} as age_at_consolidation_days,
    episode_gist,
    embedding
-- no ORDER BY: the partitioned materialization stores the rows clustered by month and
-- consolidated_at (one sort, not two)
from embedded as d
