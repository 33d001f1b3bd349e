"""Segment naming: nearest prototype first, one name per segment, independent of input order."""

from __future__ import annotations

import random

from segmentation.naming import assign_unique_names, greedy_unique_match


def test_each_segment_gets_its_nearest_rule_when_there_is_no_conflict():
    pairs = [(1, 10, 0.1), (1, 20, 2.0), (2, 10, 3.0), (2, 20, 0.2)]
    assert greedy_unique_match(pairs) == {1: 10, 2: 20}


def test_a_contested_rule_goes_to_the_closer_segment_and_the_other_takes_its_next_best():
    pairs = [(1, 10, 0.5), (1, 20, 0.9), (2, 10, 0.1), (2, 20, 3.0), (2, 30, 4.0)]
    assert greedy_unique_match(pairs) == {2: 10, 1: 20}


def test_result_does_not_depend_on_the_order_of_pairs():
    pairs = [(s, r, ((s * 7 + r * 3) % 11) / 10) for s in range(1, 7) for r in range(1, 11)]
    expected = greedy_unique_match(pairs)
    for seed in range(5):
        shuffled = pairs[:]
        random.Random(seed).shuffle(shuffled)
        assert greedy_unique_match(shuffled) == expected
    assert len(set(expected.values())) == len(expected) == 6


def test_exact_ties_go_to_the_smaller_segment_then_the_smaller_rule():
    assert greedy_unique_match([(2, 1, 0.5), (1, 1, 0.5), (1, 2, 0.5)]) == {1: 1}


def test_segments_beyond_the_number_of_rules_get_a_numbered_name(spark):
    candidates = spark.createDataFrame(
        [(1, 1, "Champions", 0.1), (2, 1, "Champions", 0.2), (3, 1, "Champions", 0.3)],
        "segment_id int, rule_order int, segment_name string, match_distance double",
    )
    names = {row.segment_id: row.segment_name for row in assign_unique_names(candidates).collect()}
    assert names == {1: "Champions", 2: "Segment 2", 3: "Segment 3"}
