"""Feature resolution and preparation: transforms, one_hot, attributes, auto, strict errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pyspark.ml import PipelineModel
from pyspark.ml.feature import SQLTransformer, StandardScalerModel, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame, SparkSession

from customer_segmentation.segmentation import (
    FeatureConfigError,
    SegmentationConfig,
    prepare_features,
    resolve_features,
)
from customer_segmentation.segmentation import features as features_module
from customer_segmentation.segmentation.features import VECTOR_COLUMN

CONFIG_KEY = "`segmentation.features` (dbt var `segmentation` in dbt_project.yml or --vars)"
SCHEMA = (
    "customer_id string, frequency int, monetary double, flat double, empty double, "
    "channel string, region string, is_opted_in boolean, attributes map<string,string>"
)
ROWS = [
    ("c1", 1, 10.0, 3.0, None, "web", None, True, {"cars": "2", "education": "3", "note": "a"}),
    ("c2", 4, 0.0, 3.0, None, "store", None, False, {"cars": "0", "education": "1"}),
    ("c3", 2, 99.0, 3.0, None, None, None, True, {"cars": "1", "education": "3", "note": "b"}),
    ("c4", 8, 5.5, 3.0, None, "web", None, True, {"cars": "x", "education": None}),
]
DEMOGRAPHIC_SCHEMA = (
    "customer_id string, age int, annual_income_amount double, spending_score double, "
    "tenure_days int, log_recency_days double, log_frequency double, log_monetary double, "
    "log_avg_order_value double, attributes map<string,string>"
)


def config_for(features: dict[str, str], **overrides: object) -> SegmentationConfig:
    """A config over the given features (the default order_by falls back to the first one)."""
    return SegmentationConfig.from_dict({"features": features, **overrides})


def count_actions(monkeypatch: pytest.MonkeyPatch, df: DataFrame) -> list[int]:
    """Count the Spark actions (outermost collect calls; first/take go through it) on df's class."""
    frame_class = type(df)
    original = frame_class.collect
    calls = [0]
    depth = [0]

    def counting_collect(self):
        depth[0] += 1
        calls[0] += depth[0] == 1
        try:
            return original(self)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(frame_class, "collect", counting_collect)
    return calls


def vectors(prepared) -> dict[str, list[float]]:
    """Collect a (test-sized) prepared frame as id -> model vector."""
    rows = prepared.frame.select(
        prepared.id_column, vector_to_array(VECTOR_COLUMN).alias("v")
    ).collect()
    return {row[0]: list(row["v"]) for row in rows}


def demographic_rows(rfm: bool = False) -> list[tuple]:
    """Six customers of a demographic file: log columns null unless rfm, numeric attributes."""
    rows = []
    for i in range(6):
        logs = (float(i), float(i % 3), float(2 * i), 1.0 + i) if rfm else (None,) * 4
        attributes = {
            "total_children": str(i % 3),  # numeric, varies: kept
            "cars": "2",  # numeric, constant: skipped
            "occupation": "clerk" if i % 2 else "1",  # not all numeric: skipped
            "home_owner": None if i == 0 else "1",  # partially null: skipped
            "education": str(5 - i),  # numeric, varies: kept (after total_children by name)
        }
        rows.append((f"d{i}", 20 + 7 * i, 1000.0 * (i % 4), 50.0, 30 * i, *logs, attributes))
    return rows


@pytest.fixture(scope="module")
def customers(spark: SparkSession) -> DataFrame:
    """Four customers: numeric, constant, all-null, categorical columns and attributes."""
    return spark.createDataFrame(ROWS, SCHEMA).cache()


def expected_z(values: list[float]) -> np.ndarray:
    """z-scores with the mean and the sample stddev (what standardise promises)."""
    array = np.array(values)
    return (array - array.mean()) / array.std(ddof=1)


def test_standardise_is_a_z_score_with_the_sample_stddev(customers: DataFrame) -> None:
    prepared = prepare_features(customers, config_for({"frequency": "standardise"}))
    found = vectors(prepared)
    z = expected_z([1.0, 4.0, 2.0, 8.0])
    for index, customer in enumerate(["c1", "c2", "c3", "c4"]):
        assert found[customer] == [pytest.approx(z[index], rel=1e-12)]


def test_log1p_is_applied_before_the_z_score(customers: DataFrame) -> None:
    prepared = prepare_features(customers, config_for({"monetary": "log1p"}))
    found = vectors(prepared)
    z = expected_z([math.log1p(value) for value in (10.0, 0.0, 99.0, 5.5)])
    assert [found[c][0] for c in ["c1", "c2", "c3", "c4"]] == pytest.approx(list(z), rel=1e-12)


