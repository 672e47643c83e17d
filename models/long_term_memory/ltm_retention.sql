{#-
  ltm_retention — how well each long-term memory is retained at as_of (a view: it decays with
  as_of, in closed form, never by a per-run multiplication).
  retention = exp(-synaptic_decay_rate * age_days) * stability, the decay resistance of
  ltm_memories evaluated at the memory's age now instead of at its consolidation.
-#}
{{ config(materialized='view') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
)

select
    l.memory_id,
    l.primary_concept,
    l.fate,
    l.memory_store,
    l.consolidated_at,
    l.consolidation_month,
    l.stability,
    l.importance,
    {{ days_between('clock.as_of', 'l.created_at') }} as age_days,
    {{ days_between('clock.as_of', 'l.consolidated_at') }} as days_since_consolidation,
    {{ decay_resistance('l.stability', days_between('clock.as_of', 'l.created_at')) }} as retention,
    clock.as_of
from {{ ref('ltm_memories') }} as l
cross join clock
