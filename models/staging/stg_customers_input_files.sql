with

source as (

    select * from {{ ref('customers_input_files') }}

),

renamed as (

    select
        -- ids
        source.source_file,

        -- text
        source.column_names,

        -- numerics
        cast(source.byte_count as bigint) as byte_count,
        cast(source.record_count as bigint) as record_count

    from source

)

select * from renamed
