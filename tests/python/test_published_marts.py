"""Published marts (materialization `published_table`, adapter sparkoss): readers never see a
half-built mart (issue #10).

(a) and (b) run on a small dbt project of their own (one SQL and one Python model); (c) rebuilds
that model, and then the whole real project, while a reader thread of the same JVM queries the
marts in a loop (tests/python/published_reader.py, which also runs over HiveServer2).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import threading
import time

import pytest

from dbt_harness import PROJECT_DIR, DbtFailed, DbtProject
from published_reader import SparkSessionConnection, problems, read_loop

pytestmark = [pytest.mark.dbt, pytest.mark.slow]

VERSION = re.compile(r"[a-z_]+__v[0-9]{14}_[0-9a-f]{8}")

PROBE_FILES = {
    "dbt_project.yml": """
name: published_probe
version: "1.0"
config-version: 2
profile: customer_segmentation
models:
  published_probe:
    +file_format: parquet
    +materialized: "{{ var('materialized', 'published_table') }}"
    +persist_docs: {relation: true}
""",
    "models/mart.sql": """
{{ config(contract={'enforced': true}) }}
select
    cast(id as {{ var('id_type', 'int') }}) as id,
    case
        when id < {{ var('fail_at_row', 10 ** 9) }} then 'build {{ var("build", 1) }}'
        else cast(raise_error('planned failure') as string)
    end as build
from range(0, {{ var('rows', 3) }}, 1, 2)
""",
    "models/mart.yml": """
version: 2
models:
  - name: mart
    description: "The probe's published mart (it's read by a test)."
    columns:
      - {name: id, data_type: int}
      - {name: build, data_type: string}
""",
    "models/pymart.py": """
def model(dbt, session):
    dbt.config(materialized="published_table")
    return session.range(2)
