with

validated as (

    select * from {{ ref('int_customers_validated') }}

),

final as (

    select
        -- ids
        validated.customer_id,
        validated.customer_row_id,
        validated.is_customer_id_surrogate,
        validated.source_file,
        validated.source_row_number,

        -- text
        validated.full_name,
        validated.first_name,
        validated.last_name,
        validated.email,
        -- the contact key ad platforms match on: SHA-256 of the normalised address
        sha2(lower(trim(validated.email)), 256) as hashed_email,
        validated.gender,
        validated.country_code,
        validated.city,
        validated.preferred_channel,

        -- numerics
        validated.annual_income_amount,
        validated.spending_score,
        validated.order_count,
        validated.item_count,
        validated.total_spend_amount,
        validated.returned_spend_amount,
        validated.return_rate,
        validated.distinct_product_count,
        validated.avg_days_between_orders,
        validated.age,
        validated.attributes,

        -- booleans
        validated.is_marketing_opt_in,
        validated.has_purchase_history_input,
        validated.has_order_lines,

        -- dates
        validated.birth_date,
        validated.signup_date,
        validated.first_order_date,
        validated.last_order_date,
        validated.as_of_date,

        -- lineage of repairs
        validated.repairs,
        validated.repair_count > 0 as was_repaired

    from validated
    where validated.row_status = 'clean'

)

select * from final
