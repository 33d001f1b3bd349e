{{ config(enabled=transactions_input_settings()['enabled']) }}
{#- One row per customer order from the lines used (purchases and returns): an order is its
    order id, or without one a customer's lines on one day; a return (cancellation) order is
    kept apart from the purchase order of the same id or day. -#}
with

order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

used as (

    select
        order_lines.*,
        coalesce(order_lines.order_id, cast(order_lines.order_date as string)) as order_key
    from order_lines
    where order_lines.line_status in ('purchase', 'return')

),

final as (

    select
        -- ids
        concat_ws(
            '|', used.customer_id, used.order_key, if(used.is_return, 'return', 'purchase')
        ) as customer_order_id,
        used.customer_id,
        max(used.order_id) as order_id,

        -- numerics
        count(*) as line_count,
        sum(used.quantity) as item_count,
        sum(used.line_amount) as order_amount,
        count(distinct used.product_id) as product_count,

        -- booleans
        used.is_return,

        -- dates
        min(used.ordered_at) as ordered_at,
        min(used.order_date) as order_date

    from used
    group by used.customer_id, used.order_key, used.is_return

)

select * from final
