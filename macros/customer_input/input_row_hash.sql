{% macro input_row_hash(columns) %}
    {#- SHA-256 of every data column of the input row as read (null as `<null>`): identical
        rows share it. `columns` as returned by customer_input_columns. -#}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(`" ~ column.source ~ "` as string), '<null>')") -%}
    {%- endfor -%}
    {{ return("sha2(concat_ws('|', " ~ parts | join(", ") ~ "), 256)") }}
{% endmacro %}
