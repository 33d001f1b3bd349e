{% test sum_equals_row_count(model, column_name, compare_model) %}
    {#- Fails unless the sum of `column_name` over the model equals compare_model's row count. -#}
    with totals as (
        select
            (select coalesce(sum({{ column_name }}), 0) from {{ model }}) as summed_rows,
            (select count(*) from {{ compare_model }}) as compared_rows
    )
    select * from totals
    where summed_rows != compared_rows
{% endtest %}
