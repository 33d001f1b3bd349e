-- Segmented customers left out of the audiences, with the reason (no silent drops).
with

segmented as (

    select * from {{ ref('int_customer_segment_features') }}

),

final as (

    select
        segmented.customer_id,
        segmented.segment_id,
        'no_marketing_consent' as exclusion_reason
    from segmented
    where not segmented.is_marketing_opt_in

)

select * from final
