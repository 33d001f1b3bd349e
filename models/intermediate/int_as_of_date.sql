{#- One row: the date recency and tenure are measured against. The order dates come from
    the order lines when a transactions input is configured (lines of a customer), else from
    the customers input's last_order_date. -#}
{%- set as_of_var = var('as_of_date') -%}

with

order_dates as (

    {%- if transactions_input_settings()['enabled'] %}

        select order_lines.order_date
        from {{ ref('stg_order_lines') }} as order_lines
        where order_lines.customer_id is not null and order_lines.malformed_record is null

    {%- else %}

        select customers.last_order_date as order_date
        from {{ ref('stg_customers') }} as customers

    {%- endif %}

),

order_date_p99 as (

    select percentile_approx(order_dates.order_date, 0.99, 100000) as p99_last_order_date
    from order_dates

),

latest_plausible as (

    select
        max(order_dates.order_date) as latest_plausible_order_date,
        max(order_date_p99.p99_last_order_date) as p99_last_order_date
    from order_dates
    cross join order_date_p99
    where
        order_dates.order_date <= date_add(
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
