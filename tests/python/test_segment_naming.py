"""Segment naming: nearest prototype first, else a descriptive name from the centroids."""

from __future__ import annotations

import random

from pyspark.sql import DataFrame, SparkSession

from customer_segmentation.segmentation.naming import (
    assign_unique_names,
    descriptive_name,
    greedy_unique_match,
    make_unique,
)

CANDIDATE_SCHEMA = "segment_id int, rule_order int, segment_name string, match_distance double"
CENTROID_SCHEMA = "segment_id int, feature string, transform string, centroid_z double"


def centroids_of(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    """A segment_centroids-shaped frame with the columns naming reads."""
    return spark.createDataFrame(rows, CENTROID_SCHEMA)


def two_segment_centroids(spark: SparkSession, segments: int = 2) -> DataFrame:
    """Centroids of `segments` segments over income and age, segment 1 rich and young."""
    rows = []
    for segment in range(1, segments + 1):
        sign = 1.0 if segment == 1 else -1.0
        rows += [
            (segment, "annual_income_amount", "standardise", 1.5 * sign),
            (segment, "age", "standardise", -0.8 * sign),
        ]
    return centroids_of(spark, rows)


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


def test_descriptive_name_uses_the_two_largest_absolute_z_scores_by_sign():
    rows = [
        ("age", "standardise", -0.9),
        ("annual_income_amount", "standardise", 1.4),
        ("tenure_days", "log1p", 0.2),
    ]
    assert descriptive_name(rows) == "High annual income amount, low age"


def test_descriptive_name_breaks_ties_by_feature_name():
    rows = [("zeta", "standardise", 1.0), ("beta", "none", -1.0), ("alpha", "standardise", 1.0)]
    assert descriptive_name(rows) == "High alpha, high zeta"


def test_descriptive_name_says_mostly_for_a_one_hot_category_and_uses_it_once():
    rows = [
        ("home_owner=0", "one_hot", -1.2),
        ("home_owner=1", "one_hot", 1.2),
        ("education=3", "one_hot", 0.7),
        ("education=1", "one_hot", -0.6),
        ("age", "standardise", 0.1),
    ]
    assert descriptive_name(rows) == "Mostly home owner=1, mostly education=3"
    assert descriptive_name([("education=1", "one_hot", -0.6), ("age", "none", 0.1)]) == (
        "Few education=1, high age"
    )


def test_descriptive_name_of_a_single_feature():
    assert descriptive_name([("age", "standardise", -0.3)]) == "Low age"


def test_make_unique_suffixes_every_colliding_name_with_its_segment():
    names = {1: "High age", 2: "High age", 3: "Low age", 4: "Champions"}
    assert make_unique(names, taken=["Champions"]) == {
        1: "High age (segment 1)",
        2: "High age (segment 2)",
        3: "Low age",
        4: "Champions (segment 4)",
    }


def test_segments_matched_to_rules_keep_rule_names_and_playbooks(spark):
    rules = {1: ("Best.", "Reward", "app"), 2: ("Lapsing.", "Win back", None)}
    candidates = spark.createDataFrame(
        [
            (segment, rule, name, distance, *rules[rule])
            for segment, rule, name, distance in [
                (1, 1, "Champions", 0.1),
                (1, 2, "At risk", 2.0),
                (2, 2, "At risk", 0.3),
            ]
        ],
        "segment_id int, rule_order int, segment_name string, match_distance double, "
        "segment_description string, recommended_action string, recommended_channel string",
    )
    names = assign_unique_names(candidates, two_segment_centroids(spark)).collect()
    assert [tuple(row) for row in names] == [
        (1, 1, "Champions", 0.1, "Best.", "Reward", "app"),
        (2, 2, "At risk", 0.3, "Lapsing.", "Win back", None),
    ]


def test_segments_beyond_the_number_of_rules_get_a_descriptive_name(spark):
    candidates = spark.createDataFrame(
        [(1, 1, "Champions", 0.1), (2, 1, "Champions", 0.2)], CANDIDATE_SCHEMA
    )
    names = assign_unique_names(candidates, two_segment_centroids(spark)).collect()
    # candidates without playbook columns: the playbook is null
    assert [tuple(row) for row in names] == [
        (1, 1, "Champions", 0.1, None, None, None),
        (2, None, "Low annual income amount, high age", None, None, None, None),
    ]


def test_without_candidates_every_centroid_segment_gets_a_unique_descriptive_name(spark):
    # No purchase history: int_segment_name_candidates is empty. Segments 2 and 3 describe alike.
    candidates = spark.createDataFrame([], CANDIDATE_SCHEMA)
    centroids = two_segment_centroids(spark, segments=3)
    names = {row.segment_id: row for row in assign_unique_names(candidates, centroids).collect()}
    assert sorted(names) == [1, 2, 3]
    assert [names[segment].segment_name for segment in (1, 2, 3)] == [
        "High annual income amount, low age",
        "Low annual income amount, high age (segment 2)",
        "Low annual income amount, high age (segment 3)",
    ]
    assert all(row.rule_order is None and row.match_distance is None for row in names.values())


def test_the_segments_are_those_of_the_centroids(spark):
    candidates = spark.createDataFrame(
        [(1, 1, "Champions", 0.1), (9, 2, "At risk", 0.05)], CANDIDATE_SCHEMA
    )
    names = assign_unique_names(candidates, two_segment_centroids(spark)).collect()
    assert [row.segment_id for row in names] == [1, 2]
    assert names[1].segment_name == "Low annual income amount, high age"


def test_a_reserved_rule_is_never_used_even_when_it_is_the_nearest(spark):
    # Rule 1 belongs to a segment named before: segment 1 takes its next best rule (2), and
    # segment 2, whose only candidate is the reserved rule, is described instead.
    candidates = spark.createDataFrame(
        [
            (1, 1, "Champions", 0.1),
            (1, 2, "Loyal", 0.4),
            (2, 1, "Champions", 0.2),
        ],
        CANDIDATE_SCHEMA,
    )
    free = assign_unique_names(candidates, two_segment_centroids(spark)).collect()
    assert [(row.segment_id, row.rule_order) for row in free] == [(1, 1), (2, None)]
    names = assign_unique_names(
        candidates, two_segment_centroids(spark), reserved_rules=[1]
    ).collect()
    assert [tuple(row)[:4] for row in names] == [
        (1, 2, "Loyal", 0.4),
        (2, None, "Low annual income amount, high age", None),
    ]
    assert all(row.rule_order != 1 and row.segment_name != "Champions" for row in names)


def test_a_reserved_name_forces_the_segment_suffix_on_a_clashing_descriptive_name(spark):
    candidates = spark.createDataFrame([], CANDIDATE_SCHEMA)
    centroids = two_segment_centroids(spark)
    unreserved = assign_unique_names(candidates, centroids).collect()
    assert [row.segment_name for row in unreserved] == [
        "High annual income amount, low age",
        "Low annual income amount, high age",
    ]
    names = assign_unique_names(
        candidates,
        centroids,
        reserved_names=["Low annual income amount, high age", "Champions"],
    ).collect()
    assert [row.segment_name for row in names] == [
        "High annual income amount, low age",
        "Low annual income amount, high age (segment 2)",
    ]


def test_reserved_names_do_not_rename_a_segment_matched_to_a_free_rule(spark):
    # Reserved names only steer descriptive names; a rule's own name is the rule's.
    candidates = spark.createDataFrame([(1, 3, "Champions", 0.1)], CANDIDATE_SCHEMA)
    names = assign_unique_names(
        candidates,
        two_segment_centroids(spark),
        reserved_rules=[1, 2],
        reserved_names=["Champions", "Low annual income amount, high age"],
    ).collect()
    assert [(row.segment_id, row.rule_order, row.segment_name) for row in names] == [
        (1, 3, "Champions"),
        (2, None, "Low annual income amount, high age (segment 2)"),
    ]
