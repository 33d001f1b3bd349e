with

validated as (

    select * from {{ ref('int_customers_validated') }}

),

final as (

    select
        -- ids
        validated.customer_row_id,
        validated.customer_id,
        validated.kept_customer_row_id,

        -- why this row lost to the kept one
        validated.duplicate_rank,
        validated.quarantine_reason,
        validated.last_order_date,
        validated.order_count,
        validated.total_spend_amount

    from validated
    where validated.row_status = 'duplicate'

)

select * from final
