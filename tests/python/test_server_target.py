"""The whole project through the Spark server: `dbt build --target server`, then BI clients.

One server for the test session (conftest `spark_server`). The shipped project is built
twice from one copy: on the embedded target (this process's SparkSession) and through the
server (SQL over HiveServer2, every Python model, KMeans included, over Spark Connect). The
tables and segments must be the same. Then BI-style clients in other processes (PyHive,
and the `beeline` that pip pyspark ships, over JDBC) query the marts, and a reader process
queries two marts in a loop while the whole project is rebuilt through the server.

The session's server runs on a loopback standalone cluster with a PostgreSQL metastore
(conftest `spark_server`, as `make serve CLUSTER=1` with SPARK_METASTORE_URL), so the build
through it is the cluster build: its tasks must have run in the worker's executor. The
segment report's CLI also reads this build over Spark Connect.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cluster_status import executors
from dbt_harness import DbtProject

pytestmark = [pytest.mark.dbt, pytest.mark.server, pytest.mark.slow]

SCHEMA = "server_e2e"
# Both builds sweep k 4..6 (the seed's k rule takes 5 from 3..8 as from 4..6): every
# criterion and the rule still run on both targets, on half the ks of the default range.
K_RANGE = "{segmentation: {k_min: 4, k_max: 6}}"
READER = Path(__file__).with_name("published_reader.py")


@pytest.fixture(scope="module")
def server_env(spark_server):
    """Point the project's `server` target at the test session's server (restored after)."""
    saved = {key: os.environ.get(key) for key in spark_server.client_env()}
    os.environ.update(spark_server.client_env())
    yield spark_server.client_env()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def server_target_env(project: DbtProject, client_env: dict) -> dict[str, str]:
    """The environment of a process using the copy's `server` target (as DBT_TARGET=server)."""
    env = {
        **os.environ,
        **client_env,
        "DBT_TARGET": "server",
        "DBT_SCHEMA": project.schema,
        "DBT_PROFILES_DIR": str(project.root / "profiles"),
    }
    env.pop("SPARK_CONNECT_MODE_ENABLED", None)
    return env


