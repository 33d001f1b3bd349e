{#- One row per customer id found on the order lines: the customer list when there is no
    customers input (`customers_input.enabled: false`). It sits beside the inputs it is
    derived from so that stg_customers and the whole customers path (standardising,
    quarantine, duplicates, reconciliation) run on it unchanged. -#}
{%- set input = order_lines_input_relation() -%}
{%- set source_of = order_lines_input_mapping(input).source_of -%}

with

order_lines as (

    select
        {{ input_text(source_of, 'customer_id') }} as customer_id,
        {{ input_text(source_of, 'country') }} as country
    from {{ input }}

),

countries as (

    select
        order_lines.customer_id,
        order_lines.country,
        count(*) as line_count
    from order_lines
    where order_lines.customer_id is not null
    group by order_lines.customer_id, order_lines.country

),

ranked as (

    select
        countries.customer_id,
        countries.country,
        row_number() over (
            partition by countries.customer_id
            order by
                countries.country is null asc,
                countries.line_count desc,
                countries.country asc
        ) as country_rank
    from countries

),

final as (

    select
        ranked.customer_id,
        -- the country most of the customer's lines name (ties: alphabetically first)
        ranked.country
    from ranked
    where ranked.country_rank = 1

)

select * from final
