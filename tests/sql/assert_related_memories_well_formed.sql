-- related_memories: (memory_id, related_memory_id) unique, never a memory with itself, ranks
-- 1..n per memory with n <= related_memories_k, similarity not increasing with rank, and the
-- two memories share a concept (blocking). Returns the offending rows.
with ranked as (
    select
        *,
        count(*) over (partition by memory_id, related_memory_id) as pair_rows,
        count(*) over (partition by memory_id) as related_count,
        lag(similarity) over (partition by memory_id order by similarity_rank) as previous_similarity
    from {{ ref('related_memories') }}
)
select memory_id, related_memory_id, similarity_rank, similarity, related_count
from ranked
where pair_rows > 1
   or memory_id = related_memory_id
   or related_count > {{ var('related_memories_k') }}
   or similarity_rank > related_count
   or similarity > previous_similarity
   or len(shared_concepts) = 0
