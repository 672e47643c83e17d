-- Working memory holds the most activated eligible items: no memory accessed within the window
-- with activation above plasticity_threshold is left out while a less activated one is held, and
-- a span with free slots leaves no eligible memory out. Returns the memories wrongly left out.
with clock as (
    select as_of from {{ ref('pipeline_clock') }}
),
eligible as (
    select m.memory_id, m.activation
    from {{ ref('stg_memories') }} as m
    cross join clock
    where m.last_accessed_at > clock.as_of - {{ minutes_interval(var('working_memory_window_minutes')) }}
      and m.activation > {{ var('plasticity_threshold') }}
),
held as (
    select memory_id, activation, wm_capacity from {{ ref('wm_active_context') }}
),
weakest_held as (
    select min(activation) as activation, count(*) as items, max(wm_capacity) as span from held
)
select e.memory_id, e.activation, w.activation as weakest_held_activation, w.items, w.span
from eligible as e
cross join weakest_held as w
where e.memory_id not in (select memory_id from held)
  and (e.activation > w.activation or coalesce(w.items, 0) < coalesce(w.span, 0) or w.items = 0)
