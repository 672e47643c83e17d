{#-
  memory_postings — the blocks related_memories compares within (macros/performance/blocking.sql):
  each long-term memory posted on one block per (blocking concept, LSH band), with its position
  on that block's timeline (the order memories entered long-term memory, consolidated_at then
  memory_id). Blocks gather memories that share a concept and are worded alike; within a block
  the related_candidate_window neighbours are compared.

  Incremental (append). Long-term memories enter on the newest night, after every stored one
  (ltm_memories), so a run appends the new memories' postings at the end of their blocks:
  position = the block's last stored position + their rank among the new. Building day by day
  gives the positions one full build gives.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail'
) }}

with memories as (
    select memory_id, concepts, consolidated_at, embedding
    from {{ ref('ltm_memories') }}
    {% if is_incremental() %}
    where consolidated_at > {{ watermark(this, 'consolidated_at') }}
    {% endif %}
),

postings as (
    select memory_id, consolidated_at, posting.concept, posting.signature, posting.slot, cast(len(postings) as integer) as postings
    from (
        select memory_id, consolidated_at, postings, unnest(postings) as posting
        from (
            select memory_id, consolidated_at, {{ blocking_postings('concepts', 'embedding') }} as postings
            from memories
        )
    )
)

select
    p.concept,
    p.signature,
    {% if is_incremental() %}coalesce(b.last_position, 0) + {% endif -%}
    row_number() over (partition by p.concept, p.signature order by p.consolidated_at, p.memory_id) as position,
    p.memory_id,
    p.slot,
    p.postings,
    p.consolidated_at
from postings as p
{% if is_incremental() %}
left join (
    select concept, signature, max(position) as last_position
    from {{ this }}
    group by concept, signature
) as b on b.concept = p.concept and b.signature = p.signature
{% endif %}
