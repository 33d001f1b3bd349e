{% macro input_unparseable_columns(source_of) %}
    {#- array<string> of the canonical non-text columns whose value is present but cannot be
        cast to its type (staging nulls such values; int_customers_repaired flags them). -#}
    filter(
        array(
            {%- for name, type in customer_canonical_columns().items() if type != 'string' %}
                {%- if name in source_of %}
                    if(
                        {{ input_text(source_of, name) }} is not null
                        and try_cast({{ input_text(source_of, name) }} as {{ type }}) is null,
                        '{{ name }}',
                        null
                    ),
                {%- endif %}
            {%- endfor %}
            cast(null as string)
        ),
        parsed_column -> parsed_column is not null
    )
{% endmacro %}
