{#-
  Blocking keys for related_memories (macros used by models/semantic/memory_postings.sql).

  A memory is posted on blocks: one per (blocking concept, LSH band), each block being the
  memories that share that concept AND fall in the same locality-sensitive-hashing bucket of
  that band, so a block gathers memories about the same thing that are also worded alike. Within
  a block memories are compared with their related_candidate_window neighbours in the order they
  entered long-term memory: blocks stay append-only, so an incremental run touches only their
  ends.

  The buckets (the "signature" of a band):
  - offline embeddings (sets of hashed features packed in 127-bit words): band b is word b; its
    signature is the positions of its highest and lowest set bit. A feature's bit position is a
    hash of the feature, so the highest (lowest) set bit is the min-hash of the word's features
    under one fixed random order (its reverse): two memories share it with probability about the
    Jaccard similarity of their feature sets (Broder 1997), both with about its square; the
    bands are independent chances (Indyk & Motwani 1998).
  - LLM embeddings (FLOAT[]): band b is the signs of 8 dimensions, (b - 1) * 8 + 1 to b * 8:
    the random-hyperplane hash (Charikar 2002), the dimensions standing in for the hyperplanes.
-#}

{#- How many bands a memory is posted on per concept. -#}
{% macro lsh_bands() -%}
  {%- set bands = var('related_lsh_bands') -%}
  {%- if not var('llm_enrichment', false) and bands > var('hashed_embedding_words') %}{% set bands = var('hashed_embedding_words') %}{% endif -%}
  {#- with the LLM a band takes 8 dimensions: no more bands than the vector has (a band past its
      end would be one bucket, i.e. blocking by concept alone) -#}
  {%- if var('llm_enrichment', false) and bands > var('embedding_dimensions') // 8 %}{% set bands = [var('embedding_dimensions') // 8, 1] | max %}{% endif -%}
  {{- bands -}}
{%- endmacro %}

{#- The signature (an INTEGER bucket) of band `band` (1-based, a Jinja number) of an embedding;
    bands never share a bucket (so a memory is never posted twice on one block). -#}
{% macro lsh_signature(embedding, band) -%}
  {%- if var('llm_enrichment', false) -%}
  ({{ (band - 1) * 256 }}{% for j in range(8) %} + case when {{ embedding }}[{{ (band - 1) * 8 + j + 1 }}] > 0 then {{ 2 ** j }} else 0 end{% endfor %})
  {%- else -%}
  ({{ (band - 1) * 16384 }} + cast(floor(log2(greatest(1.0, cast({{ embedding }}.w{{ band }} as double)))) as integer) * 128
   + cast(floor(log2(greatest(1.0, cast({{ embedding }}.w{{ band }} & -{{ embedding }}.w{{ band }} as double)))) as integer))
  {%- endif -%}
{%- endmacro %}

{#- A memory's postings: LIST of STRUCT(concept, signature, slot), one per blocking concept (its
    first related_blocking_concepts, primary first) and band; slot numbers them 1..n. -#}
{% macro blocking_postings(concepts, embedding) -%}
  {%- set bands = lsh_bands() | int -%}
  list_transform(range(len(list_slice({{ concepts }}, 1, {{ var('related_blocking_concepts') }})) * {{ bands }}),
    lambda i: struct_pack(
      concept := {{ concepts }}[i // {{ bands }} + 1],
      signature := {% if bands == 1 %}{{ lsh_signature(embedding, 1) }}{% else %}case i % {{ bands }}{% for b in range(1, bands + 1) %} when {{ b - 1 }} then {{ lsh_signature(embedding, b) }}{% endfor %} end{% endif %},
      slot := cast(i + 1 as integer)))
{%- endmacro %}
