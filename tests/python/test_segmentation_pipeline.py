"""The segmentation steps end to end on planted clusters: choose k, assign, describe."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from customer_segmentation.segmentation import (
    SegmentationConfig,
    as_of_date_of,
    assign_segments,
    chosen_k,
    describe_centroids,
    select_k,
)

BLOB_SCHEMA = (
    "customer_id string, planted_segment int, country string, log_recency_days double, "
    "log_frequency double, log_monetary double, log_avg_order_value double, monetary double"
)
# Planted centres in (log_recency_days, log_frequency, log_monetary, log_avg_order_value),
# listed by descending log_monetary, so blob i should become segment i + 1.
PLANTED_CENTRES = np.array(
    [
        [3.0, 7.0, 11.0, 6.0],
        [7.0, 3.0, 8.0, 3.0],
        [3.0, 3.0, 5.0, 8.0],
        [8.0, 8.0, 2.0, 4.0],
    ]
)
PER_BLOB = 200
ROWS = PER_BLOB * len(PLANTED_CENTRES)
LOG1P_CONFIG = SegmentationConfig.from_dict(
    {
        "features": {
            "log_recency_days": "standardise",
            "log_frequency": "standardise",
            "monetary": "log1p",
            "log_avg_order_value": "standardise",
        },
        "order_by": "monetary",
    }
)
RFM_DESCRIPTION = (
    "log_recency_days:standardise,log_frequency:standardise,log_monetary:standardise,"
    "log_avg_order_value:standardise"
)
DEMOGRAPHIC_SCHEMA = (
    "customer_id string, planted_segment int, age int, annual_income_amount double, "
    "log_recency_days double, log_frequency double, log_monetary double, "
    "log_avg_order_value double, as_of_date date, attributes map<string,string>"
)
PER_DEMOGRAPHIC_GROUP = 30


def planted_blob_rows(seed: int = 20240630, noise: float = 0.5) -> list[tuple]:
    """Gaussian blobs around PLANTED_CENTRES; ids are shuffled so they say nothing of blobs."""
    rng = np.random.default_rng(seed)
    blob = np.repeat(np.arange(len(PLANTED_CENTRES)), PER_BLOB)
    points = PLANTED_CENTRES[blob] + rng.normal(scale=noise, size=(ROWS, 4))
    ids = rng.permutation(ROWS)
    countries = ["DE", "FR", "NL"]
    return [
        (
            f"C{ids[i]:05d}",
            int(blob[i]) + 1,
            countries[i % 3],
            *[float(value) for value in points[i]],
            float(np.expm1(points[i, 2])),
        )
        for i in range(ROWS)
    ]


def demographic_rows(seed: int = 7) -> list[tuple]:
    """A demographic file without purchase history: two planted groups (young/poor, old/rich).

    education is "3" for 4 in 5 of the old group and 1 in 5 of the young one; the log
    columns and as_of_date are null, as for a file without orders.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(2 * PER_DEMOGRAPHIC_GROUP):
        old = i % 2
        education = "3" if bool(old) == (i % 10 not in (0, 1)) else "1"
        attributes = {"education": education, "total_children": str(int(rng.integers(0, 3)))}
        age = int(30 + 30 * old + rng.integers(-3, 4))
        income = float(30000 + 60000 * old + rng.normal(0, 3000))
        rows.append((f"D{i:03d}", old + 1, age, income, None, None, None, None, None, attributes))
    return rows


