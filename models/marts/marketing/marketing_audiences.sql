-- Customers marketing may contact (explicit opt-in only), with their segment's playbook.
with

segments as (

    select * from {{ ref('customer_segments') }}

),

features as (

    select * from {{ ref('customer_features') }}

),

summary as (

    select * from {{ ref('segment_summary') }}

),

final as (

    select
        -- ids
        segments.customer_id,
        segments.segment_id,

        -- segment playbook
        summary.segment_name,
        summary.recommended_action,
        summary.recommended_channel,

        -- contact
        features.preferred_channel,
        if(
            features.preferred_channel = 'unknown',
            summary.recommended_channel,
            features.preferred_channel
        ) as contact_channel,
        features.is_marketing_opt_in,

        -- dates
        segments.as_of_date

    from segments
    inner join features
        on segments.customer_id = features.customer_id
    inner join summary
        on segments.segment_id = summary.segment_id
    where features.is_marketing_opt_in

)

select * from final
