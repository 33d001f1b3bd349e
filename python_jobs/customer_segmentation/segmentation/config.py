"""The segmentation configuration: one frozen, validated value built from a plain dict."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

AUTO = "auto"
AUTO_K = AUTO
AUTO_FEATURES = AUTO
STANDARDISE = "standardise"
LOG1P = "log1p"
NONE = "none"
ONE_HOT = "one_hot"
TRANSFORMS = (STANDARDISE, LOG1P, NONE, ONE_HOT)
NUMERIC_TRANSFORMS = (STANDARDISE, LOG1P, NONE)
CONFIG_SOURCE = "dbt var `segmentation` in dbt_project.yml or --vars"


def config_key(key: str) -> str:
    """Name a config key the way every error message does, with where it is set."""
    return f"`segmentation.{key}` ({CONFIG_SOURCE})"


class SegmentationConfigError(ValueError):
    """A segmentation config value is missing, of the wrong type or out of range."""


def _is_int(value: object) -> bool:
    """Tell whether value is a real int (bool is an int subclass but never a count)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(key: str, value: object, minimum: int) -> None:
    """Raise unless value is an int >= minimum, naming the config key."""
    if not _is_int(value) or value < minimum:  # type: ignore[operator]
        raise SegmentationConfigError(
            f"{config_key(key)} must be an int >= {minimum}, got {value!r}"
        )


def _validate_features(features: object) -> None:
    """Raise unless features is "auto" or a non-empty mapping of name -> known transform."""
    if features == AUTO_FEATURES:
        return
    if not isinstance(features, Mapping) or not features:
        raise SegmentationConfigError(
            f"{config_key('features')} must be {AUTO_FEATURES!r} or a non-empty mapping of "
            f"feature name -> transform, got {features!r}"
        )
    for name, transform in features.items():
        if not isinstance(name, str) or not name:
            raise SegmentationConfigError(
                f"{config_key('features')} has a bad feature name {name!r}"
            )
        if transform not in TRANSFORMS:
            raise SegmentationConfigError(
                f"{config_key('features')}: transform {transform!r} for feature {name!r} is "
                f"not one of {list(TRANSFORMS)}"
            )


