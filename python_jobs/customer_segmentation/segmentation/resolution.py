"""Feature resolution: which features the input gives, checked strictly, with their statistics.

Explicit features (a mapping of name -> transform) must each fit the data, or a
FeatureConfigError names the feature and the config key. `features: auto` takes the four RFM
log columns when they are complete, else every complete, non-constant numeric candidate
(DEMOGRAPHIC_FEATURES, then numeric attributes by name), skipping the rest.

Resolution runs one Spark action: segmentation.profiling.profile_input gathers the id
counts, every candidate's counts, moments and one_hot categories, and the attribute keys in
one aggregation; everything after it is pure Python over that profile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import DataFrame
from pyspark.sql.types import NumericType, StringType

from customer_segmentation.segmentation.config import (
    ONE_HOT,
    STANDARDISE,
    SegmentationConfig,
    SegmentationConfigError,
    config_key,
)
from customer_segmentation.segmentation.expressions import (
    ATTRIBUTES_COLUMN,
    FeatureSource,
)
from customer_segmentation.segmentation.profiling import (
    Profile,
    has_attribute_map,
    numeric_problem,
    one_hot_problem,
    profile_input,
    type_problem,
)

RFM_FEATURES = ("log_recency_days", "log_frequency", "log_monetary", "log_avg_order_value")
DEMOGRAPHIC_FEATURES = ("age", "annual_income_amount", "spending_score", "tenure_days")
_LOG = logging.getLogger(__name__)


class FeatureConfigError(SegmentationConfigError):
    """A feature of `segmentation.features` does not fit the input data."""


@dataclass(frozen=True)
class ResolvedFeature:
    """One feature as used: its source, transform and whole-input statistics.

    Numeric features carry the mean and sample stddev after the transform; one_hot features
    their sorted categories and how many customers fall in each.
    """

    source: FeatureSource
    transform: str
    mean: float = 0.0
    stddev: float = 1.0
    categories: tuple[str, ...] = ()
    category_counts: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        """The feature's name (a column, or an `attributes` key)."""
        return self.source.name

    @property
    def is_numeric(self) -> bool:
        """Tell whether the feature is one number (not a set of one_hot indicators)."""
        return self.transform != ONE_HOT

    @property
    def slot_names(self) -> list[str]:
        """Names of the feature's vector coordinates: the name, or `<name>=<category>` each."""
        if self.is_numeric:
            return [self.name]
        return [f"{self.name}={category}" for category in self.categories]


@dataclass(frozen=True)
class ResolvedFeatures:
    """The features a segmentation run uses, in order, and the feature that orders segments."""

    row_count: int
    features: tuple[ResolvedFeature, ...]
    order_by: str | None
    skipped: tuple[str, ...] = ()

    @property
    def feature_names(self) -> list[str]:
        """The resolved feature names, in order."""
        return [feature.name for feature in self.features]

    @property
    def slot_names(self) -> list[str]:
        """Names of the model vector's coordinates, in order."""
        return [slot for feature in self.features for slot in feature.slot_names]

    def describe(self) -> str:
        """Return the features as "name:transform,..." (what segment_k_selection records)."""
        return ",".join(f"{feature.name}:{feature.transform}" for feature in self.features)


def _numeric_feature(source: FeatureSource, transform: str, profile: Profile) -> ResolvedFeature:
    """Build a numeric ResolvedFeature from a profile that passed numeric_problem."""
    assert profile.mean is not None and profile.stddev is not None  # checked by numeric_problem
    return ResolvedFeature(source, transform, float(profile.mean), float(profile.stddev))


def _missing_feature_error(df: DataFrame, name: str, keys: Sequence[str]) -> FeatureConfigError:
    """Build the error for a configured feature that is neither a column nor an attribute."""
    return FeatureConfigError(
        f"feature {name!r} in {config_key('features')} is neither a column of the input nor "
        f"a key of its `{ATTRIBUTES_COLUMN}` map; columns: {sorted(df.columns)}; attribute "
        f"keys: {list(keys)}"
    )


def _feature_error(name: str, problem: str) -> FeatureConfigError:
    """Build the error for a configured feature that does not fit the data."""
    return FeatureConfigError(f"feature {name!r} in {config_key('features')} {problem}")


def _explicit_sources(df: DataFrame, config: SegmentationConfig) -> list[FeatureSource]:
    """Locate every configured feature from the schema (column first, else attribute).

    Raises for a column of the wrong type, or a non-column without an `attributes` map; that
    an attribute key exists is checked against the profile.
    """
    types = {item.name: item.dataType for item in df.schema.fields}
    sources = []
    for name, transform in config.features.items():  # type: ignore[union-attr]
        if name in types:
            problem = type_problem(types[name], transform)
            if problem:
                raise _feature_error(name, problem)
            sources.append(FeatureSource(name, from_text=isinstance(types[name], StringType)))
        elif has_attribute_map(df):
            sources.append(FeatureSource(name, is_attribute=True, from_text=True))
        else:
            raise _missing_feature_error(df, name, [])
    return sources


