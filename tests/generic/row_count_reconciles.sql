{% test row_count_reconciles(model, parts) %}
    {#- Fails unless the model's row count equals the sum of the row counts of `parts`. -#}
    with

    counts as (

        select count(*) as row_count, 'whole' as side from {{ model }}
        {%- for part in parts %}
        union all
        select count(*) as row_count, 'parts' as side from {{ part }}
        {%- endfor %}

    ),

    totals as (

        select
            sum(if(side = 'whole', row_count, 0)) as whole_rows,
            sum(if(side = 'parts', row_count, 0)) as part_rows
        from counts

    )

    select * from totals
    where whole_rows != part_rows
{% endtest %}
