"""Feature preparation: resolve the features, then fit the model's preprocessing stages once.

The preprocessing is MLlib stages, saved with the clusterer as one PipelineModel:

1. a SQLTransformer computing one column per vector coordinate from the feature mart (the
   transforms as SQL: log1p, number parsing, attribute lookup, one_hot indicators);
2. a VectorAssembler and a fitted StandardScaler (mean and sample stddev) over the
   standardise / log1p coordinates;
3. a VectorAssembler appending the unscaled coordinates (`none` values, one_hot indicators).

The vector holds the scaled coordinates first, then the unscaled ones (`slot_names` says
which is which). Training runs on a canonical copy (rows placed by the hash of their id and
sorted by id), so fits ignore input order and layout.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import TracebackType

from pyspark.ml import Transformer
from pyspark.ml.feature import SQLTransformer, StandardScaler, VectorAssembler
from pyspark.sql import DataFrame

from customer_segmentation.segmentation.config import LOG1P, STANDARDISE, SegmentationConfig
from customer_segmentation.segmentation.expressions import column_ref
from customer_segmentation.segmentation.resolution import (
    ResolvedFeature,
    ResolvedFeatures,
    resolve_features,
)
from customer_segmentation.segmentation.sql_text import (
    identifier,
    indicator_sql,
    transformed_value_sql,
)

VECTOR_COLUMN = "__segmentation_vector"
SLOT_PREFIX = "__segmentation_slot_"
_SCALER_INPUT = "__segmentation_unscaled"
_SCALER_OUTPUT = "__segmentation_scaled"
SCALED_TRANSFORMS = (STANDARDISE, LOG1P)


def is_scaled(feature: ResolvedFeature) -> bool:
    """Tell whether the feature's coordinate is standardised by the fitted scaler."""
    return feature.transform in SCALED_TRANSFORMS


def vector_slots(resolved: ResolvedFeatures) -> list[tuple[str, str]]:
    """Return (slot name, SQL) per vector coordinate: scaled coordinates first, then the rest."""
    scaled = [
        (feature.name, transformed_value_sql(feature.source, feature.transform))
        for feature in resolved.features
        if is_scaled(feature)
    ]
    unscaled: list[tuple[str, str]] = []
    for feature in resolved.features:
        if is_scaled(feature):
            continue
        if feature.is_numeric:
            unscaled.append(
                (feature.name, transformed_value_sql(feature.source, feature.transform))
            )
        else:
            unscaled.extend(
                (slot, indicator_sql(feature.source, category))
                for slot, category in zip(feature.slot_names, feature.categories, strict=True)
            )
    return scaled + unscaled


def slot_statement(resolved: ResolvedFeatures, id_column: str) -> str:
    """The SQLTransformer statement: the id and one column per vector coordinate."""
    columns = [f"{identifier(id_column)} AS {identifier(id_column)}"] + [
        f"{sql} AS {SLOT_PREFIX}{index}" for index, (_, sql) in enumerate(vector_slots(resolved))
    ]
    return f"SELECT {', '.join(columns)} FROM __THIS__"


@dataclass
class PreparedFeatures:
    """The model input: fitted preprocessing stages and the canonical frame they produced.

    frame holds the id, one column per coordinate (before scaling) and the model vector.
    resolved carries the fitted scaler's mean and stddev for the scaled features. Use it as
    a context manager to cache the frame for the fits and unpersist it afterwards.
    """

    frame: DataFrame
    resolved: ResolvedFeatures
    id_column: str
    stages: list[Transformer]
    slot_names: list[str]

    @property
    def slot_columns(self) -> list[str]:
        """The frame's columns holding the vector's coordinates, in vector order."""
        return [f"{SLOT_PREFIX}{index}" for index in range(len(self.slot_names))]

    @property
    def order_by(self) -> str | None:
        """The feature whose descending centroid numbers the segments (None: vector order)."""
        return self.resolved.order_by

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


def canonicalise(df: DataFrame, id_column: str, num_partitions: int) -> DataFrame:
    """Place every row by the hash of its id and sort by id, so fits ignore input order/layout."""
    return df.repartition(num_partitions, column_ref(id_column)).sortWithinPartitions(
        column_ref(id_column)
    )


def with_scaler_statistics(
    resolved: ResolvedFeatures, means: list[float], stddevs: list[float]
) -> ResolvedFeatures:
    """Return resolved with each scaled feature's mean and stddev taken from the fitted scaler."""
    statistics = iter(zip(means, stddevs, strict=True))
    features = []
    for feature in resolved.features:
        if is_scaled(feature):
            mean, stddev = next(statistics)
            feature = replace(feature, mean=float(mean), stddev=float(stddev))
        features.append(feature)
    return replace(resolved, features=tuple(features))


def prepare_features(
    df: DataFrame, config: SegmentationConfig, resolved: ResolvedFeatures | None = None
) -> PreparedFeatures:
    """Resolve the features (unless given), fit the preprocessing, return the canonical input.

    Two Spark actions besides resolution's one: the scaler's fit and (later) the cache.
    """
    resolved = resolved or resolve_features(df, config)
    slots = vector_slots(resolved)
    slot_columns = [f"{SLOT_PREFIX}{index}" for index in range(len(slots))]
    scaled_count = sum(1 for feature in resolved.features if is_scaled(feature))
    slot_stage = SQLTransformer(statement=slot_statement(resolved, config.id_column))
    canonical = canonicalise(slot_stage.transform(df), config.id_column, config.num_partitions)
    stages: list[Transformer] = [slot_stage]
    frame = canonical
    if scaled_count:
        assembler = VectorAssembler(
            inputCols=slot_columns[:scaled_count], outputCol=_SCALER_INPUT, handleInvalid="error"
        )
        assembled = assembler.transform(frame)
        scaler = StandardScaler(
            inputCol=_SCALER_INPUT, outputCol=_SCALER_OUTPUT, withMean=True, withStd=True
        ).fit(assembled)
        resolved = with_scaler_statistics(
            resolved, list(scaler.mean.toArray()), list(scaler.std.toArray())
        )
        stages += [assembler, scaler]
        frame = scaler.transform(assembled)
    final_inputs = ([_SCALER_OUTPUT] if scaled_count else []) + slot_columns[scaled_count:]
    final = VectorAssembler(inputCols=final_inputs, outputCol=VECTOR_COLUMN, handleInvalid="error")
    stages.append(final)
    frame = final.transform(frame).select(
        column_ref(config.id_column), *slot_columns, VECTOR_COLUMN
    )
    return PreparedFeatures(
        frame=frame,
        resolved=resolved,
        id_column=config.id_column,
        stages=stages,
        slot_names=[name for name, _ in slots],
    )
