"""End to end: `dbt build` of the whole project on a generated messy data set.

One build (dbtRunner, in this process, on the shared SparkSession) backs every test here.
The generator's labels file is the independent oracle: which customers are valid, which rows
are duplicates, and which planted segment each customer belongs to.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.datagen import write_customers
from dbt_harness import DbtProject

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

CUSTOMERS = 1500
# Hand-made rows appended to the generated file: values present but not of their type.
UNPARSEABLE_ROWS = [
    [
        "X0000001",
        "Ann",
        "Lee",
        "ann@example.com",
        "f",
        "1990-13-45",
        "US",
        "Austin",
        "2024-01-01",
        "lots",
        "abc",
        "3",
        "4",
        "90.00",
        "2026-06-01",
        "email",
        "yes",
    ],
    [
        "X0000002",
        "Bo",
        "Ek",
        "bo@example.com",
        "m",
        "1980-01-01",
        "SE",
        "Lund",
        "2024-01-01",
        "50000",
        "50",
        "N/A",
        "4",
        "90.00",
        "2026-06-01",
        "sms",
        "no",
    ],
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    """A messy customers file, its labels and the generator's counts."""
    folder = tmp_path_factory.mktemp("generated")
    counts = write_customers(
        folder / "customers.csv",
        customers=CUSTOMERS,
        seed=2024,
        as_of=date(2026, 6, 30),
        labels_path=folder / "labels.csv",
    )
    with open(folder / "labels.csv", newline="") as handle:
        labels = list(csv.DictReader(handle))
    with open(folder / "customers.csv", "a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(UNPARSEABLE_ROWS)
    counts["rows_written"] += len(UNPARSEABLE_ROWS)
    return {"csv": folder / "customers.csv", "labels": labels, "counts": counts}


@pytest.fixture(scope="module")
def project(spark, tmp_path_factory, generated) -> DbtProject:
    """The project built once on the generated file (dbt build + docs generate)."""
    project = DbtProject.copy(tmp_path_factory.mktemp("e2e"), "e2e", generated["csv"])
    project.run("build")
    project.run("docs", "generate")
    return project


def test_every_input_row_is_clean_quarantined_or_a_duplicate(spark, project, generated):
    """Row counts reconcile from the file to the marts; nothing vanishes."""
    rows = generated["counts"]["rows_written"]
    clean = project.table(spark, "int_customers_cleaned").count()
    quarantined = project.table(spark, "int_customers_quarantined").count()
    duplicates = project.table(spark, "int_customers_duplicates").count()
    assert project.table(spark, "customers", "raw").count() == rows
    assert clean + quarantined + duplicates == rows
    assert duplicates == generated["counts"]["duplicates"]
    # the source count is dbt's own parse of the seed, kept on the seed table by the adapter
    (reconciliation,) = project.table(spark, "customer_input_reconciliation").collect()
    assert (reconciliation.source_row_count, reconciliation.input_row_count) == (rows, rows)
    assert reconciliation.segmented_row_count == clean
    assert reconciliation.is_reconciled


def test_mart_has_one_row_per_distinct_valid_customer(spark, project, generated):
    """The feature mart holds exactly the customers the generator planted as valid."""
    valid_ids = {row["customer_id"] for row in generated["labels"] if row["segment"]}
    valid_ids.add("X0000001")  # only its demographics were unparseable
    mart_ids = [row.customer_id for row in project.table(spark, "customer_features").collect()]
    assert len(mart_ids) == len(set(mart_ids))
    assert set(mart_ids) == valid_ids


def test_quarantine_reasons_match_the_planted_defects(spark, project, generated):
    """Each unusable planted defect lands in quarantine under its own reason."""
    reasons = Counter(
        row.quarantine_reason for row in project.table(spark, "int_customers_quarantined").collect()
    )
    planted = generated["counts"]["mess_rows"]
    assert reasons["missing_customer_id"] == planted["customer_id_missing"]
    # The oracle: each planted row that is not a duplicate, by the first of its defects in
    # the documented precedence (overview: customer_quarantine_reasons).
    precedence = [
        ("orders_negative", "negative_order_count"),
        ("spend_negative", "negative_spend"),
        ("spend_without_orders", "spend_without_orders"),
        ("last_order_in_future", "last_order_after_as_of"),
    ]
    expected = Counter()
    for label in generated["labels"]:
        kinds = set(label["mess"].split("|")) if label["mess"] else set()
        if not label["customer_id"] or kinds & {"duplicate_exact", "duplicate_stale"}:
            continue
        first = next((reason for kind, reason in precedence if kind in kinds), None)
        if first:
            expected[first] += 1
    expected["unparseable_purchase_history"] = 1  # X0000002's "N/A" orders
    expected["missing_customer_id"] = planted["customer_id_missing"]
    assert reasons == expected


def test_unparseable_values_are_named_and_nulled_or_quarantined(spark, project):
    """A value that is present but not of its type is never silently turned into a null."""
    staged = {
        row.customer_id: row
        for row in project.table(spark, "stg_customers").where("customer_id like 'X%'").collect()
    }
    assert staged["X0000001"].unparseable_columns == [
        "birth_date",
        "annual_income",
        "spending_score",
    ]
    assert staged["X0000001"].birth_date is None and staged["X0000001"].spending_score is None
    assert staged["X0000002"].unparseable_columns == ["total_orders"]
    quarantined = project.table(spark, "int_customers_quarantined").where(
        "customer_id = 'X0000002'"
    )
    assert quarantined.first().quarantine_reason == "unparseable_purchase_history"
    cleaned = project.table(spark, "int_customers_cleaned").where("customer_id = 'X0000001'")
    assert "unparseable_birth_date" in cleaned.first().repairs


def test_repairs_are_flagged_not_dropped(spark, project):
    """Repaired values are nulled or standardised and every repair leaves a code."""
    features = project.table(spark, "customer_features")
    assert features.where("was_repaired").count() > 0
    cleaned = project.table(spark, "int_customers_cleaned")
    repairs = Counter(
        code for row in cleaned.select("repairs").collect() for code in (row.repairs or [])
    )
    for code in ("email_malformed", "birth_date_impossible", "annual_income_impossible"):
        assert repairs[code] > 0, code
    genders = {row.gender for row in cleaned.select("gender").distinct().collect()}
    assert genders <= {"male", "female", "other", "unknown"}


def test_as_of_date_is_the_latest_plausible_order_date(spark, project, generated):
    """Recency is measured against the data's latest genuine order, not the wall clock."""
    with open(generated["csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    genuine = [
        date.fromisoformat(row["last_order_date"])
        for row, label in zip(rows, generated["labels"], strict=False)
        if "last_order_in_future" not in label["mess"] and row["last_order_date"]
    ]
    as_of = project.table(spark, "int_as_of_date").first()
    assert as_of.as_of_date == max(genuine)
    assert as_of.as_of_source == "latest_plausible_order_date"
    assert project.table(spark, "customer_features").where("recency_days < 0").count() == 0


def test_segments_recover_the_planted_segments(spark, project, generated):
    """KMeans as a dbt Python model finds the planted k and the planted segments (ARI)."""
    planted = {row["customer_id"]: row["segment"] for row in generated["labels"] if row["segment"]}
    found = {
        row.customer_id: row.segment_id
        for row in project.table(spark, "customer_segments").collect()
    }
    chosen = project.table(spark, "segment_k_selection").where("is_chosen").first().k
    ids = sorted(set(found) & set(planted))
    ari = adjusted_rand_score([planted[i] for i in ids], [found[i] for i in ids])
    assert chosen == 5
    assert ari >= 0.9


def test_docs_site_lists_every_model_with_a_description(project):
    """`dbt docs generate` wrote the catalog and every model is documented."""
    import json

    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    catalog = json.loads((project.root / "target" / "catalog.json").read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert models
    for node in models:
        assert node["description"].strip(), node["unique_id"]
        for column in node["columns"].values():
            assert column["description"].strip(), (node["unique_id"], column["name"])
        assert node["unique_id"] in catalog["nodes"], node["unique_id"]


def test_documented_columns_match_the_built_tables(spark, project):
    """No YAML column that the model does not produce, and no undocumented column."""
    import json

    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        built = set(project.table(spark, node["alias"]).columns)
        assert set(node["columns"]) == built, node["unique_id"]


PII_COLUMNS = {"first_name", "last_name", "email", "birth_date", "city"}


def test_no_raw_pii_reaches_a_bi_facing_mart(spark, project):
    """Public marts (BI, exports) carry no names, raw e-mails or birth dates."""
    import json

    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    public = [
        node["alias"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node.get("access") == "public"
    ]
    assert {"segment_summary", "marketing_audiences", "ad_platform_export"} <= set(public)
    for name in public:
        table = project.table(spark, name)
        assert not PII_COLUMNS & set(table.columns), name
        text_columns = [column for column, kind in table.dtypes if kind == "string"]
        for column in text_columns:
            assert table.where(f"`{column}` like '%@%'").count() == 0, (name, column)
