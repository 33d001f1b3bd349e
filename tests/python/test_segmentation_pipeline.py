"""The segmentation steps end to end on planted clusters: train, choose k, score, describe."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pyspark.ml import PipelineModel
from pyspark.ml.clustering import KMeansModel
from pyspark.ml.feature import SQLTransformer, StandardScalerModel, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from customer_segmentation.segmentation import (
    K_SELECTION_SCHEMA,
    SegmentationConfig,
    SegmentationModel,
    as_of_date_of,
    assign_segments,
    chosen_k,
    describe_centroids,
    prepare_features,
    resolve_features,
    score_customers,
    select_k,
    train_model,
)
from customer_segmentation.segmentation.clustering import fit_k, sweep_k
from customer_segmentation.segmentation.criteria import CLUSTER_COLUMN
from customer_segmentation.segmentation.features import VECTOR_COLUMN
from customer_segmentation.segmentation.labels import segment_order

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
# The same settings with k fixed at 4 and no sweep: what assign_segments(..., 4) trains.
LOG1P_K4_CONFIG = SegmentationConfig.from_dict(
    {**LOG1P_CONFIG.to_dict(), "k": 4, "k_min": 4, "k_max": 4}
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


def small_blobs(spark: SparkSession) -> DataFrame:
    """Three small, overlapping 2-d blobs (60 customers) for exact score comparisons."""
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [3.0, 1.0], [1.0, 4.0]])
    points = np.repeat(centres, 20, axis=0) + rng.normal(scale=1.0, size=(60, 2))
    return spark.createDataFrame(
        [(f"s{i:02d}", float(x), float(y)) for i, (x, y) in enumerate(points)],
        "customer_id string, x double, y double",
    )


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
def trained(blobs: DataFrame) -> SegmentationModel:
    """The fixed-k = 4 model of the planted blobs under the log1p config."""
    return train_model(blobs, LOG1P_K4_CONFIG)


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
def centroids(blobs: DataFrame, segments: DataFrame, trained: SegmentationModel) -> list:
    """describe_centroids of the planted-blob segments with the model's features (16 rows)."""
    return describe_centroids(blobs, segments, trained.resolved, "customer_id").collect()


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
    assert k_selection.schema == K_SELECTION_SCHEMA
    assert [(field.name, field.dataType.simpleString()) for field in k_selection.schema] == [
        ("k", "int"),
        ("wcss", "double"),
        ("silhouette", "double"),
        ("davies_bouldin", "double"),
        ("calinski_harabasz", "double"),
        ("smallest_segment_share", "double"),
        ("stability", "double"),
        ("meets_min_share", "boolean"),
        ("meets_stability", "boolean"),
        ("is_chosen", "boolean"),
        ("k_rule", "string"),
        ("algorithm", "string"),
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
    assert all(math.isfinite(row["davies_bouldin"]) and row["davies_bouldin"] > 0 for row in rows)


def test_davies_bouldin_is_lowest_at_the_planted_k(k_selection: DataFrame) -> None:
    scores = {row["k"]: row["davies_bouldin"] for row in k_selection.collect()}
    assert min(scores, key=scores.get) == len(PLANTED_CENTRES)
    assert scores[4] < 0.5 * min(scores[k] for k in (2, 3, 5))


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
    blobs: DataFrame, segments: DataFrame, trained: SegmentationModel
) -> None:
    result = describe_centroids(blobs, segments, trained.resolved, "customer_id")
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
    blobs: DataFrame, segments: DataFrame, trained: SegmentationModel
) -> None:
    partial = segments.where(F.col("customer_id") != "C00000")
    with pytest.raises(ValueError, match=f"1 of {ROWS} have none"):
        describe_centroids(blobs, partial, trained.resolved, "customer_id")


