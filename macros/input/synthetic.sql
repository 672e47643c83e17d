{#-
  The deterministic synthetic memory stream (raw_memories when memories_path is unset).
  Every column of memory `id` is a pure function of the id and the vars — DuckDB's hash() of the
  id (or of its sitting) with a salt — never of synthetic_memories, so raising N appends newer
  memories and leaves existing rows byte-identical.
-#}

{#- A uniform number in [0, 1) drawn from `key` with `salt` (stable across runs). -#}
{% macro synthetic_uniform(key, salt) -%}
  ((hash({{ key }}, '{{ salt }}') % 1000003) / 1000003.0)
{%- endmacro %}

{#- The latent themes of the synthetic stream: ten areas of a life (most frequent first), each with
    ten concepts (most frequent first) and three settings its notes mention. A memory is drawn from
    one theme, so concepts of a theme co-occur and its text reflects it: structure that the
    semantic network and related memories have to find (the theme itself is kept in
    raw_memories.theme as ground truth for measuring them, never read by the stages). Flat lists,
    indexed by theme rank t and rank k within it: concept (t - 1) * 10 + k, setting (t - 1) * 3 + k. -#}
{% macro synthetic_theme_names() -%}
  ['work', 'technology', 'family', 'health', 'money', 'learning', 'arts', 'travel', 'social', 'ideas']
{%- endmacro %}

{% macro synthetic_theme_concepts() -%}
  ['work', 'meeting', 'deadline', 'team', 'email', 'planning', 'interview', 'client', 'customer', 'feedback',
   'project', 'code', 'bug', 'release', 'database', 'python', 'startup', 'rust', 'duckdb', 'launch',
   'family', 'home', 'kids', 'garden', 'birthday', 'rent', 'neighbors', 'wedding', 'holiday', 'funeral',
   'health', 'sleep', 'exercise', 'running', 'doctor', 'yoga', 'meditation', 'dentist', 'swimming', 'cycling',
   'money', 'budget', 'car', 'taxes', 'insurance', 'contract', 'invoice', 'grant', 'patent', 'mentor',
   'learning', 'reading', 'books', 'research', 'school', 'lecture', 'exam', 'thesis', 'lab', 'experiment',
   'music', 'writing', 'design', 'movies', 'piano', 'painting', 'photography', 'poetry', 'concert', 'theater',
   'travel', 'weather', 'vacation', 'hiking', 'train', 'airport', 'camping', 'climbing', 'bicycle', 'museum',
   'friends', 'food', 'coffee', 'cooking', 'tea', 'market', 'bakery', 'festival', 'conference', 'review',
   'news', 'podcast', 'language', 'history', 'philosophy', 'memory', 'chess', 'neuroscience', 'astronomy', 'paper']
{%- endmacro %}

{% macro synthetic_theme_settings() -%}
  ['at the office', 'on the team call', 'before the standup',
   'in the repository', 'during the sprint', 'on the build server',
   'at home', 'over dinner with the family', 'at the weekend',
   'at the gym', 'after a long walk', 'at the clinic',
   'with the bank', 'going through the paperwork', 'at the accountant',
   'in the library', 'at the seminar', 'over my notes',
   'in the studio', 'at the gallery', 'on the stage',
   'on the road', 'at the station', 'in the mountains',
   'at the cafe', 'with friends in town', 'at the market square',
   'on a long evening', 'in a quiet hour', 'while reading the news']
{%- endmacro %}

{#- A Zipf-like 1-based rank among n: floor((n + 1) ^ u) with u uniform, so rank k has probability
    ln((k + 1) / k) / ln(n + 1), i.e. ~1/k: a few dominate, most are rare. -#}
{% macro synthetic_zipf_rank(n, key, salt) -%}
  cast(least({{ n }}, greatest(1, floor(exp({{ synthetic_uniform(key, salt) }} * ln({{ n + 1 }}))))) as integer)
{%- endmacro %}

{#- How a note opens. -#}
{% macro synthetic_openers() -%}
  ['Noted', 'Talked about', 'Read about', 'Thinking about', 'Worked on', 'Remembered', 'Planned',
   'Discussed', 'Wrote about', 'Learned about']
{%- endmacro %}

{#- How a note ends, with the emotional valence the phrase carries (the memory's valence is this
    plus a little noise). -#}
{% macro synthetic_details() -%}
  [{'phrase': 'it felt important', 'valence': 0.3},
   {'phrase': 'follow up tomorrow', 'valence': 0.0},
   {'phrase': 'a small breakthrough', 'valence': 0.7},
   {'phrase': 'needs more thought', 'valence': -0.1},
   {'phrase': 'surprisingly pleasant', 'valence': 0.6},
   {'phrase': 'a frustrating setback', 'valence': -0.7},
   {'phrase': 'mentioned by a friend', 'valence': 0.2},
   {'phrase': 'worth revisiting', 'valence': 0.1},
   {'phrase': 'an open question', 'valence': 0.0},
   {'phrase': 'a stressful moment', 'valence': -0.6},
   {'phrase': 'a proud moment', 'valence': 0.9},
   {'phrase': 'a sad reminder', 'valence': -0.9}]
{%- endmacro %}

{#- Where memories come from. -#}
{% macro synthetic_sources() -%}
  ['note', 'chat', 'email', 'journal', 'voice memo', 'web clip']
{%- endmacro %}

{#- Pick from a list literal with a uniform draw. -#}
{% macro synthetic_pick(list_literal, n, key, salt) -%}
  ({{ list_literal }})[1 + cast(floor({{ synthetic_uniform(key, salt) }} * {{ n }}) as integer)]
{%- endmacro %}

{#- Creation time of memory `id` (TIMESTAMP, whole seconds). Ids come in sittings of
    synthetic_session_size; sitting j starts at origin + j * P + jitter (jitter < P / 2), where
    P = synthetic_span_days / (synthetic_reference_memories / session size) and
    origin = synthetic_anchor - synthetic_span_days. Inside a sitting, items are
    synthetic_session_gap_minutes apart plus jitter (squeezed to fit half a period when the stream
    is dense). A sitting ends before the next begins,
    so a larger id is always newer: memories past the reference count extend the timeline after
    the anchor at the same rate. -#}
{% macro synthetic_created_at(id) -%}
  {%- set session_size = var('synthetic_session_size') -%}
  {%- set period_seconds = var('synthetic_span_days') * 86400.0 * session_size / var('synthetic_reference_memories') -%}
  {%- set wanted_gap = var('synthetic_session_gap_minutes') * 60.0 -%}
  {#- a sitting must fit in half a period, so dense streams squeeze the gap -#}
  {%- set max_gap = period_seconds / (2 * session_size) -%}
  {%- set gap_seconds = wanted_gap if wanted_gap < max_gap else max_gap -%}
  (cast('{{ var('synthetic_anchor') }}' as timestamp)
    - to_seconds(cast({{ var('synthetic_span_days') * 86400 }} as bigint))
    + to_seconds(cast(floor(
        ({{ id }} // {{ session_size }}) * {{ period_seconds }}
      + {{ synthetic_uniform('(' ~ id ~ ') // ' ~ session_size, 'session_start') }} * {{ period_seconds }} * 0.5
      + ({{ id }} % {{ session_size }}) * {{ gap_seconds }}
      + {{ synthetic_uniform(id, 'slot') }} * {{ gap_seconds }} * 0.9
      ) as bigint)))
{%- endmacro %}
