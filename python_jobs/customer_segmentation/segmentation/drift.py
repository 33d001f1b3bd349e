"""Feature drift: the feature mart now against the training statistics of the model in use.

Per feature, two measures:

- mean shift: (mean now - training mean) / training stddev, of the transformed value (numeric
  features only), so 0.5 means the average customer moved half a training standard deviation;
- population stability index (PSI): sum over bins of (share now - training share) *
  ln(share now / training share), shares floored at 1e-4 so an empty bin stays finite. Numeric
  bins are the training deciles of the transformed value (edges deduplicated for discrete
  features); one_hot bins are the training categories plus one bin for categories unseen at
  training.

A feature drifts when |mean shift| > `drift_mean_shift_threshold` (default 0.5) or PSI >
`drift_psi_threshold` (default 0.25, the usual "significant shift" line; 0.1-0.25 is
"moderate"). One Spark action measures every feature; edges take one more at training.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from customer_segmentation.segmentation.expressions import (
    category_label,
    is_finite,
    transformed_value,
)
from customer_segmentation.segmentation.resolution import ResolvedFeature

DRIFT_BINS = 10
QUANTILE_RELATIVE_ERROR = 0.001
SHARE_FLOOR = 1e-4


@dataclass(frozen=True)
class FeatureBaseline:
    """A feature's training distribution: bin edges (numeric) and the share of each bin.

    Numeric: len(shares) == len(edges) + 1, bins (-inf, e1], (e1, e2], ..., (en, inf).
    one_hot: one share per training category, then the unseen-categories bin (0 at training).
    """

    feature: ResolvedFeature
    edges: tuple[float, ...]
    shares: tuple[float, ...]


@dataclass(frozen=True)
class Measurement:
    """A feature over the mart now: rows, usable (finite) values, mean, count per bin."""

    name: str
    rows: int
    usable: int
    mean: float | None
    counts: tuple[int, ...]

    @property
    def missing(self) -> int:
        """Rows whose value is null or not finite (the model cannot score them)."""
        return self.rows - self.usable


@dataclass(frozen=True)
class FeatureDrift:
    """One feature's drift against its baseline (see the module docstring)."""

    feature: str
    transform: str
    training_mean: float | None
    current_mean: float | None
    mean_shift_sd: float | None
    psi: float
    missing_count: int
    is_drifted: bool
    row_count: int


def numeric_edges(
    df: DataFrame, features: Sequence[ResolvedFeature], bins: int = DRIFT_BINS
) -> dict[str, tuple[float, ...]]:
    """Return each numeric feature's interior decile edges over df (one Spark action)."""
    numeric = [feature for feature in features if feature.is_numeric]
    if not numeric:
        return {}
    columns = [f"__drift_{index}" for index in range(len(numeric))]
    values = df.select(
        *[
            transformed_value(feature.source, feature.transform).alias(column)
            for feature, column in zip(numeric, columns, strict=True)
        ]
    )
    probabilities = [step / bins for step in range(1, bins)]
    quantiles = values.approxQuantile(columns, probabilities, QUANTILE_RELATIVE_ERROR)
    return {
        feature.name: tuple(sorted({float(value) for value in found}))
        for feature, found in zip(numeric, quantiles, strict=True)
    }


def _bin_conditions(feature: ResolvedFeature, edges: Sequence[float]) -> list[Column]:
    """Return one boolean column per bin of the feature (numeric bins, or categories + other)."""
    if feature.is_numeric:
        value = transformed_value(feature.source, feature.transform)
        bounds = [None, *edges, None]
        conditions = []
        for lower, upper in itertools.pairwise(bounds):
            condition = is_finite(value)
            if lower is not None:
                condition = condition & (value > F.lit(lower))
            if upper is not None:
                condition = condition & (value <= F.lit(upper))
            conditions.append(condition)
        return conditions
    label = category_label(feature.source)
    known = [label == F.lit(category) for category in feature.categories]
    return [*known, ~label.isin(*feature.categories)]


def measure(
    df: DataFrame, features: Sequence[ResolvedFeature], edges: dict[str, tuple[float, ...]]
) -> list[Measurement]:
    """Measure every feature over df in one aggregation: usable values, mean, bin counts."""
    aggregates: list[Column] = [F.count(F.lit(1)).alias("rows")]
    for index, feature in enumerate(features):
        if feature.is_numeric:
            value = transformed_value(feature.source, feature.transform)
            usable = is_finite(value)
            aggregates.append(F.count_if(usable).alias(f"usable_{index}"))
            aggregates.append(F.avg(F.when(usable, value)).alias(f"mean_{index}"))
        for position, condition in enumerate(_bin_conditions(feature, edges.get(feature.name, ()))):
            aggregates.append(F.count_if(condition).alias(f"bin_{index}_{position}"))
    row = df.agg(*aggregates).first()
    assert row is not None  # a global aggregation always returns one row
    rows = int(row["rows"])
    result = []
    for index, feature in enumerate(features):
        bins = (
            len(edges.get(feature.name, ())) + 1
            if feature.is_numeric
            else len(feature.categories) + 1
        )
        counts = tuple(int(row[f"bin_{index}_{position}"]) for position in range(bins))
        usable = int(row[f"usable_{index}"]) if feature.is_numeric else rows
        mean = row[f"mean_{index}"] if feature.is_numeric else None
        result.append(Measurement(feature.name, rows, usable, mean, counts))
    return result


def shares(measurement: Measurement) -> tuple[float, ...]:
    """Return each bin's share of the measurement's usable values."""
    total = sum(measurement.counts)
    return tuple(count / total if total else 0.0 for count in measurement.counts)


def baselines(df: DataFrame, features: Sequence[ResolvedFeature]) -> list[FeatureBaseline]:
    """Return every feature's training distribution over df (two Spark actions)."""
    edges = numeric_edges(df, features)
    measured = measure(df, features, edges)
    return [
        FeatureBaseline(feature, edges.get(feature.name, ()), shares(found))
        for feature, found in zip(features, measured, strict=True)
    ]


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index of actual against expected bin shares (floored at 1e-4)."""
    if len(expected) != len(actual):
        raise ValueError(f"PSI needs as many bins on both sides: {len(expected)} vs {len(actual)}")
    total = 0.0
    for before, now in zip(expected, actual, strict=True):
        before, now = max(before, SHARE_FLOOR), max(now, SHARE_FLOOR)
        total += (now - before) * math.log(now / before)
    return total


def drift(
    df: DataFrame,
    references: Sequence[FeatureBaseline],
    psi_threshold: float,
    mean_shift_threshold: float,
) -> list[FeatureDrift]:
    """Measure df against every baseline (one Spark action) and flag the drifted features."""
    features = [reference.feature for reference in references]
    edges = {reference.feature.name: reference.edges for reference in references}
    result = []
    for reference, found in zip(references, measure(df, features, edges), strict=True):
        feature = reference.feature
        index = psi(reference.shares, shares(found))
        shift = None
        if feature.is_numeric and found.mean is not None:
            shift = (float(found.mean) - feature.mean) / feature.stddev
        drifted = index > psi_threshold or (shift is not None and abs(shift) > mean_shift_threshold)
        result.append(
            FeatureDrift(
                feature=feature.name,
                transform=feature.transform,
                training_mean=feature.mean if feature.is_numeric else None,
                current_mean=float(found.mean) if found.mean is not None else None,
                mean_shift_sd=shift,
                psi=index,
                missing_count=found.missing,
                is_drifted=drifted,
                row_count=found.rows,
            )
        )
    return result