def test_none_keeps_the_raw_value_unscaled_after_the_scaled_coordinates(
    customers: DataFrame,
) -> None:
    prepared = prepare_features(
        customers, config_for({"monetary": "none", "frequency": "standardise"})
    )
    found = vectors(prepared)
    # The vector holds the scaled coordinates first, then the unscaled ones.
    assert prepared.slot_names == ["frequency", "monetary"]
    assert [found[c][1] for c in ["c1", "c2", "c3", "c4"]] == [10.0, 0.0, 99.0, 5.5]
    z = expected_z([1.0, 4.0, 2.0, 8.0])
    assert [found[c][0] for c in ["c1", "c2", "c3", "c4"]] == pytest.approx(list(z), rel=1e-12)
    assert prepared.resolved.describe() == "monetary:none,frequency:standardise"


def test_vector_order_is_scaled_features_then_none_and_one_hot_each_in_config_order(
    spark: SparkSession,
) -> None:
    df = spark.createDataFrame(
        [
            ("a", 1.0, "x", 0.0, 10.0, 2.0),
            ("b", 2.0, "y", 3.0, 20.0, 4.0),
            ("c", 4.0, "x", 8.0, 60.0, 8.0),
        ],
        "customer_id string, raw double, kind string, spend double, score double, visits double",
    )
    config = config_for(
        {
            "raw": "none",
            "kind": "one_hot",
            "spend": "log1p",
            "score": "none",
            "visits": "standardise",
        }
    )
    prepared = prepare_features(df, config)
    assert prepared.resolved.feature_names == ["raw", "kind", "spend", "score", "visits"]
    assert prepared.slot_names == ["spend", "visits", "raw", "kind=x", "kind=y", "score"]
    found = vectors(prepared)
    spend = expected_z([math.log1p(value) for value in (0.0, 3.0, 8.0)])
    visits = expected_z([2.0, 4.0, 8.0])
    unscaled = {"a": [1.0, 1.0, 0.0, 10.0], "b": [2.0, 0.0, 1.0, 20.0], "c": [4.0, 1.0, 0.0, 60.0]}
    for index, customer in enumerate(["a", "b", "c"]):
        vector = found[customer]
        assert vector[:2] == pytest.approx([spend[index], visits[index]], rel=1e-12)
        assert vector[2:] == unscaled[customer]


def test_prepared_frame_holds_the_id_the_unscaled_slots_and_the_scaled_vector(
    customers: DataFrame,
) -> None:
    prepared = prepare_features(
        customers, config_for({"monetary": "log1p", "channel": "one_hot", "frequency": "none"})
    )
    assert prepared.frame.columns == ["customer_id", *prepared.slot_columns, VECTOR_COLUMN]
    assert len(prepared.slot_columns) == len(prepared.slot_names) == 5
    rows = {row["customer_id"]: row for row in prepared.frame.collect()}
    monetary = {"c1": 10.0, "c2": 0.0, "c3": 99.0, "c4": 5.5}
    logs = [math.log1p(value) for value in monetary.values()]
    z = dict(zip(monetary, expected_z(logs), strict=True))
    for customer, row in rows.items():
        slots = [row[column] for column in prepared.slot_columns]
        # slot 0: log1p(monetary) before scaling; the vector holds its z-score
        assert slots[0] == pytest.approx(math.log1p(monetary[customer]), rel=1e-12)
        assert row[VECTOR_COLUMN][0] == pytest.approx(z[customer], rel=1e-12)
        assert list(row[VECTOR_COLUMN])[1:] == slots[1:]


def test_scaler_statistics_are_the_sample_mean_and_stddev_of_the_transformed_values(
    customers: DataFrame,
) -> None:
    prepared = prepare_features(
        customers, config_for({"monetary": "log1p", "channel": "one_hot", "frequency": "none"})
    )
    monetary, channel, frequency = prepared.resolved.features
    logs = np.log1p([10.0, 0.0, 99.0, 5.5])
    assert monetary.mean == pytest.approx(logs.mean(), rel=1e-12)
    assert monetary.stddev == pytest.approx(logs.std(ddof=1), rel=1e-12)
    # none and one_hot are not scaled: resolution's statistics are kept as they were
    resolved = resolve_features(customers, config_for({"frequency": "none"}))
    assert (frequency.mean, frequency.stddev) == (
        resolved.features[0].mean,
        resolved.features[0].stddev,
    )
    assert (channel.mean, channel.stddev) == (0.0, 1.0)


