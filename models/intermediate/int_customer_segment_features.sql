-- Every segmented customer's features with its segment: what profiles and audiences read.
with

segments as (

    select * from {{ ref('customer_segments') }}

),

features as (

    select * from {{ ref('customer_features') }}

),

final as (

    select
        features.customer_id,
        features.hashed_email,
        features.age,
        features.age_band,
        features.gender,
        features.country_code,
        features.city,
        features.preferred_channel,
        features.annual_income_amount,
        features.tenure_days,
        features.recency_days,
        features.frequency,
        features.monetary,
        features.avg_order_value,
        features.avg_basket_size,
        features.spending_score,
        features.orders_per_month,
        features.log_recency_days,
        features.log_frequency,
        features.log_monetary,
        features.log_avg_order_value,
        features.log_avg_basket_size,
        features.attributes,
        features.is_marketing_opt_in,
        features.was_repaired,
        features.as_of_date,
        segments.segment_id,
        segments.distance_to_centroid,
        segments.model_version
    from features
    inner join segments
        on features.customer_id = segments.customer_id

)

select * from final
