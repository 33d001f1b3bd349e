{% macro customer_input_columns(relation) %}
    {#- The customers input's data columns as [{name, source}] (input_columns under
        `customers_input`); at parse time and in unit tests, whose input is a fixture CTE of
        the seed, the seed's columns as such. -#}
    {{ return(input_columns(
        relation,
        'customers_input',
        customers_input_settings()['columns'] or {},
        customer_canonical_columns(seed_only=true).keys() | list,
    )) }}
{% endmacro %}
