{{ config(enabled=transactions_input_settings()['enabled']) }}
{#- One row per order line of the transactions input, renamed and cast onto the canonical
    order-line columns through the `transactions_input.columns` mapping; dates parsed with
    `transactions_input.order_date_formats`. Other input columns are not used. -#}
{%- set input = order_lines_input_relation() -%}
{%- set mapping = order_lines_input_mapping(input) -%}
{%- set source_of = mapping.source_of -%}
{%- set from_file = transactions_input_settings()['path'] is not none -%}
{%- set quantity = "try_cast(" ~ input_text(source_of, 'quantity') ~ " as decimal(18, 4))" -%}
{%- set unit_price = "try_cast(" ~ input_text(source_of, 'unit_price') ~ " as decimal(18, 4))" -%}
{%- set line_amount = "try_cast(" ~ input_text(source_of, 'line_amount') ~ " as decimal(18, 4))" -%}

with

source as (

    select * from {{ input }}

),

renamed as (

    select
        -- ids
        {{ input_text(source_of, 'customer_id') }} as customer_id,
        {{ input_text(source_of, 'order_id') }} as order_id,
        {{ input_text(source_of, 'product_id') }} as product_id,
        {{ input_row_hash(mapping.columns) }} as raw_line_hash,
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
        {{ input_text(source_of, 'description') }} as description,
        {{ input_text(source_of, 'country') }} as country,
        {{ input_text(source_of, 'order_date') }} as order_date_text,

        -- numerics: a quantity that is not a whole number is unparseable (null)
        if({{ quantity }} = floor({{ quantity }}), cast({{ quantity }} as int), null) as quantity,
        coalesce(
            {{ unit_price }},
            cast({{ line_amount }} / nullif({{ quantity }}, 0) as decimal(18, 4))
        ) as unit_price_amount,
        coalesce(
            {{ line_amount }},
            cast({{ quantity }} * {{ unit_price }} as decimal(18, 4))
        ) as line_amount,

        -- dates
        {{ order_date_parsed(input_text(source_of, 'order_date')) }} as ordered_at,
        cast({{ order_date_parsed(input_text(source_of, 'order_date')) }} as date) as order_date,

        -- values present but not parseable as their type (nulled above)
        filter(
            array(
                if(
                    {{ input_text(source_of, 'quantity') }} is not null
                    and not coalesce({{ quantity }} = floor({{ quantity }}), false),
                    'quantity',
                    null
                ),
                if(
                    {{ input_text(source_of, 'unit_price') }} is not null
                    and {{ unit_price }} is null,
                    'unit_price',
                    null
                ),
                if(
                    {{ input_text(source_of, 'line_amount') }} is not null
                    and {{ line_amount }} is null,
                    'line_amount',
                    null
                ),
                if(
                    {{ input_text(source_of, 'order_date') }} is not null
                    and {{ order_date_parsed(input_text(source_of, 'order_date')) }} is null,
                    'order_date',
                    null
                )
            ),
            parsed_column -> parsed_column is not null
        ) as unparseable_columns

    from source

)

select * from renamed