""",
}
_schemas = itertools.count()


@pytest.fixture
def probe(spark, tmp_path) -> DbtProject:
    """The small project, building into a schema of its own."""
    root = tmp_path / "probe"
    for name, text in PROBE_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text.lstrip())
    shutil.copytree(PROJECT_DIR / "profiles", root / "profiles")
    return DbtProject(root, f"published_probe_{next(_schemas)}")


def _run(project: DbtProject, *args: str, **variables) -> None:
    project.run(*args, "--vars", json.dumps(variables))


def _describe(spark, relation: str) -> dict[str, str]:
    return {
        row.col_name: row.data_type for row in spark.sql(f"describe extended {relation}").collect()
    }


def published_version(spark, relation: str) -> str:
    """The version table the published view selects from."""
    info = _describe(spark, relation)
    assert info["Type"] == "VIEW", f"{relation} is a {info['Type']}, not a published view"
    return VERSION.search(info["View Text"]).group(0)


def versions(spark, schema: str, name: str) -> set[str]:
    """The version tables of a published model."""
    rows = spark.sql(f"show tables in {schema} like '{name}__v*'").collect()
    return {row.tableName for row in rows if not row.isTemporary}


def builds(spark, relation: str) -> list[str]:
    return sorted({row.build for row in spark.table(relation).collect()})


def test_a_rebuild_publishes_the_new_version_keeps_the_previous_and_drops_older(spark, probe):
    schema = probe.schema
    # a build from before published_table
    _run(probe, "run", "--select", "mart", materialized="table", build=0)
    assert _describe(spark, f"{schema}.mart")["Type"] == "MANAGED"

    published = []
    for build in (1, 2, 3):
        _run(probe, "run", build=build, rows=build + 2)
        published.append(published_version(spark, f"{schema}.mart"))
        assert spark.table(f"{schema}.mart").count() == build + 2
        assert builds(spark, f"{schema}.mart") == [f"build {build}"]
        assert versions(spark, schema, "mart") == set(published[-2:])

    assert len(set(published)) == 3
    # the previous version stays whole for readers that resolved the view before the switch
    assert builds(spark, f"{schema}.{published[1]}") == ["build 2"]
    assert (
        _describe(spark, f"{schema}.mart")["Comment"]
        == "The probe's published mart (it's read by a test)."
    )
    assert versions(spark, schema, "pymart") == {
        published_version(spark, f"{schema}.pymart"),
        published[1].replace("mart", "pymart", 1),
    }
    assert spark.table(f"{schema}.pymart").count() == 2

    probe.run("docs", "generate")
    catalog = json.loads((probe.root / "target" / "catalog.json").read_text())
    for model, columns in {"mart": ["id", "build"], "pymart": ["id"]}.items():
        node = catalog["nodes"][f"model.published_probe.{model}"]
        assert node["metadata"]["type"] == "view"
        assert list(node["columns"]) == columns


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ({"fail_at_row": 3}, "planned failure"),
        ({"id_type": "bigint"}, "enforced contract that failed"),
    ],
    ids=["sql_fails_at_run_time", "contract_not_met"],
)
def test_b_a_failed_build_leaves_the_view_and_the_previous_version(spark, probe, failure, message):
    schema = probe.schema
    _run(probe, "run", "--select", "mart", build=1, rows=3)
    _run(probe, "run", "--select", "mart", build=2, rows=4)
    live = published_version(spark, f"{schema}.mart")
    kept = versions(spark, schema, "mart")

    with pytest.raises(DbtFailed, match=message):
        _run(probe, "run", "--select", "mart", build=3, rows=6, **failure)

    assert published_version(spark, f"{schema}.mart") == live
    assert spark.table(f"{schema}.mart").count() == 4
    assert builds(spark, f"{schema}.mart") == ["build 2"]
    assert kept <= versions(spark, schema, "mart")  # both versions intact
    # the next good build publishes and drops the older version and any failed attempt
    _run(probe, "run", "--select", "mart", build=4, rows=5)
    assert versions(spark, schema, "mart") == {live, published_version(spark, f"{schema}.mart")}
    assert builds(spark, f"{schema}.mart") == ["build 4"]


class Reader:
    """read_loop in a thread of this JVM, in a SparkSession of its own (like a BI client)."""

    def __init__(self, spark, relations: list[str]) -> None:
        session = spark.newSession()
        self._stop = threading.Event()
        self.reads: list = []
        self._thread = threading.Thread(
            target=lambda: self.reads.extend(
                read_loop(lambda: SparkSessionConnection(session), relations, self._stop.is_set)
            ),
            daemon=True,
        )

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(1)  # a few reads of the final state
        self._stop.set()
        self._thread.join(timeout=300)
        assert not self._thread.is_alive(), "the reader did not stop"


@pytest.mark.parametrize("materialized", ["published_table", "table"])
def test_c_readers_during_rebuilds_of_the_probe(spark, probe, materialized):
    """published_table: every read is complete. dbt-spark's table (the control): the reader
    does see the rebuild, so the loop can tell."""
    relation = f"{probe.schema}.mart"
    rows = [1000 + build for build in range(4)]
    _run(probe, "run", "--select", "mart", materialized=materialized, build=0, rows=rows[0])
    with Reader(spark, [relation]) as reader:
        for build in (1, 2, 3):
            _run(
                probe,
                "run",
                "--select",
                "mart",
                materialized=materialized,
                build=build,
                rows=rows[build],
            )
    found = problems(reader.reads, {relation: rows})
    print(f"{materialized}: {len(reader.reads)} reads, {len(found)} problems: {found[:3]}")
    if materialized == "published_table":
        assert found == []
        assert reader.reads[0].rows == rows[0] and reader.reads[-1].rows == rows[-1]
    else:
        assert found, "the reader saw nothing of dbt-spark's drop-and-create"


# The full-project variant (a reader process over HiveServer2 during a whole rebuild) is
# test_server_target.py::test_a_dashboard_reading_during_a_rebuild_sees_only_complete_marts.
