"""The k sweep: every candidate k fitted from several seeded initialisations and scored.

Per k, on the prepared (cached, canonically partitioned) input:

- `n_init` fits seeded seed, seed + 1, ...; the one with the best objective (WCSS, or the
  mixture's likelihood) is kept, ties going to the earlier seed. Its fit is the model saved
  when this k is chosen, so nothing is fitted twice.
- its WCSS, Davies-Bouldin, smallest segment share (one grouped pass), silhouette (MLlib's
  linear-time evaluator) and Calinski-Harabasz (from WCSS and the input's total sum of
  squares, one pass per sweep);
- its stability: for each of `stability_runs` seeded random half-splits of the rows, each
  half is fitted by the same procedure (best of n_init), both fits label a common sample of
  at most `stability_sample_rows` rows and the adjusted Rand index of the two labellings is
  the run's agreement; stability is their mean. (Single-start half fits measured the luck of
  one initialisation more than the data: on the seed, k=5's stability was 0.66, 0.79 or
  0.93 depending only on num_partitions; best of n_init gave 1.0 with each.)

This Spark sweep serves `bisecting_kmeans` and `gaussian_mixture`; `kmeans` sweeps a bounded
sample in the driver (segmentation.sample_sweep) and fits the chosen k here (final_fit).

The fits and evaluations are independent Spark jobs; `parallelism` driver threads submit
them at once (Spark's answer to per-job latency on small data, as CrossValidator's
`parallelism`). Results do not depend on it: every fit is seeded and reads the same frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from pyspark.ml import Model
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from customer_segmentation.segmentation.clusterers import (
    PROBABILITY_COLUMN,
    centers_of,
    estimator,
    objective_of,
)
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.criteria import (
    CLUSTER_COLUMN,
    adjusted_rand_index,
    calinski_harabasz,
    cluster_stats,
    contingency,
    davies_bouldin,
    silhouette,
    total_sum_of_squares,
)
from customer_segmentation.segmentation.expressions import column_ref
from customer_segmentation.segmentation.features import PreparedFeatures

_FIRST_LABEL = "__segmentation_first_half_cluster"
# A final fit this close to the sample sweep's WCSS per row is as good as the sweep found.
FINAL_FIT_TOLERANCE = 0.05
SAMPLE_BUCKETS = 1_000_000
# Salts keeping the samples' hash apart from the half-splits' hashes.
SAMPLE_SALT = 7_919
SPLIT_SALT = 104_729


@dataclass(frozen=True)
class KFit:
    """One k of the sweep: the kept fit, its centres and every criterion measured for it.

    stability is None when it was not measured (`stability_runs: 0`).
    """

    k: int
    model: Model
    centers: list[list[float]]
    init_seed: int
    wcss: float
    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    smallest_share: float
    stability: float | None


@dataclass(frozen=True)
class SweepInput:
    """The frames one sweep reads: the input, its half-splits and the common sample."""

    frame: DataFrame
    rows: int
    total_sum_of_squares: float
    halves: list[tuple[DataFrame, DataFrame]]
    common_sample: DataFrame


def count_distinct_points(prepared: PreparedFeatures) -> int:
    """Count distinct feature vectors (no clusterer can find more clusters than that)."""
    row = prepared.frame.agg(F.count_distinct(*prepared.slot_columns).alias("points")).first()
    assert row is not None  # a global aggregation always returns one row
    return int(row["points"])


def require_enough_points(k: int, row_count: int, distinct_points: int) -> None:
    """Raise a ValueError naming k and the row count when the data cannot hold k clusters."""
    if row_count < k or distinct_points < k:
        raise ValueError(
            f"k={k} clusters need at least {k} customers with distinct feature values; the "
            f"input has {row_count} rows with {distinct_points} distinct feature vectors"
        )


def candidate_ks(config: SegmentationConfig, row_count: int, distinct_points: int) -> list[int]:
    """Return the ks to fit: k_min..k_max capped at what the data allows, plus a fixed k."""
    capacity = min(row_count, distinct_points)
    sweep = [k for k in range(config.k_min, config.k_max + 1) if k <= capacity]
    if config.is_auto_k:
        if not sweep:
            require_enough_points(config.k_min, row_count, distinct_points)
        return sweep
    fixed = int(config.k)
    require_enough_points(fixed, row_count, distinct_points)
    return sorted({*sweep, fixed})


def hash_bucket(id_column: str, salt: int, buckets: int) -> Column:
    """A deterministic bucket of each row's id (the same on every run and layout)."""
    return F.pmod(F.xxhash64(F.lit(salt), column_ref(id_column)), F.lit(buckets))


def sweep_input(prepared: PreparedFeatures, config: SegmentationConfig) -> SweepInput:
    """Measure the input (one pass) and define its seeded half-splits and common sample."""
    frame = prepared.frame
    rows, tss = total_sum_of_squares(frame, len(prepared.slot_names))
    halves = []
    for run in range(config.stability_runs):
        side = hash_bucket(prepared.id_column, config.seed + SPLIT_SALT + run, 2)
        halves.append((frame.where(side == 0), frame.where(side == 1)))
    common = frame
    if rows > config.stability_sample_rows:
        kept = math.ceil(SAMPLE_BUCKETS * config.stability_sample_rows / rows)
        bucket = hash_bucket(prepared.id_column, config.seed + SAMPLE_SALT, SAMPLE_BUCKETS)
        common = frame.where(bucket < kept)
    return SweepInput(frame, rows, tss, halves, common)


