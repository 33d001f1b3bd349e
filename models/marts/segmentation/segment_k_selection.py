"""k selection: WCSS (elbow) and silhouette for every k tried, the k chosen, features used."""

from pyspark.sql import functions as F

from customer_segmentation.segmentation import SegmentationConfig, as_of_date_of, run_id, select_k


def model(dbt, session):
    """One row per k tried over customer_features; exactly one row has is_chosen."""
    config = SegmentationConfig.from_dict(dbt.config.get("segmentation"))
    features = dbt.ref("customer_features")
    as_of_date = as_of_date_of(features)
    return select_k(features, config).select(
        "*",
        F.lit(as_of_date).alias("as_of_date"),
        F.lit(run_id(config, as_of_date)).alias("segmentation_run_id"),
    )
