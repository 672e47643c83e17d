{#-
  Text enrichment: embeddings and episode gists (and concepts for input without any).

  These are the swap points for the LLM (issue 6). Each macro takes and returns a SQL expression
  evaluated per row, so a model never knows which implementation it gets:
  - var llm_enrichment false (default): offline, pure SQL, deterministic, no network;
  - var llm_enrichment true: bmp's LLM functions, llm_embed(text, dims=...) and
    llm_generate(prompt) — responses cached in the target database (_bmp.llm_cache), provider
    from profiles.yml (`llm:`; the offline provider unless configured otherwise).
  Embeddings are FLOAT[embedding_dimensions] from the LLM (the same on every row; a model's
  embeddings must have that many dimensions) or a struct of bit words of hashed features offline;
  compare them with memory_similarity(), which knows which. Gists are VARCHAR.
-#}

{#- Words that carry no topic (the items of a list, comma-separated). -#}
{% macro stopword_items() -%}
  'the', 'and', 'for', 'with', 'about', 'that', 'this', 'from', 'was', 'were', 'are', 'but', 'not',
   'you', 'your', 'have', 'has', 'had', 'its', 'into', 'more', 'some', 'than', 'then', 'there',
   'their', 'they', 'what', 'when', 'which', 'while', 'will', 'would', 'could', 'should', 'been',
   'also', 'just', 'very', 'our', 'out', 'all', 'any', 'can', 'did', 'does', 'each', 'how', 'she',
   'her', 'him', 'his', 'who', 'why', 'one', 'two', 'too', 'off', 'over', 'under', 'again', 'after',
   'before', 'because', 'being', 'both', 'down', 'during', 'few', 'here', 'most', 'other', 'same',
   'such', 'only', 'own', 'these', 'those', 'through', 'until', 'upon'
{%- endmacro %}

{#- Words that carry no topic (a list literal). -#}
{% macro stopwords() -%}
  [{{ stopword_items() }}]
{%- endmacro %}

{#- Lower-case word tokens of a text, stopwords and words under 3 letters removed (VARCHAR[]).
    A token is a maximal run of [a-z0-9] after lower(); the regexp extracts the runs of 3 or more
    directly (a shorter run cannot hold a match, and a match takes its whole run), which is the
    same list as splitting on [^a-z0-9]+ and dropping the short pieces, for less work. -#}
{% macro text_tokens(text) -%}
  list_filter(regexp_extract_all(lower(coalesce({{ text }}, '')), '[a-z0-9]{3,}'),
              lambda tok: tok not in ({{ stopword_items() }}))
{%- endmacro %}

{#- A list without repeats, first occurrences kept in order (list_distinct does not keep order). -#}
{% macro list_distinct_ordered(list_expr) -%}
  list_transform([{{ list_expr }}], lambda l: list_filter(l, lambda x, i: list_position(l, x) = i))[1]
{%- endmacro %}

{#- The embedding of a memory, from its text and its concepts.
    - llm_enrichment: the LLM's embedding, FLOAT[embedding_dimensions], of the memory's concepts,
      each embedding_concept_weight times, followed by its text: what a memory is about weighs
      more than its wording, as offline (the text alone ranks template wording first: 39% of
      related_memories_are_topical's cues at 10k with the offline provider, 97% with the concepts).
    - offline: a set of hashed features (the hashing trick) packed in hashed_embedding_words
      127-bit integers, STRUCT(w1 HUGEINT, w2 HUGEINT, ...): each word of the text is one feature
      and each concept embedding_concept_weight features (concept#1, concept#2, ...), so what a
      memory is about weighs more than its wording; feature f sets bit (hash(f) // words) % 127 of
      word hash(f) % words + 1. Integer bit operations only: no per-dimension lambda, no float
      array, 16 bytes a word.
    Per row; memory_embeddings() gives the same embeddings for a whole relation, for less work. -#}
{% macro memory_embedding(text, concepts) -%}
  {%- if var('llm_enrichment', false) -%}
  {{ llm_embed("repeat(array_to_string(coalesce(" ~ concepts ~ ", []), ' ') || ' ', " ~ var('embedding_concept_weight') ~ ") || " ~ text, dims=var('embedding_dimensions')) }}
  {%- else -%}
  {{ feature_words('list_concat(' ~ text_tokens(text) ~ ', ' ~ concept_features(concepts) ~ ')') }}
  {%- endif -%}
{%- endmacro %}

{#- Offline: the features of a list of concepts, each embedding_concept_weight times (VARCHAR[]). -#}
{% macro concept_features(concepts) -%}
  list_concat(
  {%- for i in range(1, var('embedding_concept_weight') + 1) %}
        list_transform(coalesce({{ concepts }}, []), lambda c: c || '#{{ i }}'){% if not loop.last %},{% endif %}
  {%- endfor %})
{%- endmacro %}

{#- Offline: the embedding words of a list of features, STRUCT(w1 HUGEINT, ...) (see memory_embedding). -#}
{% macro feature_words(features) -%}
  {%- set words = var('hashed_embedding_words') -%}
  list_transform([list_transform({{ features }}, lambda tok: hash(tok))],
    lambda hs: struct_pack(
    {%- for w in range(1, words + 1) %}
      w{{ w }} := coalesce(list_bit_or(list_transform(list_filter(hs, lambda h: h % {{ words }} = {{ w - 1 }}),
        lambda h: cast(1 as hugeint) << cast((h // {{ words }}) % 127 as hugeint))), cast(0 as hugeint)){% if not loop.last %},{% endif %}
    {%- endfor %}))[1]
{%- endmacro %}

{#- The rows of a relation (a CTE or table name), each with the embedding of its text and concepts
    (columns of it, named) as a last column, `embedding`: memory_embedding(text, concepts).
    - llm_enrichment: each distinct (text, concepts) embedded once and joined back.
    - offline: the same bits, computed as a set rather than row by row (the embedding is the bit-OR
      of its features' bits, so it is the OR of the text's and the concepts' parts, and the text's
      part is the OR of the parts of its pieces between spaces: a token is a run of [a-z0-9] after
      lower(), which maps character by character, so a token never spans a space). The few
      distinct pieces of the texts (179 of 2.8M at 1M) are tokenised and hashed once and OR-ed
      back per distinct text; likewise the few distinct concepts (100 at 1M), OR-ed back per
      distinct concept list. A piece under 3 bytes holds no token (a token's 3 characters come
      from 3 of the piece's, a byte or more each); leaving those out of the pieces to embed also
      makes DuckDB build the join's hash table on the few pieces rather than on every text's. -#}
{% macro memory_embeddings(relation, text, concepts) -%}
  {%- if var('llm_enrichment', false) -%}
    select r.*, x.embedding
    from {{ relation }} as r
    join (
        select {{ text }}, {{ concepts }}, {{ memory_embedding(text, concepts) }} as embedding
        from (select distinct {{ text }}, {{ concepts }} from {{ relation }})
    ) as x
      on x.{{ text }} is not distinct from r.{{ text }} and x.{{ concepts }} is not distinct from r.{{ concepts }}
  {%- else -%}
  {%- set words = var('hashed_embedding_words') %}
    with embedding_texts as (
        select distinct {{ text }} as embedding_text from {{ relation }}
    ),
    embedding_pieces as not materialized (
        select embedding_text, unnest(string_split(coalesce(embedding_text, ''), ' ')) as piece
        from embedding_texts
    ),
    embedding_piece_words as (
        select piece, {{ feature_words(text_tokens('piece')) }} as words
        from (select distinct piece from embedding_pieces where strlen(piece) >= 3)
    ),
    embedding_text_words as (
        select embedding_text
        {%- for w in range(1, words + 1) %}, bit_or(f.words.w{{ w }}) as w{{ w }}{% endfor %}
        from embedding_pieces as p
        join embedding_piece_words as f on f.piece = p.piece
        group by embedding_text
    ),
    embedding_concept_lists as (
        select distinct {{ concepts }} as embedding_concepts from {{ relation }}
    ),
    embedding_concept_items as not materialized (
        select embedding_concepts, unnest(embedding_concepts) as concept from embedding_concept_lists
    ),
    embedding_concept_item_words as (
        select concept, {{ feature_words(concept_features('[concept]')) }} as words
        from (select distinct concept from embedding_concept_items)
    ),
    embedding_concept_words as (
        select embedding_concepts
        {%- for w in range(1, words + 1) %}, bit_or(f.words.w{{ w }}) as w{{ w }}{% endfor %}
        from embedding_concept_items as i
        -- a NULL concept is a feature too (hash(NULL)), as row by row
        join embedding_concept_item_words as f on f.concept is not distinct from i.concept
        group by embedding_concepts
    )
    select r.*, struct_pack(
    {%- for w in range(1, words + 1) %}
        w{{ w }} := coalesce(t.w{{ w }}, cast(0 as hugeint)) | coalesce(c.w{{ w }}, cast(0 as hugeint)){% if not loop.last %},{% endif %}
    {%- endfor %}) as embedding
    from {{ relation }} as r
    -- a text without a piece of 3 bytes, and a NULL or empty concept list, have no row there
    left join embedding_text_words as t on t.embedding_text is not distinct from r.{{ text }}
    left join embedding_concept_words as c on c.embedding_concepts is not distinct from r.{{ concepts }}
  {%- endif -%}
{%- endmacro %}

{#- The similarity of two embeddings, in [0, 1] for offline ones (NULL when either is empty):
    - llm_enrichment: cosine similarity of the vectors, as a DOUBLE (DuckDB computes it in FLOAT
      for FLOAT[] vectors; related_memories keeps similarities as DOUBLE and ranks by keys made
      from them, so a stored similarity and the same one computed afresh must be the same number:
      in FLOAT the two made different keys, and equal similarities ranked differently day by day
      than in one build);
    - offline: the cosine of the two feature sets, shared / sqrt(features1 * features2) (the
      Ochiai coefficient), from bit counts, computed as sqrt(shared^2 / (features1 * features2)):
      every step before the square root is exact in a DOUBLE, so mathematically equal
      similarities are equal doubles (ties are ties, whichever memories they come from). -#}
{% macro memory_similarity(a, b) -%}
  {%- if var('llm_enrichment', false) -%}
  cast(array_cosine_similarity({{ a }}, {{ b }}) as double)
  {%- else -%}
  {{ feature_cosine(feature_overlap(a, b), feature_count(a), feature_count(b)) }}
  {%- endif -%}
{%- endmacro %}

{#- The top-k key (macros/performance/top_k.sql) of two embeddings' similarity with the sequence
    number `seq`: offline exact from the shared and own feature counts, with the LLM from the
    cosine. related_memories builds every key through this (or, in its window pass, through
    overlap_seq_key on the same counts), so equal pairs get equal keys in every run. -#}
{% macro memory_similarity_key(a, b, seq) -%}
  {%- if var('llm_enrichment', false) -%}
  {{ score_seq_key(memory_similarity(a, b), seq) }}
  {%- else -%}
  {{ overlap_seq_key(feature_overlap(a, b), feature_count(a), feature_count(b), seq) }}
  {%- endif -%}
{%- endmacro %}

{#- Offline embeddings: the features two embeddings share, and the features of one (INTEGER). -#}
{% macro feature_overlap(a, b) -%}
  ({% for w in range(1, var('hashed_embedding_words') + 1) %}{% if not loop.first %} + {% endif %}cast(bit_count({{ a }}.w{{ w }} & {{ b }}.w{{ w }}) as integer){% endfor %})
{%- endmacro %}

{% macro feature_count(a) -%}
  ({% for w in range(1, var('hashed_embedding_words') + 1) %}{% if not loop.first %} + {% endif %}cast(bit_count({{ a }}.w{{ w }}) as integer){% endfor %})
{%- endmacro %}

{#- The cosine of two feature sets from their overlap and sizes: sqrt(shared^2 / (n1 * n2)). -#}
{% macro feature_cosine(shared, n1, n2) -%}
  sqrt(cast({{ shared }} * {{ shared }} as double) / nullif(cast({{ n1 }} * {{ n2 }} as double), 0))
{%- endmacro %}

{#- A short gist of an episode's text: offline, extractive (its first episode_gist_words words,
    ' …' when cut); with the LLM, a one-sentence summary. -#}
{% macro episode_gist(text) -%}
  {%- if var('llm_enrichment', false) -%}
  {{ llm_generate("'Summarise these notes as one short sentence of at most " ~ var('episode_gist_words') ~ " words: ' || " ~ text) }}
  {%- else -%}
  {#- words split on any whitespace (translate + split + drop empties: cheaper than a regexp
      split); translate, which maps every character, only for a text holding a tab, newline,
      vertical tab, form feed or carriage return (a regexp that finds none costs a third of it) -#}
  {%- set whole = "coalesce(" ~ text ~ ", '')" %}
  list_transform([list_filter(string_split(case when regexp_matches({{ whole }}, '[\t\n\x0B\f\r]') then translate({{ whole }}, chr(9) || chr(10) || chr(11) || chr(12) || chr(13), '     ') else {{ whole }} end, ' '), lambda w: w <> '')],
    lambda words: array_to_string(list_slice(words, 1, {{ var('episode_gist_words') }}), ' ')
      || case when len(words) > {{ var('episode_gist_words') }} then ' …' else '' end)[1]
  {%- endif -%}
{%- endmacro %}

{#- Concepts of a text when the input has none: offline, its first three distinct words of four
    letters or more (VARCHAR[]); ['unfiled'] for a text without any. -#}
{% macro extract_concepts(text) -%}
  coalesce(nullif(list_slice({{ list_distinct_ordered('list_filter(' ~ text_tokens(text) ~ ', lambda tok: length(tok) >= 4)') }}, 1, 3), []), ['unfiled'])
{%- endmacro %}
