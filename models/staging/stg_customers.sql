{#- One row per input row, renamed and cast onto the canonical columns through the
    `customers_input.columns` mapping (macros/customer_input/): columns the input lacks are
    null, any other column is carried in `attributes`. -#}
{%- set input = customers_input_relation() -%}
{%- set mapping = customers_input_mapping(input) -%}
{%- set source_of = mapping.source_of -%}
{%- set from_file = customers_input_settings()['path'] is not none -%}

with

source as (

    select * from {{ input }}

),

renamed as (

    select
        -- ids
        {{ input_customer_id(mapping) }} as customer_id,
        {{ 'customer_id' not in source_of }} as is_customer_id_surrogate,
        {{ input_row_hash(mapping.columns) }} as raw_row_hash,
        {%- if from_file %}
            _source_file as source_file,
            _source_row_number as source_row_number,
            _malformed_record as malformed_record,
        {%- else %}
            cast(null as string) as source_file,
            cast(null as int) as source_row_number,
            cast(null as string) as malformed_record,
        {%- endif %}

        -- text
        regexp_replace({{ input_text(source_of, 'full_name') }}, '\\s+', ' ') as full_name,
        initcap({{ input_text(source_of, 'first_name') }}) as first_name,
        initcap({{ input_text(source_of, 'last_name') }}) as last_name,
        lower({{ input_text(source_of, 'email') }}) as email,
        lower({{ input_text(source_of, 'gender') }}) as gender,
        {{ input_text(source_of, 'country') }} as country,
        initcap({{ input_text(source_of, 'city') }}) as city,
        lower({{ input_text(source_of, 'preferred_channel') }}) as preferred_channel,
        lower({{ input_text(source_of, 'marketing_opt_in') }}) as marketing_opt_in,

        -- numerics
        try_cast({{ input_text(source_of, 'annual_income') }} as double) as annual_income_amount,
        try_cast({{ input_text(source_of, 'spending_score') }} as int) as spending_score,
        try_cast({{ input_text(source_of, 'total_orders') }} as int) as order_count,
        try_cast({{ input_text(source_of, 'total_items') }} as int) as item_count,
        try_cast({{ input_text(source_of, 'total_spend') }} as double) as total_spend_amount,
        try_cast({{ input_text(source_of, 'age') }} as int) as age,

        -- dates
        try_cast({{ input_text(source_of, 'birth_date') }} as date) as birth_date,
        try_cast({{ input_text(source_of, 'signup_date') }} as date) as signup_date,
        try_cast({{ input_text(source_of, 'last_order_date') }} as date) as last_order_date,

        -- every other input column, by its mapped name (trimmed text, blank = null);
        -- sqlfluff's sparksql grammar does not know the map() constructor
        {{ input_attributes(mapping) }} as attributes,  -- noqa: RF04

        -- what the input carries: without purchase history it is a demographic file
        {{ purchase_history_columns() | select('in', source_of) | list | length > 0 }}
            as has_purchase_history_input,

        -- values present but not parseable as their type (nulled above)
        {{ input_unparseable_columns(source_of) }} as unparseable_columns

    from source

)

select * from renamed