def uniform_rows(seed: int = 11, rows: int = 300) -> list[tuple]:
    """Points without cluster structure, where KMeans' result depends on its initialisation."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(size=(rows, 3))
    return [(f"U{i:05d}", *[float(value) for value in points[i]]) for i in range(rows)]


def segment_map(segments: DataFrame) -> dict[str, tuple[int, float]]:
    """Collect a (test-sized) segment assignment as id -> (segment_id, distance)."""
    return {
        row["customer_id"]: (row["segment_id"], row["distance_to_centroid"])
        for row in segments.collect()
    }


@pytest.fixture(scope="module")
def blob_rows() -> list[tuple]:
    """The planted-blobs rows, as Python tuples."""
    return planted_blob_rows()


@pytest.fixture(scope="module")
def blobs(spark: SparkSession, blob_rows: list[tuple]) -> Iterator[DataFrame]:
    """The planted blobs as a cached Spark DataFrame (the customer feature mart's shape)."""
    df = spark.createDataFrame(blob_rows, BLOB_SCHEMA).cache()
    yield df
    df.unpersist()


@pytest.fixture(scope="module")
def segments(blobs: DataFrame) -> Iterator[DataFrame]:
    """Segments of the planted blobs with k = 4 under the log1p config, cached for the tests."""
    df = assign_segments(blobs, LOG1P_CONFIG, 4).cache()
    yield df
    df.unpersist()


@pytest.fixture(scope="module")
def assigned(segments: DataFrame) -> dict[str, tuple[int, float]]:
    """The planted-blob segments collected as id -> (segment_id, distance)."""
    return segment_map(segments)


@pytest.fixture(scope="module")
def k_selection(blobs: DataFrame) -> DataFrame:
    """The auto-k sweep over k = 2..5 with the default features."""
    return select_k(blobs, SegmentationConfig.from_dict({"k_min": 2, "k_max": 5})).cache()


@pytest.fixture(scope="module")
def demographic(spark: SparkSession) -> Iterator[DataFrame]:
    """The demographic file as a cached DataFrame (the feature mart's shape, no RFM)."""
    df = spark.createDataFrame(demographic_rows(), DEMOGRAPHIC_SCHEMA).cache()
    yield df
    df.unpersist()


@pytest.fixture(scope="module")
def centroids(blobs: DataFrame, segments: DataFrame) -> list:
    """describe_centroids of the planted-blob segments, collected (16 rows)."""
    return describe_centroids(blobs, segments, LOG1P_CONFIG).collect()


def test_assign_segments_recovers_planted_segments(
    blob_rows: list[tuple], assigned: dict[str, tuple[int, float]]
) -> None:
    from sklearn.metrics import adjusted_rand_score

    planted = [row[1] for row in blob_rows]
    found = [assigned[row[0]][0] for row in blob_rows]
    assert adjusted_rand_score(planted, found) >= 0.9


def test_segment_ids_follow_descending_order_by_centroid(
    blob_rows: list[tuple], assigned: dict[str, tuple[int, float]]
) -> None:
    for planted in range(1, len(PLANTED_CENTRES) + 1):
        votes = Counter(assigned[row[0]][0] for row in blob_rows if row[1] == planted)
        assert votes.most_common(1)[0][0] == planted


def test_assign_segments_returns_one_row_per_customer(segments: DataFrame) -> None:
    assert [(field.name, field.dataType.simpleString()) for field in segments.schema] == [
        ("customer_id", "string"),
        ("segment_id", "int"),
        ("distance_to_centroid", "double"),
    ]
    summary = segments.agg(
        F.count(F.lit(1)).alias("rows"),
        F.count_distinct("customer_id").alias("ids"),
        F.min("segment_id").alias("first"),
        F.max("segment_id").alias("last"),
        F.min("distance_to_centroid").alias("nearest"),
    ).first()
    assert (summary["rows"], summary["ids"]) == (ROWS, ROWS)
    assert (summary["first"], summary["last"]) == (1, 4)
    assert summary["nearest"] >= 0.0


def test_distance_is_euclidean_to_the_centroid_in_standardised_space(
    blob_rows: list[tuple], assigned: dict[str, tuple[int, float]]
) -> None:
    raw = np.array([[row[3], row[4], row[7], row[6]] for row in blob_rows])
    raw[:, 2] = np.log1p(raw[:, 2])
    z = (raw - raw.mean(axis=0)) / raw.std(axis=0, ddof=1)
    segment = np.array([assigned[row[0]][0] for row in blob_rows])
    distance = np.array([assigned[row[0]][1] for row in blob_rows])
    for segment_id in range(1, 5):
        members = segment == segment_id
        centroid = z[members].mean(axis=0)
        expected = np.linalg.norm(z[members] - centroid, axis=1)
        np.testing.assert_allclose(distance[members], expected, rtol=1e-6, atol=1e-6)


def test_auto_k_finds_the_planted_k(k_selection: DataFrame) -> None:
    assert chosen_k(k_selection) == len(PLANTED_CENTRES)


def test_k_selection_table_has_one_row_per_k_and_sane_scores(k_selection: DataFrame) -> None:
    assert [(field.name, field.dataType.simpleString()) for field in k_selection.schema] == [
        ("k", "int"),
        ("wcss", "double"),
        ("silhouette", "double"),
        ("is_chosen", "boolean"),
        ("features", "string"),
        ("order_by", "string"),
    ]
    rows = sorted(k_selection.collect(), key=lambda row: row["k"])
    assert [row["k"] for row in rows] == [2, 3, 4, 5]
    assert sum(row["is_chosen"] for row in rows) == 1
    assert all(math.isfinite(row["wcss"]) and row["wcss"] > 0 for row in rows)
    assert all(-1.0 <= row["silhouette"] <= 1.0 for row in rows)
    for smaller, larger in itertools.pairwise(rows):
        assert larger["wcss"] <= smaller["wcss"] * 1.05
    by_k = {row["k"]: row for row in rows}
    assert by_k[4]["wcss"] < 0.5 * by_k[3]["wcss"]


def test_k_selection_records_the_auto_resolved_rfm_features(k_selection: DataFrame) -> None:
    recorded = {(row["features"], row["order_by"]) for row in k_selection.collect()}
    assert recorded == {(RFM_DESCRIPTION, "log_monetary")}  # the default order_by


def test_fixed_k_is_chosen_and_added_to_the_diagnostic_sweep(blobs: DataFrame) -> None:
    config = SegmentationConfig.from_dict({"k": 3, "k_min": 2, "k_max": 2})
    rows = sorted(select_k(blobs, config).collect(), key=lambda row: row["k"])
    assert [(row["k"], row["is_chosen"]) for row in rows] == [(2, False), (3, True)]


def test_chosen_k_requires_exactly_one_chosen_row(spark: SparkSession) -> None:
    table = spark.createDataFrame(
        [(2, 10.0, 0.5, True), (3, 8.0, 0.6, True)],
        "k int, wcss double, silhouette double, is_chosen boolean",
    )
    with pytest.raises(ValueError, match="exactly one chosen k"):
        chosen_k(table)


def test_segments_are_stable_across_row_order_and_partitioning(
    spark: SparkSession, blob_rows: list[tuple], assigned: dict[str, tuple[int, float]]
) -> None:
    shuffled = [blob_rows[i] for i in np.random.default_rng(5).permutation(len(blob_rows))]
    reordered = spark.createDataFrame(shuffled, BLOB_SCHEMA).repartition(7)
    rerun = segment_map(assign_segments(reordered, LOG1P_CONFIG, 4))
    assert {key: value[0] for key, value in rerun.items()} == {
        key: value[0] for key, value in assigned.items()
    }
    for key, (_, distance) in rerun.items():
        assert distance == pytest.approx(assigned[key][1], rel=1e-9, abs=1e-12)


def test_segments_are_stable_without_cluster_structure(spark: SparkSession) -> None:
    # On structureless data the KMeans optimum depends on initialisation, so this fails
    # unless the fit input is canonicalised before sampling the initial centres.
    rows = uniform_rows()
    schema = "customer_id string, x double, y double, z double"
    config = SegmentationConfig.from_dict(
        {
            "features": {"x": "standardise", "y": "standardise", "z": "standardise"},
            "order_by": "x",
            "max_iter": 4,
        }
    )
    forward = spark.createDataFrame(rows, schema).repartition(3)
    backward = spark.createDataFrame(rows[::-1], schema).coalesce(1)
    first = segment_map(assign_segments(forward, config, 4))
    second = segment_map(assign_segments(backward, config, 4))
    assert {key: value[0] for key, value in first.items()} == {
        key: value[0] for key, value in second.items()
    }


def test_assign_segments_rejects_k_above_the_row_count(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0, 2.0), ("c2", 3.0, 1.0), ("c3", 5.0, 0.0)],
        "customer_id string, log_monetary double, log_frequency double",
    )
    config = SegmentationConfig.from_dict(
        {"features": {"log_monetary": "none", "log_frequency": "none"}}
    )
    with pytest.raises(ValueError, match=r"k=4 clusters .* 3 rows"):
        assign_segments(df, config, 4)


