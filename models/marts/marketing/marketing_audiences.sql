-- Customers marketing may contact (explicit opt-in only), with their segment's playbook.
with

segmented as (

    select * from {{ ref('int_customer_segment_features') }}

),

summary as (

    select * from {{ ref('segment_summary') }}

),

final as (

    select
        -- ids
        segmented.customer_id,
        segmented.segment_id,

        -- segment playbook
        summary.segment_name,
        summary.recommended_action,
        summary.recommended_channel,

        -- contact
        segmented.hashed_email,
        segmented.preferred_channel,
        if(
            segmented.preferred_channel = 'unknown',
            summary.recommended_channel,
            segmented.preferred_channel
        ) as contact_channel,
        segmented.is_marketing_opt_in,

        -- dates
        segmented.as_of_date

    from segmented
    inner join summary
        on segmented.segment_id = summary.segment_id
    where segmented.is_marketing_opt_in

)

select * from final
