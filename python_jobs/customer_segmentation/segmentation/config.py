"""The segmentation configuration: one frozen, validated value built from a plain dict.

The defaults below are SegmentationConfig's and the `segmentation` var's in dbt_project.yml
(a test keeps the two equal). A `--vars` value replaces the var whole, so keys left out take
these defaults.

| setting | default | meaning |
| --- | --- | --- |
| `features` | `auto` | `auto` (resolved from the data) or a mapping feature -> transform |
| `k` | `auto` | number of segments, an int >= 2; `auto`: the k rule below, in `k_min`..`k_max` |
| `k_min` | `3` | smallest k the sweep fits (>= 2): 2 segments are rarely actionable |
| `k_max` | `8` | largest k the sweep fits (capped at the number of distinct feature vectors) |
| `algorithm` | `kmeans` | `kmeans`, `bisecting_kmeans` or `gaussian_mixture` (MLlib's) |
| `n_init` | `3` | seeded initialisations per k; the best objective's fit is kept |
| `min_segment_share` | `0.05` | the k rule never takes a k with a segment below this share |
| `min_stability` | `0.9` | ... and prefers ks whose resampling stability reaches this |
| `stability_runs` | `2` | random half-splits per k for the stability score (0: not measured) |
| `stability_sample_rows` | `20000` | most rows of the common sample the halves' fits label |
| `sweep_sample_rows` | `50000` | `kmeans`: most rows of the sample the k sweep runs on |
| `seed` | `42` | seed of the first initialisation (init i uses seed + i) and the splits |
| `max_iter` | `50` | most iterations per fit |
| `id_column` | `customer_id` | the input's unique, non-null id column |
| `order_by` | `log_monetary` | segment 1 = highest centroid of this numeric feature (see below) |
| `num_partitions` | `2` | partitions of the id-hashed copy KMeans fits on (they shape its init) |
| `max_categories` | `20` | most categories a `one_hot` feature may have, null counted (<= 100000) |
| `mode` | `auto` | `train` (new model version), `score` (the current one), `auto` (below) |
| `model_store` | `null` | folder or URI of saved models; null: the warehouse's model store |
| `match_threshold` | `auto` | a retrained segment this close keeps its id; auto: see below |
| `drift_psi_threshold` | `0.25` | a feature drifts above this population stability index |
| `drift_mean_shift_threshold` | `0.5` | ... or when its mean moved more training stddevs |
| `parallelism` | `2` | fits run at once on the driver's threads (results do not depend on it) |

Transforms: `standardise` (z-score), `log1p` (ln(1 + x), then z-score), `none` (the raw value,
unscaled) and `one_hot` (an unscaled 0/1 indicator per category, null as "(missing)").
`features: auto` takes the four RFM log columns when all are complete, else every complete,
non-constant numeric column of age, annual_income_amount, spending_score, tenure_days and
numeric `attributes` key, standardised.

`k: auto` applies the k rule (segmentation.k_rule) to the sweep: a k is eligible when its
smallest segment holds at least `min_segment_share` of the customers and its stability (mean
adjusted Rand index between the fits on two random halves, both labelling a common sample)
reaches `min_stability`; the eligible k with the highest silhouette wins (ties: the smaller
k). When no k is stable the data has no segmentation it reproduces: the smallest k whose
segments all reach the minimum share is taken and the rule says so. When every k has a
segment below the minimum share, the build fails. `k: <n>` fixes k; the table still records
every criterion, so a reader sees how the fixed k compares.
`order_by` falls back to the first resolved numeric feature when it is not resolved (the
default on an input without purchase history, such as a demographic file) or is null.
`mode: auto` trains when there is no model yet, when the model settings (every key above
`mode`) or the resolved features differ from the current version's, or when a feature
drifts; otherwise it scores. `match_threshold: auto` is half the smallest distance between
two centroids of the current version (its standardised space): a new centroid that close to
an old one is nearer to it than to any other, so a kept id is never ambiguous.
The last six keys steer the lifecycle (or only the speed) and never force a retrain.
"""

from __future__ import annotations

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
TRAIN = "train"
SCORE = "score"
MODES = (TRAIN, SCORE, AUTO)
# Keys that steer the model's life rather than the model: changing them never forces a retrain.
LIFECYCLE_KEYS = (
    "mode",
    "model_store",
    "match_threshold",
    "drift_psi_threshold",
    "drift_mean_shift_threshold",
    "parallelism",
)
KMEANS = "kmeans"
BISECTING_KMEANS = "bisecting_kmeans"
GAUSSIAN_MIXTURE = "gaussian_mixture"
ALGORITHMS = (KMEANS, BISECTING_KMEANS, GAUSSIAN_MIXTURE)
DEFAULT_ORDER_BY = "log_monetary"
# min_by(..., k) in the one-pass profile (segmentation.profiling) takes k <= 100000.
MAX_CATEGORIES_LIMIT = 100_000
CONFIG_SOURCE = "dbt var `segmentation` in dbt_project.yml or --vars"


def config_key(key: str) -> str:
    """Name a config key the way every error message does, with where it is set."""
    return f"`segmentation.{key}` ({CONFIG_SOURCE})"


class SegmentationConfigError(ValueError):
    """A segmentation config value is missing, of the wrong type or out of range."""


