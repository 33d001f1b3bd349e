{{ config(enabled=transactions_input_settings()['enabled']) }}
{#- One row per customer with used order lines: purchase history from the lines (RFM,
    tenure, order value, basket size, products, returns, order rhythm). Returns are netted
    against the customer's purchases; frequency counts purchase orders only. -#}
with

orders as (

    select * from {{ ref('int_orders') }}

),

order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

order_totals as (

    select
        orders.customer_id,
        count_if(not orders.is_return) as order_count,
        count_if(orders.is_return) as return_order_count,
        sum(orders.item_count) as item_count,
        coalesce(sum(if(orders.is_return, null, orders.order_amount)), 0) as gross_spend_amount,
        -coalesce(sum(if(orders.is_return, orders.order_amount, null)), 0)
            as returned_spend_amount,
        min(if(orders.is_return, null, orders.order_date)) as first_order_date,
        max(if(orders.is_return, null, orders.order_date)) as last_order_date
    from orders
    group by orders.customer_id

),

line_totals as (

    select
        order_lines.customer_id,
        count(*) as line_count,
        count_if(order_lines.is_return) as return_line_count,
        count(distinct if(order_lines.is_return, null, order_lines.product_id))
            as distinct_product_count
    from order_lines
    where order_lines.line_status in ('purchase', 'return')
    group by order_lines.customer_id

),

countries as (

    select
        order_lines.customer_id,
        order_lines.country,
        row_number() over (
            partition by order_lines.customer_id
            order by order_lines.country is null asc, count(*) desc, order_lines.country asc
        ) as country_rank
    from order_lines
    where order_lines.line_status in ('purchase', 'return')
    group by order_lines.customer_id, order_lines.country

),

final as (

    select
        -- ids
        order_totals.customer_id,

        -- text
        countries.country,

        -- numerics
        order_totals.order_count,
        order_totals.return_order_count,
        line_totals.line_count,
        line_totals.return_line_count,
        order_totals.item_count,
        line_totals.distinct_product_count,
        order_totals.gross_spend_amount,
        order_totals.returned_spend_amount,
        order_totals.gross_spend_amount - order_totals.returned_spend_amount
            as total_spend_amount,
        -- in double: a decimal quotient would be rounded to 6 places
        cast(order_totals.returned_spend_amount as double)
        / nullif(cast(order_totals.gross_spend_amount as double), 0) as return_rate,
        if(
            order_totals.order_count >= 2,
            datediff(order_totals.last_order_date, order_totals.first_order_date)
            / (order_totals.order_count - 1),
            null
        ) as avg_days_between_orders,

        -- dates
        order_totals.first_order_date,
        order_totals.last_order_date

    from order_totals
    inner join line_totals
        on order_totals.customer_id = line_totals.customer_id
    inner join countries
        on order_totals.customer_id = countries.customer_id and countries.country_rank = 1

)

select * from final
