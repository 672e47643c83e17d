{#-
  Text enrichment: embeddings and episode gists (and concepts for input without any).

  These are the swap points for the LLM (issue 6). Each macro takes and returns a SQL expression
  evaluated per row, so a model never knows which implementation it gets:
  - var llm_enrichment false (default): offline, pure SQL, deterministic, no network;
  - var llm_enrichment true: bmp's LLM functions, llm_embed(text, dims=...) and
    llm_generate(prompt) — responses cached in the target database (_bmp.llm_cache), provider
    from profiles.yml (`llm:`; the offline provider unless configured otherwise).
  Return types are kept: FLOAT[embedding_dimensions] (the same on every row; a model's
  embeddings must have that many dimensions) and VARCHAR.
-#}

{#- Words that carry no topic. -#}
{% macro stopwords() -%}
  ['the', 'and', 'for', 'with', 'about', 'that', 'this', 'from', 'was', 'were', 'are', 'but', 'not',
   'you', 'your', 'have', 'has', 'had', 'its', 'into', 'more', 'some', 'than', 'then', 'there',
   'their', 'they', 'what', 'when', 'which', 'while', 'will', 'would', 'could', 'should', 'been',
   'also', 'just', 'very', 'our', 'out', 'all', 'any', 'can', 'did', 'does', 'each', 'how', 'she',
   'her', 'him', 'his', 'who', 'why', 'one', 'two', 'too', 'off', 'over', 'under', 'again', 'after',
   'before', 'because', 'being', 'both', 'down', 'during', 'few', 'here', 'most', 'other', 'same',
   'such', 'only', 'own', 'these', 'those', 'through', 'until', 'upon']
{%- endmacro %}

{#- Lower-case word tokens of a text, stopwords and words under 3 letters removed (VARCHAR[]). -#}
{% macro text_tokens(text) -%}
  list_filter(regexp_split_to_array(lower(coalesce({{ text }}, '')), '[^a-z0-9]+'),
              lambda tok: length(tok) >= 3 and not list_contains({{ stopwords() }}, tok))
{%- endmacro %}

{#- A list without repeats, first occurrences kept in order (list_distinct does not keep order). -#}
{% macro list_distinct_ordered(list_expr) -%}
  list_transform([{{ list_expr }}], lambda l: list_filter(l, lambda x, i: list_position(l, x) = i))[1]
{%- endmacro %}

{#- The embedding of a text: offline, a hashed set of words (the hashing trick): word w sets
    dimension hash(w) mod n of an n-dimensional 0/1 vector, n = var('embedding_dimensions'),
    FLOAT[n]. The cosine of two of them is ~ shared words / sqrt(words1 * words2) (the Ochiai
    coefficient; hash collisions add a little). Built as a BIT string and cast, without a lambda
    per dimension, which keeps it at microseconds per row. A text without words gets the zero
    vector (similarity NULL). -#}
{% macro memory_embedding(text) -%}
  {%- set dims = var('embedding_dimensions') -%}
  {%- if var('llm_enrichment', false) -%}
  {{ llm_embed(text, dims=dims) }}
  {%- else -%}
  {%- set zero = "cast(repeat('0', " ~ dims ~ ") as bit)" -%}
  cast(string_split(cast(list_reduce(
    list_prepend({{ zero }}, list_transform({{ text_tokens(text) }},
      lambda tok: set_bit({{ zero }}, cast(hash(tok) % {{ dims }} as integer), 1))),
    lambda a, b: a | b) as varchar), '') as float[{{ dims }}])
  {%- endif -%}
{%- endmacro %}

{#- A short gist of an episode's text: offline, extractive (its first episode_gist_words words,
    ' …' when cut); with the LLM, a one-sentence summary. -#}
{% macro episode_gist(text) -%}
  {%- if var('llm_enrichment', false) -%}
  {{ llm_generate("'Summarise these notes as one short sentence of at most " ~ var('episode_gist_words') ~ " words: ' || " ~ text) }}
  {%- else -%}
  list_transform([string_split(trim(regexp_replace(coalesce({{ text }}, ''), '\s+', ' ', 'g')), ' ')],
    lambda words: array_to_string(list_slice(words, 1, {{ var('episode_gist_words') }}), ' ')
      || case when len(words) > {{ var('episode_gist_words') }} then ' …' else '' end)[1]
  {%- endif -%}
{%- endmacro %}

{#- Concepts of a text when the input has none: offline, its first three distinct words of four
    letters or more (VARCHAR[]); ['unfiled'] for a text without any. -#}
{% macro extract_concepts(text) -%}
  coalesce(nullif(list_slice({{ list_distinct_ordered('list_filter(' ~ text_tokens(text) ~ ', lambda tok: length(tok) >= 4)') }}, 1, 3), []), ['unfiled'])
{%- endmacro %}
