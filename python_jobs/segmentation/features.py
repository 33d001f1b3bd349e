"""Feature preparation: validate, transform, drop unusable features, canonicalise, standardise."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from types import TracebackType

from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import NumericType

from segmentation.config import SegmentationConfig

VECTOR_COLUMN = "__segmentation_vector"
_ASSEMBLED_COLUMN = "__segmentation_assembled"
_ZERO_VARIANCE_RELATIVE_TOLERANCE = 1e-12


class FeatureDroppedWarning(UserWarning):
    """A configured feature carries no information (all null or constant) and was left out."""


@dataclass(frozen=True)
class FeatureStats:
    """Result of checking the configured features over the whole input (one aggregation)."""

    row_count: int
    kept: tuple[str, ...]
    dropped: tuple[str, ...]
    means: dict[str, float]
    stddevs: dict[str, float]


@dataclass
class PreparedFeatures:
    """Canonicalised model input: id, transformed feature columns and their standardised vector.

    Use it as a context manager to cache the frame for the fits and unpersist it afterwards.
    """

    frame: DataFrame
    stats: FeatureStats
    id_column: str

    @property
    def feature_names(self) -> list[str]:
        """The features kept for the model, in configuration order."""
        return list(self.stats.kept)

    def __enter__(self) -> PreparedFeatures:
        """Cache the prepared frame, which every fit and evaluation reads again."""
        self.frame = self.frame.cache()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Release the cached frame, also when a fit failed."""
        self.frame.unpersist()


def transformed(column: str, transform: str) -> Column:
    """Return the configured transform of a raw column as a double column expression."""
    raw = F.col(column).cast("double")
    if transform == "log1p":
        return F.log1p(raw)
    return raw


def _is_finite(column: Column) -> Column:
    """Return a boolean column: true when the value is neither null, NaN nor infinite."""
    return column.isNotNull() & ~F.isnan(column) & (F.abs(column) != F.lit(math.inf))


def validate_columns(df: DataFrame, config: SegmentationConfig) -> None:
    """Raise a ValueError naming a configured feature or id column missing or not numeric."""
    types = {item.name: item.dataType for item in df.schema.fields}
    if config.id_column not in types:
        raise ValueError(
            f"id column {config.id_column!r} (config key `id_column`) is not in the input; "
            f"columns are {sorted(types)}"
        )
    missing = [name for name in config.feature_names if name not in types]
    if missing:
        raise ValueError(
            f"feature column(s) {missing} (config key `features`) are not in the input; "
            f"columns are {sorted(types)}"
        )
    for name in config.feature_names:
        if not isinstance(types[name], NumericType):
            raise ValueError(
                f"feature column {name!r} (config key `features`) has type "
                f"{types[name].simpleString()}; a numeric type is required"
            )


def check_features(df: DataFrame, config: SegmentationConfig) -> FeatureStats:
    """Profile the features in one aggregation; warn about and drop empty or constant ones.

    Raises ValueError for fewer than 2 rows, duplicate or null ids, and features with some
    nulls or with values that are not finite after the transform (nothing is dropped silently).
    """
    validate_columns(df, config)
    names = config.feature_names
    aggregations = [
        F.count(F.lit(1)).alias("rows"),
        F.count(F.col(config.id_column)).alias("ids"),
        F.count_distinct(F.col(config.id_column)).alias("distinct_ids"),
    ]
    for index, name in enumerate(names):
        value = transformed(name, config.features[name])
        aggregations += [
            F.count(F.col(name)).alias(f"present_{index}"),
            F.count(F.when(_is_finite(value), 1)).alias(f"finite_{index}"),
            F.avg(value).alias(f"mean_{index}"),
            F.stddev_samp(value).alias(f"stddev_{index}"),
        ]
    row = df.agg(*aggregations).first()
    assert row is not None  # a global aggregation always returns one row
    rows = int(row["rows"])
    if rows < 2:
        raise ValueError(f"segmentation needs at least 2 customers to standardise; got {rows}")
    if row["ids"] != rows or row["distinct_ids"] != rows:
        raise ValueError(
            f"id column {config.id_column!r} must be unique and not null: {rows} rows, "
            f"{rows - row['ids']} null ids, {row['distinct_ids']} distinct ids"
        )

    kept: list[str] = []
    dropped: list[str] = []
    means: dict[str, float] = {}
    stddevs: dict[str, float] = {}
    for index, name in enumerate(names):
        present = int(row[f"present_{index}"])
        finite = int(row[f"finite_{index}"])
        if present == 0:
            warnings.warn(
                f"feature {name!r} is null for all {rows} customers; dropped from segmentation",
                FeatureDroppedWarning,
                stacklevel=2,
            )
            dropped.append(name)
            continue
        if present < rows:
            raise ValueError(
                f"feature {name!r} has {rows - present} null values in {rows} rows; repair or "
                "quarantine them before segmentation"
            )
        if finite < rows:
            hint = " (log1p needs values > -1)" if config.features[name] == "log1p" else ""
            raise ValueError(
                f"feature {name!r} has {rows - finite} values that are NaN or infinite after "
                f"transform {config.features[name]!r}{hint}"
            )
        mean = float(row[f"mean_{index}"])
        stddev = row[f"stddev_{index}"]
        tolerance = _ZERO_VARIANCE_RELATIVE_TOLERANCE * max(1.0, abs(mean))
        if stddev is None or not stddev > tolerance:
            warnings.warn(
                f"feature {name!r} has zero variance (constant {mean!r}); dropped from "
                "segmentation",
                FeatureDroppedWarning,
                stacklevel=2,
            )
            dropped.append(name)
            continue
        kept.append(name)
        means[name] = mean
        stddevs[name] = float(stddev)

    if not kept:
        raise ValueError(
            f"no usable feature left for segmentation: all of {names} (config key `features`) "
            "are null or constant"
        )
    if config.order_by in dropped:
        warnings.warn(
            f"order_by feature {config.order_by!r} was dropped; segments are ordered by the "
            f"remaining features {kept} instead",
            FeatureDroppedWarning,
            stacklevel=2,
        )
    return FeatureStats(
        row_count=rows, kept=tuple(kept), dropped=tuple(dropped), means=means, stddevs=stddevs
    )


def canonicalise(df: DataFrame, id_column: str, num_partitions: int) -> DataFrame:
    """Place every row by the hash of its id and sort by id, so fits ignore input order/layout."""
    return df.repartition(num_partitions, F.col(id_column)).sortWithinPartitions(id_column)


def prepare_features(df: DataFrame, config: SegmentationConfig) -> PreparedFeatures:
    """Return id, transformed features and their standardised vector, canonically partitioned."""
    stats = check_features(df, config)
    names = list(stats.kept)
    projected = df.select(
        F.col(config.id_column),
        *[transformed(name, config.features[name]).alias(name) for name in names],
    )
    assembler = VectorAssembler(inputCols=names, outputCol=_ASSEMBLED_COLUMN, handleInvalid="error")
    scaler = StandardScaler(
        withMean=True, withStd=True, inputCol=_ASSEMBLED_COLUMN, outputCol=VECTOR_COLUMN
    )
    scaler_model = scaler.fit(assembler.transform(projected))
    canonical = canonicalise(projected, config.id_column, config.num_partitions)
    frame = scaler_model.transform(assembler.transform(canonical)).drop(_ASSEMBLED_COLUMN)
    return PreparedFeatures(frame=frame, stats=stats, id_column=config.id_column)
