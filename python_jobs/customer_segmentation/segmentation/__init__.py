"""Customer segmentation on Spark: resolved, scaled features, seeded KMeans, stable segment ids.

Every step is a plain function, DataFrame in and DataFrame out, configured by one validated
`SegmentationConfig`; the dbt Python models under models/marts/segmentation call them:

    config = SegmentationConfig.from_dict(dbt_config_dict)
    k_selection = select_k(customer_features, config)   # k, wcss, silhouette, is_chosen,
                                                        # features, order_by
    segments = assign_segments(customer_features, config, chosen_k(k_selection))
    centroids = describe_centroids(customer_features, segments, config)
    names = assign_unique_names(int_segment_name_candidates, centroids)   # segmentation.naming

Features (`features` config key) name a column of the input, else a key of its `attributes`
map (the input file's extra columns, as text). Each takes a transform: `standardise`
(z-score over the whole input), `log1p` (ln(1 + x), then z-score), `none` (the raw number,
unscaled: only for features already on a comparable scale) or `one_hot` (a 0/1 indicator per
category, null as "(missing)", unscaled, at most `max_categories`). Configured features are
checked strictly: a missing, null, non-numeric or constant one raises FeatureConfigError.
`features: auto` (the default) takes the four RFM log columns when they are complete, else
every complete, non-constant numeric column of DEMOGRAPHIC_FEATURES and numeric attribute;
segment_k_selection records what was resolved, from one profiling pass over the input.
Segments are numbered by descending centroid of `order_by` (default `log_monetary`; fallback
when it is not resolved: the first resolved numeric feature). Every setting and its default:
the table in segmentation.config.

Only DataFrame API, pyspark.ml and `vector_to_array` are used (no Python UDFs), so the same
code runs on a classic session and over Spark Connect; only centres and small aggregates
reach the driver.
"""

from customer_segmentation.segmentation.centroids import CENTROID_SCHEMA, describe_centroids
from customer_segmentation.segmentation.config import (
    SegmentationConfig,
    SegmentationConfigError,
    run_id,
)
from customer_segmentation.segmentation.features import PreparedFeatures, prepare_features
from customer_segmentation.segmentation.kmeans import K_SELECTION_SCHEMA, chosen_k, select_k
from customer_segmentation.segmentation.resolution import (
    DEMOGRAPHIC_FEATURES,
    RFM_FEATURES,
    FeatureConfigError,
    ResolvedFeatures,
    resolve_features,
)
from customer_segmentation.segmentation.runs import as_of_date_of
from customer_segmentation.segmentation.segments import assign_segments

__all__ = [
    "CENTROID_SCHEMA",
    "DEMOGRAPHIC_FEATURES",
    "K_SELECTION_SCHEMA",
    "RFM_FEATURES",
    "FeatureConfigError",
    "PreparedFeatures",
    "ResolvedFeatures",
    "SegmentationConfig",
    "SegmentationConfigError",
    "as_of_date_of",
    "assign_segments",
    "chosen_k",
    "describe_centroids",
    "prepare_features",
    "resolve_features",
    "run_id",
    "select_k",
]
