{% test sums_to_one_per_group(model, column_name, group_by, tolerance=1e-9) %}
    {#- Fails for every group (`group_by` columns) whose shares in `column_name` do not add up
        to 1 within `tolerance`. -#}
    select
        {{ group_by | join(', ') }},
        sum({{ column_name }}) as total_share
    from {{ model }}
    group by {{ group_by | join(', ') }}
    having not (abs(sum({{ column_name }}) - 1) <= {{ tolerance }})
{% endtest %}
