"""Stable segment ids across model versions: match new KMeans centroids to the previous ones.

When a new version of the segmentation model is trained, its centroids are compared with the
current version's centroids, all in one common coordinate space (the same features, scaled the
same way), so that a segment that is still there keeps its segment id:

1. The Euclidean distance between every new centroid and every previous centroid is computed
   (rows: new centroids in index order; columns: previous segment ids in ascending order, so the
   iteration order of the `previous` mapping never matters).
2. A minimum-total-cost one-to-one assignment is found on that whole matrix
   (`optimal_assignment`, the Hungarian / Kuhn-Munkres method, O(n^3), pure Python), with
   every cost capped at `threshold`: min(distance, threshold), plus a millionth of the
   distance so that ties among capped costs go to the nearer pair. Unlike matching the closest
   pair first, it never pairs two centroids cheaply at the price of a much worse pair
   elsewhere.
3. An assigned pair is kept (the new centroid inherits the previous segment id) only if its
   distance is <= `threshold`. Every other new centroid is a new segment and gets a fresh id,
   `next_id`, `next_id + 1`, ... in the order `new_order` gives (e.g. new segments ranked by
   descending spend); every previous id that is not kept is reported as vanished.

Why cap the costs: a pair beyond the threshold is never kept, so how far beyond must not
matter. Uncapped, two far pairs could outweigh a near one: previous X = 0 and Y = 2 (so an
auto threshold of 1), new A = 0.1 and B = -3; A-X + B-Y costs 5.1, A-Y + B-X 4.9, and A would
lose X although it is 0.1 away. Capped, A-X + B-Y costs 1.1 against 2.0: A keeps X, B is
new. Capping never breaks up an identical pair either: with new A identical to previous X,
A-Y and B-X at 1.0 and B-Y at 1.5, a threshold of 1.2 gives A-X + B-Y = 1.2 against 2.0, so
A keeps X and B is new.

The threshold is a distance in the common coordinate space (for z-scored features: standard
deviations); it must be finite and >= 0. A threshold of 0 keeps only identical centroids.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "MatchResult",
    "SegmentMatch",
    "euclidean",
    "match_segments",
    "optimal_assignment",
]


_TIE_BREAK = 1e-6


@dataclass(frozen=True)
class SegmentMatch:
    """The segment id given to one new centroid, and how it was decided."""

    new_index: int
    segment_id: int
    distance: float | None
    is_new: bool


@dataclass(frozen=True)
class MatchResult:
    """Ids for every new centroid (ordered by new_index) and the previous ids not kept."""

    matches: tuple[SegmentMatch, ...]
    vanished_segment_ids: tuple[int, ...]


def euclidean(a: Sequence[float], b: Sequence[float]) -> float:
    """Return the Euclidean distance between two points of the same length."""
    if len(a) != len(b):
        raise ValueError(f"points have different lengths: {len(a)} and {len(b)}")
    return math.dist(a, b)


def optimal_assignment(costs: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Return the minimum-total-cost (row, col) pairs, min(rows, cols) of them, sorted by row.

    Hungarian method with row/column potentials (Kuhn-Munkres, O(n^2 m) for n <= m). When there
    are more rows than columns it runs on the transpose. Ties are broken deterministically, by
    position only (no randomness, no hash order): the shorter side's lines are inserted in index
    order, and when several lines of the longer side tie for the smallest reduced cost, the
    lowest index wins. So the same matrix always gives the same pairs; a constant matrix gives
    the diagonal (0, 0), (1, 1), ...

    Raises ValueError on ragged rows or a non-finite cost.
    """
    matrix = [[float(cost) for cost in row] for row in costs]
    if not matrix:
        return []
    cols = len(matrix[0])
    for index, row in enumerate(matrix):
        if len(row) != cols:
            raise ValueError(
                f"ragged cost matrix: row 0 has {cols} columns, row {index} has {len(row)}"
            )
        for col, cost in enumerate(row):
            if not math.isfinite(cost):
                raise ValueError(f"non-finite cost {cost!r} at row {index}, column {col}")
    if cols == 0:
        return []
    if len(matrix) <= cols:
        return sorted(enumerate(_hungarian(matrix)))
    transposed = [list(column) for column in zip(*matrix, strict=True)]
    return sorted((row, col) for col, row in enumerate(_hungarian(transposed)))


