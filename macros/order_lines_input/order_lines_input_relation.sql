{% macro order_lines_input_relation() %}
    {#- What staging reads for the order lines: the `order_lines` seed, or the file model when
        `transactions_input.path` is set. -#}
    {%- if transactions_input_settings()['path'] is none -%}
        {{ return(ref('order_lines')) }}
    {%- else -%}
        {{ return(ref('order_lines_file')) }}
    {%- endif -%}
{% endmacro %}
