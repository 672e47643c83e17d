{#-
  memory_traces — what the memory chain model needs to know about each memory that does not move
  with as_of: its encoding, its first night (replayed or not, consolidated strength, replays),
  its importance and transfer rate, the time constant of its hippocampal trace (a fixed draw per
  memory), and its recorded accesses. memory_retention evaluates these at as_of in closed form
  (arithmetic on this one table: no join, no hash), so a run pays for the memories that changed,
  not for every memory.

  settled: the memory's first night had come at the run that wrote the row, so every column is
  final (memory_replay's row never changes once written). Unsettled rows (memories still in their
  short-term phase: their stm_episodes row is provisional) are rewritten by every run.

  Incremental (merge on memory_id): a run recomputes the memories whose first night is after the
  newest settled one — every unsettled row and the new memories; a memory whose night came by a
  previous run's as_of was settled by that run. The recorded access columns are raw_memories'
  (the access state at as_of is decided by memory_retention, as stg_memories decides it); with
  your own data, whose access counts change between runs, --full-refresh picks the new counts up
  (docs/PIPELINE.md, Limits).
-#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='merge',
    on_schema_change='fail'
) }}

with known as (
    select
        s.memory_id,
        s.primary_concept,
        s.created_at,
        s.stm_strength,
        s.emotional_salience,
        s.replay_scheduled_at as first_night_at,
        m.last_accessed_at as recorded_last_accessed_at,
        m.access_count as recorded_access_count,
        m.emotional_valence,
        m.theme,
        r.memory_id is not null as settled,
        coalesce(r.replayed, false) as replayed,
        r.fate as first_night_fate,
        coalesce(r.consolidated_strength, s.stm_strength) as consolidated_strength,
        coalesce(r.replay_cycles, 0) as first_night_replays,
        coalesce(r.importance, {{ memory_importance('s.emotional_salience', 's.co_activation_count', 's.concepts') }}) as importance
    from {{ ref('stm_episodes') }} as s
    -- the recorded accesses and valence never change for a memory: read raw_memories (a table),
    -- not the as_of view
    join {{ ref('raw_memories') }} as m on m.memory_id = s.memory_id
    left join {{ ref('memory_replay') }} as r on r.memory_id = s.memory_id
    {% if is_incremental() %}
    where s.replay_scheduled_at > (select coalesce(max(first_night_at), '-infinity'::timestamp) from {{ this }} where settled)
    {% endif %}
)

select
    *,
    {{ transfer_rate('importance') }} as transfer_rate,
    {{ hippocampal_time_constant('emotional_salience', 'memory_id') }} as hippocampal_tau_days
from known
