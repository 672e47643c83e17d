-- related_memories: (memory_id, related_memory_id) unique, never a memory with itself, ranks
-- 1..n per memory with n <= related_memories_k, similarity not increasing with rank, and the
-- two memories share a concept (blocking). Returns the offending rows. One window (ranks in
-- order: a rank that is not its position is a gap or a repeat) and one aggregate (repeated pairs).
with ranked as (
    select
        *,
        row_number() over by_rank as position,
        count(*) over (partition by memory_id) as related_count,
        lag(similarity) over by_rank as previous_similarity
    from {{ ref('related_memories') }}
    window by_rank as (partition by memory_id order by similarity_rank)
)
select 'malformed' as violation, memory_id, related_memory_id, similarity_rank, similarity, related_count
from ranked
where similarity_rank <> position
   or related_count > {{ var('related_memories_k') }}
   or similarity > previous_similarity
   or memory_id = related_memory_id
   or len(shared_concepts) = 0
union all
select 'pair repeated', memory_id, related_memory_id, null, null, count(*)
from {{ ref('related_memories') }}
group by memory_id, related_memory_id
having count(*) > 1
