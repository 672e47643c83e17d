-- Each fate agrees with the strengths that decided it (thresholds from project.yml), and only
-- replayed memories are strengthened. Returns the inconsistent memories.
select memory_id, fate, replayed, replay_cycles, stm_strength, consolidated_strength, replay_strength
from {{ ref('memory_replay') }}
where
    -- cortical transfer needs both strengths at or over their thresholds
    (fate = 'cortical_transfer'
        and not (consolidated_strength >= {{ var('cortical_transfer_threshold') }}
                 and replay_strength >= {{ var('replay_transfer_threshold') }}))
    -- anything strong enough for the cortex must have gone there
 or (fate <> 'cortical_transfer'
        and consolidated_strength >= {{ var('cortical_transfer_threshold') }}
        and replay_strength >= {{ var('replay_transfer_threshold') }})
 or (fate = 'hippocampal_retention'
        and not (consolidated_strength >= {{ var('hippocampal_retention_threshold') }}))
 or (fate = 'gradual_forgetting'
        and not (consolidated_strength >= {{ var('gradual_forgetting_threshold') }}
                 and consolidated_strength < {{ var('hippocampal_retention_threshold') }}))
 or (fate = 'rapid_forgetting'
        and not (consolidated_strength < {{ var('gradual_forgetting_threshold') }}))
    -- memories that were not replayed keep their short-term strength
 or (not replayed and (replay_cycles <> 0 or consolidated_strength <> stm_strength))
 or (replayed and replay_cycles <> {{ var('replay_cycles') }})
 or fate is null
