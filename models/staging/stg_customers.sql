with

source as (

    select * from {{ ref('customers') }}

),

with_row_identity as (

    select
        source.*,
        sha2(
            concat_ws(
                '|',
                {%- for column in customer_seed_columns() %}
                    coalesce(source.{{ column }}, '<null>'){{ "," if not loop.last }}
                {%- endfor %}
            ),
            256
        ) as raw_row_hash
    from source

),

renamed as (

    select
        -- ids
        concat(
            raw_row_hash,
            '-',
            row_number() over (partition by raw_row_hash order by raw_row_hash)
        ) as customer_row_id,
        nullif(trim(customer_id), '') as customer_id,

        -- text
        initcap(nullif(trim(first_name), '')) as first_name,
        initcap(nullif(trim(last_name), '')) as last_name,
        lower(nullif(trim(email), '')) as email,
        lower(nullif(trim(gender), '')) as gender,
        nullif(trim(country), '') as country,
        initcap(nullif(trim(city), '')) as city,
        lower(nullif(trim(preferred_channel), '')) as preferred_channel,
        lower(nullif(trim(marketing_opt_in), '')) as marketing_opt_in,

        -- numerics
        try_cast(trim(annual_income) as double) as annual_income_amount,
        try_cast(trim(spending_score) as int) as spending_score,
        try_cast(trim(total_orders) as int) as order_count,
        try_cast(trim(total_items) as int) as item_count,
        try_cast(trim(total_spend) as double) as total_spend_amount,

        -- dates
        try_cast(trim(birth_date) as date) as birth_date,
        try_cast(trim(signup_date) as date) as signup_date,
        try_cast(trim(last_order_date) as date) as last_order_date,

        -- values present but not parseable as their type (nulled above)
        filter(
            array(
                {%- for column, type in customer_typed_columns().items() %}
                    if(
                        nullif(trim({{ column }}), '') is not null
                        and try_cast(trim({{ column }}) as {{ type }}) is null,
                        '{{ column }}',
                        null
                    ){{ "," if not loop.last }}
                {%- endfor %}
            ),
            parsed_column -> parsed_column is not null
        ) as unparseable_columns

    from with_row_identity

)

select * from renamed
