"""KMeans fitting and the choice of k: one seeded fit per k, scored by WCSS, silhouette, DB.

Every candidate k is fitted once on the prepared (cached) input; the fit of the chosen k is
the model that is saved, so nothing is fitted twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyspark.ml.clustering import KMeans, KMeansModel
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.sql import functions as F

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.features import VECTOR_COLUMN, PreparedFeatures
from customer_segmentation.segmentation.labels import distance_column

CLUSTER_COLUMN = "__segmentation_cluster"
_SILHOUETTE_TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class KFit:
    """One k of the sweep: its fitted model and scores (WCSS, silhouette, Davies-Bouldin)."""

    k: int
    model: KMeansModel
    wcss: float
    silhouette: float
    davies_bouldin: float

    @property
    def centers(self) -> list[list[float]]:
        """The fitted centres as plain floats, in cluster index order."""
        return [[float(value) for value in center] for center in self.model.clusterCenters()]


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


def davies_bouldin(centers: list[list[float]], scatter: dict[int, float]) -> float:
    """Davies-Bouldin index: mean over clusters of the worst (s_i + s_j) / d(c_i, c_j).

    scatter maps cluster -> mean Euclidean distance of its members to its centre; lower is
    better separated. Clusters at zero distance from each other count as infinitely bad.
    """
    worst = []
    for i, center in enumerate(centers):
        ratios = []
        for j, other in enumerate(centers):
            if i == j:
                continue
            distance = math.dist(center, other)
            spread = scatter.get(i, 0.0) + scatter.get(j, 0.0)
            ratios.append(spread / distance if distance > 0 else math.inf)
        worst.append(max(ratios))
    return sum(worst) / len(worst)


def cluster_scatter(model: KMeansModel, prepared: PreparedFeatures) -> dict[int, float]:
    """Return cluster -> mean Euclidean distance of its members to its centre (one pass)."""
    centers = [[float(value) for value in center] for center in model.clusterCenters()]
    cluster = F.col(CLUSTER_COLUMN)
    rows = (
        model.transform(prepared.frame)
        .groupBy(cluster.alias("cluster"))
        .agg(F.avg(distance_column(F.col(VECTOR_COLUMN), cluster, centers)).alias("scatter"))
        .collect()
    )
    return {int(row["cluster"]): float(row["scatter"]) for row in rows}


def fit_k(prepared: PreparedFeatures, k: int, config: SegmentationConfig) -> KFit:
    """Fit one k and score it (three passes over the cached input: fit, silhouette, scatter)."""
    model = fit_kmeans(prepared, k, config)
    centers = [[float(value) for value in center] for center in model.clusterCenters()]
    return KFit(
        k=k,
        model=model,
        wcss=float(model.summary.trainingCost),
        silhouette=silhouette(model, prepared),
        davies_bouldin=davies_bouldin(centers, cluster_scatter(model, prepared)),
    )


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


def sweep_k(prepared: PreparedFeatures, config: SegmentationConfig, ks: list[int]) -> list[KFit]:
    """Fit and score every k of ks on the prepared input, in order."""
    return [fit_k(prepared, k, config) for k in ks]
