"""The model registry: one record per saved model version, as the `segmentation_models` table.

A record holds everything needed to use, explain and compare a version without refitting:
where its PipelineModel is saved, the features with their transforms and training statistics
(scaler mean and stddev, one_hot categories, drift bins), the centroids with their segment ids,
the k sweep with every criterion and the k rule's reason, and the latest build's action and
drift. Records are plain dicts (REGISTRY_SCHEMA's fields); this module turns them into the
library's objects and back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from customer_segmentation.segmentation.drift import FeatureBaseline, FeatureDrift
from customer_segmentation.segmentation.expressions import FeatureSource
from customer_segmentation.segmentation.model import score_customers
from customer_segmentation.segmentation.resolution import ResolvedFeature, ResolvedFeatures

STORE_FOLDER = "segmentation_model_store"


class ModelRegistryError(ValueError):
    """The registry has no usable current model version, or more than one."""


FEATURE_TYPE = StructType(
    [
        StructField("name", StringType(), False),
        StructField("transform", StringType(), False),
        StructField("is_attribute", BooleanType(), False),
        StructField("from_text", BooleanType(), False),
        StructField("mean", DoubleType(), False),
        StructField("stddev", DoubleType(), False),
        StructField("categories", ArrayType(StringType(), False), False),
        StructField("category_counts", ArrayType(LongType(), False), False),
        StructField("bin_edges", ArrayType(DoubleType(), False), False),
        StructField("bin_shares", ArrayType(DoubleType(), False), False),
    ]
)
SEGMENT_TYPE = StructType(
    [
        StructField("segment_id", IntegerType(), False),
        StructField("cluster_index", IntegerType(), False),
        StructField("segment_rank", IntegerType(), False),
        StructField("centroid", ArrayType(DoubleType(), False), False),
        StructField("is_new", BooleanType(), False),
        StructField("matched_distance", DoubleType(), True),
    ]
)
K_SCORE_TYPE = StructType(
    [
        StructField("k", IntegerType(), False),
        StructField("wcss", DoubleType(), False),
        StructField("silhouette", DoubleType(), False),
        StructField("davies_bouldin", DoubleType(), False),
        StructField("is_chosen", BooleanType(), False),
        # Recorded since the k rule; null in versions an older release trained.
        StructField("calinski_harabasz", DoubleType(), True),
        StructField("smallest_segment_share", DoubleType(), True),
        StructField("stability", DoubleType(), True),
        StructField("meets_min_share", BooleanType(), True),
        StructField("meets_stability", BooleanType(), True),
    ]
)
DRIFT_TYPE = StructType(
    [
        StructField("feature", StringType(), False),
        StructField("transform", StringType(), False),
        StructField("training_mean", DoubleType(), True),
        StructField("current_mean", DoubleType(), True),
        StructField("mean_shift_sd", DoubleType(), True),
        StructField("psi", DoubleType(), False),
        StructField("missing_count", LongType(), False),
        StructField("is_drifted", BooleanType(), False),
    ]
)
REGISTRY_SCHEMA = StructType(
    [
        StructField("model_version", IntegerType(), False),
        StructField("is_current", BooleanType(), False),
        StructField("model_path", StringType(), False),
        StructField("trained_at", TimestampType(), False),
        StructField("trained_because", StringType(), False),
        StructField("as_of_date", DateType(), False),
        StructField("training_row_count", LongType(), False),
        StructField("model_fingerprint", StringType(), False),
        StructField("config_json", StringType(), False),
        StructField("features_description", StringType(), False),
        StructField("order_by", StringType(), True),
        StructField("id_column", StringType(), False),
        StructField("features", ArrayType(FEATURE_TYPE, False), False),
        StructField("slot_names", ArrayType(StringType(), False), False),
        StructField("k", IntegerType(), False),
        StructField("wcss", DoubleType(), False),
        StructField("silhouette", DoubleType(), False),
        StructField("davies_bouldin", DoubleType(), False),
        StructField("calinski_harabasz", DoubleType(), True),
        StructField("smallest_segment_share", DoubleType(), True),
        StructField("stability", DoubleType(), True),
        StructField("algorithm", StringType(), True),
        StructField("k_rule", StringType(), True),
        StructField("segments", ArrayType(SEGMENT_TYPE, False), False),
        StructField("vanished_segment_ids", ArrayType(IntegerType(), False), False),
        StructField("match_threshold", DoubleType(), False),
        StructField("k_selection", ArrayType(K_SCORE_TYPE, False), False),
        StructField("last_build_at", TimestampType(), False),
        StructField("last_build_action", StringType(), False),
        StructField("last_build_reason", StringType(), False),
        StructField("last_build_as_of_date", DateType(), False),
        StructField("last_build_row_count", LongType(), False),
        StructField("drift_psi_threshold", DoubleType(), False),
        StructField("drift_mean_shift_threshold", DoubleType(), False),
        StructField("drift", ArrayType(DRIFT_TYPE, False), False),
        StructField("drift_reference_version", IntegerType(), True),
    ]
)


def read_records(registry: DataFrame) -> list[dict[str, Any]]:
    """Collect a registry table (one small row per version) as plain dicts, by version."""
    rows = registry.collect()
    return sorted((row.asDict(recursive=True) for row in rows), key=lambda r: r["model_version"])


def current_record(records: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Return the record marked current, None for an empty registry; raise for several."""
    current = [dict(record) for record in records if record["is_current"]]
    if len(current) > 1:
        versions = [record["model_version"] for record in current]
        raise ModelRegistryError(f"the model registry marks several versions current: {versions}")
    if records and not current:
        raise ModelRegistryError("the model registry has versions but none is marked current")
    return current[0] if current else None


