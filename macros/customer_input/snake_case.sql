{% macro snake_case(name) %}
    {#- CustomerName -> customer_name, 'Total Spend ($)' -> total_spend: a plain identifier. -#}
    {%- set split = modules.re.sub('([a-z0-9])([A-Z])', '\\1_\\2', name | trim) -%}
    {%- set split = modules.re.sub('([A-Z]+)([A-Z][a-z])', '\\1_\\2', split) -%}
    {{ return(modules.re.sub('[^a-z0-9]+', '_', split | lower).strip('_')) }}
{% endmacro %}
