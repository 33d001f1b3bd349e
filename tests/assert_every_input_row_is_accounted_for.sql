-- Nothing is lost: every row of the customers seed is a clean customer, a quarantined row
-- or a documented duplicate. Returns a row (fails) when the counts do not reconcile.
with

input_rows as (

    select count(*) as row_total from {{ ref('stg_customers') }}

),

clean_rows as (

    select count(*) as row_total from {{ ref('int_customers_cleaned') }}

),

quarantined_rows as (

    select count(*) as row_total from {{ ref('int_customers_quarantined') }}

),

duplicate_rows as (

    select count(*) as row_total from {{ ref('int_customers_duplicates') }}

),

reconciled as (

    select
        input_rows.row_total as input_row_count,
        clean_rows.row_total as clean_row_count,
        quarantined_rows.row_total as quarantined_row_count,
        duplicate_rows.row_total as duplicate_row_count
    from input_rows
    cross join clean_rows
    cross join quarantined_rows
    cross join duplicate_rows

)

select * from reconciled
where
    input_row_count
    != clean_row_count + quarantined_row_count + duplicate_row_count
