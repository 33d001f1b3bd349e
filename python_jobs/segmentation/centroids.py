"""Centroid profiles: per segment and feature, original-unit means, transformed and z centroids."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, IntegerType, LongType, StringType, StructField, StructType

from segmentation.config import SegmentationConfig
from segmentation.features import check_features, transformed

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


def describe_centroids(
    features_df: DataFrame, segments_df: DataFrame, config: SegmentationConfig
) -> DataFrame:
    """Return one row per segment and kept feature, in long format (see CENTROID_SCHEMA).

    mean_value is in the column's original units, centroid_transformed after the configured
    transform, centroid_z standardised with the whole input's mean and sample stddev (the
    space KMeans ran in). Every customer must have exactly one segment.
    """
    stats = check_features(features_df, config)
    names = list(stats.kept)
    segments = segments_df.select(
        F.col(config.id_column), F.col("segment_id").cast("int").alias("segment_id")
    )
    measures = features_df.select(
        F.col(config.id_column),
        *[F.col(name).cast("double").alias(f"raw_{index}") for index, name in enumerate(names)],
        *[
            transformed(name, config.features[name]).alias(f"transformed_{index}")
            for index, name in enumerate(names)
        ],
    )
    per_segment = (
        measures.join(segments, on=config.id_column, how="left")
        .groupBy("segment_id")
        .agg(
            F.count(F.lit(1)).alias("customer_count"),
            *[F.avg(f"raw_{index}").alias(f"raw_{index}") for index in range(len(names))],
            *[
                F.avg(f"transformed_{index}").alias(f"transformed_{index}")
                for index in range(len(names))
            ],
        )
        .collect()
    )
    unassigned = sum(row["customer_count"] for row in per_segment if row["segment_id"] is None)
    assigned = sum(row["customer_count"] for row in per_segment if row["segment_id"] is not None)
    if unassigned or assigned != stats.row_count:
        raise ValueError(
            f"segments_df must give every one of the {stats.row_count} customers exactly one "
            f"segment_id: {unassigned} have none, {assigned} assignments in all"
        )

    rows = []
    for row in sorted(
        (row for row in per_segment if row["segment_id"] is not None),
        key=lambda row: row["segment_id"],
    ):
        for index, name in enumerate(names):
            centroid = float(row[f"transformed_{index}"])
            rows.append(
                (
                    int(row["segment_id"]),
                    name,
                    config.features[name],
                    int(row["customer_count"]),
                    float(row[f"raw_{index}"]),
                    centroid,
                    (centroid - stats.means[name]) / stats.stddevs[name],
                )
            )
    return features_df.sparkSession.createDataFrame(rows, CENTROID_SCHEMA)
