{% test row_count_where_matches(model, condition, compare_model) %}
    {#- Fails unless the rows of the model where `condition` holds match compare_model's rows. -#}
    with totals as (
        select
            (select count(*) from {{ model }} where {{ condition }}) as matching_rows,
            (select count(*) from {{ compare_model }}) as compared_rows
    )
    select * from totals
    where matching_rows != compared_rows
{% endtest %}
