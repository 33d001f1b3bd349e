"""Customer segmentation on Spark: a saved MLlib model with a life across builds.

Every step is a plain function, DataFrame in and DataFrame out, configured by one validated
`SegmentationConfig`; the dbt Python models under models/marts/segmentation call them:

    records = advance(customer_features, previous_records, config, store, relation, now)
                                    # segmentation_models: train a new version or score
    record = require_current(segmentation_models)
    segments = score_record(customer_features, record)    # customer_segments, no refit
    centroids = describe_centroids(customer_features, segments, resolved_of(record), id)

A version is one MLlib PipelineModel (segmentation.features: the transforms as a
SQLTransformer, a fitted StandardScaler; then the chosen clustering fit) saved under the model
store and described by a registry record (segmentation.registry). Training resolves and scales
the features once, sweeps k with several seeded starts per k and every criterion
(segmentation.clustering, segmentation.criteria, segmentation.clusterers), lets the k rule
pick k (segmentation.k_rule) and keeps the chosen fit (segmentation.model); a retrain matches
its centroids to the current version's so surviving segments keep their ids
(segmentation.matching, segmentation.lifecycle); drift is measured against the version's
training distributions (segmentation.drift).

Features (`features` config key) name a column of the input, else a key of its `attributes`
map (the input file's extra columns, as text). Each takes a transform: `standardise`
(z-score over the training input), `log1p` (ln(1 + x), then z-score), `none` (the raw number,
unscaled: only for features already on a comparable scale) or `one_hot` (a 0/1 indicator per
category, null as "(missing)", unscaled, at most `max_categories`). Configured features are
checked strictly: a missing, null, non-numeric or constant one raises FeatureConfigError.
`features: auto` (the default) takes the four RFM log columns when they are complete, else
every complete, non-constant numeric column of DEMOGRAPHIC_FEATURES and numeric attribute.
A first version numbers its segments by descending centroid of `order_by` (default
`log_monetary`; fallback: the first resolved numeric feature). Every setting and its
default: the table in segmentation.config.

Only DataFrame API and pyspark.ml are used (no Python UDFs), so the same code runs on a
classic session and over Spark Connect, saving and loading models included; only centres,
registry records and small aggregates reach the driver.
"""

from customer_segmentation.segmentation.centroids import CENTROID_SCHEMA, describe_centroids
from customer_segmentation.segmentation.config import (
    SegmentationConfig,
    SegmentationConfigError,
)
from customer_segmentation.segmentation.features import PreparedFeatures, prepare_features
from customer_segmentation.segmentation.lifecycle import advance
from customer_segmentation.segmentation.model import (
    K_SELECTION_SCHEMA,
    SegmentationModel,
    assign_segments,
    chosen_k,
    score_customers,
    select_k,
    train_model,
)
from customer_segmentation.segmentation.registry import (
    ModelRegistryError,
    read_records,
    records_frame,
    require_current,
    resolved_of,
    score_record,
    store_root,
)
from customer_segmentation.segmentation.resolution import (
    DEMOGRAPHIC_FEATURES,
    RFM_FEATURES,
    FeatureConfigError,
    ResolvedFeatures,
    resolve_features,
)
from customer_segmentation.segmentation.runs import as_of_date_of

__all__ = [
    "CENTROID_SCHEMA",
    "DEMOGRAPHIC_FEATURES",
    "K_SELECTION_SCHEMA",
    "RFM_FEATURES",
    "FeatureConfigError",
    "ModelRegistryError",
    "PreparedFeatures",
    "ResolvedFeatures",
    "SegmentationConfig",
    "SegmentationConfigError",
    "SegmentationModel",
    "advance",
    "as_of_date_of",
    "assign_segments",
    "chosen_k",
    "describe_centroids",
    "prepare_features",
    "read_records",
    "records_frame",
    "require_current",
    "resolve_features",
    "resolved_of",
    "score_customers",
    "score_record",
    "select_k",
    "store_root",
    "train_model",
]