def test_describe_centroids_of_another_mart_uses_the_training_statistics(
    blobs: DataFrame,
    segments: DataFrame,
    trained: SegmentationModel,
    blob_rows: list[tuple],
    assigned: dict[str, tuple[int, float]],
) -> None:
    # Scoring a later mart: its row count is not the training one, and its segments frame may
    # hold customers the mart no longer has; z-scores stay on the model's training scale.
    later = blobs.where(F.col("planted_segment").isin(1, 2))
    result = describe_centroids(later, segments, trained.resolved, "customer_id").collect()
    kept = [row for row in blob_rows if row[1] in (1, 2)]
    assert trained.resolved.row_count == ROWS != len(kept)
    frequency = {row["segment_id"]: row for row in result if row["feature"] == "log_frequency"}
    assert sum(row["customer_count"] for row in frequency.values()) == len(kept)
    training = np.array([row[4] for row in blob_rows])
    mean, std = training.mean(), training.std(ddof=1)
    for segment_id, row in frequency.items():
        members = [blob[4] for blob in kept if assigned[blob[0]][0] == segment_id]
        assert row["customer_count"] == len(members)
        assert row["centroid_transformed"] == pytest.approx(np.mean(members), rel=1e-9)
        assert row["centroid_z"] == pytest.approx((np.mean(members) - mean) / std, rel=1e-9)


def test_train_model_is_one_pipeline_of_the_preprocessing_and_the_chosen_kmeans(
    trained: SegmentationModel,
) -> None:
    assert [type(stage) for stage in trained.pipeline.stages] == [
        SQLTransformer,
        VectorAssembler,
        StandardScalerModel,
        VectorAssembler,
        KMeansModel,
    ]
    kmeans = trained.pipeline.stages[-1]
    assert [[float(value) for value in center] for center in kmeans.clusterCenters()] == (
        trained.centers
    )
    assert trained.k == 4
    assert trained.slot_names == [
        "log_recency_days",
        "log_frequency",
        "monetary",
        "log_avg_order_value",
    ]
    assert [(score.k, score.is_chosen) for score in trained.sweep] == [(4, True)]
    assert trained.chosen.k == 4


def test_train_model_ranks_clusters_by_descending_order_by_centroid(
    trained: SegmentationModel,
) -> None:
    monetary = trained.slot_names.index("monetary")
    assert sorted(trained.ranks) == [1, 2, 3, 4]
    by_rank = sorted(range(trained.k), key=lambda cluster: trained.ranks[cluster])
    values = [trained.centers[cluster][monetary] for cluster in by_rank]
    assert values == sorted(values, reverse=True)
    assert trained.ranks == segment_order(trained.centers, trained.slot_names, "monetary")


def test_train_model_resolved_statistics_are_the_training_mean_and_sample_stddev(
    blob_rows: list[tuple], trained: SegmentationModel
) -> None:
    values = np.array([[row[3], row[4], math.log1p(row[7]), row[6]] for row in blob_rows])
    features = trained.resolved.features
    assert [feature.name for feature in features] == trained.slot_names
    for index, feature in enumerate(features):
        assert feature.mean == pytest.approx(values[:, index].mean(), rel=1e-12)
        assert feature.stddev == pytest.approx(values[:, index].std(ddof=1), rel=1e-12)


def test_score_customers_with_the_trained_pipeline_equals_assign_segments(
    blobs: DataFrame, trained: SegmentationModel, assigned: dict[str, tuple[int, float]]
) -> None:
    scored = score_customers(blobs, trained.pipeline, trained.ranks, trained.centers, "customer_id")
    assert scored.columns == ["customer_id", "segment_id", "distance_to_centroid"]
    found = segment_map(scored)
    assert sorted(found) == sorted(assigned)
    for key, (segment_id, distance) in found.items():
        assert segment_id == assigned[key][0]
        assert distance == pytest.approx(assigned[key][1], rel=1e-9, abs=1e-12)


