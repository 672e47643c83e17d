-- related_memories: (memory_id, related_memory_id) unique, ranks 1..n per memory with
-- n <= related_memories_k, and similarity not increasing with rank. Returns the offending
-- memories with what is wrong. (Never a memory with itself and a shared concept on every row are
-- the expression_is_true test of models/semantic/_semantic.yml, which reads every row in the
-- batched scan of the model's generic tests: checking them here too cost ~0.2 s of CPU at 1M,
-- most of it reading the shared_concepts lists again.)
-- One aggregate per memory, no sort: the ranks are 1..n exactly when there are n rows and the
-- bit set of their ranks is bits 1..n; the similarities and related ids are then pivoted by rank
-- (one row per rank) and compared side by side.
{%- set k = var('related_memories_k') %}
with per_memory as (
    select
        memory_id,
        count(*) as related_count,
        bit_or(case when similarity_rank between 1 and 62 then cast(1 as bigint) << similarity_rank else cast(1 as bigint) << 63 end) as rank_bits
        {%- for j in range(1, k + 1) %},
        max(similarity) filter (where similarity_rank = {{ j }}) as similarity_{{ j }},
        max(related_memory_id) filter (where similarity_rank = {{ j }}) as related_{{ j }}
        {%- endfor %}
    from {{ ref('related_memories') }}
    group by memory_id
)
select *
from (
    select
        memory_id,
        related_count,
        case
            when related_count > {{ k }} then 'more than related_memories_k'
            when rank_bits <> (cast(1 as bigint) << (related_count + 1)) - 2 then 'ranks are not 1..n'
            {%- for j in range(2, k + 1) %}
            when similarity_{{ j }} > similarity_{{ j - 1 }} then 'similarity increases at rank {{ j }}'
            {%- endfor %}
            {%- for i in range(1, k + 1) %}{% for j in range(i + 1, k + 1) %}
            when related_{{ i }} = related_{{ j }} then 'pair repeated'
            {%- endfor %}{% endfor %}
        end as violation
    from per_memory
)
where violation is not null
