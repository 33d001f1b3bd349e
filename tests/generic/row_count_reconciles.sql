{% test row_count_reconciles(model, parts) %}
    {#- Fails unless the model's row count equals the sum of the row counts of `parts`. -#}
    {%- set part_counts = [] -%}
    {%- for part in parts -%}
        {%- do part_counts.append('(select count(*) from ' ~ part ~ ')') -%}
    {%- endfor -%}
    with totals as (
        select
            (select count(*) from {{ model }}) as whole_rows,
            {{ part_counts | join(' + ') }} as part_rows
    )

    select * from totals
    where whole_rows != part_rows
{% endtest %}