def _hungarian(matrix: list[list[float]]) -> list[int]:
    """Return the column assigned to each row of a finite n x m matrix with n <= m."""
    n, m = len(matrix), len(matrix[0])
    # 1-based potentials; column 0 is the virtual start column of each augmenting search
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    row_of = [0] * (m + 1)  # row_of[j]: 1-based row assigned to column j (0: free)
    way = [0] * (m + 1)  # previous column on the alternating path to column j
    for row in range(1, n + 1):
        row_of[0] = row
        j0 = 0
        min_reduced = [math.inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = row_of[j0]
            costs_i0 = matrix[i0 - 1]
            delta = math.inf
            j1 = 0
            for j in range(1, m + 1):
                if used[j]:
                    continue
                reduced = costs_i0[j - 1] - u[i0] - v[j]
                if reduced < min_reduced[j]:
                    min_reduced[j] = reduced
                    way[j] = j0
                if min_reduced[j] < delta:  # strict: the lowest column index wins a tie
                    delta = min_reduced[j]
                    j1 = j
            if j1 == 0:  # only reachable when reduced costs overflow to inf
                raise ValueError("cost range too large for floating-point arithmetic")
            for j in range(m + 1):
                if used[j]:
                    u[row_of[j]] += delta
                    v[j] -= delta
                else:
                    min_reduced[j] -= delta
            j0 = j1
            if row_of[j0] == 0:
                break
        while j0:  # augment along the alternating path back to the start column
            j1 = way[j0]
            row_of[j0] = row_of[j1]
            j0 = j1
    col_of = [0] * n
    for j in range(1, m + 1):
        if row_of[j]:
            col_of[row_of[j] - 1] = j - 1
    return col_of


def match_segments(
    previous: Mapping[int, Sequence[float]],
    new: Sequence[Sequence[float]],
    threshold: float,
    next_id: int,
    new_order: Sequence[int] | None = None,
) -> MatchResult:
    """Give each new centroid a kept previous segment id or a fresh one (see the module doc).

    Raises ValueError when centroids differ in length or have non-finite coordinates, when the
    threshold is not finite and >= 0, when next_id is not greater than every previous id, or
    when new_order is not a permutation of range(len(new)).
    """
    if not math.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be finite and >= 0, got {threshold!r}")
    previous_ids = sorted(previous)
    if previous_ids and next_id <= previous_ids[-1]:
        raise ValueError(
            f"next_id must be greater than every previous segment id "
            f"(largest {previous_ids[-1]}), got {next_id}"
        )
    order = list(range(len(new))) if new_order is None else list(new_order)
    if sorted(order) != list(range(len(new))):
        raise ValueError(f"new_order must be a permutation of range({len(new)}), got {order!r}")
    _check_centroids(previous, previous_ids, new)

    distances = [[euclidean(centroid, previous[pid]) for pid in previous_ids] for centroid in new]
    # Costs are capped at the threshold: a pair too far to keep costs the same however far it
    # is, so it can never push a near pair apart (see the module docstring). A millionth of
    # the distance breaks ties among capped costs (e.g. threshold 0) towards nearer pairs.
    capped = [
        [min(distance, threshold) + _TIE_BREAK * distance for distance in row] for row in distances
    ]
    kept: dict[int, tuple[int, float]] = {}  # new index -> (previous id, distance)
    for new_index, col in optimal_assignment(capped):
        distance = distances[new_index][col]
        if distance <= threshold:
            kept[new_index] = (previous_ids[col], distance)

    fresh: dict[int, int] = {}
    for new_index in order:
        if new_index not in kept:
            fresh[new_index] = next_id + len(fresh)
    matches = tuple(
        SegmentMatch(new_index, kept[new_index][0], kept[new_index][1], is_new=False)
        if new_index in kept
        else SegmentMatch(new_index, fresh[new_index], None, is_new=True)
        for new_index in range(len(new))
    )
    kept_ids = {segment_id for segment_id, _ in kept.values()}
    vanished = tuple(pid for pid in previous_ids if pid not in kept_ids)
    return MatchResult(matches=matches, vanished_segment_ids=vanished)


def _check_centroids(
    previous: Mapping[int, Sequence[float]],
    previous_ids: list[int],
    new: Sequence[Sequence[float]],
) -> None:
    """Raise ValueError unless every centroid has the same length and finite coordinates."""
    labelled = [(f"previous segment {pid}", previous[pid]) for pid in previous_ids]
    labelled += [(f"new centroid {index}", centroid) for index, centroid in enumerate(new)]
    if not labelled:
        return
    first_label, first = labelled[0]
    for label, centroid in labelled:
        if len(centroid) != len(first):
            raise ValueError(
                f"centroids must share one coordinate space: {first_label} has {len(first)} "
                f"coordinates, {label} has {len(centroid)}"
            )
        if not all(math.isfinite(coordinate) for coordinate in centroid):
            raise ValueError(f"{label} has a non-finite coordinate: {list(centroid)!r}")
