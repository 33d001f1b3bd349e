{% macro valid_email_regex() %}
    {#- What counts as a usable e-mail address (after trim + lower-case): local@domain.tld -#}
    {{ return('^[a-z0-9._%+-]+@[a-z0-9-]+(\\\\.[a-z0-9-]+)*\\\\.[a-z]{2,}$') }}
{% endmacro %}


{% macro quoted_list(values) %}
    {#- Renders a list of strings as SQL literals: ['a', 'b'] -> 'a', 'b' -#}
    {{ return("'" ~ values | join("', '") ~ "'") }}
{% endmacro %}


{% macro profile_features() %}
    {#- customer_features columns described per segment (mean, median, z-score vs the base). -#}
    {{ return([
        'recency_days', 'frequency', 'monetary', 'avg_order_value', 'avg_basket_size',
        'tenure_days', 'orders_per_month', 'spending_score', 'age', 'annual_income_amount',
    ]) }}
{% endmacro %}


{% macro rfm_log_features() %}
    {#- The log-scale recency, frequency and monetary columns segments are named by. -#}
    {{ return(['log_recency_days', 'log_frequency', 'log_monetary']) }}
{% endmacro %}
