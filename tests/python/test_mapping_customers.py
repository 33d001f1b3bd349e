"""The whole pipeline on a file the project did not make: the original notebook's customers.

Builds the project (dbt build, in-process) with the README's example configuration,
examples/mapping_customers.yml, on ../shared/data/mapping_customers.csv read in place:
Latin-1, CRLF, no id column, demographic columns only, exact duplicates and namesakes.
Expected counts are computed from the file here with Python's csv module, not written down.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from pyspark.sql import functions as F

from dbt_harness import PROJECT_DIR, DbtFailed, DbtProject
from shared_data import shared_data_file

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

EXAMPLE_VARS = PROJECT_DIR / "examples" / "mapping_customers.yml"


@pytest.fixture(scope="module")
def source_file() -> Path:
    """The shared real file, located in place."""
    return shared_data_file("mapping_customers.csv")


@pytest.fixture(scope="module")
def expected(source_file: Path) -> dict:
    """What the file holds, read independently of Spark and dbt."""
    with open(source_file, encoding="latin-1", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    distinct = list(dict.fromkeys(tuple(row) for row in rows))
    names = Counter(row[0] for row in distinct)
    income_column = next(
        source
        for source, target in example()["customers_input"]["columns"].items()
        if target == "annual_income"
    )
    return {
        "header": header,
        "income_levels": len({row[header.index(income_column)] for row in rows}),
        "rows": len(rows),
        "distinct_rows": len(distinct),
        "exact_duplicates": len(rows) - len(distinct),
        "shared_name_rows": sum(count for count in names.values() if count > 1),
        "shared_names": sum(1 for count in names.values() if count > 1),
        "accented_names": sorted({row[0] for row in rows if not row[0].isascii()}),
    }


def example() -> dict:
    """The README's example vars for this file (examples/mapping_customers.yml)."""
    return yaml.safe_load(EXAMPLE_VARS.read_text())


def _vars_with(source_file: Path, **changes: dict) -> str:
    """The example vars pointed at the shared file, with some sections updated."""
    settings = example()
    settings["customers_input"]["path"] = str(source_file)
    for section, values in changes.items():
        settings[section].update(values)
    return json.dumps(settings)


@pytest.fixture(scope="module")
def project(spark, tmp_path_factory, source_file) -> DbtProject:
    """The project built once with the example vars, pointed at the shared file."""
    project = DbtProject.copy(tmp_path_factory.mktemp("mapping"), "mapping")
    project.run("build", "--vars", _vars_with(source_file))
    return project


def test_every_row_is_segmented_quarantined_or_a_duplicate(spark, project, expected):
    """All 18,508 rows are accounted for; duplicates and namesakes are counted, not dropped."""
    summary = project.table(spark, "customer_input_reconciliation").first().asDict()
    assert summary["source_row_count"] == expected["rows"]
    assert summary["input_row_count"] == expected["rows"]
    assert summary["is_reconciled"] is True
    assert summary["is_customer_id_surrogate"] is True
    assert summary["exact_duplicate_row_count"] == expected["exact_duplicates"]
    assert summary["duplicate_row_count"] == expected["exact_duplicates"]
    assert summary["shared_name_row_count"] == expected["shared_name_rows"]
    assert summary["shared_name_count"] == expected["shared_names"]
    assert summary["malformed_row_count"] == 0
    segmented = project.table(spark, "customer_segments").count()
    quarantined = project.table(spark, "int_customers_quarantined").count()
    assert segmented == summary["segmented_row_count"]
    assert segmented + quarantined + summary["duplicate_row_count"] == expected["rows"]
    assert segmented == expected["distinct_rows"] - quarantined


def test_accented_names_are_decoded_not_mojibake(spark, project, expected):
    """Latin-1 names arrive as the right Unicode text ("Kovár"), with no replacement chars."""
    names = {row.full_name for row in project.table(spark, "int_customers_validated").collect()}
    assert "Abby Kovár" in expected["accented_names"]
    assert {name for name in names if not name.isascii()} == set(expected["accented_names"])


def test_mapped_and_extra_columns_arrive_where_configured(spark, project, expected):
    """Mapped columns fill canonical ones; the others are attributes; absent ones are null."""
    features = project.table(spark, "customer_features")
    row = features.where("attributes['cars'] is not null").first()
    assert set(row.attributes) == {
        "marital_status",
        "gender_code",
        "total_children",
        "children_at_home",
        "education",
        "occupation",
        "home_owner",
        "cars",
    }
    counts = features.agg(
        F.count("age").alias("age"),
        F.count("annual_income_amount").alias("income"),
        F.count("monetary").alias("monetary"),
        F.count_if(F.col("has_purchase_history")).alias("with_history"),
        F.count(F.lit(1)).alias("rows"),
    ).first()
    assert counts.age == counts.income == counts.rows
    assert counts.monetary == 0 and counts.with_history == 0


