"""The k-means sweep on a bounded, seeded sample in the driver; MLlib fits the chosen k.

Fitting every candidate k n_init times, plus the stability resamples, is 15 fits per k with
the defaults. In Spark each fit is 10 to 20 jobs of 35 to 250 ms scheduling latency whatever
the rows, so at a few thousand customers the sweep cost 30 s for data that takes numpy
milliseconds, and at a million the sweep dominated the build (bench/RESULTS.md). The sweep
only has to *compare* ks, so it runs on a sample of at most `sweep_sample_rows` rows (all
rows when there are fewer), collected once (rows x coordinates doubles, bounded, never in
proportion to the data); the model itself is MLlib's KMeans fitted on every row with the
chosen k (segmentation.clustering.final_fit).

Per k, on the sample: `n_init` k-means++ initialisations (seed, seed + 1, ...) each refined
by Lloyd iterations (at most `max_iter`, until no centre moves more than 1e-4, MLlib's
tolerance); the lowest WCSS is kept. Its criteria are the ones the Spark sweep records:
WCSS, MLlib's squared-Euclidean silhouette (the same formula, from per-cluster sums),
Davies-Bouldin, Calinski-Harabasz and the smallest segment's share. Stability: for each of
`stability_runs` seeded half-splits of the sample, each half is clustered by the same
procedure (best of n_init) and both fits label the whole sample; the adjusted Rand index of
the two labellings is the run's agreement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyspark.ml.functions import vector_to_array
from pyspark.sql import functions as F

from customer_segmentation.segmentation.clustering import (
    SAMPLE_BUCKETS,
    SAMPLE_SALT,
    SPLIT_SALT,
    hash_bucket,
)
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.criteria import (
    adjusted_rand_index,
    calinski_harabasz,
    davies_bouldin,
)
from customer_segmentation.segmentation.expressions import column_ref
from customer_segmentation.segmentation.features import VECTOR_COLUMN, PreparedFeatures

TOLERANCE = 1e-4  # MLlib KMeans' default: converged when no centre moves further


@dataclass(frozen=True)
class SweepSample:
    """The rows the sweep reads: vectors (n x d), per stability run the side of each row."""

    vectors: np.ndarray
    sides: list[np.ndarray]


@dataclass(frozen=True)
class LocalFit:
    """One k-means fit of the sample: centres, each row's cluster and squared distance."""

    seed: int
    centers: np.ndarray
    labels: np.ndarray
    squared_distance: np.ndarray

    @property
    def wcss(self) -> float:
        """Within-cluster sum of squared distances."""
        return float(self.squared_distance.sum())

    def is_complete(self, k: int) -> bool:
        """Tell whether every one of the k clusters kept at least one row."""
        return len(np.unique(self.labels)) == k


@dataclass(frozen=True)
class SampleScore:
    """One k of the sample sweep: every criterion of its kept fit (stability None: unmeasured)."""

    k: int
    seed: int
    wcss: float
    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    smallest_share: float
    stability: float | None
    sample_rows: int

    @property
    def wcss_per_row(self) -> float:
        """WCSS over the sample's rows: what a fit of all rows should reach per row."""
        return self.wcss / self.sample_rows


def collect_sample(prepared: PreparedFeatures, config: SegmentationConfig) -> SweepSample:
    """Collect at most sweep_sample_rows rows (an id-hash sample) and their half-split sides."""
    rows = prepared.resolved.row_count
    frame = prepared.frame
    if rows > config.sweep_sample_rows:
        kept = math.ceil(SAMPLE_BUCKETS * config.sweep_sample_rows / rows)
        frame = frame.where(
            hash_bucket(prepared.id_column, config.seed + SAMPLE_SALT, SAMPLE_BUCKETS) < kept
        )
    sides = [
        hash_bucket(prepared.id_column, config.seed + SPLIT_SALT + run, 2).alias(f"side_{run}")
        for run in range(config.stability_runs)
    ]
    # sorted by id: the fits' seeded starts pick rows by position, so order must not vary
    collected = (
        frame.select(
            column_ref(prepared.id_column), vector_to_array(F.col(VECTOR_COLUMN)).alias("v"), *sides
        )
        .orderBy(column_ref(prepared.id_column))
        .collect()
    )
    width = len(prepared.slot_names)
    vectors = np.array([row["v"] for row in collected], dtype=float).reshape(-1, width)
    return SweepSample(
        vectors=vectors,
        sides=[
            np.array([row[f"side_{run}"] for row in collected], dtype=int) == 1
            for run in range(config.stability_runs)
        ],
    )


