-- One row per input row with its fate after de-duplication: per customer_id the latest
-- snapshot wins, and a winning row that cannot be used quarantines its customer.
with

customers as (

    select * from {{ ref('int_customers_repaired') }}

),

ranked as (

    select
        customers.*,
        row_number() over (
            partition by customers.customer_id
            order by
                customers.last_order_date desc nulls last,
                customers.order_count desc nulls last,
                customers.total_spend_amount desc nulls last,
                customers.source_file asc nulls last,
                customers.source_row_number asc nulls last,
                customers.customer_row_id asc
        ) as duplicate_rank
    from customers

),

final as (

    select
        -- ids
        ranked.customer_row_id,
        ranked.raw_row_hash,
        ranked.customer_id,
        ranked.is_customer_id_surrogate,
        ranked.source_file,
        ranked.source_row_number,

        -- text
        ranked.full_name,
        ranked.first_name,
        ranked.last_name,
        ranked.email,
        ranked.gender,
        ranked.country_code,
        ranked.city,
        ranked.preferred_channel,

        -- numerics
        ranked.annual_income_amount,
        ranked.spending_score,
        ranked.order_count,
        ranked.item_count,
        ranked.total_spend_amount,
        ranked.returned_spend_amount,
        ranked.return_rate,
        ranked.distinct_product_count,
        ranked.avg_days_between_orders,
        ranked.age,
        ranked.attributes,

        -- booleans
        ranked.is_marketing_opt_in,
        ranked.has_purchase_history_input,
        ranked.has_order_lines,

        -- dates
        ranked.birth_date,
        ranked.signup_date,
        ranked.first_order_date,
        ranked.last_order_date,
        ranked.as_of_date,

        -- what was repaired, why the row cannot be used, and its fate
        ranked.repairs,
        ranked.quarantine_reason,
        ranked.duplicate_rank,
        size(ranked.repairs) as repair_count,
        case
            when ranked.customer_id is null then ranked.customer_row_id
            else first_value(ranked.customer_row_id) over (
                    partition by ranked.customer_id
                    order by ranked.duplicate_rank
                )
        end as kept_customer_row_id,
        case
            when ranked.customer_id is null then 'quarantined'
            when ranked.duplicate_rank > 1 then 'duplicate'
            when ranked.quarantine_reason is not null then 'quarantined'
            else 'clean'
        end as row_status
    from ranked

)

select * from final
