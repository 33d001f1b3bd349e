"""Feature preparation: column checks, transforms, dropped features, standardisation."""

from __future__ import annotations

import math
import warnings

import pytest
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from segmentation import FeatureDroppedWarning, SegmentationConfig, prepare_features
from segmentation.features import VECTOR_COLUMN, check_features

SCHEMA = "customer_id string, frequency int, monetary double, flat double, empty double"
ROWS = [
    ("c1", 1, 10.0, 3.0, None),
    ("c2", 4, 0.0, 3.0, None),
    ("c3", 2, 99.0, 3.0, None),
    ("c4", 8, 5.5, 3.0, None),
]


def config_for(features: dict[str, str], **overrides: object) -> SegmentationConfig:
    """A config over the given features, ordered by the first one unless overridden."""
    return SegmentationConfig.from_dict(
        {"features": features, "order_by": next(iter(features)), **overrides}
    )


@pytest.fixture(scope="module")
def customers(spark: SparkSession) -> DataFrame:
    """Four customers: two usable features, one constant, one all null."""
    return spark.createDataFrame(ROWS, SCHEMA)


def test_prepare_features_applies_log1p_and_keeps_raw_none(customers: DataFrame) -> None:
    config = config_for({"monetary": "log1p", "frequency": "none"})
    prepared = prepare_features(customers, config)
    rows = {row["customer_id"]: row for row in prepared.frame.collect()}
    assert prepared.feature_names == ["monetary", "frequency"]
    assert rows["c3"]["monetary"] == pytest.approx(math.log1p(99.0))
    assert rows["c2"]["monetary"] == 0.0
    assert rows["c4"]["frequency"] == 8.0


def test_prepare_features_standardises_to_zero_mean_unit_sample_std(
    customers: DataFrame,
) -> None:
    config = config_for({"monetary": "log1p", "frequency": "none"})
    prepared = prepare_features(customers, config)
    z = prepared.frame.select(vector_to_array(VECTOR_COLUMN).alias("z"))
    moments = z.select(
        *[F.avg(F.col("z")[i]).alias(f"mean_{i}") for i in range(2)],
        *[F.stddev_samp(F.col("z")[i]).alias(f"std_{i}") for i in range(2)],
    ).first()
    for i in range(2):
        assert moments[f"mean_{i}"] == pytest.approx(0.0, abs=1e-12)
        assert moments[f"std_{i}"] == pytest.approx(1.0)


def test_constant_and_all_null_features_are_dropped_with_a_warning(
    customers: DataFrame,
) -> None:
    config = config_for({"monetary": "none", "flat": "none", "empty": "log1p"})
    with pytest.warns(FeatureDroppedWarning) as caught:
        prepared = prepare_features(customers, config)
    messages = [str(warning.message) for warning in caught]
    assert any("'flat' has zero variance" in message for message in messages)
    assert any("'empty' is null for all 4 customers" in message for message in messages)
    assert prepared.feature_names == ["monetary"]
    assert prepared.stats.dropped == ("flat", "empty")
    first = prepared.frame.select(vector_to_array(VECTOR_COLUMN).alias("z")).first()
    assert len(first["z"]) == 1


def test_dropping_the_order_by_feature_is_announced(customers: DataFrame) -> None:
    config = config_for({"flat": "none", "monetary": "none"})
    with pytest.warns(FeatureDroppedWarning) as caught:
        stats = check_features(customers, config)
    messages = [str(warning.message) for warning in caught]
    assert any("order_by feature 'flat' was dropped" in message for message in messages)
    assert stats.kept == ("monetary",)


def test_no_usable_feature_left_raises(customers: DataFrame) -> None:
    config = config_for({"flat": "none", "empty": "none"})
    with (
        warnings.catch_warnings(),
        pytest.raises(ValueError, match="no usable feature left"),
    ):
        warnings.simplefilter("ignore", FeatureDroppedWarning)
        check_features(customers, config)


def test_partial_nulls_raise_naming_column_and_count(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0, 2.0), ("c2", None, 3.0), ("c3", 4.0, 1.0), ("c4", None, 0.0)],
        "customer_id string, monetary double, frequency double",
    )
    config = config_for({"frequency": "none", "monetary": "none"})
    with pytest.raises(ValueError, match=r"'monetary' has 2 null values in 4 rows"):
        check_features(df, config)


def test_values_undefined_under_log1p_raise(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c2", -1.0), ("c3", 4.0)], "customer_id string, monetary double"
    )
    with pytest.raises(ValueError, match=r"'monetary' has 1 values that are NaN or infinite"):
        check_features(df, config_for({"monetary": "log1p"}))


def test_nan_values_raise(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c2", float("nan")), ("c3", 4.0)], "customer_id string, monetary double"
    )
    with pytest.raises(ValueError, match="'monetary' has 1 values that are NaN"):
        check_features(df, config_for({"monetary": "none"}))


def test_missing_feature_raises_naming_column_and_config_key(customers: DataFrame) -> None:
    config = config_for({"monetary": "none", "tenure_days": "none"})
    with pytest.raises(ValueError, match=r"\['tenure_days'\] \(config key `features`\)"):
        prepare_features(customers, config)


def test_non_numeric_feature_raises_naming_column_and_type(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0, "web"), ("c2", 2.0, "store")],
        "customer_id string, monetary double, preferred_channel string",
    )
    config = config_for({"monetary": "none", "preferred_channel": "none"})
    with pytest.raises(ValueError, match=r"'preferred_channel' .* has type string"):
        check_features(df, config)


def test_boolean_feature_is_not_numeric(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0, True), ("c2", 2.0, False)],
        "customer_id string, monetary double, is_marketing_opt_in boolean",
    )
    config = config_for({"monetary": "none", "is_marketing_opt_in": "none"})
    with pytest.raises(ValueError, match=r"'is_marketing_opt_in' .* has type boolean"):
        check_features(df, config)


def test_missing_id_column_raises_naming_config_key(customers: DataFrame) -> None:
    config = config_for({"monetary": "none"}, id_column="member_key")
    with pytest.raises(ValueError, match=r"'member_key' \(config key `id_column`\)"):
        check_features(customers, config)


def test_configured_id_column_is_used(spark: SparkSession) -> None:
    df = spark.createDataFrame([(7, 1.0), (3, 2.0), (5, 9.0)], "member_key long, monetary double")
    config = config_for({"monetary": "none"}, id_column="member_key")
    prepared = prepare_features(df, config)
    assert prepared.frame.columns[:2] == ["member_key", "monetary"]
    assert sorted(row["member_key"] for row in prepared.frame.collect()) == [3, 5, 7]


def test_duplicate_ids_raise(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c1", 2.0), ("c2", 9.0)], "customer_id string, monetary double"
    )
    with pytest.raises(ValueError, match="3 rows, 0 null ids, 2 distinct ids"):
        check_features(df, config_for({"monetary": "none"}))


def test_single_row_input_raises(spark: SparkSession) -> None:
    df = spark.createDataFrame([("c1", 1.0)], "customer_id string, monetary double")
    with pytest.raises(ValueError, match=r"at least 2 customers .* got 1"):
        check_features(df, config_for({"monetary": "none"}))
