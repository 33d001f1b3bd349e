"""The k rule and the criteria it reads, as pure functions (no Spark)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from customer_segmentation.segmentation import SegmentationConfig
from customer_segmentation.segmentation.criteria import (
    adjusted_rand_index,
    calinski_harabasz,
)
from customer_segmentation.segmentation.k_rule import KRuleError, choose_k


@dataclass(frozen=True)
class Score:
    """One k's criteria as the k rule reads them."""

    k: int
    smallest_share: float
    stability: float | None
    silhouette: float


AUTO = SegmentationConfig()


def scores(*rows: tuple[int, float, float | None, float]) -> list[Score]:
    """Scores from (k, smallest share, stability, silhouette) tuples."""
    return [Score(*row) for row in rows]


def test_highest_silhouette_among_stable_actionable_ks_wins() -> None:
    choice = choose_k(
        scores((3, 0.2, 0.95, 0.50), (4, 0.1, 0.90, 0.60), (5, 0.08, 0.70, 0.80)), AUTO
    )
    assert choice.k == 4  # k = 5 scores higher but is not stable
    assert choice.meets_stability == {3: True, 4: True, 5: False}
    assert "k 3, 4 have every segment >= 5.0%" in choice.reason
    assert "k=4 has the highest silhouette" in choice.reason


def test_a_segment_below_the_minimum_share_is_never_chosen() -> None:
    choice = choose_k(
        scores((3, 0.30, 0.99, 0.40), (4, 0.049, 0.99, 0.90), (5, 0.01, 0.99, 0.95)), AUTO
    )
    assert choice.k == 3
    assert choice.meets_min_share == {3: True, 4: False, 5: False}


def test_silhouette_ties_go_to_the_smaller_k() -> None:
    choice = choose_k(scores((3, 0.2, 0.9, 0.7), (4, 0.2, 0.9, 0.7), (5, 0.2, 0.9, 0.6)), AUTO)
    assert choice.k == 3


def test_without_a_stable_k_the_smallest_actionable_k_is_taken_and_the_rule_says_so() -> None:
    choice = choose_k(scores((3, 0.01, 0.5, 0.3), (4, 0.2, 0.3, 0.4), (5, 0.15, 0.6, 0.5)), AUTO)
    assert choice.k == 4
    assert "no k in 3..8" in choice.reason
    assert "highest 0.600 at k=5" in choice.reason
    assert "partition of one population" in choice.reason


def test_no_actionable_k_fails_naming_the_settings_to_change() -> None:
    with pytest.raises(KRuleError, match=r"k=3: 1\.0%.*min_segment_share"):
        choose_k(scores((3, 0.01, 0.9, 0.3), (4, 0.02, 0.9, 0.4)), AUTO)


def test_ks_outside_k_min_to_k_max_are_not_candidates() -> None:
    config = SegmentationConfig(k_min=4, k_max=5)
    choice = choose_k(scores((3, 0.3, 1.0, 0.99), (4, 0.2, 0.9, 0.5), (5, 0.2, 0.9, 0.4)), config)
    assert choice.k == 4


def test_without_stability_measured_the_share_and_silhouette_decide() -> None:
    config = SegmentationConfig(stability_runs=0)
    choice = choose_k(scores((3, 0.2, None, 0.5), (4, 0.2, None, 0.6)), config)
    assert choice.k == 4
    assert choice.meets_stability == {3: None, 4: None}
    assert "stability not measured" in choice.reason


def test_a_fixed_k_is_taken_and_its_shortfalls_are_recorded() -> None:
    choice = choose_k(scores((3, 0.2, 0.9, 0.5), (4, 0.02, 0.5, 0.6)), SegmentationConfig(k=4))
    assert choice.k == 4
    assert choice.reason.startswith("k fixed at 4")
    assert "2.0% of customers (below min_segment_share 5.0%)" in choice.reason
    assert "stability 0.500 is below min_stability 0.9" in choice.reason


def test_adjusted_rand_index_equals_scikit_learn() -> None:
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(5)
    for _ in range(20):
        first = rng.integers(0, 4, size=300)
        second = np.where(rng.random(300) < 0.7, first, rng.integers(0, 5, size=300))
        counts: dict[tuple[int, int], int] = {}
        for a, b in zip(first.tolist(), second.tolist(), strict=True):
            counts[(a, b)] = counts.get((a, b), 0) + 1
        expected = adjusted_rand_score(first, second)
        assert adjusted_rand_index(counts) == pytest.approx(expected, abs=1e-12)


def test_adjusted_rand_index_of_a_relabelled_partition_is_one() -> None:
    assert adjusted_rand_index({(0, 2): 5, (1, 0): 7, (2, 1): 3}) == pytest.approx(1.0)
    assert adjusted_rand_index({(0, 0): 10}) == 1.0


def test_calinski_harabasz_equals_scikit_learn() -> None:
    from sklearn.metrics import calinski_harabasz_score

    rng = np.random.default_rng(8)
    points = rng.normal(size=(200, 3)) + np.repeat(
        [[0, 0, 0], [4, 0, 1], [0, 5, 2]], [80, 70, 50], 0
    )
    labels = np.repeat([0, 1, 2], [80, 70, 50])
    centres = np.array([points[labels == c].mean(axis=0) for c in range(3)])
    wcss = float(((points - centres[labels]) ** 2).sum())
    tss = float(((points - points.mean(axis=0)) ** 2).sum())
    expected = calinski_harabasz_score(points, labels)
    assert calinski_harabasz(wcss, tss, 200, 3) == pytest.approx(expected, rel=1e-12)
    assert math.isnan(calinski_harabasz(wcss, tss, 3, 3))
    assert calinski_harabasz(0.0, tss, 200, 3) == math.inf
