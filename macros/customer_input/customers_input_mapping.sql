{% macro customers_input_mapping(relation) %}
    {#- How the input relation maps onto the canonical columns, as a dict: `columns` (the
        input's data columns as [{name, source}], see customer_input_columns), `source_of`
        (mapped name -> input column), `attributes` (the non-canonical columns) and
        `key_columns` (what the surrogate id hashes). Fails naming `customers_input.key_columns`
        when it names a column the input does not have. -#}
    {%- set columns = customer_input_columns(relation) -%}
    {%- set source_of = {} -%}
    {%- for column in columns -%}
        {%- do source_of.update({column.name: column.source}) -%}
    {%- endfor -%}
    {%- set attributes = columns | rejectattr('name', 'in', customer_canonical_columns()) | list -%}
    {%- set key_columns = customers_input_settings()['key_columns'] or (source_of.keys() | sort) -%}
    {%- if execute -%}
        {%- for name in key_columns if name not in source_of -%}
            {{ exceptions.raise_compiler_error(
                "`customers_input.key_columns` names '" ~ name ~ "', which is not a column of "
                ~ "the input after mapping; its columns are " ~ (source_of.keys() | list)
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return({
        'columns': columns,
        'source_of': source_of,
        'attributes': attributes,
        'key_columns': key_columns,
    }) }}
{% endmacro %}
