"""Segment identities: every segment id ever issued, its name, and the versions it lived in.

A segment id is issued by the model version that first found the segment (lifecycle) and
keeps the name it was given then: a retrained segment matched to it inherits both, so its
audiences keep their meaning. Only segments new in the current version are named (naming:
the nearest free rule, else a name from its centroids), never with a name or rule already
held by a segment in use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    IntegerType,
    StringType,
    StructField,
    StructType,
)

from customer_segmentation.segmentation.naming import assign_unique_names
from customer_segmentation.segmentation.registry import current_record, rows_frame

MATCH_TYPE = StructType(
    [
        StructField("model_version", IntegerType(), False),
        StructField("cluster_index", IntegerType(), False),
        StructField("matched_distance", DoubleType(), True),
    ]
)
SEGMENT_REGISTRY_SCHEMA = StructType(
    [
        StructField("segment_id", IntegerType(), False),
        StructField("segment_name", StringType(), False),
        StructField("rule_order", IntegerType(), True),
        StructField("named_in_version", IntegerType(), False),
        StructField("first_model_version", IntegerType(), False),
        StructField("last_model_version", IntegerType(), False),
        StructField("model_versions", ArrayType(IntegerType(), False), False),
        StructField("matches", ArrayType(MATCH_TYPE, False), False),
        StructField("is_active", BooleanType(), False),
        StructField("vanished_in_version", IntegerType(), True),
    ]
)


def appearances(records: Sequence[Mapping[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Map segment id -> one MATCH_TYPE value per version it appeared in, by version."""
    found: dict[int, list[dict[str, Any]]] = {}
    for record in sorted(records, key=lambda record: record["model_version"]):
        for segment in record["segments"]:
            found.setdefault(int(segment["segment_id"]), []).append(
                {
                    "model_version": int(record["model_version"]),
                    "cluster_index": int(segment["cluster_index"]),
                    "matched_distance": segment["matched_distance"],
                }
            )
    return found


def segment_identities(
    records: Sequence[Mapping[str, Any]],
    previous: Sequence[Mapping[str, Any]],
    candidates: DataFrame,
    centroids: DataFrame,
) -> list[dict[str, Any]]:
    """Return the registry's rows (SEGMENT_REGISTRY_SCHEMA) after this build.

    records: segmentation_models; previous: this registry's rows before the build;
    candidates, centroids: int_segment_name_candidates and segment_centroids of this build.
    """
    current = current_record(records)
    if current is None:
        raise ValueError("segment_registry needs a current model version in segmentation_models")
    version = int(current["model_version"])
    named = {int(row["segment_id"]): row for row in previous}
    active = sorted(int(segment["segment_id"]) for segment in current["segments"])
    kept = [segment for segment in active if segment in named]
    fresh = [segment for segment in active if segment not in named]
    new_names: dict[int, tuple[str, int | None]] = {}
    if fresh:
        names = assign_unique_names(
            candidates.where(F.col("segment_id").isin(fresh)),
            centroids.where(F.col("segment_id").isin(fresh)),
            reserved_rules=[named[s]["rule_order"] for s in kept if named[s]["rule_order"]],
            reserved_names=[named[s]["segment_name"] for s in kept],
        ).collect()
        new_names = {
            int(row["segment_id"]): (row["segment_name"], row["rule_order"]) for row in names
        }
    seen = appearances(records)
    rows = []
    for segment in sorted(set(named) | set(seen)):
        history = seen.get(segment, [])
        if not history:  # the models registry no longer has it: keep the row as it was
            rows.append({**named[segment], "is_active": False})
            continue
        versions = [match["model_version"] for match in history]
        if segment in named:
            name, rule, named_in = (
                named[segment]["segment_name"],
                named[segment]["rule_order"],
                int(named[segment]["named_in_version"]),
            )
        elif segment in new_names:
            name, rule, named_in = (*new_names[segment], version)
        else:
            # issued by a build that skipped this model, or a segment without customers (so
            # without centroid rows): a name that says so, never a failed build
            name, rule, named_in = f"Unnamed segment {segment}", None, version
        is_active = segment in active
        later = [
            int(r["model_version"]) for r in records if int(r["model_version"]) > max(versions)
        ]
        rows.append(
            {
                "segment_id": segment,
                "segment_name": name,
                "rule_order": rule,
                "named_in_version": named_in,
                "first_model_version": min(versions),
                "last_model_version": max(versions),
                "model_versions": versions,
                "matches": history,
                "is_active": is_active,
                "vanished_in_version": None if is_active else min(later, default=None),
            }
        )
    return rows


def identities_frame(spark: Any, rows: Sequence[Mapping[str, Any]]) -> DataFrame:
    """Return the registry rows as a DataFrame (see SEGMENT_REGISTRY_SCHEMA)."""
    return rows_frame(spark, rows, SEGMENT_REGISTRY_SCHEMA)
