{#-
  memory_accesses — the access history the input records, one row per known access state of a
  memory, stored in access-time order: the table the working-memory lookup reads, at the run's
  as_of or at any other instant (working_memory_lookup(), macros/biology/working_memory.sql).

  The input knows each memory's encoding (created_at) and its last access (last_accessed_at,
  access_count). At an instant T a memory's state is its last access if that happened by T, else
  its encoding with one access (stg_memories' rule: later accesses have not happened yet). So a
  memory has one row per state it can be in:
  - its last access (is_last_access): accessed_at = last_accessed_at, access_count;
  - its encoding, when the last access came later: accessed_at = created_at, one access.
  The row that holds at T is the one with is_last_access = (last_accessed_at <= T), and a memory
  accessed within a window before T is exactly one whose holding row has accessed_at in the
  window. Everything here is a fact of the input, nothing depends on as_of: scores (recency,
  frequency, novelty, activation) are computed when read, in closed form, for the few rows in the
  window — the filter on accessed_at reaches the scan, and zone maps skip every row group outside
  it, because the rows are written in accessed_at order (each run appends a sorted batch).
  `complexity` (item_complexity) is kept so the lookup needs no other table.

  Incremental (delete+insert on memory_id): synthetic input appends the new ids' rows; the user's
  input (merged whole into raw_memories each run) is re-derived whole.
-#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with memories as (
    select memory_id, created_at, last_accessed_at, access_count, {{ item_complexity('concepts', 'content') }} as complexity
    from {{ ref('raw_memories') }}
    {% if is_incremental() and not var('memories_path', none) %}
    where memory_id > (select coalesce(max(memory_id), -1) from {{ this }})
    {% endif %}
),

states as (
    select memory_id, last_accessed_at as accessed_at, access_count, true as is_last_access,
           created_at, last_accessed_at, complexity
    from memories
    union all
    select memory_id, created_at, 1, false,
           created_at, last_accessed_at, complexity
    from memories
    where last_accessed_at > created_at
)

select
    memory_id,
    accessed_at,
    cast(access_count as integer) as access_count,
    is_last_access,
    created_at,
    last_accessed_at,
    complexity
from states
order by accessed_at, memory_id
