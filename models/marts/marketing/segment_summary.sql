with

profiles as (

    select * from {{ ref('segment_profiles') }}

),

names as (

    select * from {{ ref('segment_names') }}

),

segments as (

    select * from {{ ref('customer_segments') }}

),

run as (

    select
        max(segments.as_of_date) as as_of_date,
        max(segments.model_version) as model_version
    from segments

),

final as (

    select
        -- ids
        profiles.segment_id,

        -- names and playbook
        names.segment_name,
        coalesce(
            names.segment_description,
            if(
                profiles.monetary_z is null,
                'Named after its most distinctive features (the input has no purchase history).',
                'No naming rule left for this segment.'
            )
        ) as segment_description,
        coalesce(names.recommended_action, 'Review this segment by hand.')
            as recommended_action,
        coalesce(names.recommended_channel, 'email') as recommended_channel,

        -- size and value
        profiles.customer_count,
        profiles.customer_share,
        profiles.revenue_amount,
        profiles.revenue_share,
        profiles.opt_in_rate,
        profiles.audience_size,

        -- what the segment looks like
        profiles.mean_recency_days,
        profiles.mean_frequency,
        profiles.mean_monetary,
        profiles.mean_avg_order_value,
        profiles.recency_z,
        profiles.frequency_z,
        profiles.monetary_z,

        -- run
        run.as_of_date,
        run.model_version

    from profiles
    inner join names
        on profiles.segment_id = names.segment_id
    cross join run

)

select * from final
