"""SegmentationConfig validation, run ids, and the pure helpers that choose k and order segments."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
from pathlib import Path

import pytest
import yaml

from customer_segmentation.segmentation import SegmentationConfig, SegmentationConfigError
from customer_segmentation.segmentation.clustering import candidate_ks
from customer_segmentation.segmentation.config import LIFECYCLE_KEYS, model_fingerprint
from customer_segmentation.segmentation.criteria import davies_bouldin
from customer_segmentation.segmentation.labels import segment_order

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"


def test_from_dict_none_gives_documented_defaults() -> None:
    config = SegmentationConfig.from_dict(None)
    assert config.features == "auto"
    assert config.is_auto_features
    assert config.feature_names == []
    assert (config.k, config.k_min, config.k_max) == ("auto", 3, 8)
    assert (config.algorithm, config.n_init, config.parallelism) == ("kmeans", 3, 2)
    assert (config.min_segment_share, config.min_stability) == (0.05, 0.9)
    assert (config.stability_runs, config.stability_sample_rows) == (2, 20_000)
    assert (config.seed, config.max_iter, config.num_partitions) == (42, 50, 2)
    assert config.sweep_sample_rows == 50_000
    assert (config.id_column, config.order_by) == ("customer_id", "log_monetary")
    assert config.max_categories == 20
    assert (config.mode, config.model_store) == ("auto", None)
    assert (config.match_threshold, config.drift_psi_threshold) == ("auto", 0.25)
    assert config.drift_mean_shift_threshold == 0.5


def test_lifecycle_keys_are_the_last_six_config_keys() -> None:
    # The module docstring: the model settings are every key above `mode`, then the lifecycle.
    names = [item.name for item in dataclasses.fields(SegmentationConfig)]
    assert names[-len(LIFECYCLE_KEYS) :] == list(LIFECYCLE_KEYS)
    assert names[-len(LIFECYCLE_KEYS)] == "mode"
    assert len(LIFECYCLE_KEYS) == 6


def test_dbt_project_segmentation_var_defaults_equal_the_library_defaults() -> None:
    # One set of defaults: a `--vars` segmentation value replaces the var whole, and keys it
    # leaves out take SegmentationConfig's defaults, so both sides must agree key by key.
    project = yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))
    var_defaults = project["vars"]["segmentation"]
    library_defaults = {item.name: item.default for item in dataclasses.fields(SegmentationConfig)}
    assert var_defaults == library_defaults
    assert SegmentationConfig.from_dict(var_defaults) == SegmentationConfig()


@pytest.mark.parametrize(
    "values",
    [
        {"features": {"monetary": "log1p", "frequency": "none"}, "order_by": "monetary", "k": 3},
        {"features": {"age": "standardise", "education": "one_hot"}, "max_categories": 5},
        {"features": "auto", "order_by": "log_monetary"},
    ],
)
def test_from_dict_round_trips_through_to_dict_and_pickle(values: dict) -> None:
    config = SegmentationConfig.from_dict(values)
    assert SegmentationConfig.from_dict(config.to_dict()) == config
    assert pickle.loads(pickle.dumps(config)) == config
    assert copy.deepcopy(config) == config


def test_explicit_features_keep_their_order() -> None:
    config = SegmentationConfig.from_dict({"features": {"monetary": "log1p", "age": "none"}})
    assert config.feature_names == ["monetary", "age"]
    assert not config.is_auto_features
    assert config.order_by == "log_monetary"  # not among them: falls back when resolved


def test_explicit_features_accept_the_default_order_by_but_not_another_unknown_one() -> None:
    features = {"age": "standardise", "city": "one_hot"}
    assert SegmentationConfig.from_dict({"features": features}).order_by == "log_monetary"
    assert SegmentationConfig.from_dict({"features": features, "order_by": None}).order_by is None
    with pytest.raises(SegmentationConfigError, match=r"\('income'\) must be one of the numeric"):
        SegmentationConfig.from_dict({"features": features, "order_by": "income"})


def test_config_features_cannot_be_mutated() -> None:
    features = {"log_monetary": "standardise", "log_frequency": "standardise"}
    config = SegmentationConfig.from_dict({"features": features})
    features["log_frequency"] = "log1p"
    assert config.features["log_frequency"] == "standardise"
    with pytest.raises(TypeError):
        config.features["log_monetary"] = "log1p"  # type: ignore[index]


def test_auto_features_accept_any_order_by() -> None:
    # Checked against the resolved features at run time (falls back to the first one).
    config = SegmentationConfig.from_dict({"order_by": "log_monetary"})
    assert (config.features, config.order_by) == ("auto", "log_monetary")


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"features": {"log_monetary": "log"}}, "features"),
        ({"features": {"log_monetary": "standardize"}}, "features"),
        ({"features": {"log_monetary": "none"}, "order_by": "log_frequency"}, "order_by"),
        ({"features": {"age": "none", "city": "one_hot"}, "order_by": "city"}, "order_by"),
        ({"order_by": ""}, "order_by"),
        ({"order_by": 3}, "order_by"),
        ({"features": {}}, "features"),
        ({"features": ["log_monetary"]}, "features"),
        ({"features": "AUTO"}, "features"),
        ({"features": None}, "features"),
        ({"max_categories": 1}, "max_categories"),
        ({"max_categories": "20"}, "max_categories"),
        ({"max_categories": 100_001}, "max_categories"),
        ({"features": {"log_monetary": "one_hot", "age": "none"}}, "order_by"),
        ({"k": 1}, "k"),
        ({"k": "AUTO"}, "k"),
        ({"k": True}, "k"),
        ({"k": 3.0}, "k"),
        ({"k_min": 1}, "k_min"),
        ({"k_min": 5, "k_max": 4}, "k_max"),
        ({"seed": -1}, "seed"),
        ({"max_iter": 0}, "max_iter"),
        ({"id_column": ""}, "id_column"),
        ({"id_column": "log_monetary", "features": {"log_monetary": "none"}}, "features"),
        ({"n_clusters": 4}, "n_clusters"),
        ({"mode": "fit"}, "mode"),
        ({"mode": "AUTO"}, "mode"),
        ({"mode": None}, "mode"),
        ({"model_store": ""}, "model_store"),
        ({"model_store": "   "}, "model_store"),
        ({"model_store": 7}, "model_store"),
        ({"match_threshold": -0.1}, "match_threshold"),
        ({"match_threshold": float("inf")}, "match_threshold"),
        ({"match_threshold": float("nan")}, "match_threshold"),
        ({"match_threshold": True}, "match_threshold"),
        ({"algorithm": "dbscan"}, "algorithm"),
        ({"algorithm": "KMeans"}, "algorithm"),
        ({"n_init": 0}, "n_init"),
        ({"n_init": 101}, "n_init"),
        ({"min_segment_share": 1.0}, "min_segment_share"),
        ({"min_segment_share": -0.01}, "min_segment_share"),
        ({"min_stability": True}, "min_stability"),
        ({"min_stability": 1}, "min_stability"),
        ({"stability_runs": -1}, "stability_runs"),
        ({"stability_sample_rows": 99}, "stability_sample_rows"),
        ({"parallelism": 0}, "parallelism"),
        ({"match_threshold": "1.0"}, "match_threshold"),
        ({"match_threshold": None}, "match_threshold"),
        ({"match_threshold": "AUTO"}, "match_threshold"),
        ({"drift_psi_threshold": -1}, "drift_psi_threshold"),
        ({"drift_psi_threshold": float("inf")}, "drift_psi_threshold"),
        ({"drift_psi_threshold": False}, "drift_psi_threshold"),
        ({"drift_psi_threshold": "auto"}, "drift_psi_threshold"),
        ({"drift_mean_shift_threshold": -0.5}, "drift_mean_shift_threshold"),
        ({"drift_mean_shift_threshold": float("-inf")}, "drift_mean_shift_threshold"),
        ({"drift_mean_shift_threshold": True}, "drift_mean_shift_threshold"),
        ({"drift_mean_shift_threshold": "auto"}, "drift_mean_shift_threshold"),
    ],
)
def test_from_dict_rejects_bad_values_naming_the_key(values: dict, key: str) -> None:
    with pytest.raises(SegmentationConfigError, match=f"{key}"):
        SegmentationConfig.from_dict(values)


@pytest.mark.parametrize(
    "values",
    [
        {"mode": "train"},
        {"mode": "score"},
        {"model_store": "s3a://bucket/segmentation models"},
        {"model_store": "models/store"},
        {"match_threshold": 0},
        {"match_threshold": 2},
        {"match_threshold": 0.75},
        {"match_threshold": "auto"},
        {"drift_psi_threshold": 0.0},
        {"drift_mean_shift_threshold": 1e9},
    ],
)
def test_from_dict_accepts_valid_lifecycle_values(values: dict) -> None:
    config = SegmentationConfig.from_dict(values)
    for key, value in values.items():
        assert getattr(config, key) == value
    assert SegmentationConfig.from_dict(config.to_dict()) == config


def test_lifecycle_errors_name_the_key_and_the_bad_value() -> None:
    with pytest.raises(SegmentationConfigError) as caught:
        SegmentationConfig.from_dict({"mode": "fit"})
    assert "`segmentation.mode`" in str(caught.value)
    assert "['train', 'score', 'auto'], got 'fit'" in str(caught.value)
    with pytest.raises(SegmentationConfigError) as caught:
        SegmentationConfig.from_dict({"drift_psi_threshold": True})
    assert "`segmentation.drift_psi_threshold`" in str(caught.value)
    assert "finite number >= 0, got True" in str(caught.value)


def test_config_errors_are_value_errors_that_say_where_the_config_lives() -> None:
    with pytest.raises(ValueError) as caught:
        SegmentationConfig.from_dict({"features": {"log_monetary": "sqrt"}})
    message = str(caught.value)
    assert "`segmentation.features` (dbt var `segmentation` in dbt_project.yml" in message
    assert "transform 'sqrt' for feature 'log_monetary'" in message
    assert "'standardise', 'log1p', 'none', 'one_hot'" in message


def test_model_fingerprint_is_a_short_deterministic_hash() -> None:
    fingerprint = model_fingerprint(SegmentationConfig.from_dict({"k": 4}))
    assert fingerprint == model_fingerprint(SegmentationConfig.from_dict({"k": 4}))
    assert len(fingerprint) == 16
    assert int(fingerprint, 16) >= 0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mode", "train"),
        ("mode", "score"),
        ("model_store", "/elsewhere"),
        ("match_threshold", 0.0),
        ("drift_psi_threshold", 0.1),
        ("drift_mean_shift_threshold", 3.0),
        ("parallelism", 4),
    ],
)
def test_model_fingerprint_ignores_every_lifecycle_key(key: str, value: object) -> None:
    assert key in LIFECYCLE_KEYS
    base = {"features": {"log_monetary": "standardise", "age": "log1p"}, "k": 4}
    changed = SegmentationConfig.from_dict({**base, key: value})
    assert getattr(changed, key) != getattr(SegmentationConfig.from_dict(base), key)
    assert model_fingerprint(changed) == model_fingerprint(SegmentationConfig.from_dict(base))


@pytest.mark.parametrize(
    "change",
    [
        {"k": 5},
        {"k": "auto"},
        {"seed": 43},
        {"k_max": 7},
        {"algorithm": "gaussian_mixture"},
        {"n_init": 5},
        {"min_segment_share": 0.1},
        {"min_stability": 0.6},
        {"stability_runs": 0},
        {"stability_sample_rows": 5000},
        {"max_iter": 20},
        {"num_partitions": 8},
        {"max_categories": 21},
        {"order_by": None},
        {"id_column": "member_key"},
        {"features": {"log_monetary": "log1p", "age": "log1p"}},
        {"features": {"age": "log1p", "log_monetary": "standardise"}},  # order changed
        {"features": "auto"},
    ],
)
def test_model_fingerprint_changes_with_every_model_setting(change: dict) -> None:
    base = {"features": {"log_monetary": "standardise", "age": "log1p"}, "k": 4}
    changed = SegmentationConfig.from_dict({**base, **change})
    assert repr(changed) != repr(SegmentationConfig.from_dict(base))  # repr keeps feature order
    assert model_fingerprint(changed) != model_fingerprint(SegmentationConfig.from_dict(base))


def test_candidate_ks_caps_auto_range_at_distinct_points() -> None:
    config = SegmentationConfig.from_dict({"k_min": 2, "k_max": 8})
    assert candidate_ks(config, row_count=100, distinct_points=5) == [2, 3, 4, 5]


def test_candidate_ks_adds_fixed_k_outside_the_range() -> None:
    config = SegmentationConfig.from_dict({"k": 9, "k_min": 2, "k_max": 4})
    assert candidate_ks(config, row_count=100, distinct_points=100) == [2, 3, 4, 9]


def test_candidate_ks_fails_when_k_min_is_impossible() -> None:
    config = SegmentationConfig.from_dict({"k_min": 4, "k_max": 6})
    with pytest.raises(ValueError, match=r"k=4 .* 3 rows"):
        candidate_ks(config, row_count=3, distinct_points=3)


def test_candidate_ks_fails_when_fixed_k_exceeds_distinct_points() -> None:
    config = SegmentationConfig.from_dict({"k": 3})
    with pytest.raises(ValueError, match=r"k=3 .* 10 rows with 2 distinct"):
        candidate_ks(config, row_count=10, distinct_points=2)


def test_segment_order_ranks_by_order_by_descending() -> None:
    centers = [[0.0, -1.0], [5.0, 2.0], [0.0, 3.0]]
    assert segment_order(centers, ["log_frequency", "log_monetary"], "log_monetary") == [3, 2, 1]


def test_segment_order_breaks_ties_with_the_other_features() -> None:
    centers = [[1.0, 0.5, 2.0], [3.0, 0.5, 0.0], [3.0, 0.5, 1.0]]
    # All share the order_by centroid 0.5; then the first feature, then the third decide.
    assert segment_order(centers, ["a", "m", "c"], "m") == [3, 2, 1]


def test_segment_order_without_order_by_follows_the_coordinates_in_order() -> None:
    centers = [[0.0, 9.0], [2.0, 0.0], [0.0, 1.0]]
    assert segment_order(centers, ["a", "b"], None) == [2, 1, 3]


def test_segment_order_treats_floating_point_noise_as_a_tie() -> None:
    centers = [[0.7, 1.0 + 1e-13], [0.9, 1.0]]
    assert segment_order(centers, ["a", "m"], "m") == [2, 1]


def test_davies_bouldin_equals_a_hand_computation() -> None:
    # Three centres with scatters s = (1, 2, 0.5): d01 = 5, d02 = 10, d12 = sqrt(7^2 + 4^2).
    # Ratios (s_i + s_j) / d_ij: r01 = 0.6, r02 = 0.15, r12 = 2.5 / sqrt(65) ~ 0.31, so the
    # worst per cluster is 0.6, 0.6 and r12.
    centers = [[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]]
    scatter = {0: 1.0, 1: 2.0, 2: 0.5}
    expected = (0.6 + 0.6 + 2.5 / math.sqrt(65.0)) / 3
    assert davies_bouldin(centers, scatter) == pytest.approx(expected, rel=1e-12)
    assert davies_bouldin(centers, scatter) == pytest.approx(0.50336, abs=1e-5)


def test_davies_bouldin_is_symmetric_in_cluster_order_and_scale_free() -> None:
    centers = [[0.0, 1.0, 2.0], [4.0, -1.0, 0.5], [2.0, 2.0, 2.0], [-3.0, 0.0, 1.0]]
    scatter = {0: 0.4, 1: 0.9, 2: 0.2, 3: 1.3}
    value = davies_bouldin(centers, scatter)
    order = [2, 0, 3, 1]
    permuted = davies_bouldin(
        [centers[i] for i in order], {n: scatter[i] for n, i in enumerate(order)}
    )
    assert permuted == pytest.approx(value, rel=1e-12)
    scaled = davies_bouldin(
        [[10 * x for x in center] for center in centers], {i: 10 * s for i, s in scatter.items()}
    )
    assert scaled == pytest.approx(value, rel=1e-12)


def test_davies_bouldin_counts_coincident_centres_as_infinitely_bad() -> None:
    assert davies_bouldin([[1.0, 1.0], [1.0, 1.0]], {0: 0.5, 1: 0.5}) == math.inf
    assert davies_bouldin([[0.0], [2.0]], {0: 0.0, 1: 0.0}) == 0.0
