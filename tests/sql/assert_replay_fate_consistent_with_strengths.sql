-- Each first-night fate agrees with what decided it (macros/biology/consolidation.sql): replayed
-- memories, and only they, enter long-term memory (hippocampal_retention); the others fade,
-- gradually when their short-term strength is at least gradual_forgetting_threshold, else rapidly.
-- Only replayed memories are strengthened, 1 to replay_cycles times by replay strength. Returns
-- the inconsistent memories.
select memory_id, fate, replayed, replay_cycles, stm_strength, consolidated_strength, replay_strength
from {{ ref('memory_replay') }}
where
    (replayed <> (fate = 'hippocampal_retention'))
 or (fate = 'gradual_forgetting' and not (stm_strength >= {{ var('gradual_forgetting_threshold') }}))
 or (fate = 'rapid_forgetting' and not (stm_strength < {{ var('gradual_forgetting_threshold') }}))
    -- memories that were not replayed keep their short-term strength
 or (not replayed and (replay_cycles <> 0 or consolidated_strength <> stm_strength))
 or (replayed and (replay_cycles < 1 or replay_cycles > {{ var('replay_cycles') }}
                   or replay_cycles <> greatest(1, ceil({{ var('replay_cycles') }} * replay_strength))))
 or fate is null
