{#-
  Short-term (hippocampal) phase of a memory: stm_episodes. Scores in [0, 1].
-#}

{#- How fresh the trace is at the evaluation time: exp(-ln 2 * hours since the last rehearsal /
    half-life) (var stm_recency_half_life_hours). Encoding counts as the first rehearsal. -#}
{% macro stm_recency_factor(hours_since_rehearsal) -%}
  least(1.0, greatest(0.0, exp(-ln(2) * greatest(0.0, {{ hours_since_rehearsal }}) / {{ var('stm_recency_half_life_hours') }})))
{%- endmacro %}

{#- Co-active members of the same episode bind with the item (pattern completion); capped at
    competition_cap. -#}
{% macro stm_competition(co_activation_count) -%}
  least({{ co_activation_count }}, {{ var('competition_cap') }})
{%- endmacro %}

{#- Interference from similar items close in time in other episodes:
    1 - exp(-count * interference_per_item), 0 with none, toward 1 with many. -#}
{% macro interference_score(interference_count) -%}
  least(1.0, greatest(0.0, 1 - exp(-{{ interference_count }} * {{ var('interference_per_item') }})))
{%- endmacro %}

{#- stm_strength = least(1, recency_factor * emotional_salience * (1 + competition * gain)). -#}
{% macro stm_strength(recency_factor, emotional_salience, competition) -%}
  least(1.0, greatest(0.0, {{ recency_factor }} * {{ emotional_salience }} * (1 + {{ competition }} * {{ var('competition_gain') }})))
{%- endmacro %}

{#- Ready for consolidation once the short-term phase is complete, when the trace is strong
    enough and not swamped by interference, or when it is emotional enough to be kept anyway
    (flashbulb memory). -#}
{% macro ready_for_consolidation(phase_complete, stm_strength, interference, emotional_salience) -%}
  ({{ phase_complete }} and (
      ({{ stm_strength }} >= {{ var('stm_consolidation_threshold') }} and {{ interference }} <= {{ var('stm_max_interference') }})
      or {{ emotional_salience }} >= {{ var('flashbulb_salience') }}))
{%- endmacro %}
