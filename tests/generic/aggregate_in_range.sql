{% test aggregate_in_range(model, expression, min_value=none, max_value=none) %}
    {#- Fails when an aggregate `expression` over the whole model is null or outside [min, max]. -#}
    with aggregated as (
        select {{ expression }} as aggregate_value from {{ model }}
    )

    select * from aggregated
    where
        aggregate_value is null
        or aggregate_value < {{ min_value if min_value is not none else 'aggregate_value' }}
        or aggregate_value > {{ max_value if max_value is not none else 'aggregate_value' }}
{% endtest %}
