"""Segment centroids per resolved feature (one row per one_hot category), means and z-scores."""

from customer_segmentation.segmentation import SegmentationConfig, describe_centroids


def model(dbt, session):
    """One row per segment and clustering feature (or one_hot `<feature>=<category>`)."""
    config = SegmentationConfig.from_dict(dbt.config.get("segmentation"))
    return describe_centroids(dbt.ref("customer_features"), dbt.ref("customer_segments"), config)
