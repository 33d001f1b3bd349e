with

customers as (

    select * from {{ ref('int_customers_cleaned') }}

),

measured as (

    select
        customers.customer_id,
        customers.hashed_email,
        customers.as_of_date,
        customers.gender,
        customers.country_code,
        customers.city,
        customers.preferred_channel,
        customers.is_marketing_opt_in,
        customers.order_count as frequency,
        customers.total_spend_amount as monetary,
        customers.annual_income_amount,
        customers.spending_score,
        customers.was_repaired,
        coalesce(
            floor(months_between(customers.as_of_date, customers.birth_date) / 12), customers.age
        ) as age,
        customers.attributes,
        customers.has_purchase_history_input as has_purchase_history,
        -- tenure: since the first order on the order lines, else since signup
        datediff(
            customers.as_of_date, coalesce(customers.first_order_date, customers.signup_date)
        ) as tenure_days,
        customers.distinct_product_count,
        customers.return_rate,
        customers.avg_days_between_orders,
        datediff(customers.as_of_date, customers.last_order_date) as recency_days,
        customers.total_spend_amount / customers.order_count as avg_order_value,
        customers.item_count / customers.order_count as avg_basket_size
    from customers

),

final as (

    select
        -- ids
        measured.customer_id,
        measured.hashed_email,

        -- profile (for describing segments, not for distance)
        cast(measured.age as int) as age,
        {{ age_band('measured.age') }} as age_band,
        measured.gender,
        measured.country_code,
        measured.city,
        measured.preferred_channel,
        measured.annual_income_amount,

        -- behaviour and value (RFM and ratios)
        measured.tenure_days,
        measured.recency_days,
        measured.frequency,
        measured.monetary,
        measured.avg_order_value,
        measured.avg_basket_size,
        measured.spending_score,
        measured.distinct_product_count,
        measured.return_rate,
        measured.avg_days_between_orders,
        cast(
            measured.frequency / greatest(measured.tenure_days / 30.4375, 1.0) as double
        ) as orders_per_month,

        -- log transforms of the skewed counts and amounts (ln(1 + x))
        ln(1 + measured.recency_days) as log_recency_days,
        ln(1 + measured.frequency) as log_frequency,
        ln(1 + measured.monetary) as log_monetary,
        ln(1 + measured.avg_order_value) as log_avg_order_value,
        ln(1 + measured.avg_basket_size) as log_avg_basket_size,

        -- every extra input column (clustering features or profile dimensions by config)
        measured.attributes,
        measured.has_purchase_history,

        -- booleans
        measured.is_marketing_opt_in,
        measured.was_repaired,

        -- dates
        measured.as_of_date

    from measured

)

select * from final
