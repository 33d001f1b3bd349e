"""Centroid profiles: per segment and feature (or one_hot category), means and z-scores."""

from __future__ import annotations

import math
from collections.abc import Iterator

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, IntegerType, LongType, StringType, StructField, StructType

from customer_segmentation.segmentation.expressions import (
    column_ref,
    indicator,
    numeric_value,
    transformed_value,
)
from customer_segmentation.segmentation.resolution import ResolvedFeature, ResolvedFeatures

CENTROID_SCHEMA = StructType(
    [
        StructField("segment_id", IntegerType(), nullable=False),
        StructField("feature", StringType(), nullable=False),
        StructField("transform", StringType(), nullable=False),
        StructField("customer_count", LongType(), nullable=False),
        StructField("mean_value", DoubleType(), nullable=False),
        StructField("centroid_transformed", DoubleType(), nullable=False),
        StructField("centroid_z", DoubleType(), nullable=False),
    ]
)


def measures(feature: ResolvedFeature) -> list[Column]:
    """Return what is averaged per segment: raw and transformed value, or each indicator."""
    if feature.is_numeric:
        return [numeric_value(feature.source), transformed_value(feature.source, feature.transform)]
    return [indicator(feature.source, category) for category in feature.categories]


def indicator_z(share: float, count: int, rows: int) -> float:
    """Return a segment's share of a category as a z-score against the whole input.

    The whole input's share p of the category and the sample stddev of its 0/1 indicator,
    sqrt(p (1 - p) n / (n - 1)), standardise it like any numeric feature.
    """
    overall = count / rows
    stddev = math.sqrt(overall * (1.0 - overall) * rows / (rows - 1))
    return (share - overall) / stddev


def centroid_rows(
    feature: ResolvedFeature, means: list[float], rows: int
) -> Iterator[tuple[str, str, float, float, float]]:
    """Yield (feature, transform, mean_value, centroid_transformed, centroid_z) for one segment."""
    if feature.is_numeric:
        raw, centroid = means
        z = (centroid - feature.mean) / feature.stddev
        yield feature.name, feature.transform, raw, centroid, z
        return
    for slot, share, count in zip(feature.slot_names, means, feature.category_counts, strict=True):
        yield slot, feature.transform, share, share, indicator_z(share, count, rows)


def describe_centroids(
    features_df: DataFrame, segments_df: DataFrame, resolved: ResolvedFeatures, id_column: str
) -> DataFrame:
    """Return one row per segment and resolved feature, in long format (see CENTROID_SCHEMA).

    Numeric features: mean_value in the input's units, centroid_transformed after the
    transform (before scaling), centroid_z = (centroid_transformed - mean) / stddev over the
    model's training input (resolved: the model's features and statistics). one_hot
    features give one row per category, feature `<feature>=<category>`, with the segment's
    share of it as mean_value and centroid_transformed, and its z-score
    (see indicator_z). centroid_z is what KMeans saw for standardise and log1p features, and
    a comparable descriptive score for none and one_hot (which KMeans sees unscaled).
    Every customer must have a segment (that each has only one is customer_segments' test).
    """
    columns = [measures(feature) for feature in resolved.features]
    aliases = [[f"m_{i}_{j}" for j in range(len(group))] for i, group in enumerate(columns)]
    segments = segments_df.select(
        column_ref(id_column).alias(id_column),
        F.col("segment_id").cast("int").alias("segment_id"),
    )
    measured = features_df.select(
        column_ref(id_column).alias(id_column),
        *[
            column.alias(alias)
            for group, names in zip(columns, aliases, strict=True)
            for column, alias in zip(group, names, strict=True)
        ],
    )
    per_segment = (
        measured.join(segments, on=id_column, how="left")
        .groupBy("segment_id")
        .agg(
            F.count(F.lit(1)).alias("customer_count"),
            *[F.avg(alias).alias(alias) for names in aliases for alias in names],
        )
        .collect()
    )
    _require_full_assignment(per_segment)

    rows = []
    for row in sorted(
        (row for row in per_segment if row["segment_id"] is not None),
        key=lambda row: row["segment_id"],
    ):
        for feature, names in zip(resolved.features, aliases, strict=True):
            means = [float(row[alias]) for alias in names]
            for values in centroid_rows(feature, means, resolved.row_count):
                slot, transform, mean_value, centroid, z = values
                segment = int(row["segment_id"])
                count = int(row["customer_count"])
                rows.append((segment, slot, transform, count, mean_value, centroid, z))
    return features_df.sparkSession.createDataFrame(rows, CENTROID_SCHEMA)


def _require_full_assignment(per_segment: list) -> None:
    """Raise unless every customer of the feature mart has a segment."""
    unassigned = sum(row["customer_count"] for row in per_segment if row["segment_id"] is None)
    assigned = sum(row["customer_count"] for row in per_segment if row["segment_id"] is not None)
    if unassigned:
        raise ValueError(
            f"segments_df must give every customer a segment_id: {unassigned} of "
            f"{unassigned + assigned} have none"
        )
