"""Unique segment names: match each segment to its nearest naming-rule prototype, once each."""

from __future__ import annotations

from collections.abc import Iterable

from pyspark.sql import DataFrame
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

NAME_SCHEMA = StructType(
    [
        StructField("segment_id", IntegerType(), nullable=False),
        StructField("rule_order", IntegerType(), nullable=True),
        StructField("segment_name", StringType(), nullable=False),
        StructField("match_distance", DoubleType(), nullable=True),
    ]
)


def greedy_unique_match(pairs: Iterable[tuple[int, int, float]]) -> dict[int, int]:
    """Map segment -> rule by repeatedly taking the closest pair whose segment and rule are free.

    Ties go to the smaller segment id, then the smaller rule order, so the result depends only
    on the distances (rounded to 1e-9 against floating-point noise), never on input order.
    """
    matched: dict[int, int] = {}
    used_rules: set[int] = set()
    for segment, rule, _ in sorted(pairs, key=lambda pair: (round(pair[2], 9), pair[0], pair[1])):
        if segment not in matched and rule not in used_rules:
            matched[segment] = rule
            used_rules.add(rule)
    return matched


def assign_unique_names(candidates: DataFrame) -> DataFrame:
    """One row per segment of `candidates` (segment_name_candidates) with a name unique per build.

    Only the k x rules candidate pairs reach the driver. A segment left without a rule (more
    segments than rules) is called "Segment <id>" with a null rule_order.
    """
    rows = candidates.select("segment_id", "rule_order", "segment_name", "match_distance").collect()
    names = {(row.segment_id, row.rule_order): row for row in rows}
    matched = greedy_unique_match(
        (row.segment_id, row.rule_order, row.match_distance) for row in rows
    )
    result = []
    for segment in sorted({row.segment_id for row in rows}):
        if segment in matched:
            row = names[(segment, matched[segment])]
            result.append((segment, row.rule_order, row.segment_name, row.match_distance))
        else:
            result.append((segment, None, f"Segment {segment}", None))
    return candidates.sparkSession.createDataFrame(result, NAME_SCHEMA)
