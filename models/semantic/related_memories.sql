{#-
  related_memories — for each long-term memory, its related_memories_k most similar long-term
  memories (pattern completion: one cue brings back related traces), by the similarity of their
  embeddings (memory_similarity: offline, the cosine of their hashed word-and-concept sets, in
  which concepts weigh embedding_concept_weight times a word, so what memories are about counts
  more than how they are worded; with the LLM, the cosine of its vectors).

  Blocking keeps this far from all pairs (no vector index is available offline): candidates share
  a block (memory_postings, macros/performance/blocking.sql) — a concept AND a locality-sensitive
  hash bucket of the embedding, one block per blocking concept and LSH band — and lie within
  related_candidate_window places of each other on that block's timeline (sorted-neighbourhood
  blocking; the timeline is the order memories entered long-term memory). Memories in one block
  are about the same concept and worded alike, so the neighbours compared are the likely nearest
  ones at any size. The similarities are computed inside the timeline window (lead of the
  embedding: 16 bytes a word offline), each pair once, and each memory keeps its best k over its
  postings (macros/performance/top_k.sql). No table of pairs is built and nothing larger than a
  memory's few candidates is ever sorted: time and memory grow linearly with the number of
  memories. Only positive similarities count as related; ties break on the smaller
  related_memory_id, so the table is deterministic.

  Incremental (delete+insert on memory_id: a memory's whole top-k list is replaced). New
  long-term memories are appended at the end of their blocks (memory_postings). A run recomputes
  the top k of the memories whose candidates changed — the new ones and those within
  related_candidate_window positions before the first new one in a block — from every candidate
  they have, reading only the postings within a window of theirs (found by position in
  memory_postings, no sort of the stored postings). The others keep their rows, which a full
  build would give them again: building day by day gives the table one full build gives.
-#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

{%- set window_size = var('related_candidate_window') %}
{%- set k = var('related_memories_k') %}
{%- set slot_count = var('related_blocking_concepts') * (lsh_bands() | int) %}

with memories as (
    select memory_id, concepts, consolidated_at, embedding
    from {{ ref('ltm_memories') }}
),

{% if is_incremental() %}
-- where each block changed: the first position of a memory consolidated since the last run
changed_from as (
    select concept, signature, min(position) as first_new_position
    from {{ ref('memory_postings') }}
    where consolidated_at > {{ watermark(this, 'memory_consolidated_at') }}
    group by concept, signature
),

-- memories whose candidates changed: the new ones and the window_size before them in a block
affected as (
    select distinct p.memory_id
    from {{ ref('memory_postings') }} as p
    join changed_from as c on c.concept = p.concept and c.signature = p.signature
    where p.position >= c.first_new_position - {{ window_size }}
),

-- the positions their candidates can sit at: window_size either side of each of their postings
near_positions as (
    select distinct concept, signature, unnest(range(position - {{ window_size }}, position + {{ window_size }} + 1)) as position
    from {{ ref('memory_postings') }}
    where memory_id in (select memory_id from affected)
),

near as (
    select p.*, p.memory_id in (select memory_id from affected) as is_affected
    from {{ ref('memory_postings') }} as p
    join near_positions as n on n.concept = p.concept and n.signature = p.signature and n.position = p.position
),

-- the memories met, numbered in memory_id order (the tie-break of equal similarities)
numbered as (
    select m.*, row_number() over (order by m.memory_id) as seq
    from memories as m
    where m.memory_id in (select memory_id from near)
),

needed as (
    select n.memory_id, n.concept, n.signature, n.slot, n.position, n.is_affected, m.seq, m.embedding
    from near as n
    join numbered as m on m.memory_id = n.memory_id
),
{% else %}
-- every memory, numbered in memory_id order (the tie-break of equal similarities)
numbered as (
    select *, row_number() over (order by memory_id) as seq
    from memories
),

-- every posting (a memory's place on each of its blocks' timelines)
needed as (
    select p.memory_id, p.concept, p.signature, p.slot, p.position, true as is_affected, m.seq, m.embedding
    from {{ ref('memory_postings') }} as p
    join numbered as m on m.memory_id = p.memory_id
),
{% endif %}

-- each pair once: every posting against the window_size postings after it on its timeline
-- (lead of the embedding: a few bytes offline); positions more than a window apart are never
-- paired (the needed positions can have gaps in an incremental run)
forward as (
    select
        memory_id,
        concept,
        signature,
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
    window timeline as (partition by concept, signature order by position)
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
    window timeline as (partition by concept, signature order by position)
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

-- a memory's best k over its postings: its postings side by side (one per slot), then the same
-- passes; a pair met in several shared blocks has the same key each time and counts once
{%- set slot_keys = [] %}
{%- for s in range(1, slot_count + 1) %}{% for j in range(1, k + 1) %}{% do slot_keys.append('s' ~ s ~ '_' ~ j) %}{% endfor %}{% endfor %}
memory_best_0 as (
    select
        memory_id
        {%- for s in range(1, slot_count + 1) %}{% for j in range(1, k + 1) %},
        max(best_{{ j }}) filter (where slot = {{ s }}) as s{{ s }}_{{ j }}
        {%- endfor %}{% endfor %}
    from posting_best_{{ k }}
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