def build_through_server(project: DbtProject, client_env: dict, *commands: str) -> None:
    """`make build TARGET=server`'s command on the copy, in its own process.

    Its own process, as a user's would be: PySpark decides per process whether
    `pyspark.sql.functions` builds classic or Spark Connect columns, and this test process
    already holds the embedded target's classic session.
    """
    done = subprocess.run(
        [sys.executable, "-m", "customer_segmentation.dbtchain", *commands],
        cwd=project.root,
        env=server_target_env(project, client_env),
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def builds(spark, tmp_path_factory, server_env):
    """The shipped project built on the embedded target, then through the server: timings."""
    embedded = DbtProject.copy(tmp_path_factory.mktemp("embedded"), SCHEMA)
    started = time.monotonic()
    embedded.run("build", "--vars", K_RANGE)
    embedded_seconds = time.monotonic() - started
    served = DbtProject.copy(tmp_path_factory.mktemp("served"), SCHEMA)
    started = time.monotonic()
    build_through_server(served, server_env, "build", "docs generate", "--", "--vars", K_RANGE)
    served_seconds = time.monotonic() - started
    print(f"dbt build: embedded {embedded_seconds:.0f} s, server {served_seconds:.0f} s")
    return {"embedded": embedded, "served": served}


def server_rows(port: int, query: str) -> list[tuple]:
    """Rows of a query over HiveServer2, in a separate Python process (as a BI tool would)."""
    script = (
        "import json, sys\n"
        "from pyhive import hive\n"
        "connection = hive.connect(host='127.0.0.1', port=int(sys.argv[1]))\n"
        "cursor = connection.cursor()\n"
        "cursor.execute(sys.argv[2])\n"
        "print(json.dumps([list(row) for row in cursor.fetchall()], default=str))\n"
        "connection.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(port), query],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [tuple(row) for row in json.loads(done.stdout.strip().splitlines()[-1])]


def embedded_rows(spark, query: str) -> list[tuple]:
    """Rows of the same query on the embedded build (this process's SparkSession)."""
    return [tuple(row) for row in spark.sql(query).collect()]


SUMMARY = (
    f"select segment_id, segment_name, customer_count, audience_size, "
    f"round(revenue_share, 9) from {SCHEMA}.segment_summary order by segment_id"
)


def test_the_server_build_makes_the_same_segments_as_the_embedded_build(
    spark, builds, spark_server
):
    """Same k, same ids, same names, same assignment of every customer, same audiences."""
    port = spark_server.thrift_port
    assert server_rows(port, SUMMARY) == embedded_rows(spark, SUMMARY)
    chosen = (
        f"select k, is_chosen, round(silhouette, 9), round(stability, 9), k_rule "
        f"from {SCHEMA}.segment_k_selection order by k"
    )
    assert server_rows(port, chosen) == embedded_rows(spark, chosen)
    assignment = (
        f"select count(*), sum(hash(customer_id, segment_id)) from {SCHEMA}.customer_segments"
    )
    assert server_rows(port, assignment) == embedded_rows(spark, assignment)
    audiences = (
        f"select count(*), sum(hash(customer_id, segment_id, contact_channel)) "
        f"from {SCHEMA}.marketing_audiences"
    )
    assert server_rows(port, audiences) == embedded_rows(spark, audiences)


def test_the_server_build_has_the_same_tables_and_reconciles(spark, builds, spark_server):
    """Every relation of the embedded build exists through the server, and rows reconcile."""
    embedded_tables = {row.tableName for row in spark.sql(f"show tables in {SCHEMA}").collect()}
    listed = server_rows(spark_server.thrift_port, f"show tables in {SCHEMA}")
    served_tables = {row[1] for row in listed}
    published = {name.split("__v")[0] for name in embedded_tables | served_tables if "__v" in name}
    assert {name for name in served_tables if "__v" not in name} == {
        name for name in embedded_tables if "__v" not in name
    }
    assert published == {
        "segmentation_models",
        "segment_registry",
        "segment_transitions",
        "segment_summary",
        "segment_profiles",
        "segment_mix",
        "marketing_audiences",
        "ad_platform_export",
    }
    reconciliation = (
        f"select source_row_count, input_row_count, segmented_row_count, quarantined_row_count, "
        f"duplicate_row_count, is_reconciled from {SCHEMA}.customer_input_reconciliation"
    )
    assert server_rows(spark_server.thrift_port, reconciliation) == embedded_rows(
        spark, reconciliation
    )
    assert (builds["served"].root / "target" / "catalog.json").is_file()


def test_beeline_reads_the_summary_over_jdbc(spark, builds, spark_server):
    """The beeline shipped with pip pyspark, JDBC URL jdbc:hive2://127.0.0.1:<port>/<schema>."""
    beeline = shutil.which("beeline", path=str(Path(sys.executable).parent))
    assert beeline, "pip pyspark ships bin/beeline"
    url = f"jdbc:hive2://127.0.0.1:{spark_server.thrift_port}/{SCHEMA}"
    query = "select segment_id, segment_name, customer_count from segment_summary order by 1"
    # the beeline script finds Spark through the `python` on PATH (the venv's, as after
    # `source .venv/bin/activate`; `make beeline` does the same)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [beeline, "-u", url, "--silent=true", "--outputformat=csv2", "-e", query],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    prompt = re.compile(r"^\d+: jdbc:hive2://\S+> ")
    lines = [prompt.sub("", line) for line in done.stdout.splitlines() if line.strip()]
    assert lines[0] == "segment_id,segment_name,customer_count"
    expected = embedded_rows(
        spark,
        f"select segment_id, segment_name, customer_count from {SCHEMA}.segment_summary "
        "order by segment_id",
    )
    assert lines[1:] == [f"{row[0]},{row[1]},{row[2]}" for row in expected]


def test_the_server_build_ran_in_the_clusters_executor(builds, spark_server):
    """The session's server is on the standalone cluster: the build's tasks ran in its executor."""
    found = executors(spark_server)
    assert found["driver"]["totalTasks"] == 0
    tasks = sum(entry["completedTasks"] for key, entry in found.items() if key != "driver")
    print(f"cluster: {tasks} tasks ran in {len(found) - 1} executor(s), none in the driver")
    assert tasks > 500


def test_report_reads_the_marts_through_the_server_target(builds, spark_server):
    """`make report` with DBT_TARGET=server: read over Spark Connect, the server's numbers."""
    from browser import chromium, require_chromium
    from test_report import CHARTS_OF_EVERY_BUILD, parse_dom, shown_int

    require_chromium("render the segment report")
    served = builds["served"]
    out = served.root / "target" / "report_server"
    done = subprocess.run(
        [sys.executable, "-m", "customer_segmentation.report", "--out", str(out)],
        cwd=served.root,
        env=server_target_env(served, spark_server.client_env()),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "from target server" in done.stdout
    dom = parse_dom(chromium("--dump-dom", (out / "index.html").as_uri()).stdout)
    # the first build of a schema has no transitions yet
    charts = {figure.attrs["data-chart"] for figure in dom.find_all("figure")}
    assert charts == CHARTS_OF_EVERY_BUILD
    shown = {
        int(row.attrs["data-segment-id"]): (
            row.find(data_field="segment_name").all_text,
            shown_int(row.find(data_field="customer_count").all_text),
            shown_int(row.find(data_field="audience_size").all_text),
        )
        for row in dom.find_all("tr")
        if "data-segment-id" in row.attrs
    }
    summary = server_rows(
        spark_server.thrift_port,
        "select segment_id, segment_name, customer_count, audience_size "
        f"from {SCHEMA}.segment_summary",
    )
    assert shown == {int(row[0]): (row[1], int(row[2]), int(row[3])) for row in summary}
    facts = {
        row.attrs["data-fact"]: row.find("td").all_text
        for row in dom.find_all("tr")
        if "data-fact" in row.attrs
    }
    [(segmented, quarantined)] = server_rows(
        spark_server.thrift_port,
        "select segmented_row_count, quarantined_row_count "
        f"from {SCHEMA}.customer_input_reconciliation",
    )
    assert shown_int(facts["segmented_row_count"]) == int(segmented)
    assert shown_int(facts["quarantined_row_count"]) == int(quarantined)


def test_bi_query_latency_first_and_warm(builds, spark_server):
    """A dashboard query over HiveServer2 answers, cold and warm (figures printed)."""
    from pyhive import hive

    connection = hive.connect(host="127.0.0.1", port=spark_server.thrift_port)
    cursor = connection.cursor()
    timings = []
    for _ in range(5):
        started = time.monotonic()
        cursor.execute(SUMMARY)
        rows = cursor.fetchall()
        timings.append(time.monotonic() - started)
    connection.close()
    assert rows
    print(f"BI query: first {timings[0] * 1000:.0f} ms, warm {min(timings[1:]) * 1000:.0f} ms")


def test_a_dashboard_reading_during_a_rebuild_sees_only_complete_marts(
    tmp_path, builds, spark_server
):
    """A reader over HiveServer2 while the model and the marts are rebuilt (k 6 -> 4): no gap."""
    from published_reader import Read, problems

    served = builds["served"]
    stop_file, out = tmp_path / "stop", tmp_path / "reads.json"
    relations = [f"{SCHEMA}.segment_summary", f"{SCHEMA}.marketing_audiences"]
    before = {
        relation: server_rows(spark_server.thrift_port, f"select count(*) from {relation}")[0][0]
        for relation in relations
    }
    reader = subprocess.Popen(
        [
            sys.executable,
            str(READER),
            "--port",
            str(spark_server.thrift_port),
            "--stop-file",
            str(stop_file),
            "--out",
            str(out),
            *relations,
        ]
    )
    try:
        time.sleep(3)
        # the model and every mart after it, published ones included (no data tests)
        build_through_server(
            served,
            spark_server.client_env(),
            "run",
            "--",
            "--select",
            "segmentation_models+",
            "--vars",
            "{segmentation: {k: 4, k_min: 4, k_max: 4}}",
        )
        time.sleep(1)
    finally:
        stop_file.touch()
        reader.wait(timeout=120)
    after = {
        relation: server_rows(spark_server.thrift_port, f"select count(*) from {relation}")[0][0]
        for relation in relations
    }
    assert after[f"{SCHEMA}.segment_summary"] == 4 != before[f"{SCHEMA}.segment_summary"]
    reads = [Read(**read) for read in json.loads(out.read_text())]
    complete = {relation: [before[relation], after[relation]] for relation in relations}
    print(f"reader: {len(reads)} queries during the rebuild, problems: {problems(reads, complete)}")
    assert len(reads) >= 20
    assert problems(reads, complete) == []
