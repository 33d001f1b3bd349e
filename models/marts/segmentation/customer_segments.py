"""Customer segments: MLlib KMeans over the feature mart with the chosen k."""

from pyspark.sql import functions as F

from customer_segmentation.segmentation import (
    SegmentationConfig,
    as_of_date_of,
    assign_segments,
    chosen_k,
    run_id,
)


def model(dbt, session):
    """One row per customer of customer_features with its segment and centroid distance."""
    config = SegmentationConfig.from_dict(dbt.config.get("segmentation"))
    features = dbt.ref("customer_features")
    k = chosen_k(dbt.ref("segment_k_selection"))
    as_of_date = as_of_date_of(features)
    return assign_segments(features, config, k).select(
        "*",
        F.lit(k).alias("segment_count"),
        F.lit(as_of_date).alias("as_of_date"),
        F.lit(run_id(config, as_of_date)).alias("segmentation_run_id"),
    )
