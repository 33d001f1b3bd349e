"""The model's life across builds: train a new version or score with the current one.

advance() is what the `segmentation_models` dbt model runs each build. Given the feature mart
and the registry's records so far, it measures drift against the current version, decides
(`segmentation.mode`: train, score, or auto), and returns the registry's new records:

- score: the current version is kept; its latest-build columns (action, reason, drift) are
  updated. Nothing is fitted.
- train: a new version is fitted (features resolved and scaled once, k swept, the chosen fit
  kept), saved as one PipelineModel under the model store, matched to the current version
  (segmentation.matching) so that surviving segments keep their ids, and marked current.

Centroids are matched in the current version's standardised space: a new centroid is mapped
back through its own scaler to the transformed values, then standardised with the current
version's statistics. Versions over different coordinates (other features or categories)
share no ids: every segment of the new version is new.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from pyspark.sql import DataFrame

from customer_segmentation.segmentation.config import (
    AUTO,
    SCORE,
    TRAIN,
    SegmentationConfig,
    model_fingerprint,
)
from customer_segmentation.segmentation.drift import FeatureDrift, baselines, drift
from customer_segmentation.segmentation.expressions import ATTRIBUTES_COLUMN
from customer_segmentation.segmentation.features import is_scaled
from customer_segmentation.segmentation.matching import match_segments
from customer_segmentation.segmentation.model import SegmentationModel, train_model
from customer_segmentation.segmentation.registry import (
    ModelRegistryError,
    baselines_of,
    current_record,
    drift_record,
    feature_record,
    resolved_of,
    version_path,
)
from customer_segmentation.segmentation.resolution import (
    FeatureConfigError,
    ResolvedFeatures,
    resolve_features,
)
from customer_segmentation.segmentation.runs import as_of_date_of


def slot_statistics(resolved: ResolvedFeatures) -> dict[str, tuple[float, float] | None]:
    """Map each vector coordinate's name to its scaler (mean, stddev), None when unscaled."""
    statistics: dict[str, tuple[float, float] | None] = {}
    for feature in resolved.features:
        for slot in feature.slot_names:
            statistics[slot] = (feature.mean, feature.stddev) if is_scaled(feature) else None
    return statistics


def to_reference_space(
    center: Sequence[float],
    slot_names: Sequence[str],
    own: Mapping[str, tuple[float, float] | None],
    reference: Mapping[str, tuple[float, float] | None],
    slots: Sequence[str],
) -> list[float]:
    """Re-express a centre over `slots` in another version's scaling: unscale, then rescale.

    A slot the centre does not have (a one_hot category only the other version has) is 0:
    none of the version's customers is in that category.
    """
    values = {}
    for slot, value in zip(slot_names, center, strict=True):
        scaling = own[slot]
        values[slot] = value * scaling[1] + scaling[0] if scaling else value
    result = []
    for slot in slots:
        scaling = reference.get(slot)
        value = values.get(slot, 0.0)
        result.append((value - scaling[0]) / scaling[1] if scaling else value)
    return result


def comparable(model: SegmentationModel, current: Mapping[str, Any]) -> bool:
    """Tell whether two versions share coordinates: the same features with the same transforms.

    one_hot categories may differ (an indicator a version lacks is 0 for all its customers).
    """
    return current["features_description"] == model.resolved.describe()


def segment_records(
    model: SegmentationModel, current: Mapping[str, Any] | None, threshold: float, next_id: int
) -> tuple[list[dict[str, Any]], list[int]]:
    """Return the new version's SEGMENT_TYPE values and the current ids that vanished.

    Both versions' centroids are compared in the current version's standardised space, over
    the union of their coordinates; versions over other features share no ids.
    """
    order = sorted(range(model.k), key=lambda cluster: model.ranks[cluster])
    previous: dict[int, list[float]] = {}
    centers = model.centers
    if current is not None and comparable(model, current):
        reference = slot_statistics(resolved_of(current))
        slots = list(current["slot_names"]) + [
            slot for slot in model.slot_names if slot not in current["slot_names"]
        ]
        previous = {
            int(segment["segment_id"]): to_reference_space(
                segment["centroid"], current["slot_names"], reference, reference, slots
            )
            for segment in current["segments"]
        }
        own = slot_statistics(model.resolved)
        centers = [
            to_reference_space(center, model.slot_names, own, reference, slots)
            for center in model.centers
        ]
    result = match_segments(previous, centers, threshold, next_id, order)
    vanished = list(result.vanished_segment_ids)
    if current is not None and not previous:
        # not comparable: every current segment vanishes
        vanished = sorted(int(segment["segment_id"]) for segment in current["segments"])
    segments = [
        {
            "segment_id": match.segment_id,
            "cluster_index": match.new_index,
            "segment_rank": model.ranks[match.new_index],
            "centroid": model.centers[match.new_index],
            "is_new": match.is_new,
            "matched_distance": match.distance,
        }
        for match in result.matches
    ]
    return segments, vanished


