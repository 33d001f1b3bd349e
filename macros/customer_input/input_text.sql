{% macro input_text(source_of, name) %}
    {#- A canonical or attribute column of the input as trimmed text (blank = null), or a typed
        null when the input lacks it. `source_of` maps column names to input columns; the
        input column is referenced unqualified, so use it in a single-relation select. -#}
    {%- if name in source_of -%}
        {{ return("nullif(trim(cast(`" ~ source_of[name] ~ "` as string)), '')") }}
    {%- else -%}
        {{ return("cast(null as string)") }}
    {%- endif -%}
{% endmacro %}
