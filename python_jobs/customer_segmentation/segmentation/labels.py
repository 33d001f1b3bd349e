"""Deterministic segment ids for KMeans clusters, and distances to centroids as expressions."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.ml.functions import vector_to_array
from pyspark.sql import Column
from pyspark.sql import functions as F

# Centroid coordinates are compared after rounding, so floating-point noise between rebuilds
# cannot swap two clusters whose order_by centroids are practically equal; such near-ties
# fall through to the next feature instead.
_ORDER_DECIMALS = 9


def segment_order(
    centers: Sequence[Sequence[float]], feature_names: Sequence[str], order_by: str | None
) -> list[int]:
    """Map cluster index -> segment id (1 = highest order_by centroid, ties by other features).

    feature_names names the centre coordinates; without order_by (None or not among them)
    the coordinates decide in their order.
    """
    if order_by in feature_names:
        first = feature_names.index(order_by)
        positions = [first, *[i for i in range(len(feature_names)) if i != first]]
    else:
        positions = list(range(len(feature_names)))

    def sort_key(cluster: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Descending centroid coordinates: rounded first, then exact."""
        center = centers[cluster]
        rounded = tuple(-round(float(center[i]), _ORDER_DECIMALS) for i in positions)
        exact = tuple(-float(center[i]) for i in positions)
        return rounded, exact

    ranked = sorted(range(len(centers)), key=sort_key)
    segment_of = [0] * len(centers)
    for rank, cluster in enumerate(ranked, start=1):
        segment_of[cluster] = rank
    return segment_of


def segment_id_column(cluster: Column, segment_of: Sequence[int]) -> Column:
    """Return an int column translating a 0-based cluster index into its segment id."""
    lookup = F.array(*[F.lit(int(segment)) for segment in segment_of])
    return F.element_at(lookup, cluster + F.lit(1)).cast("int")


def distance_column(vector: Column, cluster: Column, centers: Sequence[Sequence[float]]) -> Column:
    """Return the Euclidean distance from a vector to its cluster's centre, without a UDF."""
    center_table = F.array(
        *[F.array(*[F.lit(float(value)) for value in center]) for center in centers]
    )
    center = F.element_at(center_table, cluster + F.lit(1))
    squares = F.zip_with(vector_to_array(vector), center, lambda x, c: (x - c) * (x - c))
    return F.sqrt(F.aggregate(squares, F.lit(0.0), lambda total, square: total + square))
