-- Every (segment, naming rule) pair with the squared distance between the segment's
-- recency/frequency/monetary z-scores and the rule's prototype; rank 1 = nearest rule.
-- Empty when the input has no purchase history.
with

profiles as (

    select * from {{ ref('segment_profiles') }}

),

rules as (

    select * from {{ ref('stg_segment_naming_rules') }}

),

paired as (

    select
        profiles.segment_id,
        rules.rule_order,
        rules.segment_name,
        rules.segment_description,
        rules.recommended_action,
        rules.recommended_channel,
        pow(coalesce(profiles.recency_z, 0) - rules.prototype_recency_z, 2)
        + pow(coalesce(profiles.frequency_z, 0) - rules.prototype_frequency_z, 2)
        + pow(coalesce(profiles.monetary_z, 0) - rules.prototype_monetary_z, 2)
            as match_distance
    from profiles
    cross join rules
    -- rules describe purchase behaviour: without it (a demographic input) no rule applies and
    -- segment_names describes each segment by its centroids instead
    where
        profiles.recency_z is not null
        or profiles.frequency_z is not null
        or profiles.monetary_z is not null

),

final as (

    select
        paired.segment_id,
        paired.rule_order,
        paired.segment_name,
        paired.segment_description,
        paired.recommended_action,
        paired.recommended_channel,
        paired.match_distance,
        row_number() over (
            partition by paired.segment_id
            order by paired.match_distance asc, paired.rule_order asc
        ) as rule_rank
    from paired

)

select * from final
