-- The k sweep of the current model version: one row per k it tried, every criterion, the k
-- rule's thresholds and verdicts, and the chosen k with the rule's reason.
with

models as (

    select * from {{ ref('segmentation_models') }}

),

current_version as (

    select
        models.model_version,
        models.as_of_date,
        models.features_description,
        models.order_by,
        models.algorithm,
        models.k_rule,
        get_json_object(models.config_json, '$.k') as k_setting,
        cast(get_json_object(models.config_json, '$.min_segment_share') as double)
            as min_segment_share,
        cast(get_json_object(models.config_json, '$.min_stability') as double)
            as min_stability,
        explode(models.k_selection) as k_score
    from models
    where models.is_current

),

final as (

    select
        current_version.k_score.k,
        current_version.k_score.wcss,
        current_version.k_score.silhouette,
        current_version.k_score.davies_bouldin,
        current_version.k_score.calinski_harabasz,
        current_version.k_score.smallest_segment_share,
        current_version.k_score.stability,
        current_version.k_score.meets_min_share,
        current_version.k_score.meets_stability,
        current_version.k_score.is_chosen,
        current_version.k_setting,
        current_version.min_segment_share,
        current_version.min_stability,
        current_version.k_rule,
        current_version.algorithm,
        current_version.features_description as features,
        current_version.order_by,
        current_version.as_of_date,
        current_version.model_version
    from current_version

)

select * from final
