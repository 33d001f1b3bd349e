"""Clustering criteria, each computed in Spark passes that grow linearly with the rows.

Per fit: one grouped pass gives every cluster's size, mean distance to its centre and sum of
squared distances (WCSS, Davies-Bouldin, smallest share), MLlib's ClusteringEvaluator the
squared-Euclidean silhouette (linear in the rows, not pairwise), and the sweep's one pass of
total sums of squares turns WCSS into Calinski-Harabasz. Adjusted Rand takes a contingency
table of two labellings (one grouped pass, at most k x k rows to the driver).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from customer_segmentation.segmentation.features import VECTOR_COLUMN
from customer_segmentation.segmentation.labels import distance_column

CLUSTER_COLUMN = "__segmentation_cluster"


@dataclass(frozen=True)
class ClusterStats:
    """Per cluster index: member count, mean distance to the centre, sum of squared distances."""

    sizes: Mapping[int, int]
    mean_distance: Mapping[int, float]
    squared_distance: Mapping[int, float]

    @property
    def wcss(self) -> float:
        """Within-cluster sum of squared Euclidean distances to the centres."""
        return float(sum(self.squared_distance.values()))

    def smallest_share(self, k: int) -> float:
        """The smallest cluster's share of the rows (an empty cluster counts as 0)."""
        total = sum(self.sizes.values())
        return min(self.sizes.get(cluster, 0) for cluster in range(k)) / total if total else 0.0


def cluster_stats(labelled: DataFrame, centers: Sequence[Sequence[float]]) -> ClusterStats:
    """Size, mean and squared distance to the centre per cluster of a labelled frame (one pass)."""
    cluster = F.col(CLUSTER_COLUMN)
    distance = distance_column(F.col(VECTOR_COLUMN), cluster, centers)
    rows = (
        labelled.groupBy(cluster.alias("cluster"))
        .agg(
            F.count(F.lit(1)).alias("size"),
            F.avg(distance).alias("mean_distance"),
            F.sum(distance * distance).alias("squared_distance"),
        )
        .collect()
    )
    return ClusterStats(
        sizes={int(row["cluster"]): int(row["size"]) for row in rows},
        mean_distance={int(row["cluster"]): float(row["mean_distance"]) for row in rows},
        squared_distance={int(row["cluster"]): float(row["squared_distance"]) for row in rows},
    )


def total_sum_of_squares(frame: DataFrame, dimensions: int) -> tuple[int, float]:
    """Return (rows, sum of squared distances to the overall mean) of the vectors (one pass)."""
    values = vector_to_array(F.col(VECTOR_COLUMN))
    sums = [F.sum(values[i]).alias(f"s{i}") for i in range(dimensions)]
    squares = [F.sum(values[i] * values[i]).alias(f"q{i}") for i in range(dimensions)]
    row = frame.agg(F.count(F.lit(1)).alias("n"), *sums, *squares).first()
    assert row is not None  # a global aggregation always returns one row
    n = int(row["n"])
    if n == 0:
        return 0, 0.0
    total = sum(float(row[f"q{i}"]) - float(row[f"s{i}"]) ** 2 / n for i in range(dimensions))
    return n, max(total, 0.0)


def calinski_harabasz(wcss: float, tss: float, rows: int, k: int) -> float:
    """Calinski-Harabasz index: (between SS / (k - 1)) / (within SS / (n - k)); higher is better."""
    if k < 2 or rows <= k:
        return math.nan
    if wcss <= 0:
        return math.inf
    return ((tss - wcss) / (k - 1)) / (wcss / (rows - k))


def davies_bouldin(centers: list[list[float]], scatter: Mapping[int, float]) -> float:
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


def silhouette(labelled: DataFrame) -> float:
    """The squared-Euclidean silhouette of a labelled frame (MLlib's linear-time evaluator)."""
    evaluator = ClusteringEvaluator(
        featuresCol=VECTOR_COLUMN,
        predictionCol=CLUSTER_COLUMN,
        metricName="silhouette",
        distanceMeasure="squaredEuclidean",
    )
    return float(evaluator.evaluate(labelled))


def adjusted_rand_index(contingency: Mapping[tuple[int, int], int]) -> float:
    """Adjusted Rand index of two labellings from their contingency counts (label pair -> n).

    1 for identical partitions (up to renaming), about 0 for independent ones; when both
    labellings put every row in one cluster the partitions agree and the index is 1.
    """
    n = sum(contingency.values())
    rows: dict[int, int] = {}
    columns: dict[int, int] = {}
    for (a, b), count in contingency.items():
        rows[a] = rows.get(a, 0) + count
        columns[b] = columns.get(b, 0) + count
    pairs = sum(math.comb(count, 2) for count in contingency.values())
    row_pairs = sum(math.comb(count, 2) for count in rows.values())
    column_pairs = sum(math.comb(count, 2) for count in columns.values())
    all_pairs = math.comb(n, 2)
    if all_pairs == 0:
        return 1.0
    expected = row_pairs * column_pairs / all_pairs
    maximum = (row_pairs + column_pairs) / 2
    if maximum == expected:
        return 1.0
    return (pairs - expected) / (maximum - expected)


def contingency(frame: DataFrame, first: str, second: str) -> dict[tuple[int, int], int]:
    """Count the rows of each (first, second) label pair (one grouped pass, <= k x k rows)."""
    rows = frame.groupBy(first, second).count().collect()
    return {(int(row[first]), int(row[second])): int(row["count"]) for row in rows}
