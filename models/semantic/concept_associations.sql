{#-
  concept_associations — the semantic network at as_of: one row per ordered pair of concepts that
  were ever co-active in a long-term memory (both directions stored, so each concept's outgoing
  associations can be scaled on their own).

  Synaptic facts (change only when a new long-term memory links the pair): co_activation_count,
  first_/last_co_activated_at and hebbian_trace, the Hebbian trace at the last co-activation —
  stored in concept_traces (incremental: a run rewrites only the pairs its new memories link).
  The network at as_of (computed from them when read; there are at most vocabulary^2 pairs),
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

  A view: every value here moves with as_of, so a table would be rewritten whole by every run
  (at 1M, 9,730 pairs: most of an incremental run's semantic-network time); as a view a run
  writes only the changed traces and a reader computes the network for what it reads.
-#}
{{ config(materialized='view') }}

with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),

strengths as (
    select
        t.*,
        {{ synaptic_decay('t.hebbian_trace', days_between('clock.as_of', 't.last_co_activated_at')) }} as trace_now,
        clock.as_of
    from {{ ref('concept_traces') }} as t
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
    co_activation_count,
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
