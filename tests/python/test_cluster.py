"""`make serve CLUSTER=1`: the server as an application on a local standalone cluster (#15).

A master and one worker on free loopback ports, the server on them; a query over HiveServer2
and a Python UDF over Spark Connect (importing the project's package) must run in the
worker's executor, not in the driver (the application's REST API says which executor ran
how many tasks); `stop` must leave no master, worker, executor or Python worker behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from customer_segmentation.sparkserver import cluster
from customer_segmentation.sparkserver.managed import free_port, managed_server

pytestmark = [pytest.mark.server, pytest.mark.slow]

UDF_SCRIPT = """
import sys
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
@udf("string")
def where(x):
    import os, customer_segmentation
    return f"{os.getpid()} {customer_segmentation.__name__}"
print("\\n".join(sorted({row[0] for row in spark.range(0, 8, 1, 4).select(where("id")).collect()})))
spark.stop()
"""


def _json(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def test_tasks_run_in_the_workers_executor(tmp_path):
    overrides = {
        "SPARK_SERVER_CLUSTER": "1",
        "SPARK_MASTER_PORT": str(free_port()),
        "SPARK_MASTER_WEBUI_PORT": str(free_port()),
        "SPARK_WORKER_WEBUI_PORT": str(free_port()),
        "SPARK_SERVER_UI_PORT": str(free_port()),
        "SPARK_WORKER_MEMORY": "2g",
        "SPARK_SERVER_EXECUTOR_MEMORY": "1g",
        "SPARK_SERVER_DRIVER_MEMORY": "1g",
    }
    with managed_server(tmp_path / "state", **overrides) as server:
        settings = server.settings
        pids = {role: cluster.running_pid(settings, role) for role in cluster.ROLES}
        assert all(pids.values()), pids
        master = cluster.master_state(settings)
        assert master["aliveworkers"] == 1
        (app,) = [a for a in master["activeapps"] if a["name"] == "customer_segmentation_server"]

        from pyhive import hive

        connection = hive.connect(host="127.0.0.1", port=server.thrift_port, username="test")
        cursor = connection.cursor()
        cursor.execute("select count(*) from range(0, 10000, 1, 4)")
        assert cursor.fetchall() == [(10000,)]
        connection.close()

        udf = subprocess.run(
            [sys.executable, "-c", UDF_SCRIPT, server.connect_url],
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, **server.env},
            check=False,
        )
        assert udf.returncode == 0, udf.stderr[-3000:]
        python_workers = udf.stdout.split()
        assert "customer_segmentation" in python_workers

        ui = f"http://127.0.0.1:{settings.ui_port}/api/v1/applications/{app['id']}/executors"
        executors = {e["id"]: e for e in _json(ui)}
        assert executors["driver"]["totalTasks"] == 0
        assert sum(e["completedTasks"] for key, e in executors.items() if key != "driver") > 0
    for role, pid in pids.items():
        assert not os.path.exists(f"/proc/{pid}"), f"{role} pid {pid} still runs"
    leftover = subprocess.run(
        ["pgrep", "-f", f"--app-id {app['id']}"], capture_output=True, text=True, check=False
    )
    assert leftover.stdout.strip() == "", f"executors left: {leftover.stdout}"
