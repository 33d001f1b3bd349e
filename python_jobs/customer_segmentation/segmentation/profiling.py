"""Profiling candidate features: one aggregation of counts and moments, and what is wrong.

The *_problem functions return a reason ("is null for all 4 customers", ...) or None; explicit
configuration turns a reason into an error, `features: auto` into a skip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BooleanType,
    DataType,
    IntegralType,
    MapType,
    NumericType,
    StringType,
)

from customer_segmentation.segmentation.config import LOG1P, ONE_HOT, config_key
from customer_segmentation.segmentation.expressions import (
    ATTRIBUTES_COLUMN,
    FeatureSource,
    category_label,
    column_ref,
    is_finite,
    numeric_value,
    raw_value,
    transformed_value,
)

_ZERO_VARIANCE_RELATIVE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Profile:
    """Counts and moments of one candidate feature over the whole input."""

    present: int
    numeric: int = 0
    finite: int = 0
    mean: float | None = None
    stddev: float | None = None
    example: str | None = None
    distinct: int = 0
    category: str | None = None


def attribute_keys(df: DataFrame) -> list[str]:
    """Return the sorted keys of the input's `attributes` map (none without such a column)."""
    types = {item.name: item.dataType for item in df.schema.fields}
    attributes = types.get(ATTRIBUTES_COLUMN)
    if not isinstance(attributes, MapType) or not isinstance(attributes.keyType, StringType):
        return []
    keys = df.select(F.explode(F.map_keys(column_ref(ATTRIBUTES_COLUMN))).alias("key"))
    return sorted(row["key"] for row in keys.distinct().collect())


def type_problem(data_type: DataType, transform: str) -> str | None:
    """Say why a column of this type cannot take the transform (None when it can)."""
    if transform == ONE_HOT:
        if isinstance(data_type, StringType | BooleanType | IntegralType):
            return None
        return (
            f"has type {data_type.simpleString()}; one_hot needs a string, boolean or integer "
            "column, or an `attributes` key"
        )
    if isinstance(data_type, NumericType | StringType):
        return None
    return (
        f"has type {data_type.simpleString()}; transform {transform!r} needs numbers: use "
        "one_hot for a categorical feature"
    )


def _aggregations(index: int, source: FeatureSource, transform: str) -> list[Column]:
    """Return the aggregate columns profiling candidate `index` (see Profile)."""
    raw = raw_value(source)
    present = F.count(raw).alias(f"present_{index}")
    if transform == ONE_HOT:
        label = category_label(source)
        return [
            present,
            F.count_distinct(label).alias(f"distinct_{index}"),
            F.min(label).alias(f"category_{index}"),
        ]
    number = numeric_value(source)
    value = transformed_value(source, transform)
    columns = [
        present,
        F.count(number).alias(f"numeric_{index}"),
        F.count(F.when(is_finite(value), 1)).alias(f"finite_{index}"),
        F.avg(value).alias(f"mean_{index}"),
        F.stddev_samp(value).alias(f"stddev_{index}"),
    ]
    if source.from_text:
        not_a_number = raw.isNotNull() & number.isNull()
        columns.append(F.min(F.when(not_a_number, raw)).alias(f"example_{index}"))
    return columns


def _profile_of(row: dict, index: int, transform: str) -> Profile:
    """Read candidate `index`'s Profile from the aggregated row."""
    if transform == ONE_HOT:
        return Profile(
            present=int(row[f"present_{index}"]),
            distinct=int(row[f"distinct_{index}"]),
            category=row[f"category_{index}"],
        )
    return Profile(
        present=int(row[f"present_{index}"]),
        numeric=int(row[f"numeric_{index}"]),
        finite=int(row[f"finite_{index}"]),
        mean=row[f"mean_{index}"],
        stddev=row[f"stddev_{index}"],
        example=row.get(f"example_{index}"),
    )


