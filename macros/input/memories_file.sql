{#-
  Reading the user's memories (var memories_path). Column mapping: models/staging/raw_memories.sql.
-#}

{#- The relation to read for a memories_path: a table function for files (chosen by extension),
    or the name itself for a table or view in the target database. Relative file paths resolve
    against the project folder. -#}
{% macro memories_relation(path) -%}
  {%- set p = (path | lower) ~ '$' -%}{#- '$' marks the end, so '.db$' in p tests the suffix -#}
  {%- set quoted = "'" ~ (path | replace("'", "''")) ~ "'" -%}
  {%- if '.csv' in p or '.tsv' in p or '.txt' in p -%}
    read_csv({{ quoted }}, header = true, auto_detect = true)
  {%- elif '.parquet' in p -%}
    read_parquet({{ quoted }})
  {%- elif '.json' in p -%}
    read_json_auto({{ quoted }})
  {%- elif '.duckdb$' in p or '.db$' in p -%}
    read_duckdb({{ quoted }}, table_name = '{{ var('memories_table') | replace("'", "''") }}')
  {%- else -%}
    {{ path }}
  {%- endif -%}
{%- endmacro %}

{#- A concept list from whatever the user has: a list column, or text such as 'a, b; c' or
    '["a", "b"]' (split on , ; |), lower-cased, trimmed, without repeats, primary concept first.
    Memories without concepts get extract_concepts(content). -#}
{% macro normalize_concepts(concepts, content) -%}
  coalesce(
    nullif({{ list_distinct_ordered(
      "list_filter(list_transform(regexp_split_to_array(regexp_replace(coalesce(cast(" ~ concepts ~ " as varchar), ''), '^\\s*\\[|\\]\\s*$', '', 'g'), '[,;|]'), lambda c: lower(trim(trim(c), chr(34) || chr(39)))), lambda c: c <> '')"
    ) }}, []),
    {{ extract_concepts(content) }})
{%- endmacro %}
