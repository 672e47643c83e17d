{#-
  memory_traces_pending — memory_traces' columns for the memories whose first night has not come
  at as_of (still in their short-term phase: their stm_episodes row is provisional): a few hours
  of the stream, rebuilt each run. memory_retention reads both tables.
-#}
{{ config(materialized='table') }}

{{ memory_trace_rows(false, "s.replay_scheduled_at > (select as_of from " ~ ref('pipeline_clock') ~ ")") }}
