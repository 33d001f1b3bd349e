"""KMeans fitting and the choice of k: a seeded sweep scored by WCSS and silhouette."""

from __future__ import annotations

import math

from pyspark.ml.clustering import KMeans, KMeansModel
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BooleanType,
    DoubleType,
    IntegerType,
    StringType,
    StructField,
    StructType,
)

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.features import (
    VECTOR_COLUMN,
    PreparedFeatures,
    prepare_features,
)

CLUSTER_COLUMN = "__segmentation_cluster"
K_SELECTION_SCHEMA = StructType(
    [
        StructField("k", IntegerType(), nullable=False),
        StructField("wcss", DoubleType(), nullable=False),
        StructField("silhouette", DoubleType(), nullable=False),
        StructField("is_chosen", BooleanType(), nullable=False),
        StructField("features", StringType(), nullable=False),
        StructField("order_by", StringType(), nullable=True),
    ]
)
_SILHOUETTE_TIE_TOLERANCE = 1e-9


def count_distinct_points(prepared: PreparedFeatures) -> int:
    """Count distinct feature vectors (KMeans cannot find more clusters than that)."""
    row = prepared.frame.agg(F.count_distinct(*prepared.slot_columns).alias("points")).first()
    assert row is not None  # a global aggregation always returns one row
    return int(row["points"])


def require_enough_points(k: int, row_count: int, distinct_points: int) -> None:
    """Raise a ValueError naming k and the row count when the data cannot hold k clusters."""
    if row_count < k or distinct_points < k:
        raise ValueError(
            f"k={k} clusters need at least {k} customers with distinct feature values; the "
            f"input has {row_count} rows with {distinct_points} distinct feature vectors"
        )


def fit_kmeans(prepared: PreparedFeatures, k: int, config: SegmentationConfig) -> KMeansModel:
    """Fit a seeded KMeans with k clusters on the feature vector; fail if a cluster is lost."""
    model = KMeans(
        k=k,
        seed=config.seed,
        maxIter=config.max_iter,
        featuresCol=VECTOR_COLUMN,
        predictionCol=CLUSTER_COLUMN,
    ).fit(prepared.frame)
    found = len(model.clusterCenters())
    if found != k:
        raise ValueError(f"KMeans found only {found} distinct centres for k={k}")
    return model


def silhouette(model: KMeansModel, prepared: PreparedFeatures) -> float:
    """Return the squared-Euclidean silhouette of the model's clustering of the prepared frame."""
    evaluator = ClusteringEvaluator(
        featuresCol=VECTOR_COLUMN,
        predictionCol=CLUSTER_COLUMN,
        metricName="silhouette",
        distanceMeasure="squaredEuclidean",
    )
    return float(evaluator.evaluate(model.transform(prepared.frame)))


def candidate_ks(config: SegmentationConfig, row_count: int, distinct_points: int) -> list[int]:
    """Return the ks to fit: k_min..k_max capped at what the data allows, plus a fixed k."""
    capacity = min(row_count, distinct_points)
    sweep = [k for k in range(config.k_min, config.k_max + 1) if k <= capacity]
    if config.is_auto_k:
        if not sweep:
            require_enough_points(config.k_min, row_count, distinct_points)
        return sweep
    fixed = int(config.k)
    require_enough_points(fixed, row_count, distinct_points)
    return sorted({*sweep, fixed})


def choose_k(scores: dict[int, float], config: SegmentationConfig) -> int:
    """Return the fixed k, or the k with the highest silhouette (ties go to the smaller k)."""
    if not config.is_auto_k:
        return int(config.k)
    finite = {k: score for k, score in scores.items() if math.isfinite(score)}
    if not finite:
        raise ValueError(f"no candidate k has a finite silhouette: {scores}")
    best = max(finite.values())
    return min(k for k, score in finite.items() if score >= best - _SILHOUETTE_TIE_TOLERANCE)


def select_k(features_df: DataFrame, config: SegmentationConfig) -> DataFrame:
    """Fit every candidate k; return one row per k (see K_SELECTION_SCHEMA).

    features ("name:transform,...") and order_by record what the run resolved and used.
    """
    with prepare_features(features_df, config) as prepared:
        resolved = prepared.resolved
        row_count = resolved.row_count
        distinct_points = count_distinct_points(prepared)
        ks = candidate_ks(config, row_count, distinct_points)
        wcss: dict[int, float] = {}
        scores: dict[int, float] = {}
        for k in ks:
            model = fit_kmeans(prepared, k, config)
            wcss[k] = float(model.summary.trainingCost)
            scores[k] = silhouette(model, prepared)
    chosen = choose_k(scores, config)
    described = resolved.describe()
    rows = [(k, wcss[k], scores[k], k == chosen, described, resolved.order_by) for k in ks]
    return features_df.sparkSession.createDataFrame(rows, K_SELECTION_SCHEMA)


def chosen_k(k_selection: DataFrame) -> int:
    """Return the k marked is_chosen in a select_k result (a handful of rows)."""
    chosen = k_selection.where(F.col("is_chosen")).select("k").collect()
    if len(chosen) != 1:
        raise ValueError(f"expected exactly one chosen k in the k selection, got {len(chosen)}")
    return int(chosen[0]["k"])