def require_current(registry: DataFrame) -> dict[str, Any]:
    """Return the current record of a built registry table, or raise naming what to run."""
    found = current_record(read_records(registry))
    if found is None:
        raise ModelRegistryError(
            "segmentation_models has no model version; build it (dbt build) with "
            "`segmentation.mode` train or auto first"
        )
    return found


def rows_frame(
    spark: SparkSession, rows: Sequence[Mapping[str, Any]], schema: StructType
) -> DataFrame:
    """Return dict rows as a DataFrame of schema; a key a row lacks (an older table) is null."""
    names = schema.fieldNames()
    return spark.createDataFrame([tuple(row.get(name) for name in names) for row in rows], schema)


def records_frame(spark: SparkSession, records: Sequence[Mapping[str, Any]]) -> DataFrame:
    """Return the records as a registry DataFrame (see REGISTRY_SCHEMA)."""
    return rows_frame(spark, records, REGISTRY_SCHEMA)


def feature_record(baseline: FeatureBaseline) -> dict[str, Any]:
    """A FEATURE_TYPE value: the feature, its training statistics and its drift bins."""
    feature = baseline.feature
    return {
        "name": feature.name,
        "transform": feature.transform,
        "is_attribute": feature.source.is_attribute,
        "from_text": feature.source.from_text,
        "mean": float(feature.mean),
        "stddev": float(feature.stddev),
        "categories": list(feature.categories),
        "category_counts": [int(count) for count in feature.category_counts],
        "bin_edges": [float(edge) for edge in baseline.edges],
        "bin_shares": [float(share) for share in baseline.shares],
    }


def resolved_feature(value: Mapping[str, Any]) -> ResolvedFeature:
    """Rebuild a ResolvedFeature (with its training statistics) from a FEATURE_TYPE value."""
    source = FeatureSource(value["name"], value["is_attribute"], value["from_text"])
    return ResolvedFeature(
        source,
        value["transform"],
        float(value["mean"]),
        float(value["stddev"]),
        tuple(value["categories"]),
        tuple(int(count) for count in value["category_counts"]),
    )


def resolved_of(record: Mapping[str, Any]) -> ResolvedFeatures:
    """The version's features and training statistics, as the library's ResolvedFeatures."""
    features = tuple(resolved_feature(value) for value in record["features"])
    return ResolvedFeatures(int(record["training_row_count"]), features, record["order_by"])


def baselines_of(record: Mapping[str, Any]) -> list[FeatureBaseline]:
    """The version's training distributions, the reference its drift is measured against."""
    return [
        FeatureBaseline(
            resolved_feature(value), tuple(value["bin_edges"]), tuple(value["bin_shares"])
        )
        for value in record["features"]
    ]


def drift_record(found: FeatureDrift) -> dict[str, Any]:
    """A DRIFT_TYPE value."""
    return {
        "feature": found.feature,
        "transform": found.transform,
        "training_mean": found.training_mean,
        "current_mean": found.current_mean,
        "mean_shift_sd": found.mean_shift_sd,
        "psi": float(found.psi),
        "missing_count": int(found.missing_count),
        "is_drifted": bool(found.is_drifted),
    }


def segment_mapping(record: Mapping[str, Any]) -> tuple[list[int], list[list[float]]]:
    """Return (cluster index -> segment id, centres by cluster index) of a version."""
    segments = sorted(record["segments"], key=lambda segment: segment["cluster_index"])
    return (
        [int(segment["segment_id"]) for segment in segments],
        [[float(value) for value in segment["centroid"]] for segment in segments],
    )


def store_root(spark: SparkSession, model_store: str | None) -> str:
    """The configured model store, or `segmentation_model_store` in the session's warehouse."""
    if model_store:
        return model_store.rstrip("/")
    warehouse = spark.conf.get("spark.sql.warehouse.dir")
    return f"{str(warehouse).rstrip('/')}/{STORE_FOLDER}"


def version_path(root: str, registry_relation: str, version: int, stamp: str) -> str:
    """Where a version is saved: <root>/<registry relation>/v<version>_<stamp>."""
    relation = re.sub(r"[^A-Za-z0-9_.-]+", "_", registry_relation.replace("`", ""))
    return f"{root}/{relation}/v{version:04d}_{stamp}"


def load_pipeline(record: Mapping[str, Any]) -> PipelineModel:
    """Load a version's saved PipelineModel (preprocessing and KMeans) from its path."""
    return PipelineModel.load(record["model_path"])


def score_record(features_df: DataFrame, record: Mapping[str, Any]) -> DataFrame:
    """Score every customer with a saved version: [<id>, segment_id, distance_to_centroid]."""
    segment_of, centers = segment_mapping(record)
    return score_customers(
        features_df, load_pipeline(record), segment_of, centers, record["id_column"]
    )
