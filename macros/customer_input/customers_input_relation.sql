{% macro customers_input_relation() %}
    {#- What staging reads: the `customers` seed, or the file model when a path is set. -#}
    {%- if customers_input_settings()['path'] is none -%}
        {{ return(ref('customers')) }}
    {%- else -%}
        {{ return(ref('customers_file')) }}
    {%- endif -%}
{% endmacro %}
