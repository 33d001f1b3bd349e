"""`make serve CLUSTER=1` with a PostgreSQL metastore: the session's server (conftest) (#15).

The test session's server is an application on a standalone master and worker (loopback),
its catalog in a PostgreSQL metastore. Work sent over HiveServer2 and Spark Connect must run
in the worker's executor process, not in the driver (the application's REST API counts tasks
per executor); a Python UDF must import this package from the archive the `server` target
ships (`python_packages`), in a Python worker under that executor; and other JVMs on the same
metastore (an embedded `dbt seed` and a `make shell` session, in one other JVM) must see the
server's tables while it runs, and it theirs. The whole build through the server on the cluster is
test_server_target.py's; that its tasks ran in executors is checked there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cluster_status import application, executors
from customer_segmentation.sparkserver import cluster
from dbt_harness import DbtProject
from test_server_target import server_rows

pytestmark = [pytest.mark.server, pytest.mark.slow]

UDF_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import udf
    from dbt.adapters.sparkoss.python_packages import ship_packages
    spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
    ship_packages(spark, ["customer_segmentation"])
    @udf("string")
    def where(x):
        import os, customer_segmentation.segmentation.k_rule as k_rule
        return json.dumps([os.getpid(), os.getppid(), k_rule.__file__])
    rows = spark.range(0, 8, 1, 4).select(where("id").alias("w")).collect()
    print(json.dumps(sorted({row.w for row in rows})))
    spark.stop()
    """
)

EMBEDDED_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from dbt.cli.main import dbtRunner
    from customer_segmentation.dbtchain.local_session import local_session
    # `make build`: an embedded dbt seed (dbt's session target starts this process's JVM)
    seeded = dbtRunner().invoke(["seed", "--select", "country_aliases"])
    assert seeded.success, seeded.exception
    # `make shell`: the same local target's session, reading and writing the shared catalog
    spark = local_session()
    query = "select id, label from shared_catalog.from_server order by id"
    seen = [list(row) for row in spark.sql(query).collect()]
    spark.sql(
        "create table shared_catalog.from_shell using parquet as "
        "select id * 10 as id from range(3)"
    )
    print(json.dumps(seen))
    spark.stop()
    """
)


def server_execute(port: int, *statements: str) -> None:
    """Run statements over HiveServer2 in another process (no result set expected)."""
    script = (
        "import sys\n"
        "from pyhive import hive\n"
        "connection = hive.connect(host='127.0.0.1', port=int(sys.argv[1]))\n"
        "cursor = connection.cursor()\n"
        "for statement in sys.argv[2:]:\n"
        "    cursor.execute(statement)\n"
        "connection.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(port), *statements],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_the_server_is_an_application_on_the_standalone_cluster(spark_server):
    """One alive worker with its cores; the server's application holds them."""
    settings = spark_server.settings
    assert settings.master_url.startswith("spark://127.0.0.1:")
    pids = {role: cluster.running_pid(settings, role) for role in cluster.ROLES}
    assert all(pids.values()), pids
    master = cluster.master_state(settings)
    assert master["aliveworkers"] == 1
    assert master["cores"] == 2
    app = application(spark_server)
    assert app["cores"] == 2
    workers = [e for key, e in executors(spark_server).items() if key != "driver"]
    assert len(workers) == 1
    assert str(workers[0]["hostPort"]).startswith("127.0.0.1:")


def test_sql_over_hiveserver2_runs_in_the_executor_not_the_driver(spark_server):
    """A query's tasks are counted on the worker's executor; the driver runs none."""
    before = executors(spark_server)
    done_before = sum(e["completedTasks"] for key, e in before.items() if key != "driver")
    rows = server_rows(spark_server.thrift_port, "select count(*) from range(0, 100000, 1, 4)")
    assert rows == [(100000,)]
    after = executors(spark_server)
    assert after["driver"]["totalTasks"] == 0
    done_after = sum(e["completedTasks"] for key, e in after.items() if key != "driver")
    assert done_after - done_before >= 4


def test_a_python_udf_imports_the_shipped_package_in_an_executor(spark_server):
    """Over Spark Connect: the package comes from the shipped archive, in the executor's child."""
    done = subprocess.run(
        [sys.executable, "-c", UDF_SCRIPT, spark_server.connect_url],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **spark_server.env},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = [json.loads(line) for line in json.loads(done.stdout.strip().splitlines()[-1])]
    assert answers
    for pid, parent, module_file in answers:
        # the archive python_packages built, not the checkout the venv installs
        assert "customer_segmentation.zip" in module_file, module_file
        assert pid != spark_server.pid
        # the Python worker's parent is the executor the worker started (or its daemon)
        chain = {parent, *_ancestors(parent)}
        assert any("CoarseGrainedExecutorBackend" in _cmdline(p) for p in chain if _alive(p))


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _ancestors(pid: int) -> list[int]:
    """pid's parent, grandparent, ... up to init."""
    chain = []
    while pid > 1 and _alive(pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        pid = int(fields[1])
        chain.append(pid)
    return chain


def test_other_jvms_on_the_postgresql_metastore_see_the_servers_tables(
    spark_server, tmp_path, pg_metastore
):
    """An embedded `dbt seed`, then a `make shell` session, in another JVM while it runs."""
    port = spark_server.thrift_port
    server_execute(
        port,
        "create database if not exists shared_catalog",
        "drop table if exists shared_catalog.from_server",
        "drop table if exists shared_catalog.from_shell",
        "create table shared_catalog.from_server using parquet as "
        "select id, concat('row ', id) as label from range(2)",
    )
    project = DbtProject.copy(tmp_path / "embedded", "shared_embedded")
    embedded = subprocess.run(
        [sys.executable, "-c", EMBEDDED_SCRIPT],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            **os.environ,
            "SPARK_METASTORE_URL": pg_metastore,
            "SPARK_LOCAL_IP": "127.0.0.1",
            "DBT_TARGET": "local",
            "DBT_SCHEMA": project.schema,
            "DBT_PROFILES_DIR": str(project.root / "profiles"),
            "SPARK_STATE_DIR": str(tmp_path / "embedded_state"),
        },
        check=False,
    )
    assert embedded.returncode == 0, embedded.stdout[-4000:] + embedded.stderr[-3000:]
    assert json.loads(embedded.stdout.strip().splitlines()[-1]) == [[0, "row 0"], [1, "row 1"]]
    assert server_rows(port, "select id from shared_catalog.from_shell order by id") == [
        (0,),
        (10,),
        (20,),
    ]
    lines = sum(1 for _ in (project.root / "seeds" / "country_aliases.csv").open()) - 1
    tables = {row[1] for row in server_rows(port, f"show tables in {project.schema}_raw")}
    assert "country_aliases" in tables
    assert server_rows(port, f"select count(*) from {project.schema}_raw.country_aliases") == [
        (lines,)
    ]
