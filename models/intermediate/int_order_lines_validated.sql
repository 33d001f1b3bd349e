{{ config(enabled=transactions_input_settings()['enabled']) }}
{#- One row per staged order line with its fate: `purchase`, `return` (cancellations and
    returns, netted against the customer's purchases), `duplicate` (an exact copy of an
    earlier line) or `quarantined` with the first reason that applies. -#}
{%- set settings = transactions_input_settings() -%}
{%- set known_customers_only = customers_input_settings()['enabled'] -%}
{%- set non_product_codes = settings['non_product_codes'] | map('upper') | list -%}

with

order_lines as (

    select * from {{ ref('stg_order_lines') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

known_customers as (

    {%- if known_customers_only %}

        select distinct customers.customer_id
        from {{ ref('stg_customers') }} as customers
        where customers.customer_id is not null

    {%- else %}

        -- the customer list is the order lines' own (order_line_customers)
        select distinct order_lines.customer_id
        from order_lines
        where order_lines.customer_id is not null

    {%- endif %}

),

identified as (

    select
        order_lines.*,
        -- identical lines are told apart by their place in the file (the seed has none, and
        -- its identical lines are indistinguishable, so any order gives the same lines)
        row_number() over (
            partition by order_lines.raw_line_hash
            order by order_lines.source_file asc, order_lines.source_row_number asc
        ) as duplicate_rank
    from order_lines

),

checked as (

    select
        identified.*,
        concat(identified.raw_line_hash, '-', identified.duplicate_rank) as order_line_id,
        concat(identified.raw_line_hash, '-1') as kept_order_line_id,
        as_of.as_of_date,
        known_customers.customer_id is not null as is_known_customer,
        coalesce(
            upper(identified.product_id) in ({{ quoted_list(non_product_codes) }}), false
        ) as is_non_product,
        coalesce(
            startswith(upper(identified.order_id), '{{ settings["cancellation_prefix"] | upper }}'),
            false
        ) as is_cancellation_order
    from identified
    cross join as_of
    left join known_customers
        on identified.customer_id = known_customers.customer_id

),

reasoned as (

    select
        checked.*,
        checked.is_cancellation_order or coalesce(checked.quantity < 0, false) as is_return,
        -- why the line cannot be used (first applicable), null if it can
        case
            when checked.malformed_record is not null then 'malformed_row'
            when checked.customer_id is null then 'missing_customer_id'
            when not checked.is_known_customer then 'unknown_customer'
            when checked.order_date_text is null then 'order_date_missing'
            when checked.ordered_at is null then 'order_date_unparseable'
            when checked.order_date > checked.as_of_date then 'order_date_after_as_of'
            when checked.is_non_product then 'non_product_line'
            when checked.quantity is null then 'quantity_missing'
            when checked.quantity = 0 then 'quantity_zero'
            when checked.unit_price_amount is null then 'unit_price_missing'
            when checked.unit_price_amount <= 0 then 'unit_price_not_positive'
            when checked.is_cancellation_order and checked.quantity > 0
                then 'cancellation_quantity_positive'
        end as line_problem
    from checked

),

final as (

    select
        -- ids
        reasoned.order_line_id,
        reasoned.raw_line_hash,
        reasoned.customer_id,
        reasoned.order_id,
        reasoned.product_id,
        reasoned.source_file,
        reasoned.source_row_number,

        -- text
        reasoned.description,
        reasoned.country,

        -- numerics
        reasoned.quantity,
        reasoned.unit_price_amount,
        reasoned.line_amount,

        -- booleans
        reasoned.is_return,

        -- dates
        reasoned.ordered_at,
        reasoned.order_date,
        reasoned.as_of_date,

        -- the line's fate
        case
            when reasoned.line_problem = 'malformed_row' then 'quarantined'
            when reasoned.duplicate_rank > 1 then 'duplicate'
            when reasoned.line_problem is not null then 'quarantined'
            when reasoned.is_return then 'return'
            else 'purchase'
        end as line_status,
        if(
            reasoned.line_problem = 'malformed_row' or reasoned.duplicate_rank = 1,
            reasoned.line_problem,
            null
        ) as quarantine_reason,
        if(
            reasoned.duplicate_rank > 1 and reasoned.line_problem is distinct from 'malformed_row',
            reasoned.kept_order_line_id,
            null
        ) as kept_order_line_id,
        reasoned.unparseable_columns

    from reasoned

)

select * from final
