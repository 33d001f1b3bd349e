-- One row per build: where every input record went, and how duplicates and names were
-- handled. The source count is the loader's own (Python's csv module over the file's bytes),
-- not Spark's, so a parser that drops or merges rows breaks `is_reconciled`.
with

input_files as (

    select * from {{ ref('stg_customers_input_files') }}

),

staged as (

    select * from {{ ref('stg_customers') }}

),

validated as (

    select * from {{ ref('int_customers_validated') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

source_rows as (

    select
        count(*) as input_file_count,
        coalesce(sum(input_files.record_count), 0) as source_row_count
    from input_files

),

input_rows as (

    select
        count(*) as input_row_count,
        count(*) - count(distinct staged.raw_row_hash) as exact_duplicate_row_count,
        count(staged.malformed_record) as malformed_row_count,
        coalesce(bool_or(staged.is_customer_id_surrogate), false) as is_customer_id_surrogate
    from staged

),

outcomes as (

    select
        count_if(validated.row_status = 'clean') as segmented_row_count,
        count_if(validated.row_status = 'quarantined') as quarantined_row_count,
        count_if(validated.row_status = 'duplicate') as duplicate_row_count
    from validated

),

named_rows as (

    select
        validated.customer_id,
        coalesce(
            validated.full_name,
            nullif(concat_ws(' ', validated.first_name, validated.last_name), '')
        ) as customer_name
    from validated
    where validated.row_status != 'duplicate'

),

names as (

    select
        named_rows.customer_name,
        count(distinct named_rows.customer_id) as customer_count,
        count(*) as name_row_count
    from named_rows
    group by named_rows.customer_name

),

shared_names as (

    select
        coalesce(sum(names.name_row_count), 0) as shared_name_row_count,
        count(*) as shared_name_count
    from names
    where names.customer_name is not null and names.customer_count > 1

),

final as (

    select
        -- where the rows went
        source_rows.input_file_count,
        source_rows.source_row_count,
        input_rows.input_row_count,
        outcomes.segmented_row_count,
        outcomes.quarantined_row_count,
        outcomes.duplicate_row_count,
        source_rows.source_row_count = input_rows.input_row_count
        and input_rows.input_row_count
        = outcomes.segmented_row_count
        + outcomes.quarantined_row_count
        + outcomes.duplicate_row_count as is_reconciled,

        -- how the rows were told apart
        input_rows.is_customer_id_surrogate,
        input_rows.exact_duplicate_row_count,
        shared_names.shared_name_row_count,
        shared_names.shared_name_count,
        input_rows.malformed_row_count,

        -- when
        as_of.as_of_date,
        as_of.as_of_source

    from source_rows
    cross join input_rows
    cross join outcomes
    cross join shared_names
    cross join as_of

)

select * from final
