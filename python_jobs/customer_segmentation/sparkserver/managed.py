"""A project Spark server for the length of a `with` block (tests, benchmarks, scripts).

    with managed_server(state_dir) as server:
        ... server.thrift_port, server.connect_url ...

starts the server through the same command as `make serve` (on free loopback ports, its state
in state_dir), waits until both protocols answer, and always stops it afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from customer_segmentation.sparkserver.settings import ServerSettings

HOST = "127.0.0.1"
# Variables the server command reads; a managed server sets its own, never inherits them.
SERVER_VARIABLES = (
    "SPARK_SERVER_HOST",
    "SPARK_THRIFT_PORT",
    "SPARK_CONNECT_PORT",
    "SPARK_SERVER_STATE_DIR",
    "SPARK_SERVER_DRIVER_MEMORY",
    "SPARK_SERVER_LOG_LEVEL",
    "SPARK_SERVER_MASTER",
    "SPARK_SERVER_START_TIMEOUT",
    "SPARK_SERVER_AUTH",
    "SPARK_SERVER_USER",
    "SPARK_SERVER_PASSWORD",
    "SPARK_CONNECT_AUTHENTICATE_TOKEN",
    "SPARK_SERVER_CLUSTER",
    "SPARK_MASTER_PORT",
    "SPARK_MASTER_WEBUI_PORT",
    "SPARK_WORKER_WEBUI_PORT",
    "SPARK_SERVER_EXECUTOR_MEMORY",
    "SPARK_SERVER_UI_PORT",
    "SPARK_METASTORE_URL",
    "SPARK_METASTORE_USER",
    "SPARK_METASTORE_PASSWORD",
)


def free_port() -> int:
    """A TCP port that is free on loopback right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(state_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment for the server command: free ports, state_dir, loopback, overrides."""
    env = {key: value for key, value in os.environ.items() if key not in SERVER_VARIABLES}
    env.update(
        SPARK_LOCAL_IP=HOST,
        SPARK_SERVER_STATE_DIR=str(state_dir),
        SPARK_THRIFT_PORT=str(free_port()),
        SPARK_CONNECT_PORT=str(free_port()),
        SPARK_SERVER_DRIVER_MEMORY="2g",
    )
    env.update(overrides)
    return env


def cluster_overrides(
    worker_memory: str, executor_memory: str, metastore_url: str | None = None
) -> dict[str, str]:
    """Overrides for `make serve CLUSTER=1` on free loopback ports: master, worker (2 cores),
    executor memory and, if given, a PostgreSQL metastore URL."""
    overrides = {
        "SPARK_SERVER_CLUSTER": "1",
        "SPARK_MASTER_PORT": str(free_port()),
        "SPARK_MASTER_WEBUI_PORT": str(free_port()),
        "SPARK_WORKER_WEBUI_PORT": str(free_port()),
        "SPARK_SERVER_UI_PORT": str(free_port()),
        "SPARK_WORKER_CORES": "2",
        "SPARK_WORKER_MEMORY": worker_memory,
        "SPARK_SERVER_EXECUTOR_MEMORY": executor_memory,
    }
    if metastore_url:
        overrides["SPARK_METASTORE_URL"] = metastore_url
    return overrides


def run_command(command: str, env: Mapping[str, str], timeout: float = 240):
    """`python -m customer_segmentation.sparkserver <command>` with env; the finished process."""
    state_dir = Path(env["SPARK_SERVER_STATE_DIR"])
    return subprocess.run(
        [sys.executable, "-m", "customer_segmentation.sparkserver", command],
        env=dict(env),
        cwd=next(folder for folder in state_dir.parents if folder.is_dir()),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass(frozen=True)
class ManagedServer:
    """A running server: the environment it was started with, its settings and pid."""

    env: dict[str, str]
    settings: ServerSettings
    pid: int

    @property
    def thrift_port(self) -> int:
        """The HiveServer2 (Thrift) port."""
        return self.settings.thrift_port

    @property
    def connect_url(self) -> str:
        """The Spark Connect URL clients use."""
        return f"sc://{self.settings.client_host}:{self.settings.connect_port}"

    def client_env(self) -> dict[str, str]:
        """Variables that point the project's `server` dbt target at this server."""
        return {
            "SPARK_THRIFT_HOST": HOST,
            "SPARK_THRIFT_PORT": str(self.thrift_port),
            "SPARK_CONNECT_URL": self.connect_url,
        }


@contextlib.contextmanager
def managed_server(state_dir: Path, **overrides: str) -> Iterator[ManagedServer]:
    """Start a server with the project's command; always stop it (kill its group if need be)."""
    env = server_env(state_dir, **overrides)
    settings = ServerSettings.from_env(env)
    try:
        result = run_command("start", env)
        if result.returncode != 0:
            raise RuntimeError(f"the Spark server did not start:\n{result.stdout}{result.stderr}")
        yield ManagedServer(env=env, settings=settings, pid=int(settings.pid_file.read_text()))
    finally:
        _stop_connect_sessions()
        run_command("stop", env, timeout=90)
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(settings.pid_file.read_text()), signal.SIGKILL)


def _stop_connect_sessions() -> None:
    """Close this process's Spark Connect sessions while their server still answers.

    A session left open releases itself at interpreter exit, and against a stopped server
    the client retries with back-off for minutes before it gives up.
    """
    try:
        from pyspark.sql.connect.session import SparkSession as ConnectSession
    except ImportError:
        return
    for session in {ConnectSession.getActiveSession(), ConnectSession._get_default_session()}:
        if session is not None:
            with contextlib.suppress(Exception):
                session.stop()
