"""Segment centroids per feature, in original units and as z-scores."""

from segmentation import SegmentationConfig, describe_centroids


def model(dbt, session):
    """One row per segment and clustering feature."""
    config = SegmentationConfig.from_dict(dbt.config.get("segmentation"))
    return describe_centroids(dbt.ref("customer_features"), dbt.ref("customer_segments"), config)
