with

segments as (

    select * from {{ ref('customer_segments') }}

),

features as (

    select * from {{ ref('customer_features') }}

),

segmented as (

    select
        features.*,
        segments.segment_id
    from features
    inner join segments
        on features.customer_id = segments.customer_id

),

base as (

    select
        count(*) as base_customer_count,
        sum(segmented.monetary) as base_revenue_amount,
        {%- for feature in profile_features() %}
        avg(segmented.{{ feature }}) as base_mean_{{ feature }},
        stddev_samp(segmented.{{ feature }}) as base_std_{{ feature }},
        {%- endfor %}
        {%- for measure in ['recency_days', 'frequency', 'monetary'] %}
        avg(segmented.log_{{ measure }}) as base_mean_log_{{ measure }},
        stddev_samp(segmented.log_{{ measure }}) as base_std_log_{{ measure }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from segmented

),

per_segment as (

    select
        segmented.segment_id,
        count(*) as customer_count,
        sum(segmented.monetary) as revenue_amount,
        avg(if(segmented.is_marketing_opt_in, 1.0, 0.0)) as opt_in_rate,
        avg(if(segmented.gender = 'female', 1.0, 0.0)) as female_share,
        avg(if(segmented.gender = 'male', 1.0, 0.0)) as male_share,
        {%- for feature in profile_features() %}
        avg(segmented.{{ feature }}) as mean_{{ feature }},
        cast(
            percentile_approx(segmented.{{ feature }}, 0.5, 10000) as double
        ) as median_{{ feature }},
        {%- endfor %}
        {%- for measure in ['recency_days', 'frequency', 'monetary'] %}
        avg(segmented.log_{{ measure }}) as mean_log_{{ measure }}
        {{- "," if not loop.last }}
        {%- endfor %}
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
        {%- for measure in ['recency_days', 'frequency', 'monetary'] %}
        (per_segment.mean_log_{{ measure }} - base.base_mean_log_{{ measure }})
        / nullif(base.base_std_log_{{ measure }}, 0) as {{ measure.split('_')[0] }}_z
        {{- "," if not loop.last }}
        {%- endfor %}

    from per_segment
    cross join base

)

select * from final
