{#-
  Forgetting and systems consolidation in closed form: the memory chain model (Murre & Chessa 2011;
  Murre, Chessa & Meeter 2013), evaluated at as_of from a memory's own timestamps (memory_retention).

  A memory's trace is a sum of stores, each an exponential with its own time constant:
    short-term   s(t) = short_term_intensity * exp(-t_since_last_access / short_term_time_constant)
    hippocampal  h(t) = mu1 * exp(-a1 u)                       (u = days since it entered the chain)
    neocortical  c(t) = mu1 * mu2 / (a1 - a2) * (exp(-a2 u) - exp(-a1 u))
  with a1 = 1 / hippocampal_time_constant (longer for emotional memories), a2 = 1 /
  cortical_time_constant_days and mu2 the
  memory's transfer_rate: the closed form of dh/dt = -a1 h (the hippocampal trace fades) and
  dc/dt = mu2 h - a2 c (replay of the hippocampal trace on later nights trains the cortex, which
  forgets slowly). A trace that was never replayed has no cortical part and fades with
  unconsolidated_time_constant_days. Recall probability = 1 - exp(-(s + h + c + ...)).

  Because the long-lived cortical store takes over from the fast ones, the hazard -d ln R / dt falls
  with age (Jost's law; the power-law shape of forgetting, Wixted & Ebbesen 1991, emerges from such
  sums and from the spread of parameters across memories, Murre & Chessa 2011), and the hippocampal
  share of a trace falls over weeks to years (systems consolidation; McClelland et al. 1995,
  Frankland & Bontempi 2005).

  Retrievals: every access after the first night is a learning event at its own time, feeding its
  own chain (and replayed the following night: reconsolidation). The input records an access count
  and the last access, so the accesses are taken as evenly spaced between encoding and the last
  access; the sum over them is a geometric series, in closed form (spaced_sum). Each adds
  retrieval_intensity * spacing_benefit(gap): accesses in quick succession add little (massed
  practice), spaced ones nearly the full amount (the spacing effect, Cepeda et al. 2006).
-#}

{#- A trace of intensity `mu` `days` after it was laid down in a store with time constant `tau_days`. -#}
{% macro decayed(mu, days, tau_days) -%}
  ({{ mu }} * exp(-greatest(0.0, {{ days }}) / ({{ tau_days }})))
{%- endmacro %}

{#- The time constant of a memory's hippocampal trace (days):
    hippocampal_time_constant_days * (1 + emotional_binding_gain * (salience - emotional_salience_floor)) / g.
    Emotional arousal lengthens it: emotional memories are forgotten more slowly, so their
    advantage grows with delay (the emotional binding account, Yonelinas & Ritchey 2015; amygdala
    modulation, McGaugh 2004). g is the memory's own decay-rate multiplier, gamma-distributed
    across memories with mean 1 and shape hippocampal_decay_shape (the mean of that many
    exponential draws fixed per memory; shape 0: g = 1 for all), at least 0.05: items differ in how
    fast they are forgotten, and exponentials with such spread rates add up to a power law
    (Murre & Chessa 2011; Anderson & Tweney 1997). -#}
{% macro hippocampal_time_constant(emotional_salience, memory_id) -%}
  {%- set shape = var('hippocampal_decay_shape') -%}
  ({{ var('hippocampal_time_constant_days') }} * (1 + {{ var('emotional_binding_gain') }} * greatest(0.0, {{ emotional_salience }} - {{ var('emotional_salience_floor') }}))
   {%- if shape > 0 %}
   / greatest(0.05, ({% for j in range(1, shape + 1) %}{% if not loop.first %} + {% endif %}-ln(1 - {{ stable_draw(memory_id, 'hippocampal_decay_' ~ j) }}){% endfor %}) / {{ shape }})
   {%- endif %})
{%- endmacro %}

{#- The hippocampal part of a chain started `days` ago with intensity `mu` (time constant `tau1`). -#}
{% macro hippocampal_trace(mu, days, tau1) -%}
  {{ decayed(mu, days, tau1) }}
{%- endmacro %}

{#- The rate factor mu2 / (a1 - a2) of the cortical part (a1 = 1 / tau1, a2 the cortical rate). -#}
{% macro transfer_gain(transfer, tau1) -%}
  ({{ transfer }} / (1.0 / ({{ tau1 }}) - 1.0 / {{ var('cortical_time_constant_days') }}))
{%- endmacro %}

{#- The neocortical part of a chain started `days` ago with intensity `mu` and transfer rate `transfer`. -#}
{% macro cortical_trace(mu, transfer, days, tau1) -%}
  ({{ mu }} * {{ transfer_gain(transfer, tau1) }}
    * ({{ decayed('1.0', days, var('cortical_time_constant_days')) }} - {{ decayed('1.0', days, tau1) }}))
{%- endmacro %}

{#- sum_{k=0}^{count-1} exp(-(since_last + k * gap) / tau): `count` events `gap` days apart, the
    latest `since_last` days ago, each decayed in a store with time constant `tau_days`. A geometric
    series: exp(-since_last / tau) * (1 - exp(-count * gap / tau)) / (1 - exp(-gap / tau)); count
    * exp(-since_last / tau) when the events are (nearly) simultaneous. Every exponent is <= 0. -#}
{% macro spaced_sum(count, gap_days, since_last_days, tau_days) -%}
  (case
     when {{ count }} <= 0 then 0.0
     when {{ gap_days }} / {{ tau_days }} < 1e-9 then {{ count }} * exp(-greatest(0.0, {{ since_last_days }}) / {{ tau_days }})
     else exp(-greatest(0.0, {{ since_last_days }}) / {{ tau_days }})
          * (1 - exp(-{{ count }} * {{ gap_days }} / {{ tau_days }})) / (1 - exp(-{{ gap_days }} / {{ tau_days }}))
   end)
{%- endmacro %}

{#- How much one retrieval adds, given the gap since the previous one: 1 - exp(-gap /
    spacing_time_constant_days). Retrieving what is still fresh adds little (deficient processing of
    massed repetitions); retrieving after a delay adds nearly the full retrieval_intensity. -#}
{% macro spacing_benefit(gap_days) -%}
  (1 - exp(-greatest(0.0, {{ gap_days }}) / {{ var('spacing_time_constant_days') }}))
{%- endmacro %}

{#- Recall probability from the summed trace intensity (memory chain model): 1 - exp(-intensity). -#}
{% macro recall_probability(intensity) -%}
  {% call clamp01() %}1 - exp(-({{ intensity }})){% endcall %}
{%- endmacro %}

{#- Days after a chain starts until its cortical part exceeds its hippocampal part (the memory
    becomes hippocampus-independent, absent further retrievals): ln(1 + (a1 - a2) / mu2) / (a1 - a2);
    NULL without transfer. -#}
{% macro cortical_takeover_days(transfer, tau1) -%}
  (case when {{ transfer }} > 0 then
     ln(1 + (1.0 / ({{ tau1 }}) - 1.0 / {{ var('cortical_time_constant_days') }}) / {{ transfer }})
       / (1.0 / ({{ tau1 }}) - 1.0 / {{ var('cortical_time_constant_days') }})
   end)
{%- endmacro %}

{#- The rows of memory_traces (settled: the first night has come, memory_replay has the memory)
    or memory_traces_pending (not settled: before the first night): what the chain model needs
    about each memory that does not move with as_of, for the rows of s meeting `condition` (SQL on
    s, applied before the join). s is memory_replay when settled — it carries the short-term
    phase's columns (strength, salience; its consolidated_at is the first night), so a settled
    row needs one join, with raw_memories, not two — and stm_episodes before the first night. -#}
{% macro memory_trace_rows(settled, condition) -%}
with known as (
    select
        s.memory_id,
        s.primary_concept,
        s.created_at,
        s.stm_strength,
        s.emotional_salience,
        {%- if settled %}
        s.consolidated_at as first_night_at,
        {%- else %}
        s.replay_scheduled_at as first_night_at,
        {%- endif %}
        m.last_accessed_at as recorded_last_accessed_at,
        m.access_count as recorded_access_count,
        m.emotional_valence,
        m.theme,
        {%- if settled %}
        true as settled,
        s.replayed,
        s.fate as first_night_fate,
        s.consolidated_strength,
        s.replay_cycles as first_night_replays,
        s.importance
        {%- else %}
        false as settled,
        false as replayed,
        cast(null as varchar) as first_night_fate,
        s.stm_strength as consolidated_strength,
        0 as first_night_replays,
        {{ memory_importance('s.emotional_salience', 's.co_activation_count', 's.concepts') }} as importance
        {%- endif %}
    from (
        select * from {% if settled %}{{ ref('memory_replay') }}{% else %}{{ ref('stm_episodes') }}{% endif %} as s
        where {{ condition }}
    ) as s
    -- the recorded accesses and valence never change for a memory: read raw_memories (a table),
    -- not the as_of view
    join {{ ref('raw_memories') }} as m on m.memory_id = s.memory_id
)

select
    *,
    {{ transfer_rate('importance') }} as transfer_rate,
    {{ hippocampal_time_constant('emotional_salience', 'memory_id') }} as hippocampal_tau_days
from known
{%- endmacro %}
