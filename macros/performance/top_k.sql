{#-
  Top-k by a score, ties broken on a sequence number, with scalar expressions only
  (related_memories). Each candidate becomes one BIGINT key, larger for a better candidate:

      key = floor(score^2 * 2^33) * 2^29 + (2^29 - 1 - seq)

  the squared score (in (0, 1]) in the high 34 bits and the sequence number reversed in the low
  29 (so among equal scores the smaller seq wins; seq < 2^29, i.e. up to 536 million ranked
  items). The squared score's resolution is 2^-33 (~1.2e-10), finer than the gap between the
  squares of any two distinct offline similarities (shared / sqrt(n1 * n2) with at most 254
  features each: the squares differ by at least 1 / 254^4, ~2.4e-10), so the order of offline
  similarities is exact; LLM cosines closer than that tie and fall to seq. NULL when the score is
  NULL or not positive.
  The best k of a set of keys are then found with greatest() over columns (top_k_keys): k passes,
  each taking the largest key below the previous one, so repeated keys (a pair met twice) count
  once — no list is built or sorted (DuckDB sorts lists one by one, which is what made this slow).
-#}

{% macro score_seq_key(score, seq) -%}
  case when {{ score }} > 0
       then cast(floor(least(1.0, {{ score }}) * least(1.0, {{ score }}) * 8589934592.0) as bigint) * 536870912
            + (536870911 - {{ seq }})
  end
{%- endmacro %}

{#- The same key from an offline similarity given as its parts, sqrt(shared^2 / (n1 * n2))
    (macros/enrichment/text.sql): the squared score is the ratio of two integers, so its floor at
    2^-33 is computed exactly in BIGINT (shared^2 * 2^33 < 2^49) — cheaper than the double route
    (sqrt, square, floor) and free of its rounding, which moves ~1 key in 1,500 by one unit:
    full and incremental runs, which compute a pair's key in different queries, then agree bit
    for bit. NULL when nothing is shared. -#}
{% macro overlap_seq_key(shared, n1, n2, seq) -%}
  case when {{ shared }} > 0
       then (cast({{ shared }} * {{ shared }} as bigint) * 8589934592 // (({{ n1 }}) * ({{ n2 }}))) * 536870912
            + (536870911 - ({{ seq }}))
  end
{%- endmacro %}

{#- A key's score with another sequence number (NULL stays NULL): the key of the same pair seen
    from its other side, without computing the score again. -#}
{% macro key_with_seq(key, seq) -%}
  (({{ key }}) - (({{ key }}) & 536870911) + (536870911 - ({{ seq }})))
{%- endmacro %}

{#- The score a key holds, back as a similarity: sqrt(floor(score^2 * 2^33) / 2^33), a DOUBLE at most
    ~5e-10 below the score (relative), and distinct for distinct offline similarities (their squares
    lie further apart than 2^-33, above), so equal keys give equal similarities and a list ordered
    by key is ordered by similarity. Offline, related_memories reads its similarity column from here
    instead of gathering the related memory's embedding again (1M: ~10% of the model's time). -#}
{% macro key_similarity(key) -%}
  cast(least(1.0, sqrt((({{ key }}) >> 29) / 8589934592.0)) as double)
{%- endmacro %}

{#- The sequence number of a key. -#}
{% macro key_seq(key) -%}
  (536870911 - ({{ key }} & 536870911))
{%- endmacro %}

{#- The j-th largest distinct value among the SQL expressions `keys` (a Jinja list of column
    names), NULL where fewer: for j > 1 the largest below `previous` (the (j-1)-th, a column of
    the same row). Chain the passes in nested selects (one column per pass), not by lateral
    aliases, which DuckDB would expand into one ever larger expression. -#}
{% macro top_key_pass(keys, j, previous) -%}
  greatest({% for key in keys %}{% if j == 1 %}{{ key }}{% else %}case when {{ key }} < {{ previous }} then {{ key }} end{% endif %}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
