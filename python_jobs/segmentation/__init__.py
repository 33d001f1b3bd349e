"""Customer segmentation on Spark: standardised features, seeded KMeans, stable segment ids.

Every step is a plain function, DataFrame in and DataFrame out, configured by one validated
`SegmentationConfig`; the dbt Python models under models/marts/segmentation call them:

    config = SegmentationConfig.from_dict(dbt_config_dict)
    k_selection = select_k(customer_features, config)          # k, wcss, silhouette, is_chosen
    segments = assign_segments(customer_features, config, chosen_k(k_selection))
    centroids = describe_centroids(customer_features, segments, config)

Only DataFrame API, pyspark.ml and `vector_to_array` are used (no Python UDFs), so the same
code runs on a classic session and over Spark Connect; only centres and small aggregates
reach the driver.
"""

from segmentation.centroids import CENTROID_SCHEMA, describe_centroids
from segmentation.config import SegmentationConfig, SegmentationConfigError, run_id
from segmentation.features import FeatureDroppedWarning, PreparedFeatures, prepare_features
from segmentation.kmeans import K_SELECTION_SCHEMA, chosen_k, select_k
from segmentation.segments import assign_segments

__all__ = [
    "CENTROID_SCHEMA",
    "K_SELECTION_SCHEMA",
    "FeatureDroppedWarning",
    "PreparedFeatures",
    "SegmentationConfig",
    "SegmentationConfigError",
    "assign_segments",
    "chosen_k",
    "describe_centroids",
    "prepare_features",
    "run_id",
    "select_k",
]
