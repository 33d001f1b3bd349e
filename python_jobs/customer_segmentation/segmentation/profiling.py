"""Profiling the input in one Spark pass: rows, ids, candidate features, attribute keys.

profile_input runs one aggregation (one action) over a long form of the input: each row
yields an entry for its id, one per candidate feature and, when asked, one per entry of its
`attributes` map. Grouping by (entry, key) then by entry gives counts and moments of every
numeric candidate, the categories of every one_hot candidate (up to max_categories) with
their counts, the id counts and every attribute key, in a handful of small rows. Resolution
(segmentation.resolution) is then pure Python over that InputProfile.

The *_problem functions return a reason ("is null for all 4 customers", ...) or None; explicit
configuration turns a reason into an error, `features: auto` into a skip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame, Row
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BooleanType,
    DataType,
    IntegralType,
    MapType,
    NumericType,
    StringType,
)

from customer_segmentation.segmentation.config import (
    LOG1P,
    ONE_HOT,
    config_key,
)
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
# Entry slots of the long form: candidates are numbered 0.., the id and attributes below.
_ID_SLOT = -1
_ATTRIBUTE_SLOT = -2


@dataclass(frozen=True)
class Profile:
    """Counts and moments of one candidate feature over the whole input.

    Numeric candidates: present (not null), numeric (a number), finite (after the transform),
    mean and sample stddev after the transform, an example value that is not a number (text
    sources only). one_hot candidates: present, distinct categories (null counted as
    "(missing)"), and the sorted categories with their counts when distinct <= max_categories.
    """

    present: int
    numeric: int = 0
    finite: int = 0
    mean: float | None = None
    stddev: float | None = None
    example: str | None = None
    distinct: int = 0
    categories: tuple[str, ...] = ()
    category_counts: tuple[int, ...] = ()

    @property
    def category(self) -> str | None:
        """The smallest category (the only one, for a single-category feature)."""
        return self.categories[0] if self.categories else None


@dataclass(frozen=True)
class InputProfile:
    """What resolution needs to know about the input, from one aggregation (profile_input).

    candidates holds one Profile per requested candidate, in order; attribute_keys the sorted
    keys of the `attributes` map and attributes a numeric (untransformed) Profile of each,
    both empty unless attributes were profiled.
    """

    rows: int
    candidates: tuple[Profile, ...]
    attribute_keys: tuple[str, ...] = ()
    attributes: Mapping[str, Profile] = field(default_factory=dict)


def has_attribute_map(df: DataFrame) -> bool:
    """Tell whether the input has an `attributes` map with string keys (schema only)."""
    types = {item.name: item.dataType for item in df.schema.fields}
    attributes = types.get(ATTRIBUTES_COLUMN)
    return isinstance(attributes, MapType) and isinstance(attributes.keyType, StringType)


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


def _entry(
    slot: int,
    name: Column,
    present: Column,
    key: Column | None = None,
    number: Column | None = None,
    value: Column | None = None,
    text: Column | None = None,
) -> Column:
    """Return one long-form entry; key is the category (one_hot) or the id, else null."""

    def typed(column: Column | None, type_name: str) -> Column:
        """Return the column (or a null) cast to the entry field's type."""
        return (F.lit(None) if column is None else column).cast(type_name)

    return F.struct(
        F.lit(slot).alias("slot"),
        name.cast("string").alias("name"),
        typed(key, "string").alias("key"),
        present.alias("present"),
        typed(number, "double").alias("number"),
        typed(value, "double").alias("value"),
        typed(text, "string").alias("text"),
    )


def _candidate_entry(slot: int, source: FeatureSource, transform: str) -> Column:
    """Return candidate `slot`'s entry: its category, or its number, transform and text."""
    raw = raw_value(source)
    name = F.lit(source.name)
    if transform == ONE_HOT:
        return _entry(slot, name, raw.isNotNull(), key=category_label(source))
    return _entry(
        slot,
        name,
        raw.isNotNull(),
        number=numeric_value(source),
        value=transformed_value(source, transform),
        text=raw.cast("string") if source.from_text else None,
    )


def _attribute_entries(df: DataFrame) -> Column:
    """Return one entry per `attributes` map entry of a row: its key, as a number from text."""
    map_type = df.schema[ATTRIBUTES_COLUMN].dataType
    entries = F.map_entries(
        F.coalesce(column_ref(ATTRIBUTES_COLUMN), F.create_map().cast(map_type.simpleString()))
    )

    def entry(item: Column) -> Column:
        """Return the entry of one (key, value) map entry."""
        number = item["value"].try_cast("double")
        text = item["value"].cast("string")
        return _entry(
            _ATTRIBUTE_SLOT, item["key"], item["value"].isNotNull(), None, number, number, text
        )

    return F.transform(entries, entry)


