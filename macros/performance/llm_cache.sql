{#-
  LLM response cache lookups (issue 6). The cache is a table in bmp's bookkeeping schema `_bmp`
  of the target database; these macros read it when it exists and yield NULL otherwise, so the
  pipeline builds the same with or without a provider.
-#}

{#- Share of LLM lookups answered from the cache, in [0, 1], or NULL without a cache:
    hits / (hits + entries), each entry having cost one request (as `bmp llm cache stats`). -#}
{% macro llm_cache_hit_rate() -%}
  {#- with llm_enrichment the cache exists by the time a model reading this runs (the enrichment
      models upstream create it), even when it did not exist when the run was compiled -#}
  {%- set cache = adapter.get_relation(database=none, schema='_bmp', identifier='llm_cache') -%}
  {%- if cache or var('llm_enrichment', false) -%}
    (select case when count(*) = 0 then null
                 else sum(hit_count) / (sum(hit_count) + count(*)) end
     from _bmp.llm_cache)
  {%- else -%}
    cast(null as double)
  {%- endif -%}
{%- endmacro %}
