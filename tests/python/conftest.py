"""Shared pytest fixtures: one Hive-enabled local SparkSession for the whole test session.

The session is built from the `local` target's `server_side_parameters` in
profiles/profiles.yml (dbtchain.local_session), with its warehouse and Derby metastore in a
temporary folder, so library tests and in-process dbt invocations (dbtRunner) share one JVM
and one catalog.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from customer_segmentation.dbtchain.local_session import local_session, local_spark_conf

__all__ = ["local_spark_conf"]

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spark_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder holding the test session's warehouse and metastore."""
    state_dir = tmp_path_factory.mktemp("spark_state")
    os.environ["SPARK_STATE_DIR"] = str(state_dir)
    return state_dir


@pytest.fixture(scope="session")
def spark(spark_state_dir: Path):
    """The one SparkSession of the test session (the same one dbt's session target uses)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = local_session(spark_state_dir, **{"spark.driver.memory": "3g"})
    yield session
    session.stop()


@pytest.fixture(scope="session")
def pg_metastore():
    """A PostgreSQL Hive metastore (`make metastore`'s command) for the session: its JDBC URL.

    Its data folder is a fresh one under the system's temporary folder (as root, PostgreSQL
    runs as `postgres`, which cannot enter pytest's private temporary folders); stopped and
    removed at the end of the session, always.
    """
    from customer_segmentation.sparkserver.managed import free_port
    from customer_segmentation.sparkserver.metastore import managed_metastore

    folder = Path(tempfile.mkdtemp(prefix="segmentation-metastore-"))
    folder.chmod(0o755)
    try:
        with managed_metastore(folder / "postgres", free_port()) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def spark_server(tmp_path_factory: pytest.TempPathFactory, pg_metastore: str):
    """One project Spark server for the session, as `make serve CLUSTER=1` runs it.

    A standalone master and worker on free loopback ports, the Thrift + Connect server an
    application on them (executors in the worker's processes), its catalog in the session's
    PostgreSQL metastore. Its own state folder, so a `make serve` left running in the
    checkout is never touched; stopped at the end of the session, always.
    """
    from customer_segmentation.sparkserver.cluster import ROLES, master_state, running_pid
    from customer_segmentation.sparkserver.managed import cluster_overrides, managed_server
    from customer_segmentation.sparkserver.process import is_alive

    cluster = cluster_overrides("3g", "2g", pg_metastore)
    with managed_server(tmp_path_factory.mktemp("spark_server") / "state", **cluster) as server:
        pids = {role: running_pid(server.settings, role) for role in ROLES}
        (app,) = master_state(server.settings)["activeapps"]
        yield server
    # `make stop`'s command stopped the server, the worker with its executors, the master
    left = [f"{role} pid {pid}" for role, pid in pids.items() if is_alive(pid)]
    executors = subprocess.run(
        ["pgrep", "-f", f"--app-id {app['id']}"], capture_output=True, text=True, check=False
    )
    assert not left and not executors.stdout.strip(), (left, executors.stdout)
