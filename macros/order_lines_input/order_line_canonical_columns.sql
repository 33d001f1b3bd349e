{% macro order_line_canonical_columns() %}
    {#- The canonical order-line columns staging knows, with whether each is required: an
        input without a required column fails the build naming `transactions_input.columns`.
        `unit_price` or `line_amount` is needed (the other is derived); any other input column
        is not used. -#}
    {{ return({
        'customer_id': true,
        'order_id': false,
        'order_date': true,
        'product_id': false,
        'description': false,
        'quantity': true,
        'unit_price': false,
        'line_amount': false,
        'country': false,
    }) }}
{% endmacro %}
