{#-
  related_memories — for each long-term memory, its related_memories_k most similar long-term
  memories (pattern completion: one cue brings back related traces), by the similarity of their
  embeddings (memory_similarity: offline, the cosine of their hashed word-and-concept sets, in
  which concepts weigh embedding_concept_weight times a word, so what memories are about counts
  more than how they are worded; with the LLM, the cosine of its vectors).

  Blocking keeps this far from all pairs (no vector index is available offline): candidates share
  a concept AND lie close on that concept's timeline (sorted-neighbourhood blocking). Each
  concept's memories are numbered in the order they entered long-term memory (a memory brought
  back by reconsolidation joins the current context, Howard & Kahana 2002) and every memory is
  compared with the related_candidate_window memories before and after it, over its first
  related_blocking_concepts concepts. Rare concepts are thus compared in full, common ones by
  temporal neighbourhood. The similarities are computed inside the timeline window (lag/lead of
  the embedding: 16 bytes a word offline) and each row keeps only its best k (sorted by similarity,
  then the smaller id); a memory's rows are merged into its top k. No table of pairs is built and
  nothing larger than a memory's few candidates is ever sorted: time and memory grow linearly with
  the number of memories. Only positive similarities count as related; ties break on the smaller
  related_memory_id, so the table is deterministic.

  Incremental (delete+insert on memory_id: a memory's whole top-k list is replaced). Long-term
  memories enter on the newest night, so new ones are appended at the end of each concept's
  timeline. A run recomputes the top k of the memories whose candidates changed — the new ones and
  those within related_candidate_window positions before the first new one on a concept — from
  every candidate they have, reading only the timeline positions around them (positions more than
  a window apart are never paired). The others keep their rows, which a full build would give
  them again: building day by day gives the table one full build gives.
-#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

{%- set window_size = var('related_candidate_window') %}
{%- set blocking_concepts = var('related_blocking_concepts') %}
{%- set k = var('related_memories_k') %}
{#- a posting's slot: its concept's place in the memory's blocking concepts, 0 when the memory has
    only one (its posting's best k are then the memory's, without the merge) #}
{%- macro slots(concepts) -%}
unnest(case when len(list_slice({{ concepts }}, 1, {{ blocking_concepts }})) = 1 then [0]
            else range(1, len(list_slice({{ concepts }}, 1, {{ blocking_concepts }})) + 1) end)
{%- endmacro %}

with memories as (
    select memory_id, concepts, consolidated_at, embedding
    from {{ ref('ltm_memories') }}
),

{% if is_incremental() %}
-- each memory's place on the timeline of each of its first concepts, in the order memories
-- entered long-term memory (a reconsolidated memory joins the current context); the embeddings
-- are fetched only for the positions the run needs
positioned as (
    select
        memory_id,
        concept,
        slot,
        consolidated_at,
        row_number() over (partition by concept order by consolidated_at, memory_id) as position
    from (
        select
            memory_id,
            unnest(list_slice(concepts, 1, {{ blocking_concepts }})) as concept,
            {{ slots('concepts') }} as slot,
            consolidated_at
        from memories
    )
),

-- where each timeline changed: the first position of a memory consolidated since the last run
changed_from as (
    select concept, min(position) as first_new_position
    from positioned
    where consolidated_at > {{ watermark(this, 'memory_consolidated_at') }}
    group by concept
),

-- memories whose candidates changed: the new ones and the window_size before them
affected as (
    select distinct p.memory_id
    from positioned as p
    join changed_from as c on c.concept = p.concept
    where p.position >= c.first_new_position - {{ window_size }}
),

-- the positions their candidates can sit at: a window around each of their postings
near as (
    select *
    from (
        select
            p.*,
            a.memory_id is not null as is_affected,
            max(case when a.memory_id is not null then 1 else 0 end) over (
                partition by p.concept order by p.position
                rows between {{ window_size }} preceding and {{ window_size }} following) as near_affected
        from positioned as p
        left join affected as a on a.memory_id = p.memory_id
    )
    where near_affected = 1
),

-- the memories met, numbered in memory_id order (the tie-break of equal similarities)
numbered as (
    select m.*, row_number() over (order by m.memory_id) as seq
    from memories as m
    where m.memory_id in (select memory_id from near)
),

needed as (
    select n.memory_id, n.concept, n.slot, n.position, n.is_affected, m.seq, m.embedding
    from near as n
    join numbered as m on m.memory_id = n.memory_id
),
{% else %}
-- every memory, numbered in memory_id order (the tie-break of equal similarities)
numbered as (
    select *, row_number() over (order by memory_id) as seq
    from memories
),

-- each memory's place on the timeline of each of its first concepts (slot: the concept's place
-- in its list), in the order memories entered long-term memory (a reconsolidated memory joins
-- the current context)
needed as (
    select
        memory_id,
        concept,
        slot,
        row_number() over (partition by concept order by consolidated_at, memory_id) as position,
        true as is_affected,
        seq,
        embedding
    from (
        select
            memory_id,
            unnest(list_slice(concepts, 1, {{ blocking_concepts }})) as concept,
            {{ slots('concepts') }} as slot,
            consolidated_at,
            seq,
            embedding
        from numbered
    )
),
{% endif %}

-- each pair once: every posting against the window_size postings after it on its timeline
-- (lead of the embedding: a few bytes offline); positions more than a window apart are never
-- paired (the needed positions can have gaps in an incremental run)
forward as (
    select
        memory_id,
        concept,
        slot,
        position,
        is_affected,
        seq
        {%- for i in range(1, window_size + 1) %},
        lead(seq, {{ i }}) over timeline as next_seq_{{ i }},
        case when lead(position, {{ i }}) over timeline - position <= {{ window_size }} then
            {%- if var('llm_enrichment', false) %}
            {{ memory_similarity('embedding', 'lead(embedding, ' ~ i ~ ') over timeline') }}
            {%- else %}
            {#- offline: the feature counts of both sides computed once per posting #}
            {{ feature_cosine(feature_overlap('embedding', 'lead(embedding, ' ~ i ~ ') over timeline'), 'features', 'lead(features, ' ~ i ~ ') over timeline') }}
            {%- endif %}
        end as next_similarity_{{ i }}
        {%- endfor %}
    from (
        select *, {% if var('llm_enrichment', false) %}null{% else %}{{ feature_count('embedding') }}{% endif %} as features
        from needed
    )
    window timeline as (partition by concept order by position)
),

-- each posting's candidates as keys (score and seq in one BIGINT, macros/performance/top_k.sql):
-- the window_size after it (computed above) and the window_size before it (the same pairs,
-- read back from the posting i places earlier)
{%- set candidate_keys = [] %}
{%- for i in range(1, window_size + 1) %}{% do candidate_keys.append('after_' ~ i) %}{% do candidate_keys.append('before_' ~ i) %}{% endfor %}
candidates as (
    select
        memory_id,
        slot,
        is_affected
        {%- for i in range(1, window_size + 1) %},
        {{ score_seq_key('next_similarity_' ~ i, 'next_seq_' ~ i) }} as after_{{ i }},
        {{ score_seq_key('lag(next_similarity_' ~ i ~ ', ' ~ i ~ ') over timeline', 'lag(seq, ' ~ i ~ ') over timeline') }} as before_{{ i }}
        {%- endfor %}
    from forward
    window timeline as (partition by concept order by position)
),

-- the posting's best k keys, one pass each (scalar: no list is built or sorted)
posting_best_0 as (
    select * from candidates where is_affected
),
{%- for j in range(1, k + 1) %}
posting_best_{{ j }} as (
    select *, {{ top_key_pass(candidate_keys, j, 'best_' ~ (j - 1)) }} as best_{{ j }}
    from posting_best_{{ j - 1 }}
),
{%- endfor %}

-- a memory's best k over its concepts: its postings side by side (one per slot), then the same
-- passes; a pair met on several shared concepts has the same key each time and counts once
-- (memories with one blocking concept skip this: their posting's best k are theirs)
{%- set slot_keys = [] %}
{%- for s in range(1, blocking_concepts + 1) %}{% for j in range(1, k + 1) %}{% do slot_keys.append('s' ~ s ~ '_' ~ j) %}{% endfor %}{% endfor %}
memory_best_0 as (
    select
        memory_id
        {%- for s in range(1, blocking_concepts + 1) %}{% for j in range(1, k + 1) %},
        max(best_{{ j }}) filter (where slot = {{ s }}) as s{{ s }}_{{ j }}
        {%- endfor %}{% endfor %}
    from posting_best_{{ k }}
    where slot > 0
    group by memory_id
),
{%- for j in range(1, k + 1) %}
memory_best_{{ j }} as (
    select *, {{ top_key_pass(slot_keys, j, 'top_' ~ (j - 1)) }} as top_{{ j }}
    from memory_best_{{ j - 1 }}
),
{%- endfor %}

memory_best as (
    select memory_id{% for j in range(1, k + 1) %}, top_{{ j }}{% endfor %}
    from memory_best_{{ k }}
    union all
    select memory_id{% for j in range(1, k + 1) %}, best_{{ j }}{% endfor %}
    from posting_best_{{ k }}
    where slot = 0
),

-- the cue's own columns joined once per memory (before its k rows are unnested)
ranked as (
    select *
    from (
        select
            r.memory_id,
            a.concepts,
            a.consolidated_at,
            a.embedding,
            unnest([{% for j in range(1, k + 1) %}r.top_{{ j }}{% if not loop.last %}, {% endif %}{% endfor %}]) as key,
            unnest(range(1, {{ k + 1 }})) as similarity_rank
        from memory_best as r
        join numbered as a on a.memory_id = r.memory_id
    )
    where key is not null
)

-- the similarity itself is recomputed from the two embeddings (exact, not the key's rounding)
select
    r.memory_id,
    b.memory_id as related_memory_id,
    cast(r.similarity_rank as integer) as similarity_rank,
    cast(least(1.0, {{ memory_similarity('r.embedding', 'b.embedding') }}) as double) as similarity,
    list_filter(r.concepts, lambda c: list_contains(b.concepts, c)) as shared_concepts,
    r.consolidated_at as memory_consolidated_at
from ranked as r
join numbered as b on b.seq = {{ key_seq('r.key') }}
