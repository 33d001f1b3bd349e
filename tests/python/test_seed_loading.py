"""The embedded target's bulk seed loader gives the same tables as dbt-spark's stock loader."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import functions as F

from customer_segmentation.datagen import write_customers
from dbt_harness import DbtProject

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

TYPED_CSV = '''\
id,amount,ratio,day,flag,label,moment
1,10,0.5,2026-01-31,true,plain,2026-01-31 10:11:12
2,,1.25,,false,"quoted, with comma",
3,-7,,2024-02-29,,null,2025-12-31 23:59:59
4,0,3.0,1999-12-31,false,  padded  ,2026-06-30 00:00:00
5,42,-0.125,2000-01-01,true,"he said ""hi""",2020-02-02 02:02:02
6,7,2.0,2010-10-10,true,Kovář Øberg Müller,2010-10-10 10:10:10
'''

TYPED_YML = """\
version: 2
seeds:
  - name: typed_values
    description: Values of every seed type, for the loader equivalence test.
    config:
      column_types: {id: int, amount: bigint, ratio: double, day: date, flag: boolean}
"""


@pytest.fixture(scope="module")
def loaded(spark, tmp_path_factory) -> tuple[DbtProject, DbtProject]:
    """The same seeds loaded by the bulk path and by the stock path, in two schemas."""
    folder = tmp_path_factory.mktemp("seed_data")
    write_customers(folder / "customers.csv", customers=300, seed=99, as_of=date(2026, 6, 30))
    projects = []
    for schema, bulk in (("seed_bulk", "true"), ("seed_stock", "false")):
        project = DbtProject.copy(tmp_path_factory.mktemp(schema), schema, folder / "customers.csv")
        (project.root / "seeds" / "typed_values.csv").write_text(TYPED_CSV, encoding="utf-8")
        (project.root / "seeds" / "_typed_values.yml").write_text(TYPED_YML)
        project.run("seed", "--vars", f"{{seed_bulk_load: {bulk}}}")
        projects.append(project)
    return projects[0], projects[1]


def _stock_nulls_repaired(frame):
    """Undo dbt-spark's session-mode binding bug: a null seed value is inserted as 'None'."""
    return frame.select(
        *(
            F.when(F.col(name) == "None", None).otherwise(F.col(name)).alias(name)
            if kind == "string"
            else F.col(name)
            for name, kind in frame.dtypes
        )
    )


@pytest.mark.parametrize("seed", ["customers", "country_aliases", "typed_values"])
def test_bulk_and_stock_loaders_give_identical_tables(spark, loaded, seed):
    """Same schema (names, types), same rows, same nulls."""
    bulk, stock = (project.table(spark, seed, "raw") for project in loaded)
    stock = _stock_nulls_repaired(stock)
    assert bulk.schema.simpleString() == stock.schema.simpleString()
    assert bulk.count() == stock.count() > 0
    assert bulk.exceptAll(stock).collect() == []
    assert stock.exceptAll(bulk).collect() == []


def test_stock_session_loader_turns_nulls_into_text(spark, loaded):
    """Why the bulk path is also the correct one on the embedded target (dbt-spark 1.11)."""
    bulk, stock = (project.table(spark, "customers", "raw") for project in loaded)
    blank_gender = bulk.where("gender is null").count()
    assert blank_gender > 0
    assert stock.where("gender = 'None'").count() == blank_gender


def test_null_markers_and_types_follow_dbt(spark, loaded):
    """Blank and 'null' are null, surrounding spaces of other text are kept, types are cast."""
    bulk = loaded[0].table(spark, "typed_values", "raw")
    rows = {row.id: row for row in bulk.collect()}
    assert rows[2].amount is None and rows[2].day is None
    assert rows[3].label is None and rows[3].flag is None
    assert rows[4].label == "  padded  "
    assert rows[5].label == 'he said "hi"'
    assert rows[6].label == "Kovář Øberg Müller"
    assert rows[1].day == date(2026, 1, 31) and rows[1].flag is True
    assert dict(bulk.dtypes)["amount"] == "bigint"