def test_preprocessing_stages_are_the_sql_transformer_scaler_and_assemblers(
    customers: DataFrame,
) -> None:
    prepared = prepare_features(
        customers, config_for({"frequency": "standardise", "monetary": "none"})
    )
    assert [type(stage) for stage in prepared.stages] == [
        SQLTransformer,
        VectorAssembler,
        StandardScalerModel,
        VectorAssembler,
    ]
    unscaled = prepare_features(customers, config_for({"monetary": "none", "channel": "one_hot"}))
    assert [type(stage) for stage in unscaled.stages] == [SQLTransformer, VectorAssembler]
    assert unscaled.slot_names == ["monetary", "channel=(missing)", "channel=store", "channel=web"]


def test_preprocessing_stages_compute_the_vector_from_the_raw_input(customers: DataFrame) -> None:
    config = config_for({"monetary": "log1p", "education": "one_hot", "frequency": "standardise"})
    prepared = prepare_features(customers, config)
    transformed = PipelineModel(stages=prepared.stages).transform(customers)
    rows = transformed.select("customer_id", vector_to_array(VECTOR_COLUMN).alias("v")).collect()
    expected = vectors(prepared)
    assert sorted(row["customer_id"] for row in rows) == ["c1", "c2", "c3", "c4"]
    for row in rows:
        assert list(row["v"]) == pytest.approx(expected[row["customer_id"]], rel=1e-12)


def test_prepare_features_with_resolved_features_does_not_resolve_again(
    customers: DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for({"frequency": "standardise", "channel": "one_hot"})
    resolved = resolve_features(customers, config)

    def fail(*_args: object) -> None:
        raise AssertionError("prepare_features resolved the features again")

    monkeypatch.setattr(features_module, "resolve_features", fail)
    prepared = prepare_features(customers, config, resolved)
    assert prepared.slot_names == resolved.slot_names
    assert prepared.resolved.features[1] == resolved.features[1]
    with pytest.raises(AssertionError, match="resolved the features again"):
        prepare_features(customers, config)


def test_one_hot_gives_one_unscaled_indicator_per_sorted_category(customers: DataFrame) -> None:
    config = config_for({"frequency": "standardise", "channel": "one_hot"})
    prepared = prepare_features(customers, config)
    assert prepared.slot_names == [
        "frequency",
        "channel=(missing)",
        "channel=store",
        "channel=web",
    ]
    found = vectors(prepared)
    assert [found[c][1:] for c in ["c1", "c2", "c3", "c4"]] == [
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0],
    ]
    channel = prepared.resolved.features[1]
    assert channel.category_counts == (1, 1, 2)


def test_one_hot_attribute_counts_absent_keys_as_missing(customers: DataFrame) -> None:
    resolved = resolve_features(customers, config_for({"frequency": "none", "note": "one_hot"}))
    note = resolved.features[1]
    assert (note.categories, note.category_counts) == (("(missing)", "a", "b"), (2, 1, 1))
    assert resolved.order_by == "frequency"  # log_monetary (the default) is not a feature


@pytest.mark.parametrize(
    ("values", "resolved_to"),
    [
        (
            {"features": {"age": "log1p", "total_children": "one_hot", "occupation": "one_hot"}},
            "age:log1p,total_children:one_hot,occupation:one_hot",
        ),
        (
            {"features": {"annual_income_amount": "standardise", "education": "standardise"}},
            "annual_income_amount:standardise,education:standardise",
        ),
        (
            {"features": "auto"},
            "age:standardise,annual_income_amount:standardise,tenure_days:standardise,"
            "education:standardise,total_children:standardise",
        ),
    ],
)
def test_resolution_profiles_the_input_in_one_spark_action(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch, values: dict, resolved_to: str
) -> None:
    # Columns, attribute keys and one_hot categories used to take up to three actions.
    df = spark.createDataFrame(demographic_rows(), DEMOGRAPHIC_SCHEMA)
    actions = count_actions(monkeypatch, df)
    resolved = resolve_features(df, SegmentationConfig.from_dict(values))
    assert actions[0] == 1
    assert resolved.describe() == resolved_to


def test_one_hot_takes_booleans_and_attributes(customers: DataFrame) -> None:
    config = config_for({"is_opted_in": "one_hot", "education": "one_hot"})
    resolved = resolve_features(customers, config)
    assert resolved.slot_names == [
        "is_opted_in=false",
        "is_opted_in=true",
        "education=(missing)",
        "education=1",
        "education=3",
    ]
    assert resolved.order_by is None  # no numeric feature: segments follow the vector order