def test_assign_segments_rejects_k_above_the_distinct_points(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [(f"c{i}", float(i % 2)) for i in range(6)], "customer_id string, log_monetary double"
    )
    config = SegmentationConfig.from_dict({"features": {"log_monetary": "none"}})
    with pytest.raises(ValueError, match=r"k=3 clusters .* 6 rows with 2 distinct"):
        assign_segments(df, config, 3)


def test_select_k_rejects_data_too_small_for_k_min(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("c1", 1.0), ("c2", 2.0), ("c3", 4.0)], "customer_id string, log_monetary double"
    )
    config = SegmentationConfig.from_dict(
        {"features": {"log_monetary": "none"}, "k_min": 4, "k_max": 6}
    )
    with pytest.raises(ValueError, match=r"k=4 clusters .* 3 rows"):
        select_k(df, config)


def test_describe_centroids_orders_segments_by_the_order_by_z(centroids: list) -> None:
    monetary = sorted(
        (row for row in centroids if row["feature"] == "monetary"),
        key=lambda row: row["segment_id"],
    )
    assert [row["segment_id"] for row in monetary] == [1, 2, 3, 4]
    z_values = [row["centroid_z"] for row in monetary]
    assert z_values == sorted(z_values, reverse=True)
    assert len(set(z_values)) == 4


