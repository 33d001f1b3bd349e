"""The k sweep on Spark: several initialisations, every criterion, the k rule, three algorithms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame, SparkSession
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.segmentation import (
    SegmentationConfig,
    prepare_features,
    score_customers,
    train_model,
)
from customer_segmentation.segmentation.clustering import best_of, fit_once, sweep_k
from customer_segmentation.segmentation.config import ALGORITHMS
from test_segmentation_pipeline import BLOB_SCHEMA, planted_blob_rows

RFM_SCHEMA = (
    "customer_id string, log_recency_days double, log_frequency double, log_monetary double, "
    "log_avg_order_value double"
)
# A fifth planted group of 16 customers (2% of 816), well apart from the four big ones: a k
# that isolates it separates well, but it is no audience under the 5% minimum share.
TINY_CENTRE = [12.0, 12.0, 12.0, 12.0]
TINY_ROWS = 16


def planted_with_a_tiny_group() -> list[tuple]:
    """The four planted blobs (200 each) plus TINY_ROWS customers around TINY_CENTRE."""
    rng = np.random.default_rng(99)
    tiny = [
        (f"T{i:03d}", 5, "DE", *[float(v) for v in TINY_CENTRE + rng.normal(0.5, size=4)], 1.0)
        for i in range(TINY_ROWS)
    ]
    return planted_blob_rows() + tiny


def one_blob_rows(rows: int = 600, seed: int = 4) -> list[tuple]:
    """An isotropic Gaussian blob in the four RFM coordinates: no structure to find."""
    points = np.random.default_rng(seed).normal(size=(rows, 4))
    return [(f"B{i:04d}", *[float(value) for value in point]) for i, point in enumerate(points)]


@pytest.fixture(scope="module")
def planted(spark: SparkSession) -> Iterator[DataFrame]:
    """The planted blobs with a tiny fifth group, cached."""
    df = spark.createDataFrame(planted_with_a_tiny_group(), BLOB_SCHEMA).cache()
    yield df
    df.unpersist()


@pytest.fixture(scope="module")
def planted_model(planted: DataFrame):
    """The default rule's model of the planted data over k = 3..6."""
    return train_model(planted, SegmentationConfig(k_max=6))


def test_the_rule_finds_the_planted_k_and_segments(planted: DataFrame, planted_model) -> None:
    assert planted_model.k == 4
    labels = {row[0]: row[1] for row in planted_with_a_tiny_group()}
    found = {
        row["customer_id"]: row["segment_id"]
        for row in score_customers(
            planted,
            planted_model.pipeline,
            planted_model.ranks,
            planted_model.centers,
            "customer_id",
        ).collect()
    }
    big = [key for key, label in labels.items() if label <= 4]
    ari = adjusted_rand_score([labels[key] for key in big], [found[key] for key in big])
    assert ari >= 0.99


def test_a_k_isolating_a_tiny_group_is_not_actionable_and_not_chosen(planted_model) -> None:
    by_k = {score.k: score for score in planted_model.sweep}
    isolating = by_k[5]
    assert isolating.smallest_segment_share == pytest.approx(TINY_ROWS / 816, abs=1e-9)
    assert isolating.meets_min_share is False
    assert isolating.silhouette > by_k[3].silhouette  # it would win on separation alone
    chosen = planted_model.chosen
    assert chosen.meets_min_share and chosen.meets_stability
    assert "k=4 has the highest silhouette" in planted_model.k_rule


def test_every_criterion_is_recorded_for_every_k(planted_model) -> None:
    assert [score.k for score in planted_model.sweep] == [3, 4, 5, 6]
    for score in planted_model.sweep:
        assert score.wcss > 0 and score.calinski_harabasz > 0 and score.davies_bouldin > 0
        assert -1 <= score.silhouette <= 1 and -1 <= score.stability <= 1
        assert 0 < score.smallest_segment_share <= 1 / score.k
    wcss = [score.wcss for score in planted_model.sweep]
    assert wcss == sorted(wcss, reverse=True)


def test_on_one_blob_the_rule_reports_low_stability_and_takes_the_smallest_k(
    spark: SparkSession,
) -> None:
    blob = spark.createDataFrame(one_blob_rows(), RFM_SCHEMA)
    model = train_model(blob, SegmentationConfig(k_max=5))
    assert model.k == 3
    assert all(score.stability < 0.8 for score in model.sweep)
    assert all(score.meets_stability is False for score in model.sweep)
    assert "no segmentation it reproduces" in model.k_rule


def test_the_kept_initialisation_has_the_lowest_objective(spark: SparkSession) -> None:
    rng = np.random.default_rng(12)
    rows = [(f"U{i:04d}", *[float(v) for v in rng.uniform(size=4)]) for i in range(400)]
    config = SegmentationConfig(k=6, n_init=4, stability_runs=0)
    with prepare_features(spark.createDataFrame(rows, RFM_SCHEMA), config) as prepared:
        singles = [(seed, fit_once(prepared.frame, config, 6, seed)) for seed in range(42, 46)]
        costs = {seed: model.summary.trainingCost for seed, model in singles}
        seed, _, _ = best_of(singles, 6)
        swept = sweep_k(prepared, config, [6])[0]
    assert len(set(round(cost, 6) for cost in costs.values())) > 1  # the starts matter here
    assert costs[seed] == min(costs.values())
    assert swept.init_seed == seed
    assert swept.wcss == pytest.approx(costs[seed], rel=1e-9)


def test_results_do_not_depend_on_parallelism(spark: SparkSession) -> None:
    blob = spark.createDataFrame(one_blob_rows(200, seed=6), RFM_SCHEMA)
    base = {"k_min": 3, "k_max": 4, "n_init": 2, "stability_runs": 1}
    sweeps = []
    for parallelism in (1, 3):
        config = SegmentationConfig.from_dict({**base, "parallelism": parallelism})
        with prepare_features(blob, config) as prepared:
            sweeps.append(
                [
                    (fit.k, fit.init_seed, fit.wcss, fit.silhouette, fit.stability)
                    for fit in sweep_k(prepared, config, [3, 4])
                ]
            )
    assert sweeps[0] == sweeps[1]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_recovers_the_planted_segments_and_saves(
    spark: SparkSession, algorithm: str, tmp_path: Path
) -> None:
    rows = planted_blob_rows()
    blobs = spark.createDataFrame(rows, BLOB_SCHEMA)
    config = SegmentationConfig(algorithm=algorithm, k=4, k_min=4, k_max=4, stability_runs=1)
    model = train_model(blobs, config)
    assert (model.algorithm, model.k) == (algorithm, 4)
    assert -1 <= model.chosen.stability <= 1
    model.pipeline.write().overwrite().save(str(tmp_path / "model"))
    loaded = PipelineModel.load(str(tmp_path / "model"))
    scored = {
        row["customer_id"]: (row["segment_id"], row["distance_to_centroid"])
        for row in score_customers(
            blobs, loaded, model.ranks, model.centers, "customer_id"
        ).collect()
    }
    planted = [row[1] for row in rows]
    assert adjusted_rand_score(planted, [scored[row[0]][0] for row in rows]) >= 0.99
    # Segment 1 has the highest order_by (log_monetary) centroid: planted blob 1.
    assert {scored[row[0]][0] for row in rows if row[1] == 1} == {1}
    assert all(distance >= 0 for _, distance in scored.values())
