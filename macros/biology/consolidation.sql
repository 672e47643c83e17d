{#-
  Sleep-time replay and systems consolidation: memory_replay, ltm_memories. Scores in [0, 1].
-#}

{#- replay_strength = 0.3*stm + 0.3*emotion + 0.2*co_activation/10 + 0.2*recency (weights and the
    co-activation scale are vars); co-activation is capped at its scale so the sum stays in [0, 1].
    The priority of a memory in its first night's replay. -#}
{% macro replay_strength(stm_strength, emotional_salience, co_activation_count, recency_factor) -%}
  {% call clamp01() %}
      {{ var('replay_weight_stm') }} * {{ stm_strength }}
    + {{ var('replay_weight_emotion') }} * {{ emotional_salience }}
    + {{ var('replay_weight_co_activation') }} * least({{ co_activation_count }}, {{ var('replay_co_activation_scale') }}) / {{ var('replay_co_activation_scale') }}
    + {{ var('replay_weight_recency') }} * {{ recency_factor }}
  {%- endcall %}
{%- endmacro %}

{#- Replays (sharp-wave ripples) a memory gets on its first night: graded by its replay strength,
    1 to replay_cycles for a memory ready for consolidation (prioritized replay: stronger, more
    salient memories are replayed more often; Mattar & Daw 2018), none for one that is not. -#}
{% macro first_night_replays(replayed, replay_strength) -%}
  cast(case when {{ replayed }} then greatest(1, ceil({{ var('replay_cycles') }} * {{ replay_strength }})) else 0 end as integer)
{%- endmacro %}

{#- Hebbian strengthening over one night's replay, in closed form: each of `cycles` replays
    moves the weight toward 1 by hebbian_learning_rate * replay_strength of the remaining gap,
    w <- w + rate * replay * (1 - w), so w = 1 - (1 - w0) * (1 - rate * replay) ^ cycles, written
    as w0 + (1 - w0) * (1 - (1 - rate * replay) ^ cycles) so that no replay leaves w0 exactly.
    Bounded in [0, 1] by construction. -#}
{% macro hebbian_consolidation(stm_strength, replay_strength, cycles) -%}
  {% call clamp01() %}
    {{ stm_strength }} + (1 - {{ stm_strength }}) * (1 - pow(1 - {{ var('hebbian_learning_rate') }} * {{ replay_strength }}, {{ cycles }}))
  {%- endcall %}
{%- endmacro %}

{#- The outcome of a memory's first night: a replayed memory enters long-term memory, held by the
    hippocampus (hippocampal_retention; systems consolidation moves it to the cortex over later
    nights, see macros/biology/forgetting.sql); one that was not replayed keeps only its fading
    short-term trace: gradual_forgetting when that trace is at least gradual_forgetting_threshold
    (it fades over days), rapid_forgetting below (within hours). Never a long-term fate without
    replay. -#}
{% macro memory_fate(replayed, stm_strength) -%}
  case
    when {{ replayed }} then 'hippocampal_retention'
    when {{ stm_strength }} >= {{ var('gradual_forgetting_threshold') }} then 'gradual_forgetting'
    else 'rapid_forgetting'
  end
{%- endmacro %}

{#- Importance of a memory: emotional salience (amygdala tagging), how many items it was co-active
    with, and how many concepts it links, weighted by the importance_weight_* vars (summing to 1).
    It sets how often the memory is replayed on later nights (transfer_rate): memories that matter
    are consolidated preferentially (Wilhelm et al. 2011; Stickgold & Walker 2013). -#}
{% macro memory_importance(emotional_salience, co_activation_count, concepts) -%}
  {% call clamp01() %}
      {{ var('importance_weight_emotion') }} * {{ emotional_salience }}
    + {{ var('importance_weight_co_activation') }} * least({{ co_activation_count }}, {{ var('replay_co_activation_scale') }}) / {{ var('replay_co_activation_scale') }}
    + {{ var('importance_weight_concepts') }} * least(1.0, len({{ concepts }}) / {{ var('wm_complexity_concepts') }})
  {%- endcall %}
{%- endmacro %}

{#- Systems consolidation rate of a memory (per day): later nights replay the memory and each
    replay moves part of its hippocampal trace into the neocortex (McClelland, McNaughton &
    O'Reilly 1995). systems_consolidation_rate * importance. -#}
{% macro transfer_rate(importance) -%}
  ({{ var('systems_consolidation_rate') }} * {{ importance }})
{%- endmacro %}

{#- The first night's batch of a replayed memory: the sleep cycle it is replayed in. A night's
    replays, strongest first, are spread over sleep_cycles_per_night cycles (~90 minutes each,
    Dement & Kleitman 1957; slow-wave sleep dominates the first ones). -#}
{% macro sleep_cycle(partition_by, order_by) -%}
  cast(ntile({{ var('sleep_cycles_per_night') }}) over (partition by {{ partition_by }} order by {{ order_by }}) as integer)
{%- endmacro %}
