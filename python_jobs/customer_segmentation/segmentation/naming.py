"""Unique segment names: the nearest naming-rule prototype, else a name from the centroids.

Segments with rule candidates (int_segment_name_candidates, built from recency/frequency/monetary
z-scores) are matched to rules closest pair first, each rule at most once. Every other segment
(no purchase history, or more segments than rules) is described by its two most distinctive
features, e.g. "High annual income amount, low age".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

from customer_segmentation.segmentation.config import ONE_HOT

NAME_SCHEMA = StructType(
    [
        StructField("segment_id", IntegerType(), nullable=False),
        StructField("rule_order", IntegerType(), nullable=True),
        StructField("segment_name", StringType(), nullable=False),
        StructField("match_distance", DoubleType(), nullable=True),
        StructField("segment_description", StringType(), nullable=True),
        StructField("recommended_action", StringType(), nullable=True),
        StructField("recommended_channel", StringType(), nullable=True),
    ]
)
# the matched rule's playbook, carried from the candidates (null for a described segment)
PLAYBOOK_COLUMNS = ("segment_description", "recommended_action", "recommended_channel")
_DESCRIBED_FEATURES = 2


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


def phrase(feature: str, transform: str, centroid_z: float) -> str:
    """Describe one centroid: "High x y" / "Low x y" for feature x_y, "Mostly f=c" / "Few f=c"."""
    words = feature.replace("_", " ")
    if transform == ONE_HOT:
        return f"{'Mostly' if centroid_z >= 0 else 'Few'} {words}"
    return f"{'High' if centroid_z >= 0 else 'Low'} {words}"


def base_feature(feature: str, transform: str) -> str:
    """Return the configured feature a centroid row belongs to (`f` of a one_hot `f=c`)."""
    return feature.split("=", 1)[0] if transform == ONE_HOT else feature


def descriptive_name(centroids: Iterable[tuple[str, str, float]]) -> str:
    """Name a segment by its two features of largest |centroid_z| (ties by feature name).

    centroids holds (feature, transform, centroid_z) rows; a one_hot feature counts once, by
    its most distinctive category, so a yes/no feature cannot fill both places. On equal
    |centroid_z| (always so for a yes/no one_hot) a positive one goes first, so a segment is
    "Mostly f=b" rather than "Few f=a".
    """
    ranked = sorted(centroids, key=lambda row: (-round(abs(row[2]), 9), row[2] < 0, row[0]))
    phrases: list[str] = []
    seen: set[str] = set()
    for feature, transform, centroid_z in ranked:
        base = base_feature(feature, transform)
        if base in seen:
            continue
        seen.add(base)
        phrases.append(phrase(feature, transform, centroid_z))
        if len(phrases) == _DESCRIBED_FEATURES:
            break
    return ", ".join([phrases[0], *[text[0].lower() + text[1:] for text in phrases[1:]]])


def make_unique(names: Mapping[int, str], taken: Iterable[str]) -> dict[int, str]:
    """Append " (segment N)" to every name shared with another segment or with `taken`."""
    counts = Counter([*taken, *names.values()])
    return {
        segment: f"{name} (segment {segment})" if counts[name] > 1 else name
        for segment, name in names.items()
    }


def assign_unique_names(
    candidates: DataFrame,
    centroids: DataFrame,
    reserved_rules: Iterable[int] = (),
    reserved_names: Iterable[str] = (),
) -> DataFrame:
    """One row per segment of `centroids` (segment_centroids), named uniquely per build.

    candidates (int_segment_name_candidates) may be empty. Rules in reserved_rules and names
    in reserved_names belong to segments named before (segment_registry) and are not used.
    A segment matched to a rule takes its name, rule_order, match_distance and playbook
    (PLAYBOOK_COLUMNS, when the candidates carry them); any other gets descriptive_name of its
    centroid rows and nulls. Only the k x rules
    pairs and the k x features centroid rows reach the driver.
    """
    profile_rows = centroids.select("segment_id", "feature", "transform", "centroid_z").collect()
    profiles: dict[int, list[tuple[str, str, float]]] = {}
    for row in profile_rows:
        profiles.setdefault(row.segment_id, []).append(
            (row.feature, row.transform, float(row.centroid_z))
        )
    reserved_rules = set(reserved_rules)
    reserved_names = list(reserved_names)
    rows = [
        row
        for row in candidates.select(
            "segment_id",
            "rule_order",
            "segment_name",
            "match_distance",
            *[
                F.col(name) if name in candidates.columns else F.lit(None).alias(name)
                for name in PLAYBOOK_COLUMNS
            ],
        ).collect()
        if row.segment_id in profiles and row.rule_order not in reserved_rules
    ]
    names = {(row.segment_id, row.rule_order): row for row in rows}
    matched = greedy_unique_match(
        (row.segment_id, row.rule_order, row.match_distance) for row in rows
    )
    ruled = {segment: names[(segment, rule)] for segment, rule in matched.items()}
    described = make_unique(
        {
            segment: descriptive_name(profile)
            for segment, profile in profiles.items()
            if segment not in ruled
        },
        taken=[row.segment_name for row in ruled.values()] + reserved_names,
    )
    result = []
    for segment in sorted(profiles):
        if segment in ruled:
            row = ruled[segment]
            playbook = tuple(row[name] for name in PLAYBOOK_COLUMNS)
            matched_rule = (row.rule_order, row.segment_name, row.match_distance)
            result.append((segment, *matched_rule, *playbook))
        else:
            result.append((segment, None, described[segment], None, None, None, None))
    return centroids.sparkSession.createDataFrame(result, NAME_SCHEMA)
