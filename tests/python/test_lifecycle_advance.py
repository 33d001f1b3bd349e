"""lifecycle.advance on a real SparkSession: when it trains, when it scores, what it records.

Small planted data (four well separated blobs over the four RFM log features) keeps every
fit to a second; the model store is a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest
from pyspark.sql import DataFrame, SparkSession

from customer_segmentation.segmentation import (
    ModelRegistryError,
    SegmentationConfig,
    advance,
    read_records,
    records_frame,
    score_record,
)
from customer_segmentation.segmentation.registry import current_record

CENTRES = [(0.0, 0.0, 0.0, 0.0), (4.0, 0.0, 0.0, 0.0), (0.0, 4.0, 0.0, 0.0), (0.0, 0.0, 4.0, 4.0)]
COLUMNS = (
    "customer_id",
    "log_recency_days",
    "log_frequency",
    "log_monetary",
    "log_avg_order_value",
    "as_of_date",
)
NOW = dt.datetime(2026, 7, 1, 12, 0, 0)


def blobs(spark: SparkSession, per_blob: int = 60, shift: float = 0.0, seed: int = 5) -> DataFrame:
    """Four planted blobs; shift moves every customer's log_monetary by that much."""
    rng = random.Random(seed)
    rows = []
    for blob, centre in enumerate(CENTRES):
        for number in range(per_blob):
            values = [value + rng.gauss(0, 0.3) for value in centre]
            values[2] += shift
            rows.append((f"c{blob}_{number:03d}", *values, dt.date(2026, 6, 30)))
    return spark.createDataFrame(rows, COLUMNS)


def config(**values: object) -> SegmentationConfig:
    """The default config, sweeping k 3..5 (the blobs hold 3 to 5 groups), with some keys set."""
    return SegmentationConfig.from_dict({"k_max": 5, **values})


