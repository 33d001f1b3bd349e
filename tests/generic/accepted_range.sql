{#- Fails on every non-null value outside [min_value, max_value]; a missing bound is null. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    select {{ column_name }} as out_of_range_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value if min_value is not none else 'null' }}
            or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value if max_value is not none else 'null' }}
        )
{% endtest %}
