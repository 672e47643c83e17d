{#-
  Accessibility of a memory at as_of (stg_memories, wm_active_context). Every score is in [0, 1].
-#}

{#- The access state known at `as_of`, as two columns (last_accessed_at, access_count): the recorded
    last access and count if that access had happened by then, else the memory as created (its
    creation is its one access). stg_memories and memory_retention read their inputs through it. -#}
{% macro access_known_at(as_of, last_accessed_at, access_count, created_at) -%}
case when {{ last_accessed_at }} <= {{ as_of }} then {{ last_accessed_at }} else {{ created_at }} end as last_accessed_at,
        case when {{ last_accessed_at }} <= {{ as_of }} then {{ access_count }} else 1 end as access_count
{%- endmacro %}

{#- Recency: exp(-ln 2 * hours since the last access / half-life). 1 right after an access, 0.5
    one half-life later (var recency_half_life_hours). -#}
{% macro recency_score(hours_since_access) -%}
  {% call clamp01() %}exp(-ln(2) * greatest(0.0, {{ hours_since_access }}) / {{ var('recency_half_life_hours') }}){% endcall %}
{%- endmacro %}

{#- Frequency: ln(1 + accesses) / ln(1 + saturation), capped at 1 (practice effect with
    diminishing returns; var frequency_saturation_accesses, 100 by default, i.e. ln(101)). -#}
{% macro frequency_score(access_count) -%}
  {% call clamp01() %}ln(1 + greatest(0, {{ access_count }})) / ln(1 + {{ var('frequency_saturation_accesses') }}){% endcall %}
{%- endmacro %}

{#- Novelty: exp(-age / scale), the age term of activation (var activation_age_scale_days, 7). -#}
{% macro novelty_score(age_seconds) -%}
  {% call clamp01() %}exp(-greatest(0.0, {{ age_seconds }}) / ({{ var('activation_age_scale_days') }} * 86400.0)){% endcall %}
{%- endmacro %}

{#- Activation: recency of the last access blended with frequency and novelty (weights are vars
    summing to 1). Recency dominates: what was just attended is active whatever its age, so a long-term
    memory that was just retrieved can enter working memory (Cowan 1999's embedded processes;
    Anderson & Schooler 1991: need follows recency and frequency of use). -#}
{% macro activation_score(novelty, recency, frequency) -%}
  {% call clamp01() %}
      {{ var('activation_weight_age') }} * {{ novelty }}
    + {{ var('activation_weight_recency') }} * {{ recency }}
    + {{ var('activation_weight_frequency') }} * {{ frequency }}
  {%- endcall %}
{%- endmacro %}

{#- Emotional salience from valence in [-1, 1]: arousal in either direction makes an item salient;
    neutral items keep the floor (var emotional_salience_floor). -#}
{% macro emotional_salience(valence) -%}
  {% call clamp01() %}{{ var('emotional_salience_floor') }} + (1 - {{ var('emotional_salience_floor') }}) * abs(coalesce({{ valence }}, 0)){% endcall %}
{%- endmacro %}

{#- How much of the working-memory span an item takes, in [0, 1]: its number of concepts and its
    length, each normalised (vars wm_complexity_concepts, wm_complexity_chars), averaged. -#}
{% macro item_complexity(concepts, content) -%}
  {% call clamp01() %}
      (least(1.0, len({{ concepts }}) / {{ var('wm_complexity_concepts') }})
     + least(1.0, length(coalesce({{ content }}, '')) / {{ var('wm_complexity_chars') }})) / 2
  {%- endcall %}
{%- endmacro %}

{#- The working-memory span, deterministic: capacity +/- variance, decided by cognitive load in
    [0, 1] (the mean complexity of the items competing for the span): no load gives capacity +
    variance, full load capacity - variance. The items are whole notes (chunks), so the defaults
    are Cowan's 4 +/- 1 (Cowan 2001) rather than Miller's 7 +/- 2 for simple items (Miller 1956);
    complex items take more of it (Alvarez & Cavanagh 2004). Replaces the original's random draw. -#}
{% macro working_memory_span(load) -%}
  cast({{ var('working_memory_capacity') }} + {{ var('working_memory_variance') }}
    - round(2 * {{ var('working_memory_variance') }} * {{ clamp01(load) }}) as integer)
{%- endmacro %}