def step(spark, df, records, store, **values) -> list[dict]:
    """One build's advance, and the records round-tripped through the registry table schema."""
    result = advance(df, records, config(**values), str(store), "test.segmentation_models", NOW)
    return read_records(records_frame(spark, result))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A model store folder for this module."""
    return tmp_path_factory.mktemp("model_store")


@pytest.fixture(scope="module")
def trained(spark, store) -> list[dict]:
    """The registry after a first build on the planted blobs."""
    return step(spark, blobs(spark), [], store)


def test_a_first_build_trains_version_one_and_saves_it(trained, store) -> None:
    (record,) = trained
    assert record["drift_reference_version"] == 1
    assert all(drift["psi"] == 0 and not drift["is_drifted"] for drift in record["drift"])
    assert (record["model_version"], record["is_current"], record["k"]) == (1, True, 4)
    assert record["trained_because"] == "no model version yet"
    assert record["model_path"].startswith(str(store))
    assert sorted(s["segment_id"] for s in record["segments"]) == [1, 2, 3, 4]
    assert [s["k"] for s in record["k_selection"]] == list(range(3, 6))
    chosen = next(s for s in record["k_selection"] if s["is_chosen"])
    assert (record["algorithm"], record["stability"]) == ("kmeans", chosen["stability"])
    assert record["k_rule"].startswith("k rule: ") and "k=4" in record["k_rule"]
    assert record["match_threshold"] == 0.0


def test_the_saved_model_scores_exactly_like_training(spark, trained) -> None:
    record = trained[0]
    df = blobs(spark)
    scored = {row[0]: (row[1], row[2]) for row in score_record(df, record).collect()}
    again = {row[0]: (row[1], row[2]) for row in score_record(df, record).collect()}
    assert scored == again
    # the four planted blobs are the four segments
    by_blob: dict[str, set[int]] = {}
    for customer, (segment, _) in scored.items():
        by_blob.setdefault(customer.split("_")[0], set()).add(segment)
    assert all(len(segments) == 1 for segments in by_blob.values())
    assert len({next(iter(s)) for s in by_blob.values()}) == 4


def test_same_data_in_auto_mode_scores_without_a_new_version(spark, trained, store) -> None:
    records = step(spark, blobs(spark), trained, store)
    (record,) = records
    assert record["model_version"] == 1 and record["model_path"] == trained[0]["model_path"]
    assert record["last_build_action"] == "scored"
    assert all(not drift["is_drifted"] for drift in record["drift"])


def test_new_customers_from_the_same_population_do_not_count_as_drift(
    spark, trained, store
) -> None:
    grown = blobs(spark).unionByName(
        blobs(spark, per_blob=10, seed=99).selectExpr(
            "concat('new_', customer_id) as customer_id", *COLUMNS[1:]
        )
    )
    (record,) = step(spark, grown, trained, store)
    assert record["last_build_action"] == "scored"
    assert record["last_build_row_count"] == 280


def test_a_shifted_mart_is_drift_and_auto_retrains_on_it(spark, trained, store) -> None:
    records = step(spark, blobs(spark, shift=3.0), trained, store)
    assert [(r["model_version"], r["is_current"]) for r in records] == [(1, False), (2, True)]
    assert records[1]["trained_because"].startswith("drift: log_monetary (PSI ")
    assert records[0]["last_build_action"] == "trained"  # version 1's last build stays as it was
    # the retraining build keeps the drift it reacted to, measured against version 1
    assert records[1]["drift_reference_version"] == 1
    drifted = {drift["feature"]: drift["is_drifted"] for drift in records[1]["drift"]}
    assert drifted == {
        "log_recency_days": False,
        "log_frequency": False,
        "log_monetary": True,
        "log_avg_order_value": False,
    }


def test_score_mode_never_retrains_but_reports_the_drift(spark, trained, store) -> None:
    (record,) = step(spark, blobs(spark, shift=3.0), trained, store, mode="score")
    assert record["model_version"] == 1 and record["last_build_action"] == "scored"
    drifted = {drift["feature"]: drift for drift in record["drift"]}
    assert drifted["log_monetary"]["is_drifted"]
    assert drifted["log_monetary"]["mean_shift_sd"] > 1
    assert not drifted["log_recency_days"]["is_drifted"]


def test_changed_settings_retrain_in_auto_mode_but_lifecycle_keys_do_not(
    spark, trained, store
) -> None:
    retrained = step(spark, blobs(spark), trained, store, seed=7)
    assert retrained[-1]["trained_because"] == "model settings changed"
    kept = step(spark, blobs(spark), trained, store, drift_psi_threshold=0.5)
    assert len(kept) == 1 and kept[0]["last_build_action"] == "scored"


def test_a_retrain_on_the_same_data_keeps_every_segment_id(spark, trained, store) -> None:
    records = step(spark, blobs(spark), trained, store, mode="train")
    new = current_record(records)
    assert new["model_version"] == 2
    old_ids = {s["cluster_index"]: s["segment_id"] for s in trained[0]["segments"]}
    assert all(not s["is_new"] for s in new["segments"])
    assert sorted(s["segment_id"] for s in new["segments"]) == sorted(old_ids.values())
    assert all(s["matched_distance"] < 1e-6 for s in new["segments"])
    assert new["vanished_segment_ids"] == []
    # auto threshold: half the closest pair of version 1's centroids
    centroids = [s["centroid"] for s in trained[0]["segments"]]
    closest = min(math.dist(a, b) for i, a in enumerate(centroids) for b in centroids[i + 1 :])
    assert new["match_threshold"] == pytest.approx(closest / 2)


def test_a_lost_blob_vanishes_and_a_new_one_gets_a_fresh_id(spark, trained, store) -> None:
    df = blobs(spark)
    moved = df.where("customer_id not like 'c3_%'").unionByName(
        df.where("customer_id like 'c3_%'").selectExpr(
            "customer_id", "log_recency_days + 8 as log_recency_days", *COLUMNS[2:]
        )
    )
    records = step(spark, moved, trained, store, mode="train", k=4)
    new = current_record(records)
    old = {s["cluster_index"]: s for s in trained[0]["segments"]}
    # blob 3 is the one high in log_monetary and log_avg_order_value (z coordinates 2, 3)
    lost = max(old.values(), key=lambda s: s["centroid"][2] + s["centroid"][3])["segment_id"]
    assert new["vanished_segment_ids"] == [lost]
    fresh = [s for s in new["segments"] if s["is_new"]]
    assert [s["segment_id"] for s in fresh] == [5]
    assert sorted(s["segment_id"] for s in new["segments"] if not s["is_new"]) == sorted(
        s["segment_id"] for s in old.values() if s["segment_id"] != lost
    )


def test_score_mode_without_a_model_fails_saying_what_to_run(spark, store) -> None:
    with pytest.raises(ModelRegistryError, match="mode train or auto"):
        step(spark, blobs(spark), [], store, mode="score")


def test_score_mode_fails_naming_the_feature_the_mart_lacks_values_for(
    spark, trained, store
) -> None:
    df = blobs(spark).selectExpr(
        "customer_id",
        "log_recency_days",
        "if(customer_id = 'c0_000', null, log_frequency) as log_frequency",
        *COLUMNS[3:],
    )
    with pytest.raises(ValueError, match=r"log_frequency \(1\)"):
        step(spark, df, trained, store, mode="score")


def test_a_new_one_hot_category_does_not_cost_the_segments_their_ids(spark, store) -> None:
    df = blobs(spark).selectExpr("*", "if(customer_id like 'c0_%', 'a', 'b') as channel")
    features = {name: "standardise" for name in COLUMNS[1:5]} | {"channel": "one_hot"}
    first = step(spark, df, [], store, features=features)
    grown = df.unionByName(
        blobs(spark, per_blob=2, seed=3).selectExpr(
            "concat('z', customer_id) as customer_id", *COLUMNS[1:], "'c' as channel"
        )
    )
    records = step(spark, grown, first, store, features=features, mode="train")
    new = current_record(records)
    assert "channel=c" in new["slot_names"] and "channel=c" not in first[0]["slot_names"]
    assert sorted(s["segment_id"] for s in new["segments"] if not s["is_new"]) == [1, 2, 3, 4]


def test_a_transform_change_shares_no_segment_ids(spark, trained, store) -> None:
    features = {name: "standardise" for name in COLUMNS[1:5]} | {"log_monetary": "none"}
    records = step(spark, blobs(spark), trained, store, features=features)
    new = current_record(records)
    assert new["trained_because"] == "model settings changed"
    assert all(s["is_new"] for s in new["segments"])
    assert new["vanished_segment_ids"] == [1, 2, 3, 4]