def test_one_hot_above_max_categories_fails_naming_the_feature(customers: DataFrame) -> None:
    config = config_for({"frequency": "standardise", "channel": "one_hot"}, max_categories=2)
    with pytest.raises(FeatureConfigError) as caught:
        prepare_features(customers, config)
    message = str(caught.value)
    assert "'channel'" in message
    assert CONFIG_KEY in message
    assert "3 distinct values" in message
    assert "segmentation.max_categories" in message


def test_numeric_attribute_is_cast_to_a_number(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("a", {"children": "1"}), ("b", {"children": "3"}), ("c", {"children": " 2 "})],
        "customer_id string, attributes map<string,string>",
    )
    prepared = prepare_features(df, config_for({"children": "none"}))
    assert {key: value[0] for key, value in vectors(prepared).items()} == {
        "a": 1.0,
        "b": 3.0,
        "c": 2.0,
    }


def test_a_column_wins_over_an_attribute_of_the_same_name(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("a", 1.0, {"age": "50"}), ("b", 2.0, {"age": "70"})],
        "customer_id string, age double, attributes map<string,string>",
    )
    prepared = prepare_features(df, config_for({"age": "none"}))
    assert sorted(value[0] for value in vectors(prepared).values()) == [1.0, 2.0]


@pytest.mark.parametrize(
    ("features", "feature", "detail"),
    [
        ({"tenure_days": "standardise"}, "tenure_days", "neither a column of the input nor a key"),
        ({"empty": "standardise"}, "empty", "is null for all 4 customers"),
        ({"region": "one_hot"}, "region", "is null for all 4 customers"),
        ({"note": "standardise"}, "note", "has 2 values that are not numbers (e.g. 'a')"),
        ({"cars": "log1p"}, "cars", "has 1 values that are not numbers (e.g. 'x')"),
        ({"education": "standardise"}, "education", "has 1 null values in 4 rows"),
        ({"flat": "standardise"}, "flat", "is constant (zero variance: 3.0"),
        ({"flat": "none"}, "flat", "is constant"),
        ({"channel": "standardise"}, "channel", "has 3 values that are not numbers"),
        ({"is_opted_in": "standardise"}, "is_opted_in", "has type boolean"),
        ({"monetary": "one_hot"}, "monetary", "has type double; one_hot needs"),
    ],
)
def test_explicit_features_that_do_not_fit_fail_naming_feature_and_config_key(
    customers: DataFrame, features: dict[str, str], feature: str, detail: str
) -> None:
    config = config_for({"frequency": "standardise", **features}, order_by="frequency")
    with pytest.raises(FeatureConfigError) as caught:
        resolve_features(customers, config)
    message = str(caught.value)
    assert f"feature '{feature}' in {CONFIG_KEY}" in message
    assert detail in message
    assert isinstance(caught.value, ValueError)


def test_missing_feature_error_lists_columns_and_attribute_keys(customers: DataFrame) -> None:
    with pytest.raises(FeatureConfigError) as caught:
        resolve_features(customers, config_for({"tenure_days": "standardise"}))
    message = str(caught.value)
    assert "'monetary'" in message and "'channel'" in message
    assert "attribute keys: ['cars', 'education', 'note']" in message


def test_non_numeric_attribute_suggests_one_hot(customers: DataFrame) -> None:
    with pytest.raises(FeatureConfigError, match="use one_hot for a categorical feature"):
        resolve_features(customers, config_for({"note": "standardise"}))


def test_single_category_one_hot_fails(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("a", 1.0, "DE"), ("b", 2.0, "DE")], "customer_id string, x double, country string"
    )
    with pytest.raises(FeatureConfigError, match=r"'country' in .* single category 'DE'"):
        resolve_features(df, config_for({"x": "standardise", "country": "one_hot"}))


def test_values_undefined_under_log1p_raise(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c2", -1.0), ("c3", 4.0)], "customer_id string, monetary double"
    )
    with pytest.raises(ValueError, match=r"'monetary' in .* has 1 values that are NaN or inf"):
        resolve_features(df, config_for({"monetary": "log1p"}))


def test_nan_values_raise(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c2", float("nan")), ("c3", 4.0)], "customer_id string, monetary double"
    )
    with pytest.raises(ValueError, match=r"'monetary' in .* has 1 values that are NaN"):
        resolve_features(df, config_for({"monetary": "none"}))


