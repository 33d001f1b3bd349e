"""Large inputs are not seeds: the same customers as CSV parts, Parquet files and a table.

One generated customers file (3,000 customers and its planted mess) is given to the project
three ways, each through `customers_input` with a `file:` URI or a table name:

- **csv**: three CSV part files (each with the header) matched by a glob;
- **parquet**: the same rows written by Spark as several Parquet part files;
- **table**: a table in the embedded catalog over those Parquet files (what a dbt source of
  an existing table points at).

Each variant is built once, up to the reconciliation and the feature mart with their data
tests (what comes after the features does not see the input format); the data are the same,
so every variant must reconcile and give the same customers the same features.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date

import pytest
from pyspark.sql.types import StringType, StructField, StructType

from customer_segmentation.datagen import write_customers
from dbt_harness import DbtFailed, DbtProject

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

CUSTOMERS, SEED, AS_OF = 3000, 23, date(2026, 6, 30)
PARTS = 3
TABLE = "large_inputs_crm.customers"
VARIANTS = ("csv", "parquet", "table")


@pytest.fixture(scope="module")
def inputs(spark, tmp_path_factory) -> dict:
    """The generated customers as CSV parts, Parquet parts and a table; their rows."""
    folder = tmp_path_factory.mktemp("large_inputs")
    generated = folder / "customers.csv"
    write_customers(generated, CUSTOMERS, SEED, AS_OF)
    with generated.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    parts = folder / "csv_parts"
    parts.mkdir()
    size = len(rows) // PARTS + 1
    for part in range(PARTS):
        with (parts / f"part-{part}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows[part * size : (part + 1) * size])
    # as the CSV reader loads them: an empty field is null, everything else text as written
    schema = StructType([StructField(name, StringType(), True) for name in header])
    values = [[value if value != "" else None for value in row] for row in rows]
    parquet = folder / "parquet_parts"
    spark.createDataFrame(values, schema).repartition(PARTS).write.parquet(str(parquet))
    spark.sql(f"create database if not exists {TABLE.split('.')[0]}")
    spark.sql(f"drop table if exists {TABLE}")
    spark.sql(f"create table {TABLE} using parquet location '{parquet.as_uri()}'")
    return {
        "rows": len(rows),
        "paths": {
            "csv": f"{parts.as_uri()}/part-*.csv",
            "parquet": parquet.as_uri(),
            "table": TABLE,
        },
    }


def input_vars(inputs: dict, variant: str) -> str:
    """dbt vars reading the variant's input."""
    customers_input = {"path": inputs["paths"][variant], "format": variant}
    return json.dumps({"customers_input": customers_input})


@pytest.fixture(scope="module")
def built(spark, tmp_path_factory, inputs) -> dict[str, DbtProject]:
    """One project copy, built once per variant into its own schema.

    Up to the feature mart and the reconciliation with their data tests; the unit tests do
    not read the input, so only the first build runs them.
    """
    root = DbtProject.copy(tmp_path_factory.mktemp("large_project"), "large_csv").root
    projects = {}
    for variant in VARIANTS:
        project = DbtProject(root, f"large_{variant}")
        project.run(
            "build",
            "--select",
            "+customer_input_reconciliation",
            "+customer_features",
            "--indirect-selection",
            "cautious",
            *(() if variant == VARIANTS[0] else ("--exclude-resource-type", "unit_test")),
            "--vars",
            input_vars(inputs, variant),
        )
        projects[variant] = project
    return projects


def features_of(spark, project: DbtProject) -> list[tuple]:
    """Every row of the feature mart, all columns, sorted."""
    frame = project.table(spark, "customer_features")
    return sorted(tuple(row) for row in frame.orderBy("customer_id").collect())


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_input_format_reconciles_every_row(spark, built, inputs, variant):
    row = built[variant].table(spark, "customer_input_reconciliation").first()
    assert row.is_reconciled
    assert row.source_row_count == row.input_row_count == inputs["rows"]
    files = built[variant].table(spark, "customers_input_files", "raw").collect()
    assert sum(file.record_count for file in files) == inputs["rows"]
    expected_files = {"csv": PARTS, "parquet": PARTS, "table": 1}[variant]
    assert len(files) == expected_files
    if variant == "table":
        assert [file.source_file for file in files] == [TABLE]
    else:  # the file: URI's files, as Spark names them
        assert all(file.source_file.startswith("file:") for file in files)


def test_the_three_formats_give_the_same_features(spark, built):
    features = {variant: features_of(spark, built[variant]) for variant in VARIANTS}
    digests = {
        variant: hashlib.sha256(repr(rows).encode()).hexdigest()
        for variant, rows in features.items()
    }
    assert len(features["csv"]) > 0.9 * CUSTOMERS
    assert {len(rows) for rows in features.values()} == {len(features["csv"])}
    assert len(set(digests.values())) == 1, digests


def test_table_rows_are_numbered_one_to_n_in_file_order(spark, built, inputs):
    staged = built["table"].table(spark, "customers_file", "raw")
    numbers = sorted(row[0] for row in staged.select("_source_row_number").collect())
    assert numbers == list(range(1, inputs["rows"] + 1))
    assert staged.where("_malformed_record is not null").count() == 0


def test_an_unknown_format_fails_naming_the_setting(built, inputs):
    project = built["csv"]
    settings = {"customers_input": {"path": inputs["paths"]["csv"], "format": "xlsx"}}
    with pytest.raises(DbtFailed, match=r"customers_input\.format.*expected csv, parquet or table"):
        project.run("compile", "--select", "stg_customers", "--vars", json.dumps(settings))


def test_a_table_spark_does_not_know_fails_naming_the_setting(built):
    project = built["csv"]
    settings = {"customers_input": {"path": "large_inputs_crm.missing", "format": "table"}}
    with pytest.raises(DbtFailed, match=r"customers_input\.path.*is not a table"):
        project.run("run", "--select", "customers_input_files", "--vars", json.dumps(settings))


def test_the_table_variant_reads_the_parquet_files_once_numbered(spark, inputs):
    """A table over Parquet files numbers rows by (file, row): the same as the files' order."""
    from customer_segmentation.inputs import read_parquet_input, read_table_input

    files = read_parquet_input(spark, inputs["paths"]["parquet"], "customers_input")
    table = read_table_input(spark, TABLE, "customers_input")
    by_file = [
        row.customer_id for row in files.orderBy("_source_file", "_source_row_number").collect()
    ]
    by_number = [row.customer_id for row in table.orderBy("_source_row_number").collect()]
    assert by_number == by_file
