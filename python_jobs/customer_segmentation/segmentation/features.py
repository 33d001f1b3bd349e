"""Feature preparation: resolve the features, scale them, canonicalise, assemble the vector."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from pyspark.ml.feature import VectorAssembler
from pyspark.sql import DataFrame

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.expressions import column_ref
from customer_segmentation.segmentation.resolution import ResolvedFeatures, resolve_features

VECTOR_COLUMN = "__segmentation_vector"
SLOT_PREFIX = "__segmentation_slot_"


@dataclass
class PreparedFeatures:
    """Canonicalised model input: id, one column per vector coordinate, and the vector.

    Coordinates are z-scores (standardise, log1p), raw numbers (none) or 0/1 indicators
    (one_hot), named by `slot_names`. Use it as a context manager to cache the frame for the
    fits and unpersist it afterwards.
    """

    frame: DataFrame
    resolved: ResolvedFeatures
    id_column: str

    @property
    def slot_names(self) -> list[str]:
        """Names of the vector's coordinates (`<feature>=<category>` for one_hot)."""
        return self.resolved.slot_names

    @property
    def slot_columns(self) -> list[str]:
        """The frame's columns holding the vector's coordinates, in order."""
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
    return df.repartition(num_partitions, column_ref(id_column)).sortWithinPartitions(id_column)


def prepare_features(df: DataFrame, config: SegmentationConfig) -> PreparedFeatures:
    """Return id, scaled coordinates and their vector, canonically partitioned.

    Scaling uses the whole input's mean and sample stddev from the resolution's one-pass
    profile (no fitted scaler): z = (transformed - mean) / stddev.
    """
    resolved = resolve_features(df, config)
    slots = [f"{SLOT_PREFIX}{index}" for index in range(len(resolved.slot_names))]
    projected = df.select(
        column_ref(config.id_column).alias(config.id_column),
        *[
            column.alias(slot)
            for column, slot in zip(resolved.vector_columns(), slots, strict=True)
        ],
    )
    canonical = canonicalise(projected, config.id_column, config.num_partitions)
    assembler = VectorAssembler(inputCols=slots, outputCol=VECTOR_COLUMN, handleInvalid="error")
    frame = assembler.transform(canonical)
    return PreparedFeatures(frame=frame, resolved=resolved, id_column=config.id_column)