@dataclass(frozen=True)
class SegmentationConfig:
    """How customers are segmented: features and transforms, k (or its search range), seed.

    features is "auto" (resolved from the data, see segmentation.resolution) or a mapping of
    feature name (a column of the input, else a key of its `attributes` map) to transform:
    standardise (z-score), log1p (ln(1 + x), then z-score), none (the raw value, unscaled: only
    for features already on a comparable scale) or one_hot (one unscaled 0/1 indicator per
    category, at most max_categories). order_by names the numeric feature whose descending
    centroid numbers the segments; None means the first resolved numeric feature.
    """

    features: Mapping[str, str] | str = AUTO_FEATURES
    k: int | str = AUTO_K
    k_min: int = 2
    k_max: int = 8
    seed: int = 42
    max_iter: int = 50
    id_column: str = "customer_id"
    order_by: str | None = None
    num_partitions: int = 4
    max_categories: int = 20

    def __post_init__(self) -> None:
        """Validate every field and freeze the feature mapping."""
        _validate_features(self.features)
        if isinstance(self.features, Mapping):
            object.__setattr__(self, "features", MappingProxyType(dict(self.features)))
        if self.k != AUTO_K and (not _is_int(self.k) or self.k < 2):  # type: ignore[operator]
            raise SegmentationConfigError(
                f"{config_key('k')} must be an int >= 2 or {AUTO_K!r}, got {self.k!r}"
            )
        _require_int("k_min", self.k_min, 2)
        _require_int("k_max", self.k_max, 2)
        if self.k_max < self.k_min:
            raise SegmentationConfigError(
                f"{config_key('k_max')} ({self.k_max}) must be >= `k_min` ({self.k_min})"
            )
        _require_int("seed", self.seed, 0)
        _require_int("max_iter", self.max_iter, 1)
        _require_int("num_partitions", self.num_partitions, 1)
        _require_int("max_categories", self.max_categories, 2)
        if not isinstance(self.id_column, str) or not self.id_column:
            raise SegmentationConfigError(
                f"{config_key('id_column')} must be a non-empty string, got {self.id_column!r}"
            )
        if self.id_column in self.feature_names:
            raise SegmentationConfigError(
                f"{config_key('features')} must not contain the id column {self.id_column!r}"
            )
        self._validate_order_by()

    def _validate_order_by(self) -> None:
        """Raise unless order_by is None or a string; with explicit features, a numeric one."""
        if self.order_by is None:
            return
        if not isinstance(self.order_by, str) or not self.order_by:
            raise SegmentationConfigError(
                f"{config_key('order_by')} must be a feature name or null, got {self.order_by!r}"
            )
        if self.is_auto_features:
            return  # checked against the resolved features; unresolved falls back
        numeric = [name for name in self.feature_names if self.features[name] != ONE_HOT]
        if self.order_by not in numeric:
            raise SegmentationConfigError(
                f"{config_key('order_by')} ({self.order_by!r}) must be one of the numeric "
                f"(not one_hot) `features` {numeric}"
            )

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> SegmentationConfig:
        """Build a validated config from a plain dict (dbt config / vars); None means defaults."""
        if values is None:
            return cls()
        if not isinstance(values, Mapping):
            raise SegmentationConfigError(
                f"segmentation config ({CONFIG_SOURCE}) must be a mapping, "
                f"got {type(values).__name__}"
            )
        known = [item.name for item in fields(cls)]
        unknown = sorted(str(key) for key in values if key not in known)
        if unknown:
            raise SegmentationConfigError(
                f"unknown segmentation config key(s) {unknown} ({CONFIG_SOURCE}); expected "
                f"some of {known}"
            )
        return cls(**dict(values))

    @property
    def is_auto_features(self) -> bool:
        """Tell whether the features are resolved from the data rather than configured."""
        return self.features == AUTO_FEATURES

    @property
    def feature_names(self) -> list[str]:
        """The configured feature names in order (empty when features is "auto")."""
        return [] if self.is_auto_features else list(self.features)

    @property
    def is_auto_k(self) -> bool:
        """Tell whether k is chosen by the silhouette sweep rather than fixed."""
        return self.k == AUTO_K

    def to_dict(self) -> dict[str, Any]:
        """Return the config as a plain dict that from_dict accepts back."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        if not self.is_auto_features:
            values["features"] = dict(self.features)  # type: ignore[arg-type]
        return values

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickle and deepcopy through to_dict (a mapping proxy cannot be pickled)."""
        return (type(self).from_dict, (self.to_dict(),))


def canonical_json(config: SegmentationConfig, as_of_date: dt.date | str) -> str:
    """Serialise config and as-of date to one canonical JSON string (feature order kept)."""
    if isinstance(as_of_date, dt.datetime):
        raise TypeError("as_of_date must be a date or an ISO date string, not a datetime")
    if isinstance(as_of_date, str):
        as_of_date = dt.date.fromisoformat(as_of_date)
    if not isinstance(as_of_date, dt.date):
        raise TypeError(f"as_of_date must be a date or an ISO date string, got {as_of_date!r}")
    payload = config.to_dict()
    if not config.is_auto_features:
        payload["features"] = [[name, transform] for name, transform in payload["features"].items()]
    payload["as_of_date"] = as_of_date.isoformat()
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def run_id(config: SegmentationConfig, as_of_date: dt.date | str) -> str:
    """Return a short, deterministic id (sha256 prefix) of config + as-of date for tagging."""
    return hashlib.sha256(canonical_json(config, as_of_date).encode("utf-8")).hexdigest()[:16]
