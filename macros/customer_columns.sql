{% macro customer_seed_columns() %}
    {#- The 17 columns of seeds/customers.csv, in file order (the seed's contract). -#}
    {{ return([
        'customer_id', 'first_name', 'last_name', 'email', 'gender', 'birth_date',
        'country', 'city', 'signup_date', 'annual_income', 'spending_score',
        'total_orders', 'total_items', 'total_spend', 'last_order_date',
        'preferred_channel', 'marketing_opt_in',
    ]) }}
{% endmacro %}


{% macro customer_canonical_columns() %}
    {#- The canonical input columns staging knows, with the Spark type each is parsed as: the
        17 columns of seeds/customers.csv in file order, then full_name and age for files that
        carry a whole name or an age instead of first/last name and birth date. Any other input
        column is an attribute. -#}
    {{ return({
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
        'full_name': 'string',
        'age': 'int',
    }) }}
{% endmacro %}


{% macro purchase_history_columns() %}
    {#- Canonical columns of purchase history; an input with none of them is demographic only,
        and the purchase-history quarantine rules do not apply to it. -#}
    {{ return(['total_orders', 'total_spend', 'last_order_date']) }}
{% endmacro %}