def test_auto_takes_the_four_rfm_log_columns_when_complete(spark: SparkSession) -> None:
    df = spark.createDataFrame(demographic_rows(rfm=True), DEMOGRAPHIC_SCHEMA)
    resolved = resolve_features(df, SegmentationConfig.from_dict({"features": "auto"}))
    assert resolved.describe() == (
        "log_recency_days:standardise,log_frequency:standardise,"
        "log_monetary:standardise,log_avg_order_value:standardise"
    )
    assert resolved.order_by == "log_monetary"  # the default
    unordered = SegmentationConfig.from_dict({"order_by": None})
    assert resolve_features(df, unordered).order_by == "log_recency_days"


def test_auto_without_purchase_history_takes_complete_numeric_demographics(
    spark: SparkSession,
) -> None:
    df = spark.createDataFrame(demographic_rows(), DEMOGRAPHIC_SCHEMA)
    config = SegmentationConfig.from_dict({"order_by": "log_monetary"})
    resolved = resolve_features(df, config)
    # spending_score is constant; cars constant, occupation not numeric, home_owner partial.
    assert resolved.feature_names == [
        "age",
        "annual_income_amount",
        "tenure_days",
        "education",
        "total_children",
    ]
    assert {feature.transform for feature in resolved.features} == {"standardise"}
    assert resolved.order_by == "age"  # log_monetary is not resolved: the first feature
    skipped = " | ".join(resolved.skipped)
    for name in ["log_monetary", "spending_score", "cars", "occupation", "home_owner"]:
        assert re.search(rf"\b{name}\b", skipped)
    prepared = prepare_features(df, config)
    first = vectors(prepared)["d0"]
    assert len(first) == 5
    assert first[3] == pytest.approx(expected_z([5.0, 4.0, 3.0, 2.0, 1.0, 0.0])[0])


def test_default_order_by_falls_back_to_the_first_feature_without_the_column(
    spark: SparkSession,
) -> None:
    # A demographic file has no log_monetary column at all: the default config still orders.
    df = spark.createDataFrame(demographic_rows(), DEMOGRAPHIC_SCHEMA).drop(
        "log_recency_days", "log_frequency", "log_monetary", "log_avg_order_value"
    )
    resolved = resolve_features(df, SegmentationConfig())
    assert resolved.feature_names[0] == "age"
    assert resolved.order_by == "age"
    explicit = config_for({"tenure_days": "log1p", "age": "standardise"})
    assert resolve_features(df, explicit).order_by == "tenure_days"


def test_auto_with_nothing_usable_fails_naming_the_config_key(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("a", "x", 3.0), ("b", "y", 3.0)], "customer_id string, city string, age double"
    )
    with pytest.raises(FeatureConfigError) as caught:
        resolve_features(df, SegmentationConfig())
    message = str(caught.value)
    assert CONFIG_KEY in message
    assert "no usable numeric feature" in message
    assert "age is constant" in message


def test_missing_id_column_raises_naming_config_key(customers: DataFrame) -> None:
    config = config_for({"monetary": "none"}, id_column="member_key")
    with pytest.raises(ValueError, match=r"'member_key' \(`segmentation.id_column`"):
        resolve_features(customers, config)


def test_configured_id_column_is_used(spark: SparkSession) -> None:
    df = spark.createDataFrame([(7, 1.0), (3, 2.0), (5, 9.0)], "member_key long, monetary double")
    config = config_for({"monetary": "none"}, id_column="member_key")
    prepared = prepare_features(df, config)
    assert prepared.frame.columns[0] == "member_key"
    assert sorted(row["member_key"] for row in prepared.frame.collect()) == [3, 5, 7]


def test_duplicate_ids_raise(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c1", 2.0), ("c2", 9.0)], "customer_id string, monetary double"
    )
    with pytest.raises(ValueError, match="3 rows, 0 null ids, 2 distinct ids"):
        resolve_features(df, config_for({"monetary": "none"}))


def test_single_row_input_raises(spark: SparkSession) -> None:
    df = spark.createDataFrame([("c1", 1.0)], "customer_id string, monetary double")
    with pytest.raises(ValueError, match=r"at least 2 customers .* got 1"):
        resolve_features(df, config_for({"monetary": "none"}))


def test_an_id_column_with_a_dot_trains_and_scores(spark: SparkSession) -> None:
    from customer_segmentation.segmentation import assign_segments

    rows = [(f"c{index}", float(index % 7) + (index % 2) * 10) for index in range(40)]
    df = spark.createDataFrame(rows, "`cust.id` string, x double")
    config = config_for({"x": "standardise"}, id_column="cust.id")
    segments = assign_segments(df, config, 2).collect()
    assert len(segments) == 40 and {row[1] for row in segments} == {1, 2}
