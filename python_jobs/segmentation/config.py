"""The segmentation configuration: one frozen, validated value built from a plain dict."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

TRANSFORMS = ("none", "log1p")
AUTO_K = "auto"
DEFAULT_FEATURES: Mapping[str, str] = MappingProxyType(
    {
        "log_recency_days": "none",
        "log_frequency": "none",
        "log_monetary": "none",
        "log_avg_order_value": "none",
    }
)


class SegmentationConfigError(ValueError):
    """A segmentation config value is missing, of the wrong type or out of range."""


def _is_int(value: object) -> bool:
    """Tell whether value is a real int (bool is an int subclass but never a count)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(key: str, value: object, minimum: int) -> None:
    """Raise unless value is an int >= minimum, naming the config key."""
    if not _is_int(value) or value < minimum:  # type: ignore[operator]
        raise SegmentationConfigError(
            f"segmentation config key `{key}` must be an int >= {minimum}, got {value!r}"
        )


@dataclass(frozen=True)
class SegmentationConfig:
    """How customers are segmented: features and transforms, k (or its search range), seed."""

    features: Mapping[str, str] = field(default_factory=lambda: DEFAULT_FEATURES, hash=False)
    k: int | str = AUTO_K
    k_min: int = 2
    k_max: int = 8
    seed: int = 42
    max_iter: int = 50
    id_column: str = "customer_id"
    order_by: str = "log_monetary"
    num_partitions: int = 4

    def __post_init__(self) -> None:
        """Validate every field and freeze the feature mapping."""
        if not isinstance(self.features, Mapping) or not self.features:
            raise SegmentationConfigError(
                "segmentation config key `features` must be a non-empty mapping of "
                f"column name -> transform, got {self.features!r}"
            )
        for name, transform in self.features.items():
            if not isinstance(name, str) or not name:
                raise SegmentationConfigError(
                    f"segmentation config key `features` has a bad column name {name!r}"
                )
            if transform not in TRANSFORMS:
                raise SegmentationConfigError(
                    f"segmentation config key `features`: transform {transform!r} for column "
                    f"{name!r} is not one of {list(TRANSFORMS)}"
                )
        object.__setattr__(self, "features", MappingProxyType(dict(self.features)))
        if self.k != AUTO_K and (not _is_int(self.k) or self.k < 2):  # type: ignore[operator]
            raise SegmentationConfigError(
                f"segmentation config key `k` must be an int >= 2 or {AUTO_K!r}, got {self.k!r}"
            )
        _require_int("k_min", self.k_min, 2)
        _require_int("k_max", self.k_max, 2)
        if self.k_max < self.k_min:
            raise SegmentationConfigError(
                f"segmentation config key `k_max` ({self.k_max}) must be >= `k_min` ({self.k_min})"
            )
        _require_int("seed", self.seed, 0)
        _require_int("max_iter", self.max_iter, 1)
        _require_int("num_partitions", self.num_partitions, 1)
        if not isinstance(self.id_column, str) or not self.id_column:
            raise SegmentationConfigError(
                f"segmentation config key `id_column` must be a non-empty string, "
                f"got {self.id_column!r}"
            )
        if self.id_column in self.features:
            raise SegmentationConfigError(
                f"segmentation config key `features` must not contain the id column "
                f"{self.id_column!r}"
            )
        if self.order_by not in self.features:
            raise SegmentationConfigError(
                f"segmentation config key `order_by` ({self.order_by!r}) must be one of "
                f"`features` {list(self.features)}"
            )

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> SegmentationConfig:
        """Build a validated config from a plain dict (dbt config / vars); None means defaults."""
        if values is None:
            return cls()
        if not isinstance(values, Mapping):
            raise SegmentationConfigError(
                f"segmentation config must be a mapping, got {type(values).__name__}"
            )
        known = [item.name for item in fields(cls)]
        unknown = sorted(str(key) for key in values if key not in known)
        if unknown:
            raise SegmentationConfigError(
                f"unknown segmentation config key(s) {unknown}; expected some of {known}"
            )
        return cls(**dict(values))

    @property
    def feature_names(self) -> list[str]:
        """The configured feature columns, in configuration order."""
        return list(self.features)

    @property
    def is_auto_k(self) -> bool:
        """Tell whether k is chosen by the silhouette sweep rather than fixed."""
        return self.k == AUTO_K

    def to_dict(self) -> dict[str, Any]:
        """Return the config as a plain dict that from_dict accepts back."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        values["features"] = dict(self.features)
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
    payload["features"] = [[name, transform] for name, transform in config.features.items()]
    payload["as_of_date"] = as_of_date.isoformat()
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def run_id(config: SegmentationConfig, as_of_date: dt.date | str) -> str:
    """Return a short, deterministic id (sha256 prefix) of config + as-of date for tagging."""
    return hashlib.sha256(canonical_json(config, as_of_date).encode("utf-8")).hexdigest()[:16]