def test_describe_centroids_reports_means_in_original_units(
    blob_rows: list[tuple], assigned: dict[str, tuple[int, float]], centroids: list
) -> None:
    segment = np.array([assigned[row[0]][0] for row in blob_rows])
    monetary = np.array([row[7] for row in blob_rows])
    frequency = np.array([row[4] for row in blob_rows])
    by_key = {(row["segment_id"], row["feature"]): row for row in centroids}
    for segment_id in range(1, 5):
        members = segment == segment_id
        row = by_key[(segment_id, "monetary")]
        assert row["transform"] == "log1p"
        assert row["customer_count"] == int(members.sum())
        assert row["mean_value"] == pytest.approx(monetary[members].mean(), rel=1e-9)
        assert row["centroid_transformed"] == pytest.approx(
            np.log1p(monetary[members]).mean(), rel=1e-9
        )
        assert row["mean_value"] > math.expm1(row["centroid_transformed"])  # Jensen
        untransformed = by_key[(segment_id, "log_frequency")]
        assert untransformed["transform"] == "standardise"
        assert untransformed["mean_value"] == pytest.approx(frequency[members].mean(), rel=1e-9)
        assert untransformed["centroid_transformed"] == untransformed["mean_value"]


def test_describe_centroids_standardises_with_overall_mean_and_sample_std(
    blob_rows: list[tuple], centroids: list
) -> None:
    frequency = np.array([row[4] for row in blob_rows])
    mean, std = frequency.mean(), frequency.std(ddof=1)
    rows = [row for row in centroids if row["feature"] == "log_frequency"]
    for row in rows:
        expected = (row["centroid_transformed"] - mean) / std
        assert row["centroid_z"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    weights = np.array([row["customer_count"] for row in rows])
    z_values = np.array([row["centroid_z"] for row in rows])
    assert weights.sum() == ROWS
    assert float((weights * z_values).sum()) == pytest.approx(0.0, abs=1e-9)


def test_describe_centroids_has_one_row_per_segment_and_feature(
    blobs: DataFrame, segments: DataFrame
) -> None:
    result = describe_centroids(blobs, segments, LOG1P_CONFIG)
    assert [(field.name, field.dataType.simpleString()) for field in result.schema] == [
        ("segment_id", "int"),
        ("feature", "string"),
        ("transform", "string"),
        ("customer_count", "bigint"),
        ("mean_value", "double"),
        ("centroid_transformed", "double"),
        ("centroid_z", "double"),
    ]
    keys = [(row["segment_id"], row["feature"]) for row in result.collect()]
    assert sorted(keys) == sorted(
        (segment_id, feature)
        for segment_id in range(1, 5)
        for feature in LOG1P_CONFIG.feature_names
    )


def test_describe_centroids_rejects_segments_missing_customers(
    blobs: DataFrame, segments: DataFrame
) -> None:
    partial = segments.where(F.col("customer_id") != "C00000")
    with pytest.raises(ValueError, match="1 have none"):
        describe_centroids(blobs, partial, LOG1P_CONFIG)


def test_demographic_file_segments_on_auto_features_and_falls_back_in_order_by(
    demographic: DataFrame,
) -> None:
    config = SegmentationConfig.from_dict({"k_min": 2, "k_max": 3})  # order_by: log_monetary
    k_selection = select_k(demographic, config).collect()
    assert {(row["features"], row["order_by"]) for row in k_selection} == {
        (
            "age:standardise,annual_income_amount:standardise,education:standardise,"
            "total_children:standardise",
            "age",
        )
    }
    k = chosen_k(demographic.sparkSession.createDataFrame(k_selection))
    assert k == 2
    found = {
        row["customer_id"]: row["segment_id"]
        for row in assign_segments(demographic, config, k).collect()
    }
    # order_by log_monetary is all null here: segment 1 is the oldest (first feature) group.
    planted = {row[0]: row[1] for row in demographic_rows()}
    assert all(found[key] == 3 - planted[key] for key in planted)


def test_one_hot_centroids_give_each_segments_share_per_category(demographic: DataFrame) -> None:
    config = SegmentationConfig.from_dict(
        {"features": {"annual_income_amount": "standardise", "education": "one_hot"}}
    )
    segments = assign_segments(demographic, config, 2)
    result = describe_centroids(demographic, segments, config).collect()
    assigned = {row["customer_id"]: row["segment_id"] for row in segments.collect()}
    education = {row[0]: row[9]["education"] for row in demographic_rows()}
    rows = {(row["segment_id"], row["feature"]): row for row in result}
    assert sorted(rows) == [
        (segment, feature)
        for segment in (1, 2)
        for feature in ("annual_income_amount", "education=1", "education=3")
    ]
    indicator = np.array([education[key] == "3" for key in sorted(education)], dtype=float)
    segment = np.array([assigned[key] for key in sorted(education)])
    for segment_id in (1, 2):
        share = indicator[segment == segment_id].mean()
        row = rows[(segment_id, "education=3")]
        assert row["transform"] == "one_hot"
        assert row["mean_value"] == pytest.approx(share)
        assert row["centroid_transformed"] == row["mean_value"]
        expected_z = (share - indicator.mean()) / indicator.std(ddof=1)
        assert row["centroid_z"] == pytest.approx(expected_z)
        other = rows[(segment_id, "education=1")]
        assert other["mean_value"] + row["mean_value"] == pytest.approx(1.0)
    # Segment 1 (highest income) is the old group: mostly education 3.
    assert rows[(1, "education=3")]["mean_value"] == pytest.approx(0.8)
    assert rows[(2, "education=3")]["mean_value"] == pytest.approx(0.2)


def test_as_of_date_is_the_latest_in_the_data(spark: SparkSession) -> None:
    dated = spark.createDataFrame(
        [(dt.date(2024, 6, 30),), (dt.date(2024, 5, 1),), (None,)], "as_of_date date"
    )
    assert as_of_date_of(dated) == dt.date(2024, 6, 30)
    stamped = spark.createDataFrame([(dt.datetime(2024, 6, 30, 23, 59),)], "as_of timestamp")
    assert as_of_date_of(stamped, column="as_of") == dt.date(2024, 6, 30)


def test_as_of_date_never_falls_back_to_today(spark: SparkSession, demographic: DataFrame) -> None:
    with pytest.raises(ValueError, match=r"null 'as_of_date' in all 60 rows.*never the clock"):
        as_of_date_of(demographic)
    empty = spark.createDataFrame([], "customer_id string, as_of_date date")
    with pytest.raises(ValueError, match="feature mart is empty"):
        as_of_date_of(empty)
    with pytest.raises(ValueError, match=r"no 'as_of_date' column"):
        as_of_date_of(empty.drop("as_of_date"))