def _is_int(value: object) -> bool:
    """Tell whether value is a real int (bool is an int subclass but never a count)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(key: str, value: object, minimum: int, maximum: int | None = None) -> None:
    """Raise unless value is an int >= minimum (and <= maximum), naming the config key."""
    if not _is_int(value) or value < minimum:  # type: ignore[operator]
        raise SegmentationConfigError(
            f"{config_key(key)} must be an int >= {minimum}, got {value!r}"
        )
    if maximum is not None and value > maximum:  # type: ignore[operator]
        raise SegmentationConfigError(
            f"{config_key(key)} must be an int <= {maximum}, got {value!r}"
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
    centroid numbers the segments; when it is not resolved (the default `log_monetary` on an
    input without it), or is None, the first resolved numeric feature does. Defaults: the
    module docstring's table.
    """

    features: Mapping[str, str] | str = AUTO_FEATURES
    k: int | str = AUTO_K
    k_min: int = 3
    k_max: int = 8
    algorithm: str = KMEANS
    n_init: int = 3
    min_segment_share: float = 0.05
    min_stability: float = 0.9
    stability_runs: int = 2
    stability_sample_rows: int = 20_000
    sweep_sample_rows: int = 50_000
    seed: int = 42
    max_iter: int = 50
    id_column: str = "customer_id"
    order_by: str | None = DEFAULT_ORDER_BY
    num_partitions: int = 2
    max_categories: int = 20
    mode: str = AUTO
    model_store: str | None = None
    match_threshold: float | str = AUTO
    drift_psi_threshold: float = 0.25
    drift_mean_shift_threshold: float = 0.5
    parallelism: int = 2

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
        self._validate_k_rule()
        _require_int("seed", self.seed, 0)
        _require_int("max_iter", self.max_iter, 1)
        _require_int("num_partitions", self.num_partitions, 1)
        _require_int("max_categories", self.max_categories, 2, MAX_CATEGORIES_LIMIT)
        if not isinstance(self.id_column, str) or not self.id_column:
            raise SegmentationConfigError(
                f"{config_key('id_column')} must be a non-empty string, got {self.id_column!r}"
            )
        if self.id_column in self.feature_names:
            raise SegmentationConfigError(
                f"{config_key('features')} must not contain the id column {self.id_column!r}"
            )
        self._validate_order_by()
        self._validate_lifecycle()
        _require_int("parallelism", self.parallelism, 1, 64)

    def _validate_k_rule(self) -> None:
        """Raise unless the algorithm, its initialisations and the k rule's inputs are usable."""
        if self.algorithm not in ALGORITHMS:
            raise SegmentationConfigError(
                f"{config_key('algorithm')} must be one of {list(ALGORITHMS)}, "
                f"got {self.algorithm!r}"
            )
        _require_int("n_init", self.n_init, 1, 100)
        _require_int("stability_runs", self.stability_runs, 0, 100)
        _require_int("stability_sample_rows", self.stability_sample_rows, 100)
        _require_int("sweep_sample_rows", self.sweep_sample_rows, 100)
        for key in ("min_segment_share", "min_stability"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
                raise SegmentationConfigError(
                    f"{config_key(key)} must be a number >= 0 and < 1, got {value!r}"
                )

    def _validate_lifecycle(self) -> None:
        """Raise unless mode, model_store and the lifecycle thresholds are usable."""
        if self.mode not in MODES:
            raise SegmentationConfigError(
                f"{config_key('mode')} must be one of {list(MODES)}, got {self.mode!r}"
            )
        if self.model_store is not None and (
            not isinstance(self.model_store, str) or not self.model_store.strip()
        ):
            raise SegmentationConfigError(
                f"{config_key('model_store')} must be a path or URI, or null, "
                f"got {self.model_store!r}"
            )
        for key in ("match_threshold", "drift_psi_threshold", "drift_mean_shift_threshold"):
            value = getattr(self, key)
            if key == "match_threshold" and value == AUTO:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not (0 <= value < float("inf"))
            ):
                raise SegmentationConfigError(
                    f"{config_key(key)} must be a finite number >= 0"
                    + (" or 'auto'" if key == "match_threshold" else "")
                    + f", got {value!r}"
                )

    def _validate_order_by(self) -> None:
        """Raise unless order_by is None or a string; with explicit features, a numeric one.

        With explicit features the default order_by may be left out of them (it then falls
        back to the first numeric feature); any other order_by must name a numeric one.
        """
        if self.order_by is None:
            return
        if not isinstance(self.order_by, str) or not self.order_by:
            raise SegmentationConfigError(
                f"{config_key('order_by')} must be a feature name or null, got {self.order_by!r}"
            )
        if self.is_auto_features:
            return  # checked against the resolved features; unresolved falls back
        numeric = [name for name in self.feature_names if self.features[name] != ONE_HOT]
        if self.order_by == DEFAULT_ORDER_BY and self.order_by not in self.features:
            return  # the default, not configured: falls back to the first numeric feature
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
        """Tell whether k is chosen by the k rule over the sweep rather than fixed."""
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


def model_fingerprint(config: SegmentationConfig) -> str:
    """Return a short hash of the settings that define a model (not the LIFECYCLE_KEYS)."""
    payload = {key: value for key, value in config.to_dict().items() if key not in LIFECYCLE_KEYS}
    if not config.is_auto_features:
        payload["features"] = [[name, transform] for name, transform in config.features.items()]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
