"""Profile targets the adapter suites run on, and the xfail mark for upstream failures.

SPARKOSS_TEST_TARGET (default `session`) picks the target of a pytest process (one target per
process: the embedded target owns the process's JVM and Derby metastore); each name in TARGETS
maps to a function returning the dbt profile target (dbt's fixtures add `schema`). A remote
target is one more such function (host, port and connect_url read from environment variables)
and one more entry in TARGETS; its state_dir argument is unused.

`xfail_upstream` marks a case that fails because of dbt-spark (or dbt-core) itself, not
sparkoss: strict, so it reports XPASS, and fails, once upstream is fixed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

TARGET = os.environ.get("SPARKOSS_TEST_TARGET", "session")


def session_target(state_dir: Path) -> dict:
    """The embedded target: dbt's own SparkSession, state under state_dir, one thread."""
    return {
        "type": "sparkoss",
        "method": "session",
        "host": "localhost",
        "threads": 1,
        "server_side_parameters": {
            "spark.master": "local[2]",
            "spark.app.name": "sparkoss-adapter-tests",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.memory": "2g",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.log.level": "ERROR",
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.sql.sources.default": "parquet",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.warehouse.dir": str(state_dir / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL": (
                f"jdbc:derby:;databaseName={state_dir / 'metastore_db'};create=true"
            ),
            "spark.driver.extraJavaOptions": (
                f"-Dderby.system.home={state_dir} "
                f"-Dderby.stream.error.file={state_dir / 'derby.log'}"
            ),
        },
    }


def server_target(_state_dir: Path) -> dict:
    """The project's Spark server: SQL over HiveServer2, Python models over Spark Connect.

    conftest starts one (`make serve`'s command, free loopback ports) for the session and
    sets SPARKOSS_TEST_THRIFT_PORT and SPARKOSS_TEST_CONNECT_URL.
    """
    return {
        "type": "sparkoss",
        "method": "thrift",
        "host": "127.0.0.1",
        "port": int(os.environ["SPARKOSS_TEST_THRIFT_PORT"]),
        "connect_url": os.environ["SPARKOSS_TEST_CONNECT_URL"],
        "threads": 1,
    }


# Target name -> profile target. A remote target takes the state folder argument and ignores it.
TARGETS: dict[str, Callable[[Path], dict]] = {"session": session_target, "server": server_target}


def xfail_upstream(
    reason: str, *, upstream: str = "dbt-spark", targets: tuple[str, ...] | None = None
) -> pytest.MarkDecorator:
    """Strict xfail for a case failing because of `upstream` itself (on `targets`, or all)."""
    return pytest.mark.xfail(
        condition=targets is None or TARGET in targets,
        reason=f"{upstream}: {reason}",
        strict=True,
    )