def profile_candidates(
    df: DataFrame, id_column: str, candidates: Sequence[tuple[FeatureSource, str]]
) -> tuple[int, list[Profile]]:
    """Profile every candidate and the id column in one aggregation; return rows and profiles.

    Raises ValueError for a missing id column, fewer than 2 rows, or duplicate or null ids.
    """
    if id_column not in df.columns:
        raise ValueError(
            f"id column {id_column!r} ({config_key('id_column')}) is not in the input; "
            f"columns are {sorted(df.columns)}"
        )
    aggregations = [
        F.count(F.lit(1)).alias("rows"),
        F.count(column_ref(id_column)).alias("ids"),
        F.count_distinct(column_ref(id_column)).alias("distinct_ids"),
    ]
    for index, (source, transform) in enumerate(candidates):
        aggregations += _aggregations(index, source, transform)
    result = df.agg(*aggregations).first()
    assert result is not None  # a global aggregation always returns one row
    row = result.asDict()
    rows = int(row["rows"])
    if rows < 2:
        raise ValueError(f"segmentation needs at least 2 customers to standardise; got {rows}")
    if row["ids"] != rows or row["distinct_ids"] != rows:
        raise ValueError(
            f"id column {id_column!r} must be unique and not null: {rows} rows, "
            f"{rows - row['ids']} null ids, {row['distinct_ids']} distinct ids"
        )
    return rows, [
        _profile_of(row, index, transform) for index, (_, transform) in enumerate(candidates)
    ]


def numeric_problem(profile: Profile, rows: int, transform: str) -> str | None:
    """Say why a numeric feature cannot be used (None when it can), for an error or a skip."""
    if profile.present == 0:
        return f"is null for all {rows} customers"
    if profile.numeric < profile.present:
        return (
            f"has {profile.present - profile.numeric} values that are not numbers "
            f"(e.g. {profile.example!r}); transform {transform!r} needs numbers: use one_hot "
            "for a categorical feature"
        )
    if profile.present < rows:
        return (
            f"has {rows - profile.present} null values in {rows} rows; repair or quarantine "
            "them before segmentation, or leave the feature out"
        )
    if profile.finite < rows:
        hint = " (log1p needs values > -1)" if transform == LOG1P else ""
        return (
            f"has {rows - profile.finite} values that are NaN or infinite after transform "
            f"{transform!r}{hint}"
        )
    mean = float(profile.mean)  # type: ignore[arg-type]
    tolerance = _ZERO_VARIANCE_RELATIVE_TOLERANCE * max(1.0, abs(mean))
    if profile.stddev is None or not profile.stddev > tolerance:
        return (
            f"is constant (zero variance: {mean!r} after transform {transform!r} for all "
            f"{rows} customers), so it cannot separate segments; leave it out"
        )
    return None


def one_hot_problem(profile: Profile, rows: int, max_categories: int) -> str | None:
    """Say why a one_hot feature cannot be used (None when it can)."""
    if profile.present == 0:
        return f"is null for all {rows} customers"
    if profile.distinct > max_categories:
        return (
            f"has {profile.distinct} distinct values (null counted as a category), more than "
            f"the {max_categories} that `segmentation.max_categories` allows for one_hot; "
            "group its values upstream or raise the cap"
        )
    if profile.distinct < 2:
        return (
            f"has a single category {profile.category!r} for all {rows} customers, so it "
            "cannot separate segments; leave it out"
        )
    return None


def category_counts(
    df: DataFrame, sources: Sequence[FeatureSource]
) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """Return each one_hot source's sorted categories and customer counts (one small query)."""
    if not sources:
        return []
    pairs = F.explode(
        F.array(
            *[
                F.struct(F.lit(index).alias("source"), category_label(source).alias("category"))
                for index, source in enumerate(sources)
            ]
        )
    ).alias("pair")
    counted = df.select(pairs).groupBy("pair.source", "pair.category").count().collect()
    found: list[dict[str, int]] = [{} for _ in sources]
    for row in counted:
        found[row["source"]][row["category"]] = int(row["count"])
    return [
        (tuple(sorted(counts)), tuple(counts[category] for category in sorted(counts)))
        for counts in found
    ]
