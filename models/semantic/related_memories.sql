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

with memories as (
    select memory_id, concepts, consolidated_at, embedding
    from {{ ref('ltm_memories') }}
),

-- each memory's place on the timeline of each of its first concepts, in the order memories
-- entered long-term memory (a reconsolidated memory joins the current context)
-- (a full build carries the embeddings along; an incremental run fetches them only for the
-- positions it needs)
positioned as (
    select
        memory_id,
        concept,
        consolidated_at,
        {% if not is_incremental() %}embedding,{% endif %}
        row_number() over (partition by concept order by consolidated_at, memory_id) as position
    from (
        select
            memory_id,
            unnest(list_slice(concepts, 1, {{ blocking_concepts }})) as concept,
            consolidated_at{% if not is_incremental() %},
            embedding{% endif %}
        from memories
    )
),

{% if is_incremental() %}
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
needed as (
    select n.*, m.embedding
    from (
        select
            p.*,
            a.memory_id is not null as is_affected,
            max(case when a.memory_id is not null then 1 else 0 end) over (
                partition by p.concept order by p.position
                rows between {{ window_size }} preceding and {{ window_size }} following) as near_affected
        from positioned as p
        left join affected as a on a.memory_id = p.memory_id
    ) as n
    join memories as m on m.memory_id = n.memory_id
    where n.near_affected = 1
),
{% else %}
needed as (
    select *, true as is_affected
    from positioned
),
{% endif %}

-- each memory against the window_size memories before and after it on each of its concepts'
-- timelines: the similarities are computed inside the window (lag/lead of the embedding: a few
-- bytes offline), and only the row's best k candidates leave it (sorted by similarity, then the
-- smaller id). Positions more than a window apart are never paired (the needed positions can
-- have gaps in an incremental run).
row_best as (
    select memory_id, is_affected, best
    from (
        select
            memory_id,
            is_affected,
            list_slice(list_sort(list_filter([
            {%- for fn in ['lag', 'lead'] %}{% set outer = loop %}
            {%- for i in range(1, window_size + 1) %}
                {'key': -coalesce({{ memory_similarity('embedding', fn ~ '(embedding, ' ~ i ~ ') over timeline') }}, 0),
                 'related_memory_id': {{ fn }}(memory_id, {{ i }}) over timeline,
                 'gap': abs(position - {{ fn }}(position, {{ i }}) over timeline)}{% if not (outer.last and loop.last) %},{% endif %}
            {%- endfor %}
            {%- endfor %}
            ], lambda c: c.related_memory_id is not null and c.key < 0 and c.gap <= {{ window_size }})), 1, {{ k }}) as best
        from needed
        window timeline as (partition by concept order by position)
    )
    where is_affected and len(best) > 0
),

-- the best k per memory over its concepts: a pair met on several shared concepts appears once
-- per concept, side by side after sorting, and is kept once
ranked as (
    select
        memory_id,
        best[similarity_rank].related_memory_id as related_memory_id,
        -best[similarity_rank].key as similarity,
        similarity_rank
    from (
        select memory_id, best, unnest(range(1, len(best) + 1)) as similarity_rank
        from (
            select
                memory_id,
                list_slice(list_filter(merged, lambda c, i: i = 1 or c.related_memory_id <> merged[i - 1].related_memory_id), 1, {{ k }}) as best
            from (
                select memory_id, list_sort(flatten(list(best))) as merged
                from row_best
                group by memory_id
            )
        )
    )
),

-- what the output shows of each memory (no embeddings: the similarity is already known)
cues as (
    select memory_id, concepts, consolidated_at
    from {{ ref('ltm_memories') }}
)

select
    r.memory_id,
    r.related_memory_id,
    cast(r.similarity_rank as integer) as similarity_rank,
    cast(least(1.0, r.similarity) as double) as similarity,
    list_filter(a.concepts, lambda c: list_contains(b.concepts, c)) as shared_concepts,
    a.consolidated_at as memory_consolidated_at
from ranked as r
join cues as a on a.memory_id = r.memory_id
join cues as b on b.memory_id = r.related_memory_id
