{% macro customer_canonical_columns(seed_only=false) %}
    {#- The canonical input columns staging knows, with the Spark type each is parsed as: the
        columns of seeds/customers.csv in file order (`seed_only`: just those; the seed's
        `column_types` in seeds/_seeds.yml load them as text), then full_name and age for files
        that carry a whole name or an age instead of first/last name and birth date. Any other
        input column is an attribute. -#}
    {%- set seed_columns = {
        'customer_id': 'string',
        'first_name': 'string',
        'last_name': 'string',
        'email': 'string',
        'gender': 'string',
        'birth_date': 'date',
        'country': 'string',
        'city': 'string',
        'signup_date': 'date',
        'annual_income': 'double',
        'spending_score': 'int',
        'total_orders': 'int',
        'total_items': 'int',
        'total_spend': 'double',
        'last_order_date': 'date',
        'preferred_channel': 'string',
        'marketing_opt_in': 'string',
    } -%}
    {%- if seed_only -%}
        {{ return(seed_columns) }}
    {%- endif -%}
    {%- set columns = seed_columns.copy() -%}
    {%- do columns.update({'full_name': 'string', 'age': 'int'}) -%}
    {{ return(columns) }}
{% endmacro %}


{% macro purchase_history_columns() %}
    {#- Canonical columns of purchase history; an input with none of them is demographic only,
        and the purchase-history quarantine rules do not apply to it. -#}
    {{ return(['total_orders', 'total_spend', 'last_order_date']) }}
{% endmacro %}
