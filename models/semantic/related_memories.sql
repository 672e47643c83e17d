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
  ones at any size. The similarities are computed inside the timeline window (lead and lag of
  the embedding: 16 bytes a word offline; one window pass, each pair from both sides: a few bit
  counts are cheaper than a second pass over the wide rows), and each memory keeps its best k
  over its postings (macros/performance/top_k.sql). No table of pairs is built and nothing larger than a
  memory's few candidates is ever sorted: time and memory grow linearly with the number of
  memories. Only positive similarities count as related; ties break on the smaller
  related_memory_id, so the table is deterministic.

  Incremental (delete+insert on memory_id: a memory's whole top-k list is replaced). New
  long-term memories are appended at the end of their blocks (memory_postings), so an old
  memory's candidates only grow, and only in the blocks that changed. A run pairs each new
  posting with the related_candidate_window postings before it (a join on the block and a
  position range, each pair of memories once: the pairs of two old memories were compared when
  the later one was new), merges each old memory's new pairs with its stored top k (the best k
  of a union are the best k of one side's best k and the other side), and rewrites the lists of
  the new memories and of the old ones whose top k changed. Only the memories met are read from
  ltm_memories and numbered (ties break on memory_id order, not on a number of every memory).
  Building day by day gives the table one full build gives.
-#}
{#- incremental_insert_first=false: every run rewrites stored lists (old memories' top k): no try as a plain insert of new keys -#}
{{ config(
    materialized='incremental',
    unique_key='memory_id',
    incremental_strategy='delete+insert',
    incremental_insert_first=false,
    on_schema_change='fail'
) }}

{%- set window_size = var('related_candidate_window') %}
{%- set k = var('related_memories_k') %}
{%- set llm = var('llm_enrichment', false) %}
{#- A key holds the related memory's number in 29 bits (macros/performance/top_k.sql): memory_id
    itself when every id fits (the synthetic ones do), else its rank in memory_id order. Asked when
    the model runs (ltm_memories is built by then); without the table (a compile before the first
    build) the rank. -#}
{%- set ids_are_numbers = false %}
{%- if execute and load_relation(ref('ltm_memories')) is not none %}
{%-   set bounds = run_query('select coalesce(min(memory_id) >= 0 and max(memory_id) <= 536870911, true) as fits from ' ~ ref('ltm_memories')) %}
{%-   set ids_are_numbers = bounds.columns[0].values()[0] %}
{%- endif %}

-- read where it is used: DuckDB would otherwise keep every memory's row (embedding included) in
-- memory for the whole query, since the full build reads it three times
with memories as not materialized (
    select memory_id, concepts, consolidated_at, embedding
    from {{ ref('ltm_memories') }}
),

{% if is_incremental() %}
{%- set new_after = watermark(this, 'memory_consolidated_at') %}
-- the postings of the memories consolidated since the last run (appended at the ends of their
-- blocks, memory_postings)
new_postings as (
    select memory_id, concept, signature, position
    from {{ ref('memory_postings') }}
    where consolidated_at > {{ new_after }}
),

-- the end of each changed block: the window_size postings before its first new one, and the new
-- ones; every pair with a new memory lies in here
context as (
    select p.memory_id, p.concept, p.signature, p.position
    from {{ ref('memory_postings') }} as p
    join (
        select concept, signature, min(position) as first_new_position
        from new_postings
        group by concept, signature
    ) as c on c.concept = p.concept and c.signature = p.signature
    where p.position >= c.first_new_position - {{ window_size }}
),

-- the new pairs: each new posting with the window_size postings before it on its block's
-- timeline (old or new; the pairs after it are those of the later new postings), each pair of
-- memories once however many blocks they share (a timeline is in (consolidated_at, memory_id)
-- order, so the later memory is on the same side in every block). Pairs of two old memories
-- were compared when the later of them was new.
pairs as (
    select distinct n.memory_id as later_id, p.memory_id as earlier_id
    from new_postings as n
    join context as p
      on p.concept = n.concept and p.signature = n.signature
     and p.position >= n.position - {{ window_size }} and p.position < n.position
),

-- the stored top k of the memories met on the earlier side (the old ones)
stored as (
    select r.memory_id, r.related_memory_id
    from {{ this }} as r
    where r.memory_id in (select earlier_id from pairs)
),

-- the memories whose embeddings and concepts are read: both sides of the pairs and the stored
-- related memories (one scan of ltm_memories), numbered as in a full build: by their own ids, or
-- in memory_id order (the tie-break of equal similarities: only their order matters, so then the
-- few met are numbered, not every memory). Numbering them is a sort the ids spare (1M: the
-- model's query ~20% faster).
met as (
    select *, {% if ids_are_numbers %}memory_id{% else %}row_number() over (order by memory_id){% endif %} as seq
    from memories
    where memory_id in (
        select later_id from pairs
        union select earlier_id from pairs
        union select related_memory_id from stored)
),

-- each new pair's key from both sides (the later memory's candidate is the earlier one, and back:
-- the same score, the other memory's number)
scored as (
    select later_id, earlier_id, later_key, {{ key_with_seq('later_key', 'later_seq') }} as earlier_key
    from (
        select
            p.later_id,
            p.earlier_id,
            a.seq as later_seq,
            {{ memory_similarity_key('b.embedding', 'a.embedding', 'b.seq') }} as later_key
        from pairs as p
        join met as a on a.memory_id = p.later_id
        join met as b on b.memory_id = p.earlier_id
    )
),

-- the stored pairs' keys, from the embeddings as a new pair's (not from the stored similarity,
-- whose double would round differently from the offline key's exact integers)
stored_keys as (
    select r.memory_id, {{ memory_similarity_key('m.embedding', 'n.embedding', 'n.seq') }} as key
    from stored as r
    join met as m on m.memory_id = r.memory_id
    join met as n on n.memory_id = r.related_memory_id
),

-- every memory's candidates from the new pairs (both ways) and its stored top k: the best k of a
-- union are the best k of one side's best k and the other side (an old memory's candidates only
-- grow, since new memories are appended after it). A stored key can come back from a pair (when
-- the last run's newest memories have no related memories, the watermark is older and they are
-- paired again), so a key appears at most twice: the 2k largest hold the k largest distinct ones.
memory_keys as (
    select memory_id, max(key, {{ 2 * k }}) as keys
    from (
        select later_id as memory_id, later_key as key from scored
        union all
        select earlier_id, earlier_key from scored
        union all
        select memory_id, key from stored_keys
    )
    where key is not null
    group by memory_id
),

-- only the lists that changed are rewritten (an old memory whose new candidates all fall below
-- its k-th keeps its rows)
memory_best as (
    select b.memory_id, b.keys
    from (
        select memory_id, list_slice(list_filter(keys, lambda key, i: i = 1 or keys[i - 1] <> key), 1, {{ k }}) as keys
        from memory_keys
    ) as b
    left join (
        select memory_id, max(key, {{ k }}) as keys
        from stored_keys
        group by memory_id
    ) as o on o.memory_id = b.memory_id
    where b.keys is distinct from o.keys
),

-- the cue's own columns joined once per memory (before its k rows are unnested)
ranked as (
    select
        r.memory_id,
        a.concepts,
        a.consolidated_at,
        {%- if llm %}
        a.embedding,
        {%- endif %}
        unnest(r.keys) as key,
        unnest(range(1, len(r.keys) + 1)) as similarity_rank
    from memory_best as r
    join met as a on a.memory_id = r.memory_id
)

{% else %}
{%- if ids_are_numbers %}
-- every memory, numbered by its own id (the tie-break of equal similarities). Inlined where it is
-- read: three scans of ltm_memories' columns, where a materialized CTE would hold every memory's
-- row in memory for the whole query.
numbered as not materialized (
    select *, memory_id as seq
    from memories
),
{%- else %}
-- every memory, numbered in memory_id order (the tie-break of equal similarities)
numbered as (
    select *, row_number() over (order by memory_id) as seq
    from memories
),
{%- endif %}

-- every posting (a memory's place on each of its blocks' timelines)
needed as (
    select p.memory_id, p.concept, p.signature, p.slot, p.postings, p.position, m.seq, m.embedding
    from {{ ref('memory_postings') }} as p
    join numbered as m on m.memory_id = p.memory_id
),

-- every posting against the window_size postings after it and the window_size before it on its
-- timeline, in one window pass (lead and lag of the embedding: a few bytes offline; positions
-- are consecutive, 1..n per block). A pair's similarity is computed once from each side, with
-- the earlier posting's embedding first both times, so both sides get the same double.
-- Offline, only the shared feature count is computed here, and each posting's seq and own
-- feature count travel as one BIGINT (seq * 65536 + features: one lead and one lag instead of
-- two each); the key is then exact integer arithmetic (overlap_seq_key).
forward as (
    select
        memory_id,
        slot,
        postings
        {%- if not llm %},
        features
        {%- endif %}
        {%- for i in range(1, window_size + 1) %},
        {%- if llm %}
        lead(seq, {{ i }}) over timeline as next_seq_{{ i }},
        lag(seq, {{ i }}) over timeline as prev_seq_{{ i }},
        {{ memory_similarity('embedding', 'lead(embedding, ' ~ i ~ ') over timeline') }} as next_similarity_{{ i }},
        {{ memory_similarity('lag(embedding, ' ~ i ~ ') over timeline', 'embedding') }} as prev_similarity_{{ i }}
        {%- else %}
        lead(seq_features, {{ i }}) over timeline as next_seq_features_{{ i }},
        lag(seq_features, {{ i }}) over timeline as prev_seq_features_{{ i }},
        {{ feature_overlap('embedding', 'lead(embedding, ' ~ i ~ ') over timeline') }} as next_shared_{{ i }},
        {{ feature_overlap('lag(embedding, ' ~ i ~ ') over timeline', 'embedding') }} as prev_shared_{{ i }}
        {%- endif %}
        {%- endfor %}
    from {% if llm %}needed{% else %}(
        select *, seq * 65536 + features as seq_features
        from (select *, {{ feature_count('embedding') }} as features from needed)
    ){% endif %}
    window timeline as (partition by concept, signature order by position)
),

-- each posting's candidates as keys (score and seq in one BIGINT, macros/performance/top_k.sql):
-- the window_size after it and the window_size before it
{%- set candidate_keys = [] %}
{%- for i in range(1, window_size + 1) %}{% do candidate_keys.append('after_' ~ i) %}{% do candidate_keys.append('before_' ~ i) %}{% endfor %}
candidates as (
    select
        memory_id,
        slot,
        postings
        {%- for i in range(1, window_size + 1) %},
        {%- if llm %}
        {{ score_seq_key('next_similarity_' ~ i, 'next_seq_' ~ i) }} as after_{{ i }},
        {{ score_seq_key('prev_similarity_' ~ i, 'prev_seq_' ~ i) }} as before_{{ i }}
        {%- else %}
        {{ overlap_seq_key('next_shared_' ~ i, 'features', 'next_seq_features_' ~ i ~ ' % 65536', 'next_seq_features_' ~ i ~ ' // 65536') }} as after_{{ i }},
        {{ overlap_seq_key('prev_shared_' ~ i, 'features', 'prev_seq_features_' ~ i ~ ' % 65536', 'prev_seq_features_' ~ i ~ ' // 65536') }} as before_{{ i }}
        {%- endif %}
        {%- endfor %}
    from forward
),

-- the posting's best k keys, one pass each (scalar: no list is built or sorted)
posting_best_0 as (
    select * from candidates
),
{%- for j in range(1, k + 1) %}
posting_best_{{ j }} as (
    select *, {{ top_key_pass(candidate_keys, j, 'best_' ~ (j - 1)) }} as best_{{ j }}
    from posting_best_{{ j - 1 }}
),
{%- endfor %}

-- a memory's best k over its postings: the keys of all its postings' best k, each distinct key
-- once (a pair met in several shared blocks has the same key each time and counts once), the k
-- largest by max(key, k). The distinct (memory, key) pairs go through DuckDB's hash aggregate,
-- which spills to disk; a per-memory heap of k x postings keys (max(key, k x postings), tried) does
-- not, and at 10M memories it ran out of the profile's 4 GB memory_limit.
-- No WHERE here: DuckDB guesses a filter keeps a fifth of its rows, and with two of them it took
-- this side for a few hundred thousand rows and built the final join's hash table on the 3.6M
-- related rows (with the cue's concept lists) instead of on the memories (1M: the model 2.95 ->
-- 2.6 s, ~0.8 CPU-s and ~250 MB less). A memory with one posting contributes no list here, and a
-- NULL key (a posting with fewer than k candidates) is one more distinct row that max() skips.
memory_keys as (
    select distinct memory_id, key
    from (
        select memory_id, unnest(case when postings > 1 then [{% for j in range(1, k + 1) %}best_{{ j }}{% if not loop.last %}, {% endif %}{% endfor %}] end) as key
        from posting_best_{{ k }}
    )
),

memory_best as (
    select memory_id, max(key, {{ k }}) as keys
    from memory_keys
    group by memory_id
    union all
    -- a memory with one posting: that posting's best k are its own
    select memory_id, list_filter([{% for j in range(1, k + 1) %}best_{{ j }}{% if not loop.last %}, {% endif %}{% endfor %}], lambda key: key is not null) as keys
    from posting_best_{{ k }}
    where postings = 1
),

-- the cue's own columns joined once per memory (before its k rows are unnested)
ranked as (
    select *
    from (
        select
            r.memory_id,
            a.concepts,
            a.consolidated_at,
            {%- if llm %}
            a.embedding,
            {%- endif %}
            unnest(r.keys) as key,
            unnest(range(1, len(r.keys) + 1)) as similarity_rank
        from memory_best as r
        join numbered as a on a.memory_id = r.memory_id
    )

)
{% endif %}

-- the similarity: offline the key's score read back (key_similarity: within ~5e-10 of the exact
-- sqrt(shared^2 / (n1 * n2)), distinct for distinct similarities, so the ranks order it exactly),
-- which spares gathering both embeddings again for every row (1M: the model ~10% faster, 10M
-- ~13%); with the LLM the cosine recomputed from the two embeddings (the key's 2^-33 steps in the
-- squared cosine are coarse next to a small cosine)
select
    r.memory_id,
    b.memory_id as related_memory_id,
    cast(r.similarity_rank as integer) as similarity_rank,
    {%- if llm %}
    cast(least(1.0, {{ memory_similarity('r.embedding', 'b.embedding') }}) as double) as similarity,
    {%- else %}
    {{ key_similarity('r.key') }} as similarity,
    {%- endif %}
    list_filter(r.concepts, lambda c: list_contains(b.concepts, c)) as shared_concepts,
    r.consolidated_at as memory_consolidated_at
from ranked as r
join {% if is_incremental() %}met{% else %}numbered{% endif %} as b on b.seq = {{ key_seq('r.key') }}
