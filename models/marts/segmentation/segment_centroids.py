"""Segment centroids per model feature (one row per one_hot category), means and z-scores."""

from customer_segmentation.segmentation import describe_centroids, require_current, resolved_of


def model(dbt, session):
    """One row per segment and model feature, z-scores against the model's training input."""
    record = require_current(dbt.ref("segmentation_models"))
    return describe_centroids(
        dbt.ref("customer_features"),
        dbt.ref("customer_segments"),
        resolved_of(record),
        record["id_column"],
    )
