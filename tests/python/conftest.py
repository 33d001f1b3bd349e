"""Shared pytest fixtures: one Hive-enabled local SparkSession for the whole test session.

The session is built from the `local` target's `server_side_parameters` in
profiles/profiles.yml (dbtchain.local_session), with its warehouse and Derby metastore in a
temporary folder, so library tests and in-process dbt invocations (dbtRunner) share one JVM
and one catalog.
"""

from __future__ import annotations

import os
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
def spark_server(tmp_path_factory: pytest.TempPathFactory):
    """One project Spark server (Thrift + Connect, `make serve`'s command) for the session.

    Started on free loopback ports with its own state folder, so a `make serve` left running
    in the checkout is never touched; stopped at the end of the session, always.
    """
    from customer_segmentation.sparkserver.managed import managed_server

    with managed_server(tmp_path_factory.mktemp("spark_server") / "state") as server:
        yield server
