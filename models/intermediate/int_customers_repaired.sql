-- One row per input row: impossible values nulled with a code each, every repair listed, and
-- the reason the row cannot be segmented (first applicable), measured at the as-of date.
with

customers as (

    select * from {{ ref('int_customers_purchase_history') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

checked as (

    select
        customers.*,
        as_of.as_of_date,
        (
            customers.birth_date < date '1900-01-01'
            or customers.birth_date > as_of.as_of_date
            or customers.birth_date
            > add_months(as_of.as_of_date, -12 * {{ var('min_customer_age') }})
        ) as is_birth_date_impossible,
        (
            customers.annual_income_amount < 0
            or customers.annual_income_amount > {{ var('max_annual_income') }}
        ) as is_income_impossible,
        customers.spending_score not between 1 and 100 as is_score_out_of_range,
        (
            customers.age < {{ var('min_customer_age') }}
            or customers.age > {{ var('max_customer_age') }}
        ) as is_age_impossible,
        customers.signup_date > as_of.as_of_date as is_signup_after_as_of,
        customers.signup_date > customers.last_order_date as is_signup_after_last_order,
        customers.item_count < customers.order_count as is_items_below_orders
    from customers
    cross join as_of

),

final as (

    select
        -- ids
        checked.customer_row_id,
        checked.raw_row_hash,
        checked.customer_id,
        checked.is_customer_id_surrogate,
        checked.source_file,
        checked.source_row_number,

        -- text
        checked.full_name,
        checked.first_name,
        checked.last_name,
        checked.email,
        checked.gender,
        checked.country_code,
        checked.city,
        checked.preferred_channel,

        -- numerics
        if(checked.is_income_impossible, null, checked.annual_income_amount)
            as annual_income_amount,
        if(checked.is_score_out_of_range, null, checked.spending_score) as spending_score,
        checked.order_count,
        if(checked.is_items_below_orders, null, checked.item_count) as item_count,
        checked.total_spend_amount,
        checked.returned_spend_amount,
        checked.return_rate,
        checked.distinct_product_count,
        checked.avg_days_between_orders,
        if(checked.is_age_impossible, null, checked.age) as age,
        checked.attributes,

        -- booleans
        checked.is_marketing_opt_in,
        checked.has_purchase_history_input,
        checked.has_order_lines_input,
        checked.has_order_lines,

        -- dates
        if(checked.is_birth_date_impossible, null, checked.birth_date) as birth_date,
        if(
            checked.is_signup_after_as_of or checked.is_signup_after_last_order,
            null,
            checked.signup_date
        ) as signup_date,
        checked.first_order_date,
        checked.last_order_date,
        checked.as_of_date,

        -- what was repaired, and why (one code per repair)
        concat(
            checked.standardisation_repairs,
            filter(
                array(
                    if(checked.is_birth_date_impossible, 'birth_date_impossible', null),
                    if(checked.is_age_impossible, 'age_impossible', null),
                    if(checked.is_income_impossible, 'annual_income_impossible', null),
                    if(checked.is_score_out_of_range, 'spending_score_out_of_range', null),
                    if(checked.is_signup_after_as_of, 'signup_after_as_of', null),
                    if(
                        checked.is_signup_after_last_order and not checked.is_signup_after_as_of,
                        'signup_after_last_order',
                        null
                    ),
                    if(checked.is_items_below_orders, 'item_count_below_order_count', null)
                ),
                repair -> repair is not null
            ),
            transform(
                checked.unparseable_columns, column_name -> concat('unparseable_', column_name)
            )
        ) as repairs,

        -- why the row cannot be segmented (first applicable reason), null if it can
        case
            when checked.malformed_record is not null then 'malformed_row'
            when checked.customer_id is null then 'missing_customer_id'
            -- purchase-history rules apply when the input has purchase history at all
            when not checked.has_purchase_history_input then null
            -- with order lines: a customer none of whose lines could be used
            when checked.has_order_lines_input and not checked.has_order_lines
                then 'no_order_lines'
            when
                arrays_overlap(
                    checked.unparseable_columns,
                    array({{ quoted_list(purchase_history_columns()) }})
                )
                then 'unparseable_purchase_history'
            when checked.order_count < 0 then 'negative_order_count'
            when checked.total_spend_amount < 0 then 'negative_spend'
            when coalesce(checked.order_count, 0) = 0 and checked.total_spend_amount > 0
                then 'spend_without_orders'
            when coalesce(checked.order_count, 0) = 0 then 'no_purchase_history'
            when checked.total_spend_amount is null then 'missing_spend'
            when checked.last_order_date is null then 'missing_last_order_date'
            when checked.last_order_date > checked.as_of_date then 'last_order_after_as_of'
        end as quarantine_reason

    from checked

)

select * from final
