-- Per model feature, this build's feature mart against the current version's training data.
with

models as (

    select * from {{ ref('segmentation_models') }}

),

current_version as (

    select
        models.model_version,
        models.last_build_at,
        models.last_build_action,
        models.drift_psi_threshold,
        models.drift_mean_shift_threshold,
        models.drift_reference_version,
        explode(models.drift) as feature_drift
    from models
    where models.is_current

),

final as (

    select
        current_version.feature_drift.feature,
        current_version.feature_drift.transform,
        current_version.feature_drift.training_mean,
        current_version.feature_drift.current_mean,
        current_version.feature_drift.mean_shift_sd,
        current_version.feature_drift.psi,
        current_version.feature_drift.missing_count,
        current_version.feature_drift.is_drifted,
        current_version.drift_psi_threshold,
        current_version.drift_mean_shift_threshold,
        current_version.model_version,
        current_version.drift_reference_version as reference_model_version,
        current_version.last_build_action,
        current_version.last_build_at
    from current_version

)

select * from final
