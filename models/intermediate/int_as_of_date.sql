{%- set as_of_var = var('as_of_date') -%}

with

customers as (

    select * from {{ ref('stg_customers') }}

),

order_date_p99 as (

    select percentile_approx(customers.last_order_date, 0.99, 100000) as p99_last_order_date
    from customers

),

latest_plausible as (

    select
        max(customers.last_order_date) as latest_plausible_order_date,
        max(order_date_p99.p99_last_order_date) as p99_last_order_date
    from customers
    cross join order_date_p99
    where
        customers.last_order_date <= date_add(
            order_date_p99.p99_last_order_date, {{ var('as_of_outlier_gap_days') }}
        )

),

final as (

    select
        {%- if as_of_var %}
            to_date('{{ as_of_var }}') as as_of_date,
            'var' as as_of_source,
        {%- else %}
            coalesce(latest_plausible.latest_plausible_order_date, current_date()) as as_of_date,
            if(
                latest_plausible.latest_plausible_order_date is null,
                'build_date',
                'latest_plausible_order_date'
            ) as as_of_source,
        {%- endif %}
        latest_plausible.latest_plausible_order_date,
        latest_plausible.p99_last_order_date
    from latest_plausible

)

select * from final
