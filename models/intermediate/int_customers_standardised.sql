-- One row per input row: a stable row key, categories mapped through the alias seeds, e-mail
-- validated, and a code for every value that could not be standardised.
with

customers as (

    select * from {{ ref('stg_customers') }}

),

country_aliases as (

    select * from {{ ref('stg_country_aliases') }}

),

gender_aliases as (

    select * from {{ ref('stg_gender_aliases') }}

),

opt_in_aliases as (

    select * from {{ ref('stg_opt_in_aliases') }}

),

channels as (

    select * from {{ ref('stg_marketing_channels') }}

),

identified as (

    select
        customers.*,
        -- identical rows are told apart by their place in the file (the seed has none, and
        -- its identical rows are indistinguishable, so any order gives the same rows)
        concat(
            customers.raw_row_hash,
            '-',
            row_number() over (
                partition by customers.raw_row_hash
                order by customers.source_file asc, customers.source_row_number asc
            )
        ) as customer_row_id
    from customers

),

mapped as (

    select
        identified.*,
        identified.email rlike '{{ valid_email_regex() }}' as is_email_valid,
        country_aliases.country_code,
        gender_aliases.gender as gender_standardised,
        opt_in_aliases.is_marketing_opt_in as opt_in_parsed,
        channels.channel as channel_known
    from identified
    left join country_aliases
        on upper(regexp_replace(identified.country, '[^A-Za-z]', ''))
            = country_aliases.country_alias
    left join gender_aliases
        on identified.gender = gender_aliases.gender_alias
    left join opt_in_aliases
        on identified.marketing_opt_in = opt_in_aliases.opt_in_alias
    left join channels
        on identified.preferred_channel = channels.channel

),

final as (

    select
        -- ids
        mapped.customer_row_id,
        mapped.raw_row_hash,
        mapped.customer_id,
        mapped.is_customer_id_surrogate,
        mapped.source_file,
        mapped.source_row_number,
        mapped.malformed_record,

        -- text
        mapped.full_name,
        mapped.first_name,
        mapped.last_name,
        if(mapped.is_email_valid, mapped.email, null) as email,
        coalesce(mapped.gender_standardised, 'unknown') as gender,
        mapped.country_code,
        mapped.city,
        coalesce(mapped.channel_known, 'unknown') as preferred_channel,

        -- numerics
        mapped.annual_income_amount,
        mapped.spending_score,
        mapped.order_count,
        mapped.item_count,
        mapped.total_spend_amount,
        mapped.age,
        mapped.attributes,

        -- booleans
        coalesce(mapped.opt_in_parsed, false) as is_marketing_opt_in,
        mapped.has_purchase_history_input,

        -- dates
        mapped.birth_date,
        mapped.signup_date,
        mapped.last_order_date,

        -- what could not be parsed or standardised
        mapped.unparseable_columns,
        filter(
            array(
                if(mapped.email is not null and not mapped.is_email_valid, 'email_malformed', null),
                if(
                    mapped.gender is not null and mapped.gender_standardised is null,
                    'gender_unrecognised',
                    null
                ),
                if(
                    mapped.country is not null and mapped.country_code is null,
                    'country_unrecognised',
                    null
                ),
                if(mapped.marketing_opt_in is null, 'opt_in_missing', null),
                if(
                    mapped.marketing_opt_in is not null and mapped.opt_in_parsed is null,
                    'opt_in_unrecognised',
                    null
                ),
                if(mapped.preferred_channel is null, 'channel_missing', null),
                if(
                    mapped.preferred_channel is not null and mapped.channel_known is null,
                    'channel_unrecognised',
                    null
                )
            ),
            repair -> repair is not null
        ) as standardisation_repairs

    from mapped

)

select * from final
