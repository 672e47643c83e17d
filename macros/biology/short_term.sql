{#-
  Short-term (hippocampal) phase of a memory: stm_episodes. Scores in [0, 1].
-#}

{#- How fresh the trace is at the evaluation time: exp(-ln 2 * hours since the last rehearsal /
    half-life) (var stm_recency_half_life_hours). Encoding counts as the first rehearsal. A trace is
    evaluated when it is replayed (its first night), so time awake before sleep weakens it
    (Jenkins & Dallenbach 1924; sleep soon after learning helps, Gais, Lucas & Born 2006). -#}
{% macro stm_recency_factor(hours_since_rehearsal) -%}
  {% call clamp01() %}exp(-ln(2) * greatest(0.0, {{ hours_since_rehearsal }}) / {{ var('stm_recency_half_life_hours') }}){% endcall %}
{%- endmacro %}

{#- Co-active members of the same episode bind with the item (pattern completion); capped at
    competition_cap. -#}
{% macro stm_competition(co_activation_count) -%}
  least({{ co_activation_count }}, {{ var('competition_cap') }})
{%- endmacro %}

{#- Interference from similar items close in time in other episodes:
    1 - exp(-count * interference_per_item), 0 with none, toward 1 with many (McGeoch 1932;
    Underwood 1957). -#}
{% macro interference_score(interference_count) -%}
  {% call clamp01() %}1 - exp(-{{ interference_count }} * {{ var('interference_per_item') }}){% endcall %}
{%- endmacro %}

{#- stm_strength = least(1, recency_factor * (1 + competition * gain) * (1 - interference)): a
    fresh trace, bound to its episode, weakened by competing similar traces. Emotion is not part of
    it: arousal acts on consolidation (consolidation_probability), not on the trace itself. -#}
{% macro stm_strength(recency_factor, competition, interference) -%}
  {% call clamp01() %}{{ recency_factor }} * (1 + {{ competition }} * {{ var('competition_gain') }}) * (1 - {{ interference }}){% endcall %}
{%- endmacro %}

{#- Probability that the trace is tagged for consolidation on its first night (synaptic tagging
    and capture, Frey & Morris 1997; behavioural tagging, Redondo & Morris 2011):
    1 - exp(-consolidation_drive * stm_strength * emotional_salience). Emotional arousal scales it
    (amygdala modulation, McGaugh 2004) within bounds: neutral items keep salience
    emotional_salience_floor, so they are consolidated too, only less often. -#}
{% macro consolidation_probability(stm_strength, emotional_salience) -%}
  {% call clamp01() %}1 - exp(-{{ var('consolidation_drive') }} * {{ stm_strength }} * {{ emotional_salience }}){% endcall %}
{%- endmacro %}

{#- Ready for consolidation once the short-term phase is complete: tagged (a fixed per-memory draw
    under consolidation_probability) and not swamped by interference, or so emotional that it is
    kept anyway (flashbulb memory, Brown & Kulik 1977). -#}
{% macro ready_for_consolidation(phase_complete, probability, draw, interference, emotional_salience) -%}
  ({{ phase_complete }} and (
      ({{ draw }} < {{ probability }} and {{ interference }} <= {{ var('stm_max_interference') }})
      or {{ emotional_salience }} >= {{ var('flashbulb_salience') }}))
{%- endmacro %}

{#- A uniform number in [0, 1) fixed for each `key` and `salt`: the pipeline's only chance, so a
    memory's draw is the same in every run (a build is reproducible, day by day == one build). -#}
{% macro stable_draw(key, salt) -%}
  ((hash({{ key }}, '{{ salt }}') % 1000003) / 1000003.0)
{%- endmacro %}
