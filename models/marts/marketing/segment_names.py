"""Segment names: the nearest naming rule (each used once), else a name from the centroids."""

from customer_segmentation.segmentation.naming import assign_unique_names


def model(dbt, session):
    """One row per segment of segment_centroids: its rule-matched or descriptive name."""
    return assign_unique_names(dbt.ref("int_segment_name_candidates"), dbt.ref("segment_centroids"))
