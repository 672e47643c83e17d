-- Behaviour: long-term memories move from the hippocampus to the neocortex over weeks to years.
-- Findings: systems consolidation (Squire & Alvarez 1995; McClelland, McNaughton & O'Reilly 1995;
-- Frankland & Bontempi 2005): repeated replay slowly trains the cortex, so remote memories become
-- hippocampus-independent (the Ribot gradient of retrograde amnesia).
-- Measure: the hippocampal share of long-term memories older than 365 days is at most half the
-- share among those younger than 30 days. Returns a row when it is not; nothing with fewer than
-- 20 memories in either group.
with ltm as (
    select age_days, (memory_store = 'hippocampus')::int as hippocampal
    from {{ ref('ltm_retention') }}
),
shares as (
    select
        avg(hippocampal) filter (where age_days < 30) as recent_share,
        avg(hippocampal) filter (where age_days > 365) as remote_share,
        count(*) filter (where age_days < 30) as n_recent,
        count(*) filter (where age_days > 365) as n_remote
    from ltm
)
select 'no hippocampus-to-cortex shift' as violation, recent_share, remote_share, n_recent, n_remote
from shares
where n_recent >= 20 and n_remote >= 20
  and not (remote_share <= 0.5 * recent_share)
