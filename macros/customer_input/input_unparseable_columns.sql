{% macro input_unparseable_columns(source_of) %}
    {#- array<string> of the canonical non-text columns whose value is present but cannot be
        cast to its type (staging nulls such values; int_customers_repaired flags them). -#}
    {%- set checks = [] -%}
    {%- for name, type in customer_canonical_columns().items()
        if type != 'string' and name in source_of -%}
        {%- set value = input_text(source_of, name) -%}
        {%- do checks.append(
            "if(" ~ value ~ " is not null and try_cast(" ~ value ~ " as " ~ type ~ ") is null, '"
            ~ name ~ "', null)"
        ) -%}
    {%- endfor -%}
    {%- do checks.append("cast(null as string)") -%}
    {{ return(
        "filter(array(" ~ checks | join(", ") ~ "), parsed_column -> parsed_column is not null)"
    ) }}
{% endmacro %}
