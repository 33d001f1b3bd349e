"""SegmentationConfig validation, run ids, and the pure helpers that choose k and order segments."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pytest
import yaml

from customer_segmentation.segmentation import SegmentationConfig, SegmentationConfigError, run_id
from customer_segmentation.segmentation.kmeans import candidate_ks, choose_k
from customer_segmentation.segmentation.labels import segment_order

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"


def test_from_dict_none_gives_documented_defaults() -> None:
    config = SegmentationConfig.from_dict(None)
    assert config.features == "auto"
    assert config.is_auto_features
    assert config.feature_names == []
    assert (config.k, config.k_min, config.k_max) == ("auto", 2, 8)
    assert (config.seed, config.max_iter, config.num_partitions) == (42, 50, 4)
    assert (config.id_column, config.order_by) == ("customer_id", "log_monetary")
    assert config.max_categories == 20


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
    ],
)
def test_from_dict_rejects_bad_values_naming_the_key(values: dict, key: str) -> None:
    with pytest.raises(SegmentationConfigError, match=f"{key}"):
        SegmentationConfig.from_dict(values)


def test_config_errors_are_value_errors_that_say_where_the_config_lives() -> None:
    with pytest.raises(ValueError) as caught:
        SegmentationConfig.from_dict({"features": {"log_monetary": "sqrt"}})
    message = str(caught.value)
    assert "`segmentation.features` (dbt var `segmentation` in dbt_project.yml" in message
    assert "transform 'sqrt' for feature 'log_monetary'" in message
    assert "'standardise', 'log1p', 'none', 'one_hot'" in message


def test_run_id_is_deterministic_and_sensitive_to_config_and_date() -> None:
    config = SegmentationConfig.from_dict({"k": 4})
    same = SegmentationConfig.from_dict({"k": 4})
    first = run_id(config, dt.date(2024, 6, 30))
    assert first == run_id(same, "2024-06-30")
    assert len(first) == 16
    assert int(first, 16) >= 0
    assert first != run_id(config, dt.date(2024, 7, 1))
    assert first != run_id(SegmentationConfig.from_dict({"k": 5}), dt.date(2024, 6, 30))


def test_run_id_depends_on_feature_order() -> None:
    forward = {"log_monetary": "none", "log_frequency": "none"}
    backward = {"log_frequency": "none", "log_monetary": "none"}
    assert run_id(SegmentationConfig.from_dict({"features": forward}), "2024-06-30") != run_id(
        SegmentationConfig.from_dict({"features": backward}), "2024-06-30"
    )


def test_run_id_tells_auto_from_explicit_features() -> None:
    explicit = {"features": {"log_monetary": "standardise"}}
    assert run_id(SegmentationConfig(), "2024-06-30") != run_id(
        SegmentationConfig.from_dict(explicit), "2024-06-30"
    )


def test_run_id_rejects_datetimes() -> None:
    with pytest.raises(TypeError, match="as_of_date"):
        run_id(SegmentationConfig(), dt.datetime(2024, 6, 30, 12, 0))


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


def test_choose_k_prefers_highest_silhouette_and_smaller_k_on_ties() -> None:
    auto = SegmentationConfig()
    assert choose_k({2: 0.4, 3: 0.7, 4: 0.6}, auto) == 3
    assert choose_k({2: 0.4, 3: 0.7, 4: 0.7}, auto) == 3
    assert choose_k({2: 0.4, 3: float("nan"), 4: 0.5}, auto) == 4
    assert choose_k({2: 0.9, 3: 0.1}, SegmentationConfig(k=3)) == 3


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
