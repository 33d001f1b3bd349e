"""Segments from order lines: the transactions input end to end, checked against pandas.

Two real builds (dbtRunner, in-process, on the shared SparkSession):

- **order lines only**: the README's `examples/online_retail.yml` on the shipped
  `order_lines` seed (Online Retail layout, 400 planted customers, the real file's mess);
- **customers and order lines**: a generated customers file and its Latin-1 lines file as
  paths, with some customers' lines removed and lines of a customer the customers file does
  not know added.

The expected side comes from `order_lines_reference.py`, a plain-pandas implementation of the
documented rules over the same file, and from the generator's planted customers; nothing is
written down by hand.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.datagen import planted_customers, write_customers, write_order_lines
from customer_segmentation.report.writer import write_report
from dbt_harness import PROJECT_DIR, DbtFailed, DbtProject
from order_lines_reference import TOTALS_COLUMNS, reference_fates_and_totals

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

EXAMPLE_VARS = PROJECT_DIR / "examples" / "online_retail.yml"
SEED_FILE = PROJECT_DIR / "seeds" / "order_lines.csv"
# What `make seed-data` writes the seed from (Makefile): 400 customers of seed 42.
SEED_CUSTOMERS, SEED_SEED = 400, 42
GENERATED_CUSTOMERS, GENERATED_SEED = 1000, 11
GENERATOR_AS_OF = date(2026, 6, 30)
CUSTOMERS_WITHOUT_LINES = 25
STRANGER = "C9999999"
# compared exactly; return_rate and avg_days_between_orders are compared as floats
TOTAL_COLUMNS = tuple(
    column
    for column in TOTALS_COLUMNS
    if column not in ("customer_id", "return_rate", "avg_days_between_orders")
)


def example() -> dict:
    """The README's example vars for Online-Retail-style lines."""
    return yaml.safe_load(EXAMPLE_VARS.read_text())


def as_of_of(spark, project: DbtProject) -> date:
    """The as-of date the build measured against."""
    return project.table(spark, "int_as_of_date").first().as_of_date


def planted_labels(customers: int, seed: int) -> dict[str, str]:
    """customer_id -> planted segment of the generator's clean customers."""
    return {
        customer.customer_id: customer.segment
        for customer in planted_customers(customers, seed, GENERATOR_AS_OF)
    }


def sql_totals(spark, project: DbtProject) -> pd.DataFrame:
    """int_customer_purchases as pandas, money as Decimal (exact), indexed by customer_id."""
    frame = project.table(spark, "int_customer_purchases").toPandas().set_index("customer_id")
    return frame.sort_index()


