{% test matches_group_row_count(
    model, column_name, group_by, compare_model, compare_group_by=none
) %}
    {#- Fails for every group of `model` whose `column_name` differs from the number of rows
        `compare_model` has for that group (`compare_group_by`, default `group_by`); a group
        missing from `compare_model` counts 0. -#}
    {%- set compare_key = compare_group_by or group_by -%}
    with counted as (
        select {{ compare_key }} as group_key, count(*) as compared_rows
        from {{ compare_model }}
        group by {{ compare_key }}
    )

    select
        model_rows.{{ group_by }} as group_key,
        model_rows.{{ column_name }} as stated_rows,
        coalesce(counted.compared_rows, 0) as compared_rows
    from {{ model }} as model_rows
    left join counted
        on model_rows.{{ group_by }} = counted.group_key
    where not (model_rows.{{ column_name }} <=> coalesce(counted.compared_rows, 0))
{% endtest %}