def match_threshold(config: SegmentationConfig, current: Mapping[str, Any] | None) -> float:
    """The configured threshold, or (auto) half the smallest distance between current centroids."""
    if config.match_threshold != AUTO:
        return float(config.match_threshold)
    if current is None:
        return 0.0
    centroids = [[float(value) for value in segment["centroid"]] for segment in current["segments"]]
    return (
        min(
            math.dist(first, second)
            for index, first in enumerate(centroids)
            for second in centroids[index + 1 :]
        )
        / 2
    )


def retrain_reason(
    config: SegmentationConfig,
    current: Mapping[str, Any] | None,
    resolved: ResolvedFeatures | None,
    drifted: Sequence[FeatureDrift],
) -> str | None:
    """Why this build trains a new version (None: score with the current one)."""
    if current is None:
        return "no model version yet"
    if config.mode == TRAIN:
        return "mode: train"
    if config.mode == SCORE:
        return None
    if current["model_fingerprint"] != model_fingerprint(config):
        return "model settings changed"
    if resolved is not None and resolved.describe() != current["features_description"]:
        return f"features changed: {current['features_description']} -> {resolved.describe()}"
    if any(found.missing_count for found in drifted):
        return "features incomplete for the current version"
    flagged = [found for found in drifted if found.is_drifted]
    if flagged:
        return "drift: " + ", ".join(
            f"{found.feature} (PSI {found.psi:.3f}"
            + (
                f", mean shift {found.mean_shift_sd:+.2f} sd)"
                if found.mean_shift_sd is not None
                else ")"
            )
            for found in flagged
        )
    return None


def measurable(features_df: DataFrame, current: Mapping[str, Any]) -> bool:
    """Tell whether the mart still has every column the current version reads."""
    columns = set(features_df.columns)
    return all(
        (value["is_attribute"] and ATTRIBUTES_COLUMN in columns) or value["name"] in columns
        for value in current["features"]
    )


def require_scorable(drifted: Sequence[FeatureDrift], version: int) -> None:
    """Raise when a model feature is null or not finite for some customers of the mart."""
    missing = [
        f"{found.feature} ({found.missing_count})" for found in drifted if found.missing_count
    ]
    if missing:
        raise FeatureConfigError(
            f"model version {version} cannot score every customer: null or non-finite values "
            f"in {', '.join(missing)} (customers per feature); fix the input, or retrain "
            "(`segmentation.mode: train`) on features the mart has"
        )


def build_fields(
    action: str,
    reason: str,
    as_of: dt.date,
    rows: int,
    now: dt.datetime,
    config: SegmentationConfig,
    drifted: Sequence[FeatureDrift],
) -> dict[str, Any]:
    """The latest-build columns of a record: what this build did with the version, and why."""
    return {
        "last_build_at": now,
        "last_build_action": action,
        "last_build_reason": reason,
        "last_build_as_of_date": as_of,
        "last_build_row_count": rows,
        "drift_psi_threshold": float(config.drift_psi_threshold),
        "drift_mean_shift_threshold": float(config.drift_mean_shift_threshold),
        "drift": [drift_record(found) for found in drifted],
    }


