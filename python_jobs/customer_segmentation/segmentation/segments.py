"""Segment assignment: one seeded KMeans fit, relabelled so segment ids keep their meaning."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.features import VECTOR_COLUMN, prepare_features
from customer_segmentation.segmentation.kmeans import (
    CLUSTER_COLUMN,
    count_distinct_points,
    fit_kmeans,
    require_enough_points,
)
from customer_segmentation.segmentation.labels import (
    distance_column,
    segment_id_column,
    segment_order,
)


def assign_segments(features_df: DataFrame, config: SegmentationConfig, k: int) -> DataFrame:
    """Return [<id>, segment_id, distance_to_centroid]: segment 1 has the highest order_by centroid.

    order_by is the resolved one (config.order_by, else the first numeric feature); distances
    are Euclidean in the model's vector space (z-scores, unscaled `none` values, indicators).

    The fit runs on a cached, canonically partitioned copy; the returned frame is lazy and
    recomputes the (deterministic) scaling and assignment when it is written.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"k must be an int >= 2, got {k!r}")
    with prepare_features(features_df, config) as prepared:
        require_enough_points(k, prepared.resolved.row_count, count_distinct_points(prepared))
        model = fit_kmeans(prepared, k, config)
    centers = [[float(value) for value in center] for center in model.clusterCenters()]
    segment_of = segment_order(centers, prepared.slot_names, prepared.order_by)
    cluster = F.col(CLUSTER_COLUMN)
    return model.transform(prepared.frame).select(
        F.col(config.id_column),
        segment_id_column(cluster, segment_of).alias("segment_id"),
        distance_column(F.col(VECTOR_COLUMN), cluster, centers).alias("distance_to_centroid"),
    )
