{% macro input_attributes(mapping) %}
    {#- map<string, string> of every non-canonical input column by its mapped name (trimmed
        text, blank = null); an empty map when there is none. -#}
    {%- set pairs = [] -%}
    {%- for column in mapping.attributes -%}
        {%- set value = input_text(mapping.source_of, column.name) -%}
        {%- do pairs.append("'" ~ column.name ~ "', " ~ value) -%}
    {%- endfor -%}
    {%- if not pairs -%}
        {{ return("cast(map() as map<string, string>)") }}
    {%- endif -%}
    {{ return("map(" ~ pairs | join(", ") ~ ")") }}
{% endmacro %}
