with

validated as (

    select * from {{ ref('int_customers_validated') }}

),

final as (

    select
        -- ids
        validated.customer_row_id,
        validated.customer_id,

        -- why
        validated.quarantine_reason,
        validated.repairs,

        -- the values that led to the decision
        validated.order_count,
        validated.total_spend_amount,
        validated.last_order_date,
        validated.as_of_date

    from validated
    where validated.row_status = 'quarantined'

)

select * from final
