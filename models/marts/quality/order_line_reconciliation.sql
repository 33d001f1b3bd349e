-- One row per build: where every order line went, and which customers the lines and the
-- customers input do not share. The source count is the loader's own (Python's csv module
-- over the file's bytes, the Parquet footers, or the row count dbt parsed from the seed),
-- so a parser that drops or merges lines breaks `is_reconciled`.
with

input_files as (

    select * from {{ ref('stg_order_lines_input_files') }}

),

order_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

customers as (

    select * from {{ ref('int_customers_validated') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

source_lines as (

    select
        count(*) as input_file_count,
        coalesce(sum(input_files.record_count), 0) as source_line_count
    from input_files

),

fates as (

    select
        count(*) as input_line_count,
        count_if(order_lines.line_status = 'purchase') as purchase_line_count,
        count_if(order_lines.line_status = 'return') as return_line_count,
        count_if(order_lines.line_status = 'quarantined') as quarantined_line_count,
        count_if(order_lines.line_status = 'duplicate') as duplicate_line_count,
        count_if(order_lines.quarantine_reason = 'missing_customer_id') as guest_line_count,
        count_if(order_lines.quarantine_reason = 'unknown_customer')
            as unknown_customer_line_count,
        count(distinct if(
            order_lines.quarantine_reason = 'unknown_customer', order_lines.customer_id, null
        )) as unknown_customer_count,
        cast(coalesce(sum(if(
            order_lines.line_status = 'purchase', order_lines.line_amount, null
        )), 0) as decimal(28, 4)) as purchase_amount,
        cast(-coalesce(sum(if(
            order_lines.line_status = 'return', order_lines.line_amount, null
        )), 0) as decimal(28, 4)) as returned_amount
    from order_lines

),

reasons as (

    select
        order_lines.quarantine_reason,
        count(*) as line_count
    from order_lines
    where order_lines.line_status = 'quarantined'
    group by order_lines.quarantine_reason

),

reason_counts as (

    select
        -- sqlfluff's sparksql grammar does not know map_from_entries over a struct array
        coalesce(
            map_from_entries(
                array_sort(collect_list(struct(reasons.quarantine_reason, reasons.line_count)))
            ),
            map()
        ) as quarantined_lines_by_reason  -- noqa: PRS
    from reasons

),

customer_fates as (

    select
        count(distinct if(customers.has_order_lines, customers.customer_id, null))
            as customer_with_lines_count,
        count(distinct if(customers.has_order_lines, null, customers.customer_id))
            as customer_without_lines_count
    from customers

),

final as (

    select
        -- where the lines went
        source_lines.input_file_count,
        source_lines.source_line_count,
        fates.input_line_count,
        fates.purchase_line_count,
        fates.return_line_count,
        fates.quarantined_line_count,
        fates.duplicate_line_count,
        reason_counts.quarantined_lines_by_reason,
        source_lines.source_line_count = fates.input_line_count
        and fates.input_line_count
        = fates.purchase_line_count
        + fates.return_line_count
        + fates.quarantined_line_count
        + fates.duplicate_line_count as is_reconciled,

        -- the customers lines and customers input do not share
        fates.guest_line_count,
        fates.unknown_customer_line_count,
        fates.unknown_customer_count,
        customer_fates.customer_with_lines_count,
        customer_fates.customer_without_lines_count,

        -- money on the lines used
        fates.purchase_amount,
        fates.returned_amount,
        cast(fates.purchase_amount - fates.returned_amount as decimal(28, 4)) as net_amount,

        -- when
        as_of.as_of_date

    from source_lines
    cross join fates
    cross join reason_counts
    cross join customer_fates
    cross join as_of

)

select * from final