def fit_once(frame: DataFrame, config: SegmentationConfig, k: int, seed: int) -> Model:
    """One seeded fit of the configured algorithm with k clusters."""
    return estimator(config.algorithm, k, seed, config.max_iter).fit(frame)


def best_of(fits: Sequence[tuple[int, Model]], k: int) -> tuple[int, Model, list[list[float]]]:
    """The (seed, model, centres) with the lowest objective among fits that kept k centres."""
    complete = []
    found = 0
    for seed, model in fits:
        centers = centers_of(model)
        found = max(found, len(centers))
        if len(centers) == k:
            complete.append((objective_of(model), seed, model, centers))
    if not complete:
        raise ValueError(f"the clusterer found only {found} distinct centres for k={k}")
    _, seed, model, centers = min(complete, key=lambda fit: (fit[0], fit[1]))
    return seed, model, centers


def agreement(first: Model, second: Model, sample: DataFrame) -> float:
    """Adjusted Rand index of two fits' labellings of the same sample (one grouped pass)."""
    labelled = (
        first.transform(sample)
        .withColumnRenamed(CLUSTER_COLUMN, _FIRST_LABEL)
        .drop(PROBABILITY_COLUMN)
    )
    counts = contingency(second.transform(labelled), _FIRST_LABEL, CLUSTER_COLUMN)
    return adjusted_rand_index(counts)


def evaluate(k: int, seed: int, model: Model, centers: list[list[float]], data: SweepInput) -> KFit:
    """Score one kept fit on the input (two passes); stability is added by the sweep."""
    labelled = model.transform(data.frame)
    stats = cluster_stats(labelled, centers)
    return KFit(
        k=k,
        model=model,
        centers=centers,
        init_seed=seed,
        wcss=stats.wcss,
        silhouette=silhouette(labelled),
        davies_bouldin=davies_bouldin(centers, stats.mean_distance),
        calinski_harabasz=calinski_harabasz(stats.wcss, data.total_sum_of_squares, data.rows, k),
        smallest_share=stats.smallest_share(k),
        stability=None,
    )


def sweep_k(prepared: PreparedFeatures, config: SegmentationConfig, ks: list[int]) -> list[KFit]:
    """Fit, keep the best initialisation of, and score every k of ks; in ascending k."""
    data = sweep_input(prepared, config)
    seeds = [config.seed + i for i in range(config.n_init)]
    runs = range(len(data.halves))
    with ThreadPoolExecutor(max_workers=config.parallelism) as pool:
        fits = {
            (k, seed): pool.submit(fit_once, data.frame, config, k, seed)
            for k in ks
            for seed in seeds
        }
        half_fits = {
            (k, run, side, seed): pool.submit(fit_once, half, config, k, seed)
            for k in ks
            for run, pair in enumerate(data.halves)
            for side, half in enumerate(pair)
            for seed in seeds
        }
        kept = {k: best_of([(seed, fits[(k, seed)].result()) for seed in seeds], k) for k in ks}
        evaluations = {k: pool.submit(evaluate, k, *kept[k], data) for k in ks}

        def half_model(k: int, run: int, side: int) -> Model:
            """The best of the n_init fits of one half (the model's own procedure)."""
            half = [(seed, half_fits[(k, run, side, seed)].result()) for seed in seeds]
            return best_of(half, k)[1]

        agreements = {
            (k, run): pool.submit(
                agreement, half_model(k, run, 0), half_model(k, run, 1), data.common_sample
            )
            for k in ks
            for run in runs
        }
        results = []
        for k in sorted(ks):
            measured = [agreements[(k, run)].result() for run in runs]
            stability = sum(measured) / len(measured) if measured else None
            results.append(replace(evaluations[k].result(), stability=stability))
    return results


def final_fit(
    prepared: PreparedFeatures,
    config: SegmentationConfig,
    k: int,
    expected_wcss_per_row: float | None = None,
) -> tuple[int, Model, list[list[float]]]:
    """Fit k on every row; try seeds in turn until a fit is as good as the sweep's sample fit.

    A seeded start whose WCSS per row is within FINAL_FIT_TOLERANCE of the sample sweep's
    best (expected_wcss_per_row) is taken at once: usually the first, so all rows are fitted
    once. Otherwise (a poor local optimum, or no expectation given) the best of all n_init
    starts is kept.
    """
    fits: list[tuple[int, Model]] = []
    for init in range(config.n_init):
        seed = config.seed + init
        model = fit_once(prepared.frame, config, k, seed)
        fits.append((seed, model))
        if expected_wcss_per_row is not None and len(centers_of(model)) == k:
            per_row = objective_of(model) / max(prepared.resolved.row_count, 1)
            if per_row <= expected_wcss_per_row * (1 + FINAL_FIT_TOLERANCE):
                return seed, model, centers_of(model)
    return best_of(fits, k)


def fit_k(prepared: PreparedFeatures, k: int, config: SegmentationConfig) -> KFit:
    """Fit and score one k (the sweep of a single k)."""
    return sweep_k(prepared, config, [k])[0]
