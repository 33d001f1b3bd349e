"""The kmeans sweep on a bounded sample in the driver, and MLlib's final fit of the chosen k."""

from __future__ import annotations

import numpy as np
import pytest
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.linalg import Vectors
from pyspark.sql import SparkSession
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.segmentation import SegmentationConfig, prepare_features
from customer_segmentation.segmentation.clustering import final_fit
from customer_segmentation.segmentation.sample_sweep import (
    SweepSample,
    best_fit,
    collect_sample,
    lloyd,
    score_k,
    silhouette,
    sweep_sample,
)
from test_segmentation_pipeline import BLOB_SCHEMA, planted_blob_rows


def blobs(rows_per_blob: int = 300, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Four well-separated Gaussian blobs in 3 dimensions and each row's blob."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]], dtype=float)
    x = np.concatenate([c + rng.normal(size=(rows_per_blob, 3)) for c in centres])
    return x, np.repeat(np.arange(4), rows_per_blob)


def test_lloyd_recovers_planted_blobs_and_is_seeded():
    """k-means++ and Lloyd find the four blobs; the same seed gives the same fit."""
    x, truth = blobs()
    fit = lloyd(x, 4, seed=42, max_iter=50)
    assert adjusted_rand_score(truth, fit.labels) == pytest.approx(1.0)
    again = lloyd(x, 4, seed=42, max_iter=50)
    assert np.array_equal(fit.labels, again.labels)
    assert fit.wcss == pytest.approx(float(((x - fit.centers[fit.labels]) ** 2).sum()))


def test_best_fit_keeps_the_lowest_wcss_and_refuses_too_few_points():
    """Of several seeds the lowest WCSS wins; data with 2 distinct points cannot hold k = 3."""
    x, _ = blobs()
    fits = [lloyd(x, 6, seed, 50) for seed in (1, 2, 3)]
    assert best_fit(x, 6, [1, 2, 3], 50).wcss == min(fit.wcss for fit in fits)
    with pytest.raises(ValueError, match="only 2 distinct centres for k=3"):
        best_fit(np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5), 3, [1, 2], 50)


def test_silhouette_is_mllibs_squared_euclidean_silhouette(spark: SparkSession):
    """The numpy silhouette equals ClusteringEvaluator's on the same labelling."""
    x, _ = blobs(rows_per_blob=60)
    labels = lloyd(x, 5, seed=3, max_iter=50).labels  # 5 clusters on 4 blobs: not trivial
    frame = spark.createDataFrame(
        [(Vectors.dense(row.tolist()), int(label)) for row, label in zip(x, labels, strict=True)],
        ["features", "prediction"],
    )
    evaluator = ClusteringEvaluator(distanceMeasure="squaredEuclidean")
    assert silhouette(x, labels, 5) == pytest.approx(evaluator.evaluate(frame), abs=1e-9)


def test_stability_tells_planted_structure_from_a_blob():
    """Halves of planted blobs agree at the planted k; halves of one blob do not at k = 4."""
    x, _ = blobs()
    rng = np.random.default_rng(0)
    sides = [rng.random(len(x)) < 0.5 for _ in range(2)]
    config = SegmentationConfig()
    planted = score_k(SweepSample(x, sides), 4, config)
    assert planted.stability == pytest.approx(1.0)
    assert planted.smallest_share == pytest.approx(0.25)
    blob = rng.normal(size=(1200, 3))
    assert score_k(SweepSample(blob, sides), 4, config).stability < 0.9


@pytest.fixture(scope="module")
def planted_frame(spark: SparkSession):
    """The shared planted blobs (four groups of 200 customers), cached."""
    df = spark.createDataFrame(planted_blob_rows(), BLOB_SCHEMA).cache()
    yield df
    df.unpersist()


def test_the_sample_is_bounded_seeded_and_independent_of_layout(planted_frame):
    """At most sweep_sample_rows rows, the same ones in the same order for any partitioning."""
    samples = []
    for partitions in (1, 3):
        config = SegmentationConfig(num_partitions=partitions, sweep_sample_rows=300)
        with prepare_features(planted_frame, config) as prepared:
            samples.append(collect_sample(prepared, config))
    first, second = samples
    assert 200 <= len(first.vectors) <= 400  # a hash sample: about 300 of 800
    # the same rows in the same order (the scaler's sums differ in the last bits by layout)
    assert np.allclose(first.vectors, second.vectors, rtol=0, atol=1e-12)
    assert all(np.array_equal(a, b) for a, b in zip(first.sides, second.sides, strict=True))


def test_sweep_scores_do_not_depend_on_the_partitioning(planted_frame):
    """The sample sweep reads the id-sorted sample, so num_partitions changes nothing."""
    scores = []
    for partitions in (1, 4):
        config = SegmentationConfig(num_partitions=partitions, k_max=5)
        with prepare_features(planted_frame, config) as prepared:
            scores.append(sweep_sample(prepared, config, [3, 4, 5]))
    for one, other in zip(*scores, strict=True):
        assert (one.k, one.seed, one.sample_rows) == (other.k, other.seed, other.sample_rows)
        assert one.wcss == pytest.approx(other.wcss, rel=1e-9)
        assert one.silhouette == pytest.approx(other.silhouette, rel=1e-9)
        assert one.stability == pytest.approx(other.stability, rel=1e-9)
    assert [score.k for score in scores[0]] == [3, 4, 5]


def test_final_fit_takes_the_first_start_as_good_as_the_sample(planted_frame):
    """A start within tolerance of the sample's WCSS per row is kept; an unreachable target
    makes every start run and the best objective win."""
    config = SegmentationConfig(n_init=3)
    with prepare_features(planted_frame, config) as prepared:
        sample = collect_sample(prepared, config)
        expected = score_k(sample, 4, config).wcss_per_row
        seed, model, centers = final_fit(prepared, config, 4, expected)
        assert seed == config.seed and len(centers) == 4
        assert model.summary.trainingCost / 800 <= expected * 1.05
        best_seed, best, _ = final_fit(prepared, config, 4, expected_wcss_per_row=0.0)
        assert best.summary.trainingCost <= model.summary.trainingCost * (1 + 1e-9)
        assert best_seed in (42, 43, 44)