def _profile_rows(
    df: DataFrame,
    id_column: str,
    candidates: Sequence[tuple[FeatureSource, str]],
    attributes: bool,
    max_categories: int,
) -> list[Row]:
    """Run the one aggregation: a row per id, candidate and attribute key (see module doc)."""
    entries = F.array(
        _entry(
            _ID_SLOT,
            F.lit(id_column),
            column_ref(id_column).isNotNull(),
            key=column_ref(id_column).cast("string"),
        ),
        *[
            _candidate_entry(slot, source, transform)
            for slot, (source, transform) in enumerate(candidates)
        ],
    )
    if attributes:
        entries = F.concat(entries, _attribute_entries(df))
    present, number, value, text = (
        F.col(f"e.{name}") for name in ("present", "number", "value", "text")
    )
    per_key = (
        df.select(F.explode(entries).alias("e"))
        .groupBy(
            F.col("e.slot").alias("slot"),
            F.col("e.name").alias("name"),
            F.col("e.key").alias("key"),
        )
        .agg(
            F.count(F.lit(1)).alias("n"),
            F.count(F.when(present, 1)).alias("present"),
            F.count(number).alias("numeric"),
            F.count(F.when(is_finite(value), 1)).alias("finite"),
            F.avg(value).alias("mean"),
            F.stddev_samp(value).alias("stddev"),
            F.min(F.when(present & number.isNull(), text)).alias("example"),
        )
    )
    # Numeric entries have a null key, so one group each: max() passes their moments on.
    category = F.when(F.col("slot") >= 0, F.col("key"))
    return (
        per_key.groupBy("slot", "name")
        .agg(
            F.sum("n").alias("rows"),
            F.sum("present").alias("present"),
            F.sum("numeric").alias("numeric"),
            F.sum("finite").alias("finite"),
            F.max("mean").alias("mean"),
            F.max("stddev").alias("stddev"),
            F.min("example").alias("example"),
            F.count("key").alias("distinct"),
            F.min_by(F.struct("key", "n"), category, max_categories).alias("categories"),
        )
        .collect()
    )


def _profile_of(row: Row, max_categories: int) -> Profile:
    """Read one Profile from an aggregated row; categories only when they are all there."""
    found = sorted((item["key"], int(item["n"])) for item in row["categories"] or [])
    if int(row["distinct"]) > max_categories:
        found = []
    return Profile(
        present=int(row["present"]),
        numeric=int(row["numeric"]),
        finite=int(row["finite"]),
        mean=row["mean"],
        stddev=row["stddev"],
        example=row["example"],
        distinct=int(row["distinct"]),
        categories=tuple(category for category, _ in found),
        category_counts=tuple(count for _, count in found),
    )


def profile_input(
    df: DataFrame,
    id_column: str,
    candidates: Sequence[tuple[FeatureSource, str]],
    *,
    max_categories: int,
    attributes: bool = False,
) -> InputProfile:
    """Profile the id, every (source, transform) candidate and optionally every attribute key.

    One Spark action. Raises ValueError for a missing id column (before any job), fewer than
    2 rows, or duplicate or null ids.
    """
    if id_column not in df.columns:
        raise ValueError(
            f"id column {id_column!r} ({config_key('id_column')}) is not in the input; "
            f"columns are {sorted(df.columns)}"
        )
    attributes = attributes and has_attribute_map(df)
    found = _profile_rows(df, id_column, candidates, attributes, max_categories)
    by_slot = {row["slot"]: row for row in found if row["slot"] >= 0}
    ids = next((row for row in found if row["slot"] == _ID_SLOT), None)
    rows = 0 if ids is None else int(ids["rows"])
    if rows < 2:
        raise ValueError(f"segmentation needs at least 2 customers to standardise; got {rows}")
    if ids["present"] != rows or ids["distinct"] != rows:
        raise ValueError(
            f"id column {id_column!r} must be unique and not null: {rows} rows, "
            f"{rows - ids['present']} null ids, {ids['distinct']} distinct ids"
        )
    keyed = {
        row["name"]: _profile_of(row, max_categories)
        for row in found
        if row["slot"] == _ATTRIBUTE_SLOT
    }
    return InputProfile(
        rows=rows,
        candidates=tuple(
            _profile_of(by_slot[slot], max_categories) for slot in range(len(candidates))
        ),
        attribute_keys=tuple(sorted(keyed)),
        attributes=keyed,
    )


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
