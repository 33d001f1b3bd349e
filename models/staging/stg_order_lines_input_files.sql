{{ config(enabled=transactions_input_settings()['enabled']) }}
{#- One row per order-lines input file with the input's own record count: per file the
    loader's count (order_lines_input_files: Python's csv module, or the Parquet footers), for
    the seed the row count dbt parsed from its CSV, kept by the adapter as the seed table's
    property `dbt.parsed_row_count`. -#}
{%- set from_file = transactions_input_settings()['path'] is not none -%}
{%- set seed = none if from_file else ref('order_lines') -%}
{%- set found = namespace(rows='null', columns="cast(array() as array<string>)") -%}
{%- if execute and not from_file -%}
    {%- for row in run_query('show tblproperties ' ~ seed).rows
        if row[0] == 'dbt.parsed_row_count' -%}
        {%- set found.rows = row[1] | int -%}
    {%- endfor -%}
    {%- set names = adapter.get_columns_in_relation(seed) | map(attribute='name') | list -%}
    {%- set found.columns = 'array(' ~ quoted_list(names) ~ ')' -%}
{%- endif -%}

with

source as (

    {%- if from_file %}

        select * from {{ ref('order_lines_input_files') }}

    {%- else %}

        select
            '{{ seed }}' as source_file,
            {{ found.columns }} as column_names,
            null as byte_count,
            {{ found.rows }} as record_count

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
