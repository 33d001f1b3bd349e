{% macro input_row_hash(columns) %}
    {#- SHA-256 of every data column of the input row as read (null as `<null>`): identical
        rows share it. `columns` as returned by customer_input_columns. -#}
    sha2(
        concat_ws(
            '|',
            {%- for column in columns %}
                coalesce(cast(`{{ column.source }}` as string), '<null>')
                {{- "," if not loop.last }}
            {%- endfor %}
        ),
        256
    )
{% endmacro %}
