{#-
  semantic_network — the associations that survive pruning at as_of: concept_associations
  without the pairs whose scaled weight fell under weak_connection_threshold. Ranked per source
  concept, strongest first.
-#}
{{ config(materialized='view') }}

select
    source_concept,
    target_concept,
    weight,
    association_strength,
    homeostatic_scale,
    co_activation_count,
    last_co_activated_at,
    cast(row_number() over (partition by source_concept order by weight desc, target_concept) as integer) as association_rank,
    as_of
from {{ ref('concept_associations') }}
where not is_pruned
