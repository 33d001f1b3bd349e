"""dbt Labs' adapter test suite (dbt-tests-adapter) run against `sparkoss`.

dbt's functional-test fixtures (`project`, `adapter`, `dbt_profile_target`, ...) are imported
into this conftest rather than registered with `pytest_plugins` (allowed only in the rootdir
conftest) or `-p dbt.tests.fixtures.project` (global), so they exist only for the tests in this
folder: tests/python keeps its own `project` fixtures, and `pytest tests/adapter` needs no extra
flags. Every test here carries the `adapter` marker. The target (SPARKOSS_TEST_TARGET, default
`session`) is described in adapter_targets.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from adapter_targets import TARGET, TARGETS
from dbt.tests.fixtures.project import *  # noqa: F403  (dbt's functional-test fixtures)

HERE = Path(__file__).resolve().parent


# dbt-tests-adapter's suites define class-scoped fixtures as instance methods (pytest 9 warns).
SUITE_STYLE_WARNING = pytest.mark.filterwarnings(
    "ignore:Class-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `adapter` (this hook sees the whole session's items)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.adapter)
            item.add_marker(SUITE_STYLE_WARNING)


@pytest.fixture(scope="session")
def spark_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Warehouse and metastore of this run's embedded Spark (one JVM, one Derby per process)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return tmp_path_factory.mktemp("sparkoss_state")


@pytest.fixture(scope="session")
def target_server(spark_state_dir: Path):
    """For SPARKOSS_TEST_TARGET=server: one project Spark server for the session, then stopped."""
    if TARGET != "server":
        yield None
        return
    from customer_segmentation.sparkserver.managed import managed_server

    with managed_server(spark_state_dir / "server") as server:
        os.environ["SPARKOSS_TEST_THRIFT_PORT"] = str(server.thrift_port)
        os.environ["SPARKOSS_TEST_CONNECT_URL"] = server.connect_url
        yield server


@pytest.fixture(scope="class")
def dbt_profile_target(spark_state_dir: Path, target_server) -> dict:
    """The profile target of SPARKOSS_TEST_TARGET (a fresh dict: dbt adds `schema` to it)."""
    if TARGET not in TARGETS:
        raise pytest.UsageError(
            f"SPARKOSS_TEST_TARGET={TARGET!r}: expected one of {', '.join(TARGETS)}"
        )
    return TARGETS[TARGET](spark_state_dir)


@pytest.fixture(scope="class")
def logs_dir(request: pytest.FixtureRequest, prefix: str, spark_state_dir: Path):
    """dbt's log of each test class, under this run's temporary folder (not ./logs/)."""
    path = spark_state_dir.parent / "dbt_logs" / prefix
    os.environ["DBT_LOG_PATH"] = str(path)
    yield str(path)
    del os.environ["DBT_LOG_PATH"]
