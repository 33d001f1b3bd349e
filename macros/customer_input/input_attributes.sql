{% macro input_attributes(mapping) %}
    {#- map<string, string> of every non-canonical input column by its mapped name (trimmed
        text, blank = null); an empty map when there is none. -#}
    {%- if mapping.attributes -%}
        map(
            {%- for column in mapping.attributes %}
                '{{ column.name }}', {{ input_text(mapping.source_of, column.name) }}
                {{- "," if not loop.last }}
            {%- endfor %}
        )
    {%- else -%}
        cast(map() as map<string, string>)
    {%- endif -%}
{% endmacro %}
