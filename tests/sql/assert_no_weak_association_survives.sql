-- Pruning: no association under weak_connection_threshold survives in the network, and
-- is_pruned says exactly that. Returns the offending pairs.
select 'semantic_network' as relation, source_concept, target_concept, weight
from {{ ref('semantic_network') }}
where weight < {{ var('weak_connection_threshold') }}
union all
select 'concept_associations', source_concept, target_concept, weight
from {{ ref('concept_associations') }}
where is_pruned <> (weight < {{ var('weak_connection_threshold') }})
