{% macro input_customer_id(mapping) %}
    {#- The input's customer_id as trimmed text (blank = null); without an id column, the
        surrogate `cust_` + 16 hex digits of the SHA-256 of the JSON array of the
        `key_columns` values (trimmed, blank = null), so identical rows share an id. -#}
    {%- if 'customer_id' in mapping.source_of -%}
        {{ input_text(mapping.source_of, 'customer_id') }}
    {%- else -%}
        concat(
            'cust_',
            substr(
                sha2(
                    to_json(array(
                        {%- for name in mapping.key_columns %}
                            {{ input_text(mapping.source_of, name) }}{{ "," if not loop.last }}
                        {%- endfor %}
                    )),
                    256
                ),
                1,
                16
            )
        )
    {%- endif -%}
{% endmacro %}
