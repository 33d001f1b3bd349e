{{ config(enabled=transactions_input_settings()['enabled']) }}
{#- One row per order-lines input file with the input's own record count: per file the
    loader's count (order_lines_input_files: Python's csv module, or the Parquet footers), for
    the seed the row count dbt parsed from its CSV, kept by the adapter as the seed table's
    property `dbt.parsed_row_count`. -#}
{%- set from_file = transactions_input_settings()['path'] is not none -%}
{%- set seed = none if from_file else ref('order_lines') -%}

with

source as (

    {%- if from_file %}

        select * from {{ ref('order_lines_input_files') }}

    {%- else %}

        {{ seed_input_file(seed) }}

    {%- endif %}

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