def assert_totals_match(sql: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Every customer's totals from SQL equal those pandas computed from the same lines."""
    reference = reference.set_index("customer_id").sort_index()
    assert list(sql.index) == list(reference.index)
    for column in TOTAL_COLUMNS:
        mismatched = [
            (customer, sql.at[customer, column], reference.at[customer, column])
            for customer in reference.index
            if not _same(sql.at[customer, column], reference.at[customer, column])
        ]
        assert not mismatched, f"{column}: {len(mismatched)} differ, e.g. {mismatched[:3]}"
    for column in ("return_rate", "avg_days_between_orders"):
        pd.testing.assert_series_equal(
            sql[column].astype(float), reference[column].astype(float), check_names=False
        )


def _same(left: object, right: object) -> bool:
    """Equal values, None/NaN alike, Decimals compared exactly."""
    if pd.isna(left) and pd.isna(right):
        return True
    if isinstance(right, Decimal):
        return Decimal(str(left)) == right
    return left == right


def fate_counts(fates: pd.DataFrame) -> dict[str, int]:
    """Lines per fate."""
    return dict(Counter(fates["fate"]))


def reason_counts(fates: pd.DataFrame) -> dict[str, int]:
    """Quarantined lines per reason."""
    return dict(Counter(fates.loc[fates["fate"] == "quarantined", "quarantine_reason"]))


def assert_reconciliation_matches(row, fates: pd.DataFrame) -> None:
    """order_line_reconciliation holds the reference's counts per fate and per reason."""
    counts = fate_counts(fates)
    assert row.is_reconciled
    assert row.source_line_count == row.input_line_count == len(fates)
    assert row.purchase_line_count == counts.get("purchase", 0)
    assert row.return_line_count == counts.get("return", 0)
    assert row.quarantined_line_count == counts.get("quarantined", 0)
    assert row.duplicate_line_count == counts.get("duplicate", 0)
    assert dict(row.quarantined_lines_by_reason) == reason_counts(fates)


# -- order lines only: the shipped seed through the README's example ------------------------


@pytest.fixture(scope="module")
def lines_only(spark, tmp_path_factory) -> DbtProject:
    """The project built once with examples/online_retail.yml (the order_lines seed)."""
    project = DbtProject.copy(tmp_path_factory.mktemp("online_retail"), "online_retail")
    project.run("build", "--vars", json.dumps(example()))
    return project


@pytest.fixture(scope="module")
def lines_only_reference(spark, lines_only):
    """The pandas reference over the seed file, at the build's as-of date."""
    return reference_fates_and_totals(SEED_FILE, "utf-8", as_of_of(spark, lines_only))


def test_every_order_line_has_one_fate_and_the_counts_match_pandas(
    spark, lines_only, lines_only_reference
):
    fates, _ = lines_only_reference
    row = lines_only.table(spark, "order_line_reconciliation").first()
    assert_reconciliation_matches(row, fates)
    # the seed carries every kind of mess the issue names
    assert {"missing_customer_id", "non_product_line", "unit_price_not_positive"} <= set(
        row.quarantined_lines_by_reason
    )
    assert row.return_line_count > 0 and row.duplicate_line_count > 0


def test_customer_totals_computed_in_sql_equal_pandas(spark, lines_only, lines_only_reference):
    _, totals = lines_only_reference
    assert_totals_match(sql_totals(spark, lines_only), totals)


def test_the_customer_list_comes_from_the_lines(spark, lines_only, lines_only_reference):
    _, totals = lines_only_reference
    with open(SEED_FILE, encoding="utf-8", newline="") as handle:
        ids = {row["CustomerID"].strip() for row in csv.DictReader(handle)} - {""}
    reconciliation = lines_only.table(spark, "customer_input_reconciliation").first()
    assert reconciliation.is_reconciled
    assert reconciliation.source_row_count == len(ids)
    features = lines_only.table(spark, "customer_features").toPandas().set_index("customer_id")
    segmented = totals.set_index("customer_id").loc[features.index]
    assert (features["frequency"] == segmented["order_count"]).all()
    monetary = segmented["total_spend_amount"].astype(float)
    assert (features["monetary"] - monetary).abs().max() < 1e-6
    # the as-of date is the lines' latest plausible order date; no one is lost on the way
    assert len(features) + reconciliation.quarantined_row_count == len(ids)


@pytest.mark.parametrize("build", ["lines_only", "both"])
def test_documented_columns_match_the_built_tables(spark, request, build):
    """With order lines too, every YAML column is built and every built column documented."""
    project = request.getfixturevalue(build)
    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    assert "model.customer_segmentation.int_order_lines_validated" in {
        node["unique_id"] for node in models
    }
    # the file readers' columns are the file's own header; only their added ones are documented
    readers = {"customers_file", "order_lines_file"}
    for node in (node for node in models if node["name"] not in readers):
        table = f"{node['schema']}.{node['alias']}"
        if build == "both" and not spark.catalog.tableExists(table):
            continue  # left out of that build's selection
        built = set(spark.table(table).columns)
        assert set(node["columns"]) == built, node["unique_id"]


def test_segments_from_the_lines_recover_the_planted_segments(spark, lines_only):
    planted = planted_labels(SEED_CUSTOMERS, SEED_SEED)
    segments = lines_only.table(spark, "customer_segments").toPandas()
    assert len(segments) >= 0.95 * len(planted)
    truth = [planted[customer] for customer in segments["customer_id"]]
    assert adjusted_rand_score(truth, segments["segment_id"]) >= 0.9
    chosen = lines_only.table(spark, "segment_k_selection").where("is_chosen").first()
    assert chosen.k == len(set(planted.values()))


def test_the_report_states_the_order_lines_by_fate(spark, lines_only, tmp_path):
    written = write_report(spark, lines_only.schema, tmp_path / "report", sample_rows=500)
    html = written.index.read_text(encoding="utf-8")
    shown = dict(
        re.findall(r'<tr data-fact="(\w+)"><th scope="row">[^<]*</th><td>([^<]*)</td>', html)
    )
    row = lines_only.table(spark, "order_line_reconciliation").first()
    for fate in ("input", "purchase", "return", "quarantined", "duplicate"):
        key = f"{fate}_line_count"
        assert int(shown[key].replace(",", "")) == row[key], key


# -- customers and order lines: both inputs, as Latin-1 and UTF-8 files ---------------------


@pytest.fixture(scope="module")
def both_files(tmp_path_factory) -> dict:
    """A generated customers file and its order lines, edited so the inputs disagree."""
    folder = tmp_path_factory.mktemp("both_inputs")
    customers = folder / "customers.csv"
    write_customers(customers, GENERATED_CUSTOMERS, GENERATED_SEED, GENERATOR_AS_OF)
    generated = folder / "generated_lines.csv"
    write_order_lines(generated, GENERATED_CUSTOMERS, GENERATED_SEED, GENERATOR_AS_OF)
    lines = pd.read_csv(generated, encoding="latin-1", dtype=str, keep_default_na=False)
    silent = sorted(set(lines["CustomerID"]) - {""})[:CUSTOMERS_WITHOUT_LINES]
    stranger = lines[lines["CustomerID"] == silent[-1]].head(3).assign(CustomerID=STRANGER)
    edited = pd.concat([lines[~lines["CustomerID"].isin(silent)], stranger])
    path = folder / "order_lines.csv"
    edited.to_csv(path, index=False, encoding="latin-1", lineterminator="\n")
    with open(customers, encoding="utf-8", newline="") as handle:
        known = {row["customer_id"].strip() for row in csv.DictReader(handle)} - {""}
    return {"customers": customers, "lines": path, "silent": silent, "known": known}


def both_vars(files: dict, **lines_settings: object) -> str:
    """dbt vars for both inputs as files (Online Retail column names, Latin-1 lines)."""
    settings = example()
    settings["customers_input"] = {"path": str(files["customers"])}
    settings["transactions_input"].update(
        {"path": str(files["lines"]), "encoding": "latin-1", **lines_settings}
    )
    return json.dumps(settings)


@pytest.fixture(scope="module")
def both(spark, tmp_path_factory, both_files) -> DbtProject:
    """The project built once on both inputs."""
    project = DbtProject.copy(tmp_path_factory.mktemp("both"), "customers_and_lines")
    # up to the segments and both reconciliations, with their tests (the marketing marts on
    # top are the same SQL as in the lines-only build)
    selected = (
        "+customer_segments",
        "+order_line_reconciliation",
        "+customer_input_reconciliation",
        "+int_customers_quarantined",
    )
    project.run(
        "build",
        "--select",
        *selected,
        "--indirect-selection",
        "cautious",
        "--vars",
        both_vars(both_files),
    )
    return project


@pytest.fixture(scope="module")
def both_reference(spark, both, both_files):
    """The pandas reference over the edited lines file, knowing the customers file's ids."""
    return reference_fates_and_totals(
        both_files["lines"], "latin-1", as_of_of(spark, both), known_customers=both_files["known"]
    )


def test_both_inputs_reconcile_and_name_what_they_do_not_share(
    spark, both, both_files, both_reference
):
    fates, totals = both_reference
    row = both.table(spark, "order_line_reconciliation").first()
    assert_reconciliation_matches(row, fates)
    lines = pd.read_csv(both_files["lines"], encoding="latin-1", dtype=str, keep_default_na=False)
    unknown = set(lines["CustomerID"].str.strip()) - both_files["known"] - {""}
    assert STRANGER in unknown
    assert row.unknown_customer_count == len(unknown)
    assert row.unknown_customer_line_count == reason_counts(fates)["unknown_customer"]
    without_lines = both_files["known"] - set(totals["customer_id"])
    assert set(both_files["silent"]) <= without_lines
    assert row.customer_without_lines_count == len(without_lines)
    assert row.customer_with_lines_count == len(totals)


def test_purchase_history_comes_from_the_lines_not_the_customers_file(spark, both, both_reference):
    _, totals = both_reference
    assert_totals_match(sql_totals(spark, both), totals)
    features = both.table(spark, "customer_features").toPandas().set_index("customer_id")
    expected = totals.set_index("customer_id").loc[features.index]
    assert (features["frequency"] == expected["order_count"]).all()
    assert (features["distinct_product_count"] == expected["distinct_product_count"]).all()


def test_customers_without_order_lines_are_quarantined_not_dropped(spark, both, both_files):
    quarantined = both.table(spark, "int_customers_quarantined").toPandas()
    reasons = quarantined.set_index("customer_id")["quarantine_reason"]
    no_lines = set(reasons[reasons == "no_order_lines"].index)
    assert set(both_files["silent"]) <= no_lines
    reconciliation = both.table(spark, "customer_input_reconciliation").first()
    assert reconciliation.is_reconciled


def test_latin1_descriptions_arrive_intact(spark, both, both_files):
    lines = pd.read_csv(both_files["lines"], encoding="latin-1", dtype=str, keep_default_na=False)
    accented = {text.strip() for text in lines["Description"] if not text.isascii()}
    assert accented
    staged = {row.description for row in both.table(spark, "stg_order_lines").collect()}
    assert accented <= staged


def test_both_inputs_recover_the_planted_segments(spark, both):
    planted = planted_labels(GENERATED_CUSTOMERS, GENERATED_SEED)
    segments = both.table(spark, "customer_segments").toPandas()
    truth = [planted[customer] for customer in segments["customer_id"]]
    assert adjusted_rand_score(truth, segments["segment_id"]) >= 0.9


def test_a_lines_file_in_another_encoding_fails_naming_the_setting(both, both_files):
    with pytest.raises(DbtFailed, match=r"transactions_input\.encoding"):
        both.run(
            "run",
            "--select",
            "order_lines_input_files",
            "--vars",
            both_vars(both_files, encoding="utf-8"),
        )


def test_a_required_column_left_unmapped_fails_naming_the_setting(both, both_files):
    with pytest.raises(DbtFailed, match=r"transactions_input\.columns"):
        both.run(
            "compile",
            "--select",
            "stg_order_lines",
            "--vars",
            both_vars(both_files, columns={"InvoiceNo": "order_id", "StockCode": "product_id"}),
        )


def test_no_customers_input_without_order_lines_fails_naming_the_settings(both):
    with pytest.raises(DbtFailed, match=r"transactions_input\.enabled: true"):
        both.run(
            "compile",
            "--select",
            "stg_customers",
            "--vars",
            json.dumps({"customers_input": {"enabled": False}}),
        )


def test_parquet_order_lines_load_every_line(spark, tmp_path_factory, both_files):
    folder = tmp_path_factory.mktemp("parquet_lines")
    lines = pd.read_csv(both_files["lines"], encoding="latin-1", dtype=str, keep_default_na=False)
    lines["Quantity"] = lines["Quantity"].astype(int)
    lines.to_parquet(folder / "lines.parquet", index=False)
    project = DbtProject.copy(folder / "project", "parquet_lines")
    project.run(
        "run",
        "--select",
        "+stg_order_lines",
        "+stg_order_lines_input_files",
        "--vars",
        both_vars(both_files, path=str(folder / "lines.parquet"), format="parquet"),
    )
    files = project.table(spark, "stg_order_lines_input_files").collect()
    staged = project.table(spark, "stg_order_lines")
    assert [row.record_count for row in files] == [len(lines)]
    assert staged.count() == len(lines)
    assert staged.where("quantity is null and order_date_text is not null").count() == 0
    assert {Path(row.source_file).name for row in files} == {"lines.parquet"}
