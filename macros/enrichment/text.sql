{#-
  Text enrichment: embeddings and episode gists (and concepts for input without any).

  These are the swap points for the LLM (issue 6). Each macro takes and returns a SQL expression
  evaluated per row, so a model never knows which implementation it gets:
  - var llm_enrichment false (default): offline, pure SQL, deterministic, no network;
  - var llm_enrichment true: bmp's LLM functions, llm_embed(text, dims=...) and
    llm_generate(prompt) — responses cached in the target database (_bmp.llm_cache), provider
    from profiles.yml (`llm:`; the offline provider unless configured otherwise).
  Embeddings are FLOAT[embedding_dimensions] from the LLM (the same on every row; a model's
  embeddings must have that many dimensions) or a BIT string of hashed features offline; compare
  them with memory_similarity(), which knows which. Gists are VARCHAR.
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

{#- The embedding of a memory, from its text and its concepts.
    - llm_enrichment: the LLM's embedding of the text, FLOAT[embedding_dimensions].
    - offline: a set of hashed features as a BIT string of hashed_embedding_bits bits (the hashing
      trick): each word of the text sets bit hash(word) mod n, and each concept sets
      embedding_concept_weight further bits (hash of concept#1, concept#2, ...), so what a memory is
      about weighs more than its wording. Built with bit operations only (no per-dimension lambda,
      no float array): microseconds per row, 1/32 of the size of a float vector per bit. -#}
{% macro memory_embedding(text, concepts) -%}
  {%- if var('llm_enrichment', false) -%}
  {{ llm_embed(text, dims=var('embedding_dimensions')) }}
  {%- else -%}
  {%- set bits = var('hashed_embedding_bits') -%}
  {%- set zero = "cast(repeat('0', " ~ bits ~ ") as bit)" -%}
  list_reduce(
    list_prepend({{ zero }}, list_transform(
      list_concat({{ text_tokens(text) }}
      {%- for i in range(1, var('embedding_concept_weight') + 1) %},
        list_transform(coalesce({{ concepts }}, []), lambda c: c || '#{{ i }}')
      {%- endfor %}),
      lambda tok: set_bit({{ zero }}, cast(hash(tok) % {{ bits }} as integer), 1))),
    lambda a, b: a | b)
  {%- endif -%}
{%- endmacro %}

{#- The similarity of two embeddings, in [0, 1] for offline ones (NULL when either is empty):
    - llm_enrichment: cosine similarity of the vectors;
    - offline: the cosine of the two 0/1 feature sets, shared / sqrt(features1 * features2) (the
      Ochiai coefficient), from bit counts. -#}
{% macro memory_similarity(a, b) -%}
  {%- if var('llm_enrichment', false) -%}
  array_cosine_similarity({{ a }}, {{ b }})
  {%- else -%}
  (bit_count({{ a }} & {{ b }}) / nullif(sqrt(bit_count({{ a }}) * bit_count({{ b }})), 0))
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
