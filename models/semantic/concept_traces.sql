{#-
  concept_traces — the synaptic facts of the semantic network (concept_associations), one row per
  ordered pair of concepts that were ever co-active in a long-term memory (both directions):
  co_activation_count, first_/last_co_activated_at, and hebbian_trace = the Hebbian trace at the
  last co-activation, sum_i hebbian_learning_rate * stability_i * exp(-synaptic_decay_rate *
  days(last - t_i)) over the memories i linking the pair (the closed form of
  w' = w * (1 - decay) + rate * co_activation; macros/biology/semantic.sql). None of it moves with
  as_of: concept_associations, a view, computes the network at as_of from these rows.

  Incremental (merge on the composite key (source_concept, target_concept)). A run reads only the
  long-term memories consolidated after the newest co-activation stored (they all arrive
  together: a night is never split) and rewrites only the pairs they link: the stored trace
  decayed to the new last co-activation plus the new contributions (the same sum, up to
  floating-point rounding). The other pairs keep their rows.
-#}
{#- incremental_insert_first=false: a run's pairs are mostly pairs already stored: one MERGE from the SELECT, no insert tried first -#}
{{ config(
    materialized='incremental',
    unique_key=['source_concept', 'target_concept'],
    incremental_strategy='merge',
    incremental_insert_first=false,
    on_schema_change='fail'
) }}

with linking_memories as (
    select memory_id, concepts, consolidated_at, stability
    from {{ ref('ltm_memories') }}
    where len(concepts) >= 2
    {% if is_incremental() %}
      and consolidated_at > {{ watermark(this, 'last_co_activated_at') }}
    {% endif %}
),

-- every ordered pair of distinct concepts of each memory (unnest in the select list: a lateral
-- unnest in FROM plans as a much slower delim join)
sources as (
    select
        unnest(concepts) as source_concept,
        concepts,
        consolidated_at,
        stability
    from linking_memories
),

co_activations as (
    select
        source_concept,
        unnest(list_filter(concepts, lambda c: c <> source_concept)) as target_concept,
        consolidated_at,
        stability
    from sources
),

new_traces as (
    select
        source_concept,
        target_concept,
        count(*) as co_activation_count,
        min(consolidated_at) as first_co_activated_at,
        max(consolidated_at) as last_co_activated_at,
        -- contributions decayed to this batch's last co-activation of the pair
        sum({{ hebbian_contribution('stability', days_between('last_at', 'consolidated_at')) }}) as hebbian_trace
    from (
        select *, max(consolidated_at) over (partition by source_concept, target_concept) as last_at
        from co_activations
    )
    group by source_concept, target_concept
),

{% if is_incremental() %}
-- the pairs linked again: their stored facts (if any) folded with the new co-activations (the
-- stored trace decayed to the new last co-activation plus the new contributions: the same sum
-- as over all linking memories, up to floating-point rounding); the other pairs keep their rows
traces as (
    select
        n.source_concept,
        n.target_concept,
        coalesce(o.co_activation_count, 0) + n.co_activation_count as co_activation_count,
        coalesce(o.first_co_activated_at, n.first_co_activated_at) as first_co_activated_at,
        n.last_co_activated_at,
        case
            when o.source_concept is null then n.hebbian_trace
            else n.hebbian_trace
               + {{ synaptic_decay('o.hebbian_trace', days_between('n.last_co_activated_at', 'o.last_co_activated_at')) }}
        end as hebbian_trace
    from new_traces as n
    left join {{ this }} as o
      on o.source_concept = n.source_concept and o.target_concept = n.target_concept
)
{% else %}
traces as (
    select * from new_traces
)
{% endif %}

select
    source_concept,
    target_concept,
    cast(co_activation_count as integer) as co_activation_count,
    first_co_activated_at,
    last_co_activated_at,
    hebbian_trace
from traces
