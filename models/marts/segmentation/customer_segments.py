"""Customer segments: every customer scored by the current saved model version (no refit)."""

from pyspark.sql import functions as F

from customer_segmentation.segmentation import as_of_date_of, require_current, score_record


def model(dbt, session):
    """One row per customer of customer_features with its segment and centroid distance."""
    features = dbt.ref("customer_features")
    record = require_current(dbt.ref("segmentation_models"))
    return score_record(features, record).select(
        "*",
        F.lit(record["k"]).alias("segment_count"),
        F.lit(as_of_date_of(features)).alias("as_of_date"),
        F.lit(record["model_version"]).alias("model_version"),
    )
