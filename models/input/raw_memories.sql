{#-
  raw_memories — the memories as they arrive, before any biology.

  Incremental (merge on memory_id) so that a larger stream only adds what is new:
  - synthetic (memories_path unset): ids 0..synthetic_memories-1 from range(); an incremental run
    generates only ids above the largest one stored. Every column is a pure function of the id
    (macros/input/synthetic.sql), so the rows already stored are exactly what a full build would
    write, and new ids are newer than every stored memory.
    Timeline: synthetic_reference_memories (10,000) memories span synthetic_span_days (~13 months)
    ending at synthetic_anchor, in sittings of synthetic_session_size items every ~7.6 hours; ids
    past the reference count continue after the anchor at the same rate (~25 a day), so
    N = 100,000 spans ~11 years and N = 1,000,000 ~108 years. For a denser stream over the same
    span, raise synthetic_reference_memories together with synthetic_memories.
    Content has latent structure: each sitting is about one of ten themes (work, technology,
    family, health, money, learning, arts, travel, social, ideas; macros/input/synthetic.sql) and
    a focal concept of it; a memory's further concepts mostly come from its own theme, and its
    text names its concepts and a setting of its theme. The theme is kept in `theme` as ground
    truth for measuring the semantic network and related memories; no stage reads it.
    Lowering synthetic_memories needs --full-refresh (stored ids are never deleted).
  - the user's memories (memories_path set): the whole file or table is merged each run, so edited
    rows (a new access count) are updated. Deleted rows stay: use --full-refresh.

  The columns a memories_path input may have, and how each is read: the memories_input_columns
  docs block (models/docs.md), shown with this model in `bmp docs`.
-#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='merge',
    on_schema_change='fail'
) }}

{% set memories_path = var('memories_path', none) %}
{% if memories_path %}

with user_rows as (
    select * from {{ memories_relation(memories_path) }}
    -- optional columns the file may lack: an empty row set with them, unioned by name
    union all by name
    select null as last_accessed_at, null as access_count, null as concepts,
           null as emotional_valence, null as source, null as theme
    where false
),

typed as (
    select
        coalesce(try_cast(memory_id as bigint), cast(hash(cast(memory_id as varchar)) >> 1 as bigint)) as memory_id,
        cast(memory_id as varchar) as external_id,
        cast(content as varchar) as content,
        cast(created_at as timestamp) as created_at,
        cast(last_accessed_at as timestamp) as last_accessed_at,
        try_cast(access_count as integer) as access_count,
        concepts,
        try_cast(emotional_valence as double) as emotional_valence,
        cast(source as varchar) as source,
        cast(theme as varchar) as theme
    from user_rows
    where memory_id is not null and content is not null and created_at is not null
)

select
    memory_id,
    content,
    created_at,
    greatest(coalesce(last_accessed_at, created_at), created_at) as last_accessed_at,
    greatest(coalesce(access_count, 1), 1) as access_count,
    {{ normalize_concepts('concepts', 'content') }} as concepts,
    round(least(1.0, greatest(-1.0, coalesce(emotional_valence, 0.0))), 3) as emotional_valence,
    coalesce(source, 'import') as source,
    external_id,
    theme
from typed
-- one row per memory: the most recently accessed version wins
qualify row_number() over (partition by memory_id order by last_accessed_at desc nulls last, external_id) = 1

{% else %}

