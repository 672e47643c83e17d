{#-
  The semantic network (concept_associations): Hebbian co-activation traces that decay with time,
  a bounded (soft-bound) synaptic efficacy above a BCM-like sliding threshold, synaptic homeostasis
  to a set point and pruning, all in closed form from timestamps and as_of.

  The trace: the per-run rule x' = x * (1 - decay) + rate * co_activation becomes
      x(t) = sum_i rate * s_i * exp(-synaptic_decay_rate * days(t - t_i))
  over the co-activations i (each a long-term memory linking both concepts, consolidated at t_i,
  with stability s_i). Building day by day or once gives the same traces.
-#}

{#- A trace known at `days` before the time of interest, decayed to that time. -#}
{% macro synaptic_decay(trace, days) -%}
  ({{ trace }} * exp(-{{ var('synaptic_decay_rate') }} * greatest(0.0, {{ days }})))
{%- endmacro %}

{#- One co-activation's Hebbian contribution (rate * pre * post activity, the activity being the
    memory's stability), decayed over `days`. -#}
{% macro hebbian_contribution(stability, days) -%}
  {{ synaptic_decay(var('hebbian_learning_rate') ~ ' * ' ~ stability, days) }}
{%- endmacro %}

{#- The BCM-like sliding threshold of a pair: the trace the two concepts would share by chance,
    given how active each is overall, row_total * column_total / total of the trace matrix
    (Bienenstock, Cooper & Munro 1982: potentiation only above a threshold that follows the
    activity). Times bcm_threshold_factor (0 turns the threshold off). -#}
{% macro chance_trace(source_total, target_total, total) -%}
  ({{ var('bcm_threshold_factor') }} * {{ source_total }} * {{ target_total }} / nullif({{ total }}, 0))
{%- endmacro %}

{#- Synaptic efficacy from a Hebbian drive, bounded by the rule itself: the fixed point of
    dw = eta * drive * (1 - w) - eta * K * w (soft-bound potentiation against weight-dependent
    depression; van Rossum, Bi & Turrigiano 2000) is w = drive / (drive + K), K =
    association_half_saturation. Below 1 for any drive: no clamp, the order of the strongest links
    is kept. `gain` is the homeostatic scale applied to the drive. -#}
{% macro soft_bounded(drive, gain='1.0') -%}
  ({{ gain }} * {{ drive }} / ({{ gain }} * {{ drive }} + {{ var('association_half_saturation') }}))
{%- endmacro %}
