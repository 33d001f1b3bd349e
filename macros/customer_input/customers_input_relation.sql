{% macro customers_input_relation() %}
    {#- What staging reads: the `customers` seed, the file model when a path is set (a CSV or
        Parquet path, or a table, by `customers_input.format`), or the customer list the
        order lines imply when the customers input is disabled. -#}
    {%- if not customers_input_settings()['enabled'] -%}
        {{ return(ref('order_line_customers')) }}
    {%- elif customers_input_settings()['path'] is none -%}
        {{ return(ref('customers')) }}
    {%- else -%}
        {{ return(ref('customers_file')) }}
    {%- endif -%}
{% endmacro %}