def _resolve_explicit(df: DataFrame, config: SegmentationConfig) -> ResolvedFeatures:
    """Resolve configured features strictly: any feature that does not fit raises."""
    sources = _explicit_sources(df, config)
    transforms = list(config.features.values())  # type: ignore[union-attr]
    candidates = list(zip(sources, transforms, strict=True))
    profile = profile_input(
        df,
        config.id_column,
        candidates,
        max_categories=config.max_categories,
        attributes=any(source.is_attribute for source in sources),
    )
    rows = profile.rows
    for source in sources:
        if source.is_attribute and source.name not in profile.attribute_keys:
            raise _missing_feature_error(df, source.name, profile.attribute_keys)
    features = []
    for (source, transform), found in zip(candidates, profile.candidates, strict=True):
        if transform == ONE_HOT:
            problem = one_hot_problem(found, rows, config.max_categories)
        else:
            problem = numeric_problem(found, rows, transform)
        if problem:
            raise _feature_error(source.name, problem)
        if transform == ONE_HOT:
            categories, counts = found.categories, found.category_counts
            features.append(ResolvedFeature(source, transform, 0.0, 1.0, categories, counts))
        else:
            features.append(_numeric_feature(source, transform, found))
    return ResolvedFeatures(rows, tuple(features), _order_by(config, features))


def _auto_columns(df: DataFrame) -> tuple[list[FeatureSource], list[FeatureSource]]:
    """Return the auto column candidates: the RFM log columns (all four or none), the others."""
    types = {item.name: item.dataType for item in df.schema.fields}
    rfm = [
        FeatureSource(name)
        for name in RFM_FEATURES
        if name in types and isinstance(types[name], NumericType)
    ]
    columns = [
        FeatureSource(name, from_text=isinstance(types[name], StringType))
        for name in DEMOGRAPHIC_FEATURES
        if name in types and type_problem(types[name], STANDARDISE) is None
    ]
    return (rfm if len(rfm) == len(RFM_FEATURES) else []), columns


def _resolve_auto(df: DataFrame, config: SegmentationConfig) -> ResolvedFeatures:
    """Resolve `features: auto`: complete RFM logs, else every usable numeric candidate."""
    rfm, columns = _auto_columns(df)
    profile = profile_input(
        df,
        config.id_column,
        [(source, STANDARDISE) for source in rfm + columns],
        max_categories=config.max_categories,
        attributes=True,
    )
    rows = profile.rows
    candidates = list(zip(rfm + columns, profile.candidates, strict=True)) + [
        (FeatureSource(key, is_attribute=True, from_text=True), profile.attributes[key])
        for key in profile.attribute_keys
        if key not in df.columns
    ]
    usable: list[ResolvedFeature] = []
    skipped: list[str] = []
    for source, found in candidates:
        problem = numeric_problem(found, rows, STANDARDISE)
        if problem:
            skipped.append(f"{source.name} {problem}")
        else:
            usable.append(_numeric_feature(source, STANDARDISE, found))
    rfm_complete = bool(rfm) and all(found.present == rows for _, found in candidates[: len(rfm)])
    chosen = [f for f in usable if f.source in rfm] if rfm_complete else []
    if not chosen:
        chosen = [f for f in usable if f.source not in rfm]
    if not chosen:
        raise FeatureConfigError(
            f"{config_key('features')} is 'auto' but the input has no usable numeric feature "
            f"(candidates: the RFM log columns {list(RFM_FEATURES)}, the columns "
            f"{list(DEMOGRAPHIC_FEATURES)} and numeric `{ATTRIBUTES_COLUMN}` keys; "
            f"skipped: {skipped or 'none present'}); configure the features explicitly"
        )
    _LOG.info("segmentation features auto-resolved to %s", [f.name for f in chosen])
    if skipped:
        _LOG.info("segmentation features skipped by auto: %s", skipped)
    return ResolvedFeatures(rows, tuple(chosen), _order_by(config, chosen), tuple(skipped))


def _order_by(config: SegmentationConfig, features: Sequence[ResolvedFeature]) -> str | None:
    """Return config.order_by if it is a resolved numeric feature, else the first numeric one."""
    numeric = [feature.name for feature in features if feature.is_numeric]
    if config.order_by in numeric:
        return config.order_by
    if config.order_by is not None:
        _LOG.info(
            "segmentation order_by %r is not among the resolved features; ordering by %r",
            config.order_by,
            numeric[0] if numeric else None,
        )
    return numeric[0] if numeric else None


def resolve_features(df: DataFrame, config: SegmentationConfig) -> ResolvedFeatures:
    """Return the features a run uses over df, with their statistics (see module docstring)."""
    if config.is_auto_features:
        return _resolve_auto(df, config)
    return _resolve_explicit(df, config)
