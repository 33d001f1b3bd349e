"""Feature drift (segmentation.drift): PSI, training bins, mean shift, unseen categories, nulls."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator

import numpy as np
import pytest
from pyspark.sql import DataFrame, SparkSession

from customer_segmentation.segmentation import SegmentationConfig, resolve_features
from customer_segmentation.segmentation.drift import (
    DRIFT_BINS,
    SHARE_FLOOR,
    FeatureBaseline,
    baselines,
    drift,
    measure,
    numeric_edges,
    psi,
    shares,
)
from customer_segmentation.segmentation.resolution import ResolvedFeature

SCHEMA = "customer_id string, spend double, visits int, income double, channel string"
ROWS_COUNT = 400
CHANNELS = ("app", "store", "web")
CONFIG = SegmentationConfig.from_dict(
    {
        "features": {
            "income": "standardise",
            "spend": "log1p",
            "visits": "standardise",
            "channel": "one_hot",
        }
    }
)
PSI_THRESHOLD = 0.25
SHIFT_THRESHOLD = 0.5


def training_rows(seed: int = 20240701) -> list[tuple]:
    """Continuous income, skewed spend, three-valued visits and a three-category channel."""
    rng = np.random.default_rng(seed)
    income = rng.normal(50_000.0, 12_000.0, ROWS_COUNT)
    spend = rng.lognormal(4.0, 1.0, ROWS_COUNT)
    visits = rng.integers(0, 3, ROWS_COUNT)
    channel = rng.choice(CHANNELS, ROWS_COUNT, p=[0.5, 0.3, 0.2])
    return [
        (f"c{i:04d}", float(spend[i]), int(visits[i]), float(income[i]), str(channel[i]))
        for i in range(ROWS_COUNT)
    ]


@pytest.fixture(scope="module")
def rows() -> list[tuple]:
    """The training rows as Python tuples."""
    return training_rows()


@pytest.fixture(scope="module")
def training(spark: SparkSession, rows: list[tuple]) -> Iterator[DataFrame]:
    """The training input as a cached DataFrame."""
    df = spark.createDataFrame(rows, SCHEMA).cache()
    yield df
    df.unpersist()


@pytest.fixture(scope="module")
def features(training: DataFrame) -> list[ResolvedFeature]:
    """The resolved features of the training input, with their training statistics."""
    return list(resolve_features(training, CONFIG).features)


@pytest.fixture(scope="module")
def references(training: DataFrame, features: list[ResolvedFeature]) -> list[FeatureBaseline]:
    """The training baselines of every feature."""
    return baselines(training, features)


def by_name(items: list, name: str):
    """The item (feature, baseline or drift) of the named feature."""
    for item in items:
        found = getattr(item, "feature", item)
        if getattr(found, "name", found) == name:
            return item
    raise KeyError(name)


def transformed(rows: list[tuple], name: str) -> list[float]:
    """The named numeric feature of the rows after its transform (log1p for spend)."""
    column = {"spend": 1, "visits": 2, "income": 3}[name]
    values = [float(row[column]) for row in rows]
    return [math.log1p(value) for value in values] if name == "spend" else values


def test_psi_equals_a_hand_computation() -> None:
    # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.25 ln 2 + 0.25 ln 1.5
    assert psi([0.5, 0.5], [0.25, 0.75]) == pytest.approx(0.25 * math.log(3.0), rel=1e-12)
    assert psi([0.5, 0.5], [0.25, 0.75]) == pytest.approx(0.274653, abs=1e-6)
    three = psi([0.2, 0.3, 0.5], [0.3, 0.3, 0.4])
    expected = 0.1 * math.log(0.3 / 0.2) + 0.0 + (-0.1) * math.log(0.4 / 0.5)
    assert three == pytest.approx(expected, rel=1e-12)


def test_psi_floors_empty_bins_so_it_stays_finite() -> None:
    found = psi([0.5, 0.5, 0.0], [0.5, 0.25, 0.25])
    expected = (0.25 - 0.5) * math.log(0.5) + (0.25 - SHARE_FLOOR) * math.log(0.25 / SHARE_FLOOR)
    assert found == pytest.approx(expected, rel=1e-12)
    assert math.isfinite(psi([1.0, 0.0], [0.0, 1.0]))


def test_psi_of_identical_shares_is_zero() -> None:
    assert psi([0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]) == 0.0
    assert psi([0.0, 1.0], [0.0, 1.0]) == 0.0


def test_psi_is_positive_for_any_change() -> None:
    assert psi([0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.31, 0.39]) > 0.0
    assert psi([0.1, 0.9], [0.9, 0.1]) == pytest.approx(psi([0.9, 0.1], [0.1, 0.9]))


def test_psi_needs_as_many_bins_on_both_sides() -> None:
    with pytest.raises(ValueError, match="as many bins on both sides: 2 vs 3"):
        psi([0.5, 0.5], [0.2, 0.3, 0.5])


def test_numeric_edges_are_the_sorted_interior_deciles_of_the_transformed_values(
    training: DataFrame, features: list[ResolvedFeature], rows: list[tuple]
) -> None:
    edges = numeric_edges(training, features)
    assert sorted(edges) == ["income", "spend", "visits"]  # one_hot features have no edges
    for name in ("income", "spend"):
        found = edges[name]
        assert len(found) == DRIFT_BINS - 1
        assert list(found) == sorted(set(found))
        values = np.array(transformed(rows, name))
        for step, edge in enumerate(found, start=1):
            # an edge is a value of the data, with about step / 10 of the values at or below it
            assert np.isclose(values, edge, rtol=0, atol=1e-12).any()
            assert (values <= edge).mean() == pytest.approx(step / DRIFT_BINS, abs=0.01)


def test_numeric_edges_of_a_discrete_feature_are_deduplicated(
    training: DataFrame, features: list[ResolvedFeature]
) -> None:
    visits = numeric_edges(training, features)["visits"]
    assert set(visits) <= {0.0, 1.0, 2.0}
    assert len(visits) == len(set(visits)) >= 2
    assert list(visits) == sorted(visits)


def test_baselines_take_their_edges_from_numeric_edges(
    training: DataFrame, features: list[ResolvedFeature], references: list[FeatureBaseline]
) -> None:
    edges = numeric_edges(training, features)
    assert [reference.feature for reference in references] == features
    for reference in references:
        assert reference.edges == edges.get(reference.feature.name, ())
        assert sum(reference.shares) == pytest.approx(1.0, rel=1e-12)
        bins = len(reference.edges) + 1
        if not reference.feature.is_numeric:
            bins = len(reference.feature.categories) + 1
        assert len(reference.shares) == bins


def test_measure_puts_every_usable_row_in_exactly_one_bin(
    training: DataFrame, features: list[ResolvedFeature], rows: list[tuple]
) -> None:
    edges = numeric_edges(training, features)
    for found in measure(training, features, edges):
        if found.name == "channel":
            continue
        expected = [0] * (len(edges[found.name]) + 1)
        for value in transformed(rows, found.name):
            # bins are (-inf, e1], (e1, e2], ..., (en, inf)
            expected[bisect.bisect_left(edges[found.name], value)] += 1
        assert found.counts == tuple(expected)
        assert sum(found.counts) == found.usable == found.rows == ROWS_COUNT
        assert found.missing == 0


def test_values_on_an_edge_fall_in_the_bin_that_the_edge_closes(
    spark: SparkSession, features: list[ResolvedFeature], references: list[FeatureBaseline]
) -> None:
    income = by_name(references, "income")
    edges = income.edges
    values = [*edges, edges[-1] + 1.0, edges[0] - 1.0]
    df = spark.createDataFrame([(value,) for value in values], "income double")
    (found,) = measure(df, [by_name(features, "income")], {"income": edges})
    # edge i closes bin i; above the last edge is the last bin; below the first, the first
    assert found.counts == (2, *([1] * (len(edges) - 1)), 1)
    assert sum(found.counts) == found.usable == len(values)


def test_baseline_shares_are_each_bins_count_over_the_usable_rows(
    training: DataFrame, features: list[ResolvedFeature], references: list[FeatureBaseline]
) -> None:
    edges = numeric_edges(training, features)
    for reference, found in zip(references, measure(training, features, edges), strict=True):
        assert reference.shares == tuple(count / found.usable for count in found.counts)
        assert reference.shares == shares(found)
    channel = by_name(references, "channel")
    counts = channel.feature.category_counts
    assert channel.feature.categories == CHANNELS
    # the training categories' shares, then the unseen-categories bin, empty at training
    assert channel.shares == (*[count / ROWS_COUNT for count in counts], 0.0)


def test_drift_on_a_copy_of_the_training_data_is_zero_and_flags_nothing(
    spark: SparkSession, rows: list[tuple], references: list[FeatureBaseline]
) -> None:
    copy = spark.createDataFrame(rows[::-1], SCHEMA).repartition(3)
    drifted = drift(copy, references, PSI_THRESHOLD, SHIFT_THRESHOLD)
    assert [found.feature for found in drifted] == ["income", "spend", "visits", "channel"]
    for found in drifted:
        assert found.psi == 0.0
        assert not found.is_drifted
        assert found.missing_count == 0
        assert found.row_count == ROWS_COUNT
        if found.transform == "one_hot":
            assert (found.training_mean, found.current_mean, found.mean_shift_sd) == (None,) * 3
        else:
            assert found.mean_shift_sd == pytest.approx(0.0, abs=1e-9)
            assert found.current_mean == pytest.approx(found.training_mean, rel=1e-12)


def test_a_mean_shift_of_one_training_stddev_flags_the_feature(
    spark: SparkSession, rows: list[tuple], references: list[FeatureBaseline]
) -> None:
    income = np.array(transformed(rows, "income"))
    stddev = float(income.std(ddof=1))
    shifted = [(*row[:3], row[3] + stddev, row[4]) for row in rows]
    df = spark.createDataFrame(shifted, SCHEMA)
    drifted = {found.feature: found for found in drift(df, references, 1e9, SHIFT_THRESHOLD)}
    moved = drifted["income"]
    assert moved.mean_shift_sd == pytest.approx(1.0, rel=1e-9)
    assert moved.current_mean == pytest.approx(income.mean() + stddev, rel=1e-12)
    assert moved.training_mean == pytest.approx(income.mean(), rel=1e-12)
    assert moved.is_drifted  # by the mean shift alone: the PSI threshold is out of reach
    assert moved.psi > PSI_THRESHOLD
    for name in ("spend", "visits", "channel"):
        assert not drifted[name].is_drifted
        assert drifted[name].psi == 0.0


def test_the_mean_shift_threshold_decides_a_small_shift(
    spark: SparkSession, rows: list[tuple], references: list[FeatureBaseline]
) -> None:
    stddev = float(np.std(transformed(rows, "income"), ddof=1))
    shifted = [(*row[:3], row[3] - 0.2 * stddev, row[4]) for row in rows]
    df = spark.createDataFrame(shifted, SCHEMA).cache()
    loose = by_name(drift(df, references, 1e9, 0.25), "income")
    strict = by_name(drift(df, references, 1e9, 0.15), "income")
    df.unpersist()
    assert loose.mean_shift_sd == pytest.approx(-0.2, rel=1e-9)
    assert not loose.is_drifted
    assert strict.is_drifted


def test_the_psi_threshold_alone_can_flag_a_feature(
    spark: SparkSession, rows: list[tuple], references: list[FeatureBaseline]
) -> None:
    # A spread without a mean shift: the mean stays, the bins empty towards the tails.
    income = np.array(transformed(rows, "income"))
    mean = float(income.mean())
    spread = [(*row[:3], mean + 3.0 * (row[3] - mean), row[4]) for row in rows]
    found = by_name(drift(spark.createDataFrame(spread, SCHEMA), references, 0.25, 1e9), "income")
    assert found.mean_shift_sd == pytest.approx(0.0, abs=1e-9)
    assert found.psi > 0.25
    assert found.is_drifted


def test_an_unseen_one_hot_category_falls_in_the_last_bin_and_raises_psi(
    spark: SparkSession,
    rows: list[tuple],
    features: list[ResolvedFeature],
    references: list[FeatureBaseline],
) -> None:
    # 40 customers move to a channel unseen at training, 10 have none ("(missing)", unseen too)
    current = [
        (*row[:4], "kiosk" if index < 40 else None if index < 50 else row[4])
        for index, row in enumerate(rows)
    ]
    df = spark.createDataFrame(current, SCHEMA)
    channel = by_name(features, "channel")
    (found,) = measure(df, [channel], {})
    assert len(found.counts) == len(CHANNELS) + 1
    assert found.counts[-1] == 50
    kept = [row[4] for row in current[50:]]
    assert found.counts[:-1] == tuple(kept.count(name) for name in CHANNELS)
    assert found.missing == 0  # null is a category of a one_hot feature, not a missing value
    result = by_name(drift(df, references, PSI_THRESHOLD, SHIFT_THRESHOLD), "channel")
    reference = by_name(references, "channel")
    now = tuple(count / ROWS_COUNT for count in found.counts)
    assert result.psi == pytest.approx(psi(reference.shares, now), rel=1e-12)
    unseen_term = (50 / ROWS_COUNT - SHARE_FLOOR) * math.log(50 / ROWS_COUNT / SHARE_FLOOR)
    assert result.psi > unseen_term > PSI_THRESHOLD
    assert result.is_drifted
    assert result.missing_count == 0


def test_missing_count_counts_null_and_non_finite_values(
    spark: SparkSession,
    rows: list[tuple],
    features: list[ResolvedFeature],
    references: list[FeatureBaseline],
) -> None:
    # income: 7 nulls and 2 NaN; spend: 3 nulls and 2 values where log1p is undefined
    current = []
    for index, (key, spend, visits, income, channel) in enumerate(rows):
        if index < 7:
            income = None
        elif index < 9:
            income = float("nan")
        if index in (100, 101, 102):
            spend = None
        elif index in (103, 104):
            spend = -5.0
        current.append((key, spend, visits, income, channel))
    df = spark.createDataFrame(current, SCHEMA)
    drifted = {found.feature: found for found in drift(df, references, 1e9, 1e9)}
    assert drifted["income"].missing_count == 9
    assert drifted["spend"].missing_count == 5
    assert drifted["visits"].missing_count == 0
    assert {found.row_count for found in drifted.values()} == {ROWS_COUNT}
    edges = {reference.feature.name: reference.edges for reference in references}
    measured = {found.name: found for found in measure(df, features, edges)}
    assert measured["income"].usable == sum(measured["income"].counts) == ROWS_COUNT - 9
    assert measured["spend"].usable == sum(measured["spend"].counts) == ROWS_COUNT - 5
    usable = transformed(rows[9:], "income")
    assert drifted["income"].current_mean == pytest.approx(np.mean(usable), rel=1e-12)