def test_score_customers_translates_clusters_through_segment_of(
    blobs: DataFrame, trained: SegmentationModel
) -> None:
    # A later version keeps matched ids: any cluster -> segment id mapping is applied as given.
    segment_of = [10 + cluster for cluster in range(trained.k)]
    scored = score_customers(blobs, trained.pipeline, segment_of, trained.centers, "customer_id")
    clusters = trained.pipeline.transform(blobs).select("customer_id", CLUSTER_COLUMN)
    expected = {row["customer_id"]: 10 + row[CLUSTER_COLUMN] for row in clusters.collect()}
    assert {row["customer_id"]: row["segment_id"] for row in scored.collect()} == expected
    assert set(expected.values()) == {10, 11, 12, 13}


def test_a_saved_and_loaded_pipeline_scores_the_same_without_the_training_input(
    spark: SparkSession,
    tmp_path: Path,
    blob_rows: list[tuple],
    trained: SegmentationModel,
    assigned: dict[str, tuple[int, float]],
) -> None:
    path = str(tmp_path / "model")
    trained.pipeline.save(path)
    loaded = PipelineModel.load(path)
    assert [type(stage) for stage in loaded.stages] == [
        type(stage) for stage in trained.pipeline.stages
    ]
    # A later mart holding only some customers, with extra columns and another row order.
    later = spark.createDataFrame(blob_rows[::-3], BLOB_SCHEMA).withColumn("note", F.lit("x"))
    found = segment_map(
        score_customers(later, loaded, trained.ranks, trained.centers, "customer_id")
    )
    assert sorted(found) == sorted(row[0] for row in blob_rows[::-3])
    for key, (segment_id, distance) in found.items():
        assert segment_id == assigned[key][0]
        assert distance == pytest.approx(assigned[key][1], rel=1e-9, abs=1e-12)


def test_fit_k_scores_equal_sklearn_on_the_fitted_vectors(spark: SparkSession) -> None:
    from sklearn.metrics import davies_bouldin_score, silhouette_score

    config = SegmentationConfig.from_dict(
        {"features": {"x": "standardise", "y": "standardise"}, "order_by": "x"}
    )
    with prepare_features(small_blobs(spark), config) as prepared:
        fit = fit_k(prepared, 3, config)
        rows = (
            fit.model.transform(prepared.frame)
            .select(vector_to_array(VECTOR_COLUMN).alias("v"), CLUSTER_COLUMN)
            .collect()
        )
    vectors = np.array([row["v"] for row in rows])
    labels = np.array([row[CLUSTER_COLUMN] for row in rows])
    centers = np.array(fit.centers)
    assert fit.k == 3
    assert fit.centers == [[float(value) for value in c] for c in fit.model.clusterCenters()]
    assert sorted(set(labels)) == [0, 1, 2]
    assert fit.davies_bouldin == pytest.approx(davies_bouldin_score(vectors, labels), rel=1e-6)
    assert fit.silhouette == pytest.approx(
        silhouette_score(vectors, labels, metric="sqeuclidean"), rel=1e-6
    )
    assert fit.wcss == pytest.approx(float(((vectors - centers[labels]) ** 2).sum()), rel=1e-9)


def test_sweep_k_fits_every_k_in_ascending_order_like_fit_k(spark: SparkSession) -> None:
    config = SegmentationConfig.from_dict(
        {"features": {"x": "standardise", "y": "standardise"}, "order_by": "x"}
    )
    with prepare_features(small_blobs(spark), config) as prepared:
        fits = sweep_k(prepared, config, [4, 2, 3])
        single = fit_k(prepared, 3, config)
    assert [fit.k for fit in fits] == [2, 3, 4]
    assert [len(fit.centers) for fit in fits] == [2, 3, 4]
    assert np.allclose(fits[1].centers, single.centers, rtol=1e-12, atol=0)
    assert (fits[1].wcss, fits[1].silhouette, fits[1].davies_bouldin) == pytest.approx(
        (single.wcss, single.silhouette, single.davies_bouldin), rel=1e-12
    )
    assert fits[0].wcss > fits[1].wcss > fits[2].wcss


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
    resolved = resolve_features(demographic, config)
    result = describe_centroids(demographic, segments, resolved, config.id_column).collect()
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