def test_features_are_scaled_and_auto_k_is_recorded(spark, project):
    """Standardised features centre on zero across segments; the k rule's choice is on record."""
    segmentation = example()["segmentation"]
    configured = segmentation["features"]
    selection = project.table(spark, "segment_k_selection").collect()
    chosen = [row for row in selection if row.is_chosen]
    assert len(chosen) == 1
    assert {row.k for row in selection} == set(
        range(segmentation["k_min"], segmentation["k_max"] + 1)
    )
    eligible = [row for row in selection if row.meets_min_share and row.meets_stability]
    if eligible:  # the k rule: the best silhouette of the stable, actionable ks
        assert chosen[0].silhouette == max(row.silhouette for row in eligible)
    else:  # ... else the smallest actionable k, saying so
        assert chosen[0].k == min(row.k for row in selection if row.meets_min_share)
        assert "no segmentation it reproduces" in chosen[0].k_rule
    assert sorted(chosen[0].features.split(",")) == sorted(
        f"{name}:{transform}" for name, transform in configured.items()
    )
    centroids = project.table(spark, "segment_centroids")
    weighted = (
        centroids.where("transform in ('standardise', 'log1p')")
        .groupBy("feature")
        .agg(
            (F.sum(F.col("centroid_z") * F.col("customer_count")) / F.sum("customer_count")).alias(
                "mean_z"
            )
        )
        .collect()
    )
    scaled = {
        name for name, transform in configured.items() if transform in ("standardise", "log1p")
    }
    assert {row.feature for row in weighted} == scaled
    assert all(abs(row.mean_z) < 1e-6 for row in weighted)


def test_segments_are_not_just_the_income_levels(spark, project, expected):
    """Unlike the notebook's unscaled KMeans, income level alone does not decide the segments."""
    pairs = (
        project.table(spark, "int_customer_segment_features")
        .groupBy("segment_id", "annual_income_amount")
        .count()
        .collect()
    )
    segments = {row.segment_id for row in pairs}
    assert len({row.annual_income_amount for row in pairs}) == expected["income_levels"]
    # every segment mixes several income levels: no segment is one level
    levels_per_segment = Counter(row.segment_id for row in pairs)
    assert all(levels_per_segment[segment] >= 2 for segment in segments)


def test_profiles_and_marketing_marts_are_built(spark, project):
    """Profiles, mixes by the configured dimensions, names and audiences exist for every segment."""
    k = project.table(spark, "customer_segments").select("segment_count").first()[0]
    assert project.table(spark, "segment_profiles").count() == k
    names = project.table(spark, "segment_names").collect()
    assert len(names) == k and len({row.segment_name for row in names}) == k
    dimensions = {
        row.dimension for row in project.table(spark, "segment_mix").select("dimension").collect()
    }
    # every configured dimension that is a column of this file (the others are for other files)
    mapped = set(example()["customers_input"]["columns"].values())
    assert {name for name in example()["profile_dimensions"] if name in mapped} <= dimensions
    assert project.table(spark, "segment_summary").count() == k


def _failure(project: DbtProject, command: str, node: str, dbt_vars: str) -> str:
    """Run one dbt command on one node with these vars; return its failure message."""
    with pytest.raises(DbtFailed) as failed:
        project.run(command, "--select", node, "--vars", dbt_vars)
    return str(failed.value)


def test_wrong_encoding_fails_naming_byte_offset_and_setting(project, source_file):
    """Declared utf-8, the Latin-1 file stops the build at its first non-UTF-8 byte."""
    data = source_file.read_bytes()
    offset = next(index for index, byte in enumerate(data) if byte >= 0x80)
    line = data[:offset].count(b"\n") + 1
    wrong = _vars_with(source_file, customers_input={"encoding": "utf-8"})
    message = _failure(project, "run", "customers_input_files", wrong)
    assert f"byte 0x{data[offset]:02X} at byte offset {offset}, line {line}" in message
    assert "(the encoding set by `customers_input.encoding`)" in message


def test_unknown_feature_fails_naming_it_and_the_config_key(project, source_file):
    """A configured feature the input lacks fails the Python model with a clear message."""
    features = {"age": "standardise", "shoe_size": "standardise"}
    wrong = _vars_with(source_file, segmentation={"features": features, "order_by": "age"})
    message = _failure(project, "run", "segmentation_models", wrong)
    assert "shoe_size" in message
    assert "in `segmentation.features` (dbt var `segmentation`" in message
    assert "is neither a column of the input nor a key of its `attributes` map" in message


def test_mapping_a_missing_column_fails_naming_the_setting(project, source_file):
    """A mapping from a column the file does not have stops staging, naming the setting."""
    columns = {"CustomerName": "full_name", "Birthday": "birth_date"}
    wrong = _vars_with(source_file, customers_input={"columns": columns})
    message = _failure(project, "compile", "stg_customers", wrong)
    assert "`customers_input.columns` maps" in message
    assert "Birthday" in message and "which is not a column of" in message