with ids as (
    select range as memory_id
    {#- an incremental run starts the range above the largest stored id, rather than filtering
        every id from 0 (1M: ~1 ms of each run, 10M ~15) #}
    from range({% if is_incremental() %}(select coalesce(max(memory_id), -1) + 1 from {{ this }}){% else %}0{% endif %}, {{ var('synthetic_memories') }})
    -- range() is a one-thread source and every column below is computed in its pipeline: the
    -- sort (of ids already in order, cheap) ends that pipeline, and its output is read by all
    -- threads, in order (at 1M: half the CPU of this model, and both cores)
    order by range
),

draws as (
    select
        memory_id,
        {{ synthetic_created_at('memory_id') }} as created_at,
        -- power-law access counts: P(count >= k) = k^-alpha, capped
        cast(least({{ var('synthetic_max_access_count') }}, floor(pow(1 - {{ synthetic_uniform('memory_id', 'access') }}, -1.0 / {{ var('synthetic_access_alpha') }}))) as integer) as access_count,
        -- delay of the last access, log-uniform up to synthetic_max_access_delay_days
        exp({{ synthetic_uniform('memory_id', 'delay') }} * ln(1 + {{ var('synthetic_max_access_delay_days') }} * 24.0)) - 1 as access_delay_hours,
        -- on topic: the sitting's focal theme and concept; off topic: any theme (Zipf-like over
        -- themes, and over concepts within a theme)
        {{ synthetic_uniform('memory_id', 'on_topic') }} < {{ var('synthetic_on_topic_share') }} as on_topic,
        case when on_topic
             then {{ synthetic_zipf_rank(10, 'memory_id // ' ~ var('synthetic_session_size'), 'theme') }}
             else {{ synthetic_zipf_rank(10, 'memory_id', 'theme') }} end as theme_rank,
        case when on_topic
             then {{ synthetic_zipf_rank(10, 'memory_id // ' ~ var('synthetic_session_size'), 'focus') }}
             else {{ synthetic_zipf_rank(10, 'memory_id', 'primary') }} end as primary_rank,
        -- 0 to synthetic_max_extra_concepts further concepts (fewer more likely), each from the
        -- memory's own theme with probability synthetic_theme_coherence, else from any theme
        cast(floor(({{ var('synthetic_max_extra_concepts') }} + 1) * pow({{ synthetic_uniform('memory_id', 'n_concepts') }}, 2)) as integer) as extra_concepts,
        {% for i in range(1, var('synthetic_max_extra_concepts') + 1) -%}
        case when {{ synthetic_uniform('memory_id', 'coherent_' ~ i) }} < {{ var('synthetic_theme_coherence') }}
             then theme_rank
             else {{ synthetic_zipf_rank(10, 'memory_id', 'extra_theme_' ~ i) }} end as extra_theme_{{ i }},
        {{ synthetic_zipf_rank(10, 'memory_id', 'extra_' ~ i) }} as extra_rank_{{ i }},
        {% endfor -%}
        {{ synthetic_pick(synthetic_openers(), 10, 'memory_id', 'opener') }} as opener,
        {{ synthetic_pick(synthetic_details(), 12, 'memory_id', 'detail') }} as detail,
        1 + cast(floor({{ synthetic_uniform('memory_id', 'setting') }} * 3) as integer) as setting_rank,
        {{ synthetic_uniform('memory_id', 'valence') }} as valence_noise,
        {{ synthetic_pick(synthetic_sources(), 6, 'memory_id', 'source') }} as source
    from ids
),

{%- set extra = var('synthetic_max_extra_concepts') %}
drawn as (
    select
        *,
        {{ synthetic_theme_concepts() }}[(theme_rank - 1) * 10 + primary_rank] as drawn_concept_0
        {%- for i in range(1, extra + 1) %},
        {{ synthetic_theme_concepts() }}[(extra_theme_{{ i }} - 1) * 10 + extra_rank_{{ i }}] as drawn_concept_{{ i }}
        {%- endfor %}
    from draws
),

-- the primary concept and the first extra_concepts further ones, each once (first occurrence
-- kept): a drawn concept joins when it is among the first extra_concepts and differs from the
-- ones before it (scalar: no lambda per row)
shaped as (
    select
        *,
        [drawn_concept_0]
        {%- for i in range(1, extra + 1) %}
        || case when extra_concepts >= {{ i }} and drawn_concept_{{ i }} not in ({% for j in range(i) %}drawn_concept_{{ j }}{% if not loop.last %}, {% endif %}{% endfor %}) then [drawn_concept_{{ i }}] else [] end
        {%- endfor %} as concepts
    from drawn
)

select
    memory_id,
    opener || ' ' || concepts[1]
        || case when len(concepts) >= 2 then ' with ' || concepts[2] else '' end
        || case when len(concepts) >= 3 then ' and ' || concepts[3] else '' end
        || ' ' || {{ synthetic_theme_settings() }}[(theme_rank - 1) * 3 + setting_rank]
        || ': ' || detail.phrase || '.' as content,
    created_at,
    case when access_count <= 1 then created_at
         else created_at + to_seconds(cast(floor(access_delay_hours * 3600) as bigint)) end as last_accessed_at,
    access_count,
    concepts,
    round(least(1.0, greatest(-1.0, detail.valence + {{ var('synthetic_valence_noise') }} * (2 * valence_noise - 1))), 3) as emotional_valence,
    source,
    'synthetic-' || memory_id as external_id,
    {{ synthetic_theme_names() }}[theme_rank] as theme
-- no ORDER BY here: the ids come sorted and every step above keeps their order (insertion order is
-- preserved), so the table is stored in memory_id (= created_at) order without a sort of the rows
from shaped

{% endif %}
