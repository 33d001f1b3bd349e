with

segmented as (

    select * from {{ ref('int_customer_segment_features') }}

),

base as (

    select
        count(*) as base_customer_count,
        {%- for feature in profile_features() + rfm_log_features() %}
            avg(segmented.{{ feature }}) as base_mean_{{ feature }},
            stddev_samp(segmented.{{ feature }}) as base_std_{{ feature }},
        {%- endfor %}
        sum(segmented.monetary) as base_revenue_amount
    from segmented

),

per_segment as (

    select
        segmented.segment_id,
        count(*) as customer_count,
        sum(segmented.monetary) as revenue_amount,
        count_if(segmented.is_marketing_opt_in) as audience_size,
        avg(cast(segmented.is_marketing_opt_in as double)) as opt_in_rate,
        avg(cast(segmented.gender = 'female' as double)) as female_share,
        {%- for feature in profile_features() %}
            cast(
                percentile_approx(segmented.{{ feature }}, 0.5, 10000) as double
            ) as median_{{ feature }},
        {%- endfor %}
        {%- for feature in profile_features() + rfm_log_features() %}
            avg(segmented.{{ feature }}) as mean_{{ feature }},
        {%- endfor %}
        avg(cast(segmented.gender = 'male' as double)) as male_share
    from segmented
    group by segmented.segment_id

),

final as (

    select
        -- ids
        per_segment.segment_id,

        -- size and value
        per_segment.customer_count,
        per_segment.customer_count / base.base_customer_count as customer_share,
        per_segment.revenue_amount,
        per_segment.revenue_amount / base.base_revenue_amount as revenue_share,
        per_segment.opt_in_rate,
        per_segment.audience_size,
        per_segment.female_share,
        per_segment.male_share,

        -- every profile feature: mean, median, z-score of the mean against the whole base
        {%- for feature in profile_features() %}
            per_segment.mean_{{ feature }},
            per_segment.median_{{ feature }},
            (per_segment.mean_{{ feature }} - base.base_mean_{{ feature }})
            / nullif(base.base_std_{{ feature }}, 0) as z_{{ feature }},
        {%- endfor %}

        -- recency / frequency / monetary on the log scale the clustering uses (for naming)
        (per_segment.mean_log_recency_days - base.base_mean_log_recency_days)
        / nullif(base.base_std_log_recency_days, 0) as recency_z,
        (per_segment.mean_log_frequency - base.base_mean_log_frequency)
        / nullif(base.base_std_log_frequency, 0) as frequency_z,
        (per_segment.mean_log_monetary - base.base_mean_log_monetary)
        / nullif(base.base_std_log_monetary, 0) as monetary_z

    from per_segment
    cross join base

)

select * from final
