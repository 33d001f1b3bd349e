-- The k sweep of the current model version: one row per k it tried, the chosen one marked.
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
        current_version.k_score.is_chosen,
        current_version.features_description as features,
        current_version.order_by,
        current_version.as_of_date,
        current_version.model_version
    from current_version

)

select * from final
