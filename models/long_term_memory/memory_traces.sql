{#-
  memory_traces — what the memory chain model needs to know about each memory that does not move
  with as_of, once its first night has come: its encoding, its first night (replayed or not,
  consolidated strength, replays), its importance and transfer rate, the time constant of its
  hippocampal trace (a fixed draw per memory), and its recorded accesses. memory_retention
  evaluates these at as_of in closed form (arithmetic on this table and memory_traces_pending:
  no join, no hash), so a run pays for the memories whose night came, not for every memory.

  Every column is final once the first night has come: memory_replay's row (which carries the
  short-term phase's columns, final by then) never changes once written, and raw_memories gives
  the recorded accesses. The memories still before their night are in memory_traces_pending (a
  few hours' worth, rebuilt each run).

  Incremental (append): a run adds the memories whose night is after the newest stored one; a
  night is processed whole (memory_replay), so the stored nights are complete. The recorded
  access columns are raw_memories' (the access state at as_of is decided by memory_retention, as
  stg_memories decides it); with your own data, whose access counts change between runs,
  --full-refresh picks the new counts up (docs/PIPELINE.md, Limits).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail'
) }}

{{ memory_trace_rows(true,
    ("s.consolidated_at > " ~ watermark(this, 'first_night_at')) if is_incremental() else "true"
) }}
