-- related_memories: (memory_id, related_memory_id) unique, never a memory with itself, ranks
-- 1..n per memory with n <= related_memories_k, similarity not increasing with rank, and the
-- two memories share a concept (blocking). Returns the offending memories. One aggregate per
-- memory (no window over all pairs).
select
    memory_id,
    count(*) as related_count,
    count(distinct related_memory_id) as distinct_related,
    max(similarity_rank) as max_rank
from {{ ref('related_memories') }}
group by memory_id
having count(distinct related_memory_id) <> count(*)
    or count(*) > {{ var('related_memories_k') }}
    or max(similarity_rank) <> count(*)
    or count(distinct similarity_rank) <> count(*)
    or min(similarity_rank) <> 1
    or list(similarity order by similarity_rank) <> list_reverse_sort(list(similarity))
    or bool_or(memory_id = related_memory_id)
    or bool_or(len(shared_concepts) = 0)
