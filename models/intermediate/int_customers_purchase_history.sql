{{ config(materialized='view') }}
{#- One row per input row with its purchase history: from the order lines when a
    transactions input is configured (int_customer_purchases, by customer_id; the input's own
    totals, if any, are then not used), else the input's own totals. The order-line
    features (first order, products, returns, days between orders) are null without order
    lines. -#}
{%- set from_order_lines = transactions_input_settings()['enabled'] -%}
{%- set input_purchase_columns = purchase_history_columns() + ['total_items'] -%}

with

customers as (

    select * from {{ ref('int_customers_standardised') }}

),

{% if from_order_lines -%}
purchases as (

    select * from {{ ref('int_customer_purchases') }}

),
{%- endif %}

final as (

    select
        -- ids
        customers.customer_row_id,
        customers.raw_row_hash,
        customers.customer_id,
        customers.is_customer_id_surrogate,
        customers.source_file,
        customers.source_row_number,
        customers.malformed_record,

        -- text
        customers.full_name,
        customers.first_name,
        customers.last_name,
        customers.email,
        customers.gender,
        customers.country_code,
        customers.city,
        customers.preferred_channel,

        -- numerics
        customers.annual_income_amount,
        customers.spending_score,
        {%- if from_order_lines %}
            cast(coalesce(purchases.order_count, 0) as int) as order_count,
            cast(purchases.item_count as int) as item_count,
            cast(coalesce(purchases.total_spend_amount, 0) as double) as total_spend_amount,
            cast(purchases.returned_spend_amount as double) as returned_spend_amount,
            purchases.return_rate,
            cast(purchases.distinct_product_count as int) as distinct_product_count,
            cast(purchases.avg_days_between_orders as double) as avg_days_between_orders,
        {%- else %}
            customers.order_count,
            customers.item_count,
            customers.total_spend_amount,
            cast(null as double) as returned_spend_amount,
            cast(null as double) as return_rate,
            cast(null as int) as distinct_product_count,
            cast(null as double) as avg_days_between_orders,
        {%- endif %}
        customers.age,
        customers.attributes,

        -- booleans
        customers.is_marketing_opt_in,
        {%- if from_order_lines %}
            true as has_purchase_history_input,
            true as has_order_lines_input,
            purchases.customer_id is not null as has_order_lines,
        {%- else %}
            customers.has_purchase_history_input,
            false as has_order_lines_input,
            false as has_order_lines,
        {%- endif %}

        -- dates
        customers.birth_date,
        customers.signup_date,
        {%- if from_order_lines %}
            purchases.first_order_date,
            purchases.last_order_date,
        {%- else %}
            cast(null as date) as first_order_date,
            customers.last_order_date,
        {%- endif %}

        -- what could not be parsed or standardised (the input's own purchase columns do
        -- not count when the order lines provide the purchase history)
        {%- if from_order_lines %}
            filter(
                customers.unparseable_columns,
                column_name -> column_name not in ({{ quoted_list(input_purchase_columns) }})
            ) as unparseable_columns,
        {%- else %}
            customers.unparseable_columns,
        {%- endif %}
        customers.standardisation_repairs

    from customers
    {%- if from_order_lines %}
        left join purchases
            on customers.customer_id = purchases.customer_id
    {%- endif %}

)

select * from final