def _squared_distances(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """n x k squared Euclidean distances (clipped at 0 against rounding)."""
    d2 = (
        (x * x).sum(axis=1)[:, None]
        - 2.0 * x @ centers.T
        + (centers * centers).sum(axis=1)[None, :]
    )
    return np.maximum(d2, 0.0)


def _cluster_sums(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """k x d sums of each cluster's rows (bincount per coordinate: far faster than add.at)."""
    return np.stack(
        [np.bincount(labels, weights=x[:, j], minlength=k) for j in range(x.shape[1])], axis=1
    )


def _kmeans_plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding (2 + ln k candidates per centre, the cheapest kept)."""
    n = len(x)
    trials = 2 + int(math.log(k))
    centers = [x[rng.integers(n)]]
    closest = _squared_distances(x, np.array(centers))[:, 0]
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0:
            centers.append(x[rng.integers(n)])
            continue
        candidates = rng.choice(n, size=trials, p=closest / total)
        options = np.minimum(closest[:, None], _squared_distances(x, x[candidates]))
        best = int(np.argmin(options.sum(axis=0)))
        centers.append(x[candidates[best]])
        closest = options[:, best]
    return np.array(centers)


def lloyd(x: np.ndarray, k: int, seed: int, max_iter: int) -> LocalFit:
    """One seeded k-means fit: k-means++ start, Lloyd iterations to MLlib's tolerance."""
    centers = _kmeans_plus_plus(x, k, np.random.default_rng(seed))
    for _ in range(max_iter):
        labels = np.argmin(_squared_distances(x, centers), axis=1)
        counts = np.bincount(labels, minlength=k)
        sums = _cluster_sums(x, labels, k)
        moved = centers.copy()
        filled = counts > 0
        moved[filled] = sums[filled] / counts[filled, None]  # an empty cluster keeps its centre
        shift = float(np.sqrt(((moved - centers) ** 2).sum(axis=1)).max())
        centers = moved
        if shift <= TOLERANCE:
            break
    d2 = _squared_distances(x, centers)
    labels = np.argmin(d2, axis=1)
    return LocalFit(seed, centers, labels, d2[np.arange(len(x)), labels])


def best_fit(x: np.ndarray, k: int, seeds: Sequence[int], max_iter: int) -> LocalFit:
    """The lowest-WCSS fit of the seeds among those that kept k non-empty clusters."""
    fits = [lloyd(x, k, seed, max_iter) for seed in seeds]
    complete = [fit for fit in fits if fit.is_complete(k)]
    if not complete:
        found = max(len(np.unique(fit.labels)) for fit in fits)
        raise ValueError(f"the clusterer found only {found} distinct centres for k={k}")
    return min(complete, key=lambda fit: (fit.wcss, fit.seed))


def silhouette(x: np.ndarray, labels: np.ndarray, k: int) -> float:
    """MLlib's squared-Euclidean silhouette, from per-cluster sums (linear in the rows)."""
    counts = np.bincount(labels, minlength=k).astype(float)
    sums = _cluster_sums(x, labels, k)
    norms = (x * x).sum(axis=1)
    norm_sums = np.bincount(labels, weights=norms, minlength=k)
    safe = np.where(counts > 0, counts, 1.0)
    mean_d2 = norms[:, None] + (norm_sums / safe)[None, :] - 2.0 * (x @ sums.T) / safe[None, :]
    mean_d2[:, counts == 0] = np.inf
    rows = np.arange(len(x))
    own = counts[labels]
    # the mean over the other members: the point's own zero distance taken out, as MLlib does
    a = mean_d2[rows, labels] * own / np.maximum(own - 1.0, 1.0)
    others = mean_d2.copy()
    others[rows, labels] = np.inf
    b = others.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(a < b, 1.0 - a / b, np.where(a > b, b / a - 1.0, 0.0))
    s[counts[labels] == 1] = 0.0
    return float(np.nan_to_num(s).mean())


def _agreement(first: np.ndarray, second: np.ndarray) -> float:
    """Adjusted Rand index of two labellings of the same rows."""
    pairs, counts = np.unique(np.stack([first, second], axis=1), axis=0, return_counts=True)
    return adjusted_rand_index(
        {(int(a), int(b)): int(n) for (a, b), n in zip(pairs, counts, strict=True)}
    )


def _label(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Each row's nearest centre."""
    return np.argmin(_squared_distances(x, centers), axis=1)


def score_k(sample: SweepSample, k: int, config: SegmentationConfig) -> SampleScore:
    """Fit k on the sample (best of n_init), measure every criterion and its stability."""
    x = sample.vectors
    seeds = [config.seed + i for i in range(config.n_init)]
    fit = best_fit(x, k, seeds, config.max_iter)
    counts = np.bincount(fit.labels, minlength=k)
    distance = np.sqrt(fit.squared_distance)
    scatter = {c: float(distance[fit.labels == c].mean()) for c in range(k)}
    tss = float(((x - x.mean(axis=0)) ** 2).sum())
    agreements = [
        _agreement(
            _label(x, best_fit(x[~side], k, seeds, config.max_iter).centers),
            _label(x, best_fit(x[side], k, seeds, config.max_iter).centers),
        )
        for side in sample.sides
    ]
    return SampleScore(
        k=k,
        seed=fit.seed,
        wcss=fit.wcss,
        silhouette=silhouette(x, fit.labels, k),
        davies_bouldin=davies_bouldin(fit.centers.tolist(), scatter),
        calinski_harabasz=calinski_harabasz(fit.wcss, tss, len(x), k),
        smallest_share=float(counts.min() / len(x)),
        stability=sum(agreements) / len(agreements) if agreements else None,
        sample_rows=len(x),
    )


def sweep_sample(
    prepared: PreparedFeatures, config: SegmentationConfig, ks: Sequence[int]
) -> list[SampleScore]:
    """Score every k of ks on one collected sample, in ascending k."""
    sample = collect_sample(prepared, config)
    return [score_k(sample, k, config) for k in sorted(ks)]
