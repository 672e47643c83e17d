{#-
  concept_associations — the semantic network: one row per ordered pair of concepts that were
  ever co-active in a long-term memory (both directions stored, so each concept's outgoing
  associations can be scaled on their own).

  Synaptic facts (change only when a new long-term memory links the pair):
    co_activation_count, first_/last_co_activated_at, and hebbian_trace = the Hebbian trace at
    the last co-activation, sum_i hebbian_learning_rate * stability_i * exp(-synaptic_decay_rate
    * days(last - t_i)), over the memories i linking the pair (the closed form of
    w' = w * (1 - decay) + rate * co_activation; macros/biology/semantic.sql).
  The network at as_of (recomputed for every pair each run; there are at most vocabulary^2),
  macros/biology/semantic.sql:
    chance_trace         = bcm_threshold_factor * (source's total trace) * (target's total trace)
                           / (total trace): a BCM-like sliding threshold, what the pair would
                           share by chance given how active each concept is
    hebbian_drive        = max(0, trace decayed to as_of - chance_trace)
    association_strength = drive / (drive + association_half_saturation): soft-bound Hebbian
                           efficacy, below 1 for any drive (no clamp: the order of strong links
                           is kept)
    homeostatic_scale    = one gain per source concept, found by homeostasis_iterations Newton
                           steps, so that the mean weight of its surviving links is
                           homeostasis_target (synaptic scaling to a set point, Turrigiano 2008)
    weight               = gain * drive / (gain * drive + association_half_saturation)
    is_pruned            = no drive above chance, or weight < weak_connection_threshold
  A pruned pair keeps its trace (a silent synapse), so a later co-activation continues from it
  exactly as a full build would; semantic_network shows the surviving associations.

  Incremental (merge on the composite key (source_concept, target_concept)). A run reads only
  the long-term memories consolidated after the newest co-activation stored (they all arrive
  together: a night is never split), folds them into the stored traces
  (old trace decayed to the new last co-activation + new contributions — the same sum, up to
  floating-point rounding), and re-emits every pair with its as_of values.
-#}
{#- incremental_insert_first=false: every run re-emits every pair at as_of: one MERGE from the SELECT, no insert tried first -#}
{{ config(
    materialized='incremental',
    unique_key=['source_concept', 'target_concept'],
    incremental_strategy='merge',
    incremental_insert_first=false,
    on_schema_change='fail'
) }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

linking_memories as (
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
traces as (
    select
        coalesce(n.source_concept, o.source_concept) as source_concept,
        coalesce(n.target_concept, o.target_concept) as target_concept,
        coalesce(o.co_activation_count, 0) + coalesce(n.co_activation_count, 0) as co_activation_count,
        coalesce(o.first_co_activated_at, n.first_co_activated_at) as first_co_activated_at,
        coalesce(n.last_co_activated_at, o.last_co_activated_at) as last_co_activated_at,
        case
            when n.source_concept is null then o.hebbian_trace
            when o.source_concept is null then n.hebbian_trace
            else n.hebbian_trace
               + {{ synaptic_decay('o.hebbian_trace', days_between('n.last_co_activated_at', 'o.last_co_activated_at')) }}
        end as hebbian_trace
    from {{ this }} as o
    full outer join new_traces as n
      on n.source_concept = o.source_concept and n.target_concept = o.target_concept
),
{% else %}
traces as (
    select * from new_traces
),
{% endif %}

strengths as (
    select
        t.*,
        {{ synaptic_decay('t.hebbian_trace', days_between('clock.as_of', 't.last_co_activated_at')) }} as trace_now,
        clock.as_of
    from traces as t
    cross join clock
),

-- the sliding threshold: what each pair would share by chance given both concepts' activity
thresholded as (
    select
        *,
        {{ chance_trace('sum(trace_now) over (partition by source_concept)',
                        'sum(trace_now) over (partition by target_concept)',
                        'sum(trace_now) over ()') }} as chance_trace
    from strengths
),

driven as (
    select
        *,
        greatest(0.0, trace_now - coalesce(chance_trace, 0.0)) as hebbian_drive,
        {{ soft_bounded('greatest(0.0, trace_now - coalesce(chance_trace, 0.0))') }} as association_strength
    from thresholded
),

-- synaptic scaling: one gain per source concept, found by homeostasis_iterations Newton steps on
-- ln(gain) (clamped to +/-3 per step) until the mean efficacy of its surviving links (drive above
-- chance, scaled weight at least weak_connection_threshold) reaches homeostasis_target;
-- 0 iterations leave the gain at 1 (no homeostasis)
{%- set surviving = "hebbian_drive > 0 and " ~ soft_bounded('hebbian_drive', 'exp(log_gain)') ~ " >= " ~ var('weak_connection_threshold') %}
scaled_0 as (
    select *, 0.0 as log_gain from driven
),
{%- for i in range(1, var('homeostasis_iterations') + 1) %}
scaled_{{ i }} as (
    select
        * exclude (log_gain, mean_w, slope),
        log_gain - greatest(-3.0, least(3.0,
            coalesce((mean_w - {{ var('homeostasis_target') }}) / nullif(slope, 0), 0.0))) as log_gain
    from (
        select
            *,
            avg({{ soft_bounded('hebbian_drive', 'exp(log_gain)') }}) filter (where {{ surviving }})
                over (partition by source_concept) as mean_w,
            avg({{ soft_bounded('hebbian_drive', 'exp(log_gain)') }} * (1 - {{ soft_bounded('hebbian_drive', 'exp(log_gain)') }}))
                filter (where {{ surviving }}) over (partition by source_concept) as slope
        from scaled_{{ i - 1 }}
    )
),
{%- endfor %}

weighted as (
    select
        *,
        exp(log_gain) as homeostatic_scale,
        {{ soft_bounded('hebbian_drive', 'exp(log_gain)') }} as weight
    from scaled_{{ var('homeostasis_iterations') }}
)

select
    source_concept,
    target_concept,
    cast(co_activation_count as integer) as co_activation_count,
    first_co_activated_at,
    last_co_activated_at,
    hebbian_trace,
    chance_trace,
    hebbian_drive,
    association_strength,
    homeostatic_scale,
    weight,
    hebbian_drive = 0 or weight < {{ var('weak_connection_threshold') }} as is_pruned,
    as_of
from weighted
order by source_concept, target_concept
