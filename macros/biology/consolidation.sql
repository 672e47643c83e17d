{#-
  Sleep-time replay and systems consolidation: memory_replay, ltm_memories. Scores in [0, 1].
-#}

{#- replay_strength = 0.3*stm + 0.3*emotion + 0.2*co_activation/10 + 0.2*recency (weights and the
    co-activation scale are vars); co-activation is capped at its scale so the sum stays in [0, 1]. -#}
{% macro replay_strength(stm_strength, emotional_salience, co_activation_count, recency_factor) -%}
  least(1.0, greatest(0.0,
      {{ var('replay_weight_stm') }} * {{ stm_strength }}
    + {{ var('replay_weight_emotion') }} * {{ emotional_salience }}
    + {{ var('replay_weight_co_activation') }} * least({{ co_activation_count }}, {{ var('replay_co_activation_scale') }}) / {{ var('replay_co_activation_scale') }}
    + {{ var('replay_weight_recency') }} * {{ recency_factor }}))
{%- endmacro %}

{#- Hebbian strengthening over one night's replay, in closed form: each of `cycles` replays
    (sharp-wave ripples; replay_cycles for a memory ready for consolidation, 0 for one that is not)
    moves the weight toward 1 by hebbian_learning_rate * replay_strength of the remaining gap,
    w <- w + rate * replay * (1 - w), so w = 1 - (1 - w0) * (1 - rate * replay) ^ cycles, written
    as w0 + (1 - w0) * (1 - (1 - rate * replay) ^ cycles) so that no replay leaves w0 exactly.
    Bounded in [0, 1] by construction (the original multiplied its way up to 1.56); clamped anyway. -#}
{% macro hebbian_consolidation(stm_strength, replay_strength, cycles) -%}
  least(1.0, greatest(0.0,
    {{ stm_strength }} + (1 - {{ stm_strength }}) * (1 - pow(1 - {{ var('hebbian_learning_rate') }} * {{ replay_strength }}, {{ cycles }}))))
{%- endmacro %}

{#- The fate of a replayed memory, decided by its consolidated and replay strengths:
    cortical_transfer (both strong), hippocampal_retention, gradual_forgetting, rapid_forgetting. -#}
{% macro memory_fate(consolidated_strength, replay_strength) -%}
  case
    when {{ consolidated_strength }} >= {{ var('cortical_transfer_threshold') }}
     and {{ replay_strength }} >= {{ var('replay_transfer_threshold') }} then 'cortical_transfer'
    when {{ consolidated_strength }} >= {{ var('hippocampal_retention_threshold') }} then 'hippocampal_retention'
    when {{ consolidated_strength }} >= {{ var('gradual_forgetting_threshold') }} then 'gradual_forgetting'
    else 'rapid_forgetting'
  end
{%- endmacro %}

{#- Stability of a long-term memory: its consolidated strength; memories the hippocampus keeps
    are less stable than cortical ones (var hippocampal_stability_factor). -#}
{% macro ltm_stability(consolidated_strength, fate) -%}
  least(1.0, greatest(0.0, {{ consolidated_strength }}
    * case when {{ fate }} = 'cortical_transfer' then 1.0 else {{ var('hippocampal_stability_factor') }} end))
{%- endmacro %}

{#- Importance of a long-term memory: emotional salience, how many items it was co-active with,
    and how many concepts it links, weighted by the importance_weight_* vars (summing to 1). -#}
{% macro ltm_importance(emotional_salience, co_activation_count, concepts) -%}
  least(1.0, greatest(0.0,
      {{ var('importance_weight_emotion') }} * {{ emotional_salience }}
    + {{ var('importance_weight_co_activation') }} * least({{ co_activation_count }}, {{ var('replay_co_activation_scale') }}) / {{ var('replay_co_activation_scale') }}
    + {{ var('importance_weight_concepts') }} * least(1.0, len({{ concepts }}) / {{ var('wm_complexity_concepts') }})))
{%- endmacro %}

{#- decay_resistance = exp(-synaptic_decay_rate * age_days) * stability, in [0, 1]. -#}
{% macro decay_resistance(stability, age_days) -%}
  least(1.0, greatest(0.0, exp(-{{ var('synaptic_decay_rate') }} * greatest(0.0, {{ age_days }})) * {{ stability }}))
{%- endmacro %}
