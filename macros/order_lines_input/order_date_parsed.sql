{% macro order_date_parsed(text) %}
    {#- The SQL for an order date/time text parsed with the first of
        `transactions_input.order_date_formats` (Spark datetime patterns) that fits, as a
        timestamp; null when none does. -#}
    {%- set parsed = [] -%}
    {%- for pattern in transactions_input_settings()['order_date_formats'] -%}
        {%- do parsed.append("try_to_timestamp(" ~ text ~ ", '" ~ pattern ~ "')") -%}
    {%- endfor -%}
    {{ return("coalesce(" ~ parsed | join(', ') ~ ")") }}
{% endmacro %}
