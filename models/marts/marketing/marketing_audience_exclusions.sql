-- Segmented customers left out of the audiences, with the reason (no silent drops).
with

segments as (

    select * from {{ ref('customer_segments') }}

),

features as (

    select * from {{ ref('customer_features') }}

),

final as (

    select
        segments.customer_id,
        segments.segment_id,
        'no_marketing_consent' as exclusion_reason
    from segments
    inner join features
        on segments.customer_id = features.customer_id
    where not features.is_marketing_opt_in

)

select * from final
