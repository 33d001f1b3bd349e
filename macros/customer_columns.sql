{% macro customer_seed_columns() %}
    {#- The 17 columns of seeds/customers.csv, in file order (the seed's contract). -#}
    {{ return([
        'customer_id', 'first_name', 'last_name', 'email', 'gender', 'birth_date',
        'country', 'city', 'signup_date', 'annual_income', 'spending_score',
        'total_orders', 'total_items', 'total_spend', 'last_order_date',
        'preferred_channel', 'marketing_opt_in',
    ]) }}
{% endmacro %}


{% macro customer_typed_columns() %}
    {#- Raw text columns that staging casts, with the Spark type each is cast to. -#}
    {{ return({
        'annual_income': 'double',
        'spending_score': 'int',
        'total_orders': 'int',
        'total_items': 'int',
        'total_spend': 'double',
        'birth_date': 'date',
        'signup_date': 'date',
        'last_order_date': 'date',
    }) }}
{% endmacro %}
