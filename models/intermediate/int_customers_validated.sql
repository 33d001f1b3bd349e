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
        ranked.*,
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