def advance(
    features_df: DataFrame,
    records: Sequence[Mapping[str, Any]],
    config: SegmentationConfig,
    store: str,
    registry_relation: str,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Return the registry after this build: the current version scored, or a new one trained.

    store is the model store root (registry.store_root); registry_relation names the
    registry table, so each registry has its own folder there.
    """
    current = current_record(records)
    as_of = as_of_date_of(features_df)
    if current is None and config.mode == SCORE:
        raise ModelRegistryError(
            "`segmentation.mode` is score but segmentation_models has no model version yet; "
            "train one first (mode train or auto)"
        )
    drifted: list[FeatureDrift] = []
    resolved = None
    if current is not None:
        if config.mode == AUTO:
            resolved = resolve_features(features_df, config)
        if config.mode == SCORE or measurable(features_df, current):
            drifted = drift(
                features_df,
                baselines_of(current),
                config.drift_psi_threshold,
                config.drift_mean_shift_threshold,
            )
    reason = retrain_reason(config, current, resolved, drifted)
    if reason is None:
        assert current is not None  # no reason to train means there is a version to score with
        require_scorable(drifted, current["model_version"])
        why = "mode: score" if config.mode == SCORE else "auto: same settings, no drift"
        latest = build_fields("scored", why, as_of, drifted[0].row_count, now, config, drifted)
        latest["drift_reference_version"] = current["model_version"]
        return [
            {**record, **latest} if record["is_current"] else dict(record) for record in records
        ]
    trained = _train_version(
        features_df,
        records,
        current,
        config,
        store,
        registry_relation,
        now,
        reason,
        resolved,
        as_of,
        drifted,
    )
    return [{**record, "is_current": False} for record in records] + [trained]


def _train_version(
    features_df: DataFrame,
    records: Sequence[Mapping[str, Any]],
    current: Mapping[str, Any] | None,
    config: SegmentationConfig,
    store: str,
    registry_relation: str,
    now: dt.datetime,
    reason: str,
    resolved: ResolvedFeatures | None,
    as_of: dt.date,
    drifted: Sequence[FeatureDrift],
) -> dict[str, Any]:
    """Fit, save and describe a new version (the record, marked current).

    Its drift columns keep this build's drift against the version that was current (what a
    drift-triggered retrain reacted to); a first version records none against itself.
    """
    model = train_model(features_df, config, resolved)
    references = baselines(features_df, model.resolved.features)
    version = max((int(record["model_version"]) for record in records), default=0) + 1
    issued = [int(s["segment_id"]) for record in records for s in record["segments"]]
    threshold = match_threshold(config, current)
    segments, vanished = segment_records(model, current, threshold, max(issued, default=0) + 1)
    path = version_path(store, registry_relation, version, now.strftime("%Y%m%dT%H%M%S"))
    model.pipeline.write().overwrite().save(path)
    chosen = model.chosen
    rows = model.resolved.row_count
    reference_version = current["model_version"] if current is not None and drifted else version
    if not drifted:
        drifted = [
            FeatureDrift(
                feature=reference.feature.name,
                transform=reference.feature.transform,
                training_mean=reference.feature.mean if reference.feature.is_numeric else None,
                current_mean=reference.feature.mean if reference.feature.is_numeric else None,
                mean_shift_sd=0.0 if reference.feature.is_numeric else None,
                psi=0.0,
                missing_count=0,
                is_drifted=False,
                row_count=rows,
            )
            for reference in references
        ]
    return {
        "model_version": version,
        "is_current": True,
        "model_path": path,
        "trained_at": now,
        "trained_because": reason,
        "as_of_date": as_of,
        "training_row_count": rows,
        "model_fingerprint": model_fingerprint(config),
        "config_json": json.dumps(config.to_dict(), sort_keys=True),
        "features_description": model.resolved.describe(),
        "order_by": model.resolved.order_by,
        "id_column": config.id_column,
        "features": [feature_record(reference) for reference in references],
        "slot_names": list(model.slot_names),
        "k": model.k,
        "wcss": chosen.wcss,
        "silhouette": chosen.silhouette,
        "davies_bouldin": chosen.davies_bouldin,
        "calinski_harabasz": chosen.calinski_harabasz,
        "smallest_segment_share": chosen.smallest_segment_share,
        "stability": chosen.stability,
        "algorithm": model.algorithm,
        "k_rule": model.k_rule,
        "segments": segments,
        "vanished_segment_ids": vanished,
        "match_threshold": threshold,
        "k_selection": [asdict(score) for score in model.sweep],
        **build_fields("trained", reason, as_of, rows, now, config, drifted),
        "drift_reference_version": reference_version,
    }
