{#-
  Arithmetic the biology macros share.
-#}

{#- `expr` bounded to [lo, hi]: least(hi, greatest(lo, expr)). -#}
{% macro clamp(expr, lo, hi) -%}
  least({{ hi }}, greatest({{ lo }}, {{ expr }}))
{%- endmacro %}

{#- A score bounded to [0, 1]. Give the expression as an argument, `clamp01('x')`, or as the body of
    a call block when it is built from other template values:
    {% call clamp01() %} {{ var('w') }} * x + ... {% endcall %} -#}
{% macro clamp01(expr=none) -%}
  {{ clamp(expr if expr is not none else caller(), '0.0', '1.0') }}
{%- endmacro %}
