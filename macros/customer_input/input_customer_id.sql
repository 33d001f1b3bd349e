{% macro input_customer_id(mapping) %}
    {#- The input's customer_id as trimmed text (blank = null); without an id column, the
        surrogate `cust_` + 16 hex digits of the SHA-256 of the JSON array of the
        `key_columns` values (trimmed, blank = null), so identical rows share an id. -#}
    {%- if 'customer_id' in mapping.source_of -%}
        {{ return(input_text(mapping.source_of, 'customer_id')) }}
    {%- endif -%}
    {%- set values = [] -%}
    {%- for name in mapping.key_columns -%}
        {%- do values.append(input_text(mapping.source_of, name)) -%}
    {%- endfor -%}
    {{ return(
        "concat('cust_', substr(sha2(to_json(array(" ~ values | join(", ") ~ ")), 256), 1, 16))"
    ) }}
{% endmacro %}
