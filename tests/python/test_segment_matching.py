"""Segment matching across model versions: optimal assignment, then the distance threshold."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from customer_segmentation.segmentation.matching import (
    MatchResult,
    SegmentMatch,
    euclidean,
    match_segments,
    optimal_assignment,
)


def brute_force_cost(costs: list[list[float]]) -> float:
    """The minimum total cost over every assignment of min(rows, cols) pairs."""
    if not costs or not costs[0]:
        return 0.0
    rows, cols = len(costs), len(costs[0])
    if rows > cols:
        costs = [list(column) for column in zip(*costs, strict=True)]
        rows, cols = cols, rows
    return min(
        sum(costs[row][col] for row, col in enumerate(perm))
        for perm in itertools.permutations(range(cols), rows)
    )


def total(costs: list[list[float]], pairs: list[tuple[int, int]]) -> float:
    """The summed cost of the given pairs."""
    return sum(costs[row][col] for row, col in pairs)


def random_matrices(count: int = 200, max_size: int = 6) -> list[list[list[float]]]:
    """Seeded random matrices, 0..max_size on each side, half of them integer-valued (ties)."""
    rng = random.Random(20240611)
    matrices = []
    for index in range(count):
        rows, cols = rng.randint(0, max_size), rng.randint(0, max_size)
        if index % 2:
            matrices.append([[float(rng.randint(0, 3)) for _ in range(cols)] for _ in range(rows)])
        else:
            matrices.append([[rng.uniform(-5, 10) for _ in range(cols)] for _ in range(rows)])
    return matrices


def ids_by_index(result: MatchResult) -> list[int]:
    """The segment id of each new centroid, by new_index."""
    return [match.segment_id for match in result.matches]


def test_optimal_assignment_total_equals_brute_force_on_random_matrices():
    shapes = set()
    for costs in random_matrices():
        rows = len(costs)
        cols = len(costs[0]) if costs else 0
        shapes.add((rows > cols, rows < cols))
        pairs = optimal_assignment(costs)
        assert len(pairs) == min(rows, cols)
        assert pairs == sorted(pairs)
        assert len({row for row, _ in pairs}) == len({col for _, col in pairs}) == len(pairs)
        assert all(0 <= row < rows and 0 <= col < cols for row, col in pairs)
        assert total(costs, pairs) == pytest.approx(brute_force_cost(costs), abs=1e-9)
    assert {(True, False), (False, True), (False, False)} <= shapes  # both ways rectangular


def test_optimal_assignment_total_equals_scipy_linear_sum_assignment():
    optimize = pytest.importorskip("scipy.optimize")
    rng = random.Random(7)
    for _ in range(100):
        rows, cols = rng.randint(1, 12), rng.randint(1, 12)
        costs = [[rng.uniform(0, 100) for _ in range(cols)] for _ in range(rows)]
        row_ind, col_ind = optimize.linear_sum_assignment(costs)
        expected = sum(costs[row][col] for row, col in zip(row_ind, col_ind, strict=True))
        assert total(costs, optimal_assignment(costs)) == pytest.approx(expected, abs=1e-9)


def test_optimal_assignment_beats_greedy_closest_pair_first():
    costs = [[1.0, 2.0], [2.0, 10.0]]
    # greedy takes (0, 0) at 1.0 first and is left with (1, 1) at 10.0: total 11
    greedy_total = costs[0][0] + costs[1][1]
    pairs = optimal_assignment(costs)
    assert pairs == [(0, 1), (1, 0)]
    assert total(costs, pairs) == 4.0 < greedy_total


def test_optimal_assignment_breaks_ties_by_lowest_index_every_time():
    assert optimal_assignment([[0.0] * 3] * 3) == [(0, 0), (1, 1), (2, 2)]
    assert optimal_assignment([[5.0] * 4] * 2) == [(0, 0), (1, 1)]
    assert optimal_assignment([[5.0] * 2] * 4) == [(0, 0), (1, 1)]
    tied = [[float(value) for value in row] for row in ([1, 1, 2], [1, 1, 2], [2, 2, 1])]
    first = optimal_assignment(tied)
    assert first == [(0, 0), (1, 1), (2, 2)]
    assert all(optimal_assignment([list(row) for row in tied]) == first for _ in range(20))


def test_optimal_assignment_handles_empty_sides():
    assert optimal_assignment([]) == []
    assert optimal_assignment([[], []]) == []


def test_optimal_assignment_rejects_ragged_rows():
    with pytest.raises(ValueError, match="ragged"):
        optimal_assignment([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_optimal_assignment_rejects_non_finite_costs(bad):
    with pytest.raises(ValueError, match="non-finite"):
        optimal_assignment([[1.0, bad], [3.0, 4.0]])


def test_euclidean_is_the_straight_line_distance():
    assert euclidean([0.0, 0.0], [3.0, 4.0]) == 5.0
    with pytest.raises(ValueError, match="2 and 3"):
        euclidean([0.0, 0.0], [0.0, 0.0, 0.0])


PREVIOUS = {1: [2.0, 0.0], 2: [0.0, 2.0], 3: [-2.0, -2.0]}


def test_identical_centroids_in_shuffled_order_keep_their_ids():
    new = [PREVIOUS[3], PREVIOUS[1], PREVIOUS[2]]
    result = match_segments(PREVIOUS, new, threshold=0.0, next_id=4)
    assert result == MatchResult(
        matches=(
            SegmentMatch(0, 3, 0.0, is_new=False),
            SegmentMatch(1, 1, 0.0, is_new=False),
            SegmentMatch(2, 2, 0.0, is_new=False),
        ),
        vanished_segment_ids=(),
    )


def test_slightly_moved_centroids_keep_their_ids_with_the_distance_recorded():
    new = [[0.1, 2.0], [2.0, -0.2], [-2.0, -2.0]]
    result = match_segments(PREVIOUS, new, threshold=0.5, next_id=4)
    assert ids_by_index(result) == [2, 1, 3]
    assert [match.distance for match in result.matches] == pytest.approx([0.1, 0.2, 0.0])
    assert not any(match.is_new for match in result.matches)


def test_centroid_moved_beyond_threshold_gets_a_new_id_and_its_old_id_vanishes():
    new = [PREVIOUS[1], PREVIOUS[2], [-2.0, -5.0]]  # segment 3 moved by 3.0
    result = match_segments(PREVIOUS, new, threshold=1.0, next_id=10)
    assert result.matches[2] == SegmentMatch(2, 10, None, is_new=True)
    assert ids_by_index(result) == [1, 2, 10]
    assert result.vanished_segment_ids == (3,)
    wider = match_segments(PREVIOUS, new, threshold=3.0, next_id=10)  # <= threshold is kept
    assert wider.matches[2] == SegmentMatch(2, 3, 3.0, is_new=False)
    assert wider.vanished_segment_ids == ()


def test_extra_new_centroid_when_k_grows_gets_next_id():
    new = [PREVIOUS[1], [9.0, 9.0], PREVIOUS[2], PREVIOUS[3]]
    result = match_segments(PREVIOUS, new, threshold=0.5, next_id=4)
    assert ids_by_index(result) == [1, 4, 2, 3]
    assert result.matches[1].is_new and result.matches[1].distance is None
    assert result.vanished_segment_ids == ()


def test_missing_centroid_when_k_shrinks_is_recorded_as_vanished():
    result = match_segments(PREVIOUS, [PREVIOUS[3], PREVIOUS[1]], threshold=0.5, next_id=4)
    assert ids_by_index(result) == [3, 1]
    assert result.vanished_segment_ids == (2,)


def test_new_ids_are_issued_in_new_order():
    new = [PREVIOUS[1], [10.0, 0.0], [20.0, 0.0], [30.0, 0.0]]
    result = match_segments(PREVIOUS, new, threshold=0.5, next_id=7, new_order=[3, 0, 1, 2])
    assert ids_by_index(result) == [1, 8, 9, 7]
    default = match_segments(PREVIOUS, new, threshold=0.5, next_id=7)
    assert ids_by_index(default) == [1, 7, 8, 9]


def test_empty_previous_makes_every_centroid_new_in_new_order():
    new = [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    result = match_segments({}, new, threshold=1.0, next_id=1, new_order=[2, 0, 1])
    assert ids_by_index(result) == [2, 3, 1]
    assert all(match.is_new and match.distance is None for match in result.matches)
    assert result.vanished_segment_ids == ()


def test_empty_new_makes_every_previous_id_vanish():
    result = match_segments(PREVIOUS, [], threshold=1.0, next_id=4)
    assert result == MatchResult(matches=(), vanished_segment_ids=(1, 2, 3))


def test_matching_minimises_total_distance_not_closest_pair_first():
    previous = {1: [0.0], 2: [3.0]}
    new = [[2.0], [5.0]]  # closest pair first: new 0 -> 2 (1.0), leaving new 1 -> 1 at 5.0
    result = match_segments(previous, new, threshold=10.0, next_id=3)
    assert ids_by_index(result) == [1, 2]
    assert [match.distance for match in result.matches] == [2.0, 2.0]


def test_threshold_is_applied_after_assignment_so_an_identical_pair_is_never_broken():
    # A identical to X; A-Y = B-X = 1.0; B-Y = 1.5. Forbidding pairs beyond the threshold
    # before assigning would match A-Y and B-X (both within 1.2); here A keeps X, B is new.
    a, b = [0.0, 0.0], [-0.125, math.sqrt(1 - 0.125**2)]
    previous = {1: [0.0, 0.0], 2: [1.0, 0.0]}
    assert euclidean(b, previous[2]) == pytest.approx(1.5)
    result = match_segments(previous, [a, b], threshold=1.2, next_id=3)
    assert result.matches == (
        SegmentMatch(0, 1, 0.0, is_new=False),
        SegmentMatch(1, 3, None, is_new=True),
    )
    assert result.vanished_segment_ids == (2,)


def test_previous_mapping_order_does_not_change_tied_matches():
    previous = {5: [1.0, 0.0], 2: [-1.0, 0.0]}
    new = [[0.0, 0.0], [0.0, 0.5]]  # every distance from new 0 ties
    forward = match_segments(previous, new, threshold=5.0, next_id=6)
    backward = match_segments(dict(reversed(previous.items())), new, threshold=5.0, next_id=6)
    assert forward == backward
    assert sorted(ids_by_index(forward)) == [2, 5]


@pytest.mark.parametrize("threshold", [-0.1, math.inf, math.nan])
def test_bad_threshold_is_rejected(threshold):
    with pytest.raises(ValueError, match="threshold"):
        match_segments(PREVIOUS, [PREVIOUS[1]], threshold=threshold, next_id=4)


def test_new_centroid_of_another_length_is_rejected_naming_the_lengths():
    with pytest.raises(ValueError, match=r"previous segment 1 has 2 .* new centroid 1 has 3"):
        match_segments(PREVIOUS, [[0.0, 0.0], [0.0, 0.0, 0.0]], threshold=1.0, next_id=4)


def test_ragged_previous_centroids_are_rejected_naming_the_lengths():
    with pytest.raises(ValueError, match=r"has 2 .* previous segment 2 has 1"):
        match_segments({1: [0.0, 0.0], 2: [0.0]}, [[0.0, 0.0]], threshold=1.0, next_id=3)


def test_non_finite_centroid_coordinate_is_rejected():
    with pytest.raises(ValueError, match="non-finite"):
        match_segments(PREVIOUS, [[math.nan, 0.0]], threshold=1.0, next_id=4)


@pytest.mark.parametrize("next_id", [3, 2, 0])
def test_next_id_not_above_every_previous_id_is_rejected(next_id):
    with pytest.raises(ValueError, match="next_id"):
        match_segments(PREVIOUS, [PREVIOUS[1]], threshold=1.0, next_id=next_id)


@pytest.mark.parametrize("new_order", [[0, 0], [0], [1, 2], [0, 1, 2]])
def test_new_order_that_is_not_a_permutation_is_rejected(new_order):
    with pytest.raises(ValueError, match="new_order"):
        match_segments(PREVIOUS, [[9.0, 9.0], [8.0, 8.0]], 1.0, next_id=4, new_order=new_order)


def test_far_pairs_never_push_a_near_pair_apart() -> None:
    # uncapped, A-Y + B-X (4.9) beats A-X + B-Y (5.1) and A would lose X at distance 0.1
    result = match_segments({1: [0.0], 2: [2.0]}, [[0.1], [-3.0]], threshold=1.0, next_id=3)
    assert result.matches[0] == SegmentMatch(0, 1, pytest.approx(0.1), is_new=False)
    assert result.matches[1].is_new and result.matches[1].segment_id == 3
    assert result.vanished_segment_ids == (2,)
