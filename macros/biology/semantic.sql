{#-
  The semantic network (concept_associations): Hebbian co-activation traces that decay with time,
  synaptic homeostasis and pruning, all in closed form from timestamps and as_of.

  The per-run rule w' = clamp(w * (1 - decay) + rate * co_activation) becomes
      w(t) = clamp( sum_i rate * s_i * exp(-synaptic_decay_rate * days(t - t_i)) )
  over the co-activations i (each a long-term memory linking both concepts, consolidated at t_i,
  with stability s_i). Building day by day or once gives the same weights.
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

{#- Synaptic scaling factor of one concept: (target / mean outgoing weight) ^ rate. Multiplicative,
    so it keeps the relative order of a concept's associations (Turrigiano's synaptic scaling), and
    it moves the mean toward homeostasis_target instead of capping weights. -#}
{% macro homeostatic_scale(mean_weight) -%}
  pow({{ var('homeostasis_target') }} / greatest({{ mean_weight }}, 1e-9), {{ var('homeostasis_rate') }})
{%- endmacro %}
