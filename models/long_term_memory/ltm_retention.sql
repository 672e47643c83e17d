{#-
  ltm_retention — the long-term memories at as_of (memory_retention's rows in long-term memory):
  how well each is retained (recall probability) and where it is held, both moving with as_of in
  closed form (macros/biology/forgetting.sql), never by a per-run multiplication.
-#}
{{ config(materialized='view') }}

select
    memory_id,
    primary_concept,
    ltm_entry as fate,
    memory_store,
    entered_at as consolidated_at,
    {{ month_partition('entered_at') }} as consolidation_month,
    stability,
    importance,
    transfer_rate,
    age_days,
    {{ days_between('as_of', 'entered_at') }} as days_since_consolidation,
    retention,
    hippocampal_share,
    expected_replays,
    as_of
from {{ ref('memory_retention') }}
where in_long_term_memory
