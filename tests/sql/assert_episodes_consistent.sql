-- Episodes: members share the primary concept of the episode's first member, the first member is
-- the one whose memory_id is the episode_id (position 1, its creation = episode_started_at),
-- positions run 1..n in creation order, and consecutive members are at most episode_gap_minutes
-- apart. Returns the offending members.
with members as (
    select
        s.*,
        f.primary_concept as first_concept,
        f.created_at as first_created_at,
        row_number() over (partition by s.episode_id order by s.created_at, s.memory_id) as expected_position,
        lag(s.created_at) over (partition by s.episode_id order by s.created_at, s.memory_id) as previous_member_at
    from {{ ref('stm_episodes') }} as s
    left join {{ ref('stm_episodes') }} as f on f.memory_id = s.episode_id
)
select memory_id, episode_id, episode_position, expected_position
from members
where first_concept is null
   or primary_concept <> first_concept
   or episode_started_at <> first_created_at
   or episode_position <> expected_position
   or (episode_position = 1) <> (memory_id = episode_id)
   or created_at - previous_member_at > {{ minutes_interval(var('episode_gap_minutes')) }}
