"""`make serve` / `make stop` (customer_segmentation.sparkserver) against real Spark servers.

The one-line preflight errors run the CLI without starting anything (or, for the start
timeout, a JVM that is killed after 2 s). Two real servers start once each (module-scoped
fixtures, stopped in a finally): one with the default no-auth settings, one with
SPARK_SERVER_AUTH=password. Every server binds 127.0.0.1 on free ports with its own state
folder under tmp_path, so a `make serve` left running in the checkout is never touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from customer_segmentation.sparkserver import auth
from customer_segmentation.sparkserver.managed import HOST, run_command
from customer_segmentation.sparkserver.managed import server_env as managed_env
from customer_segmentation.sparkserver.settings import ServerSettings

pytestmark = [pytest.mark.server, pytest.mark.slow]

USER = "dbt_runner"
PASSWORD = "s3cret;=pass"  # `;` and `=` would break an unquoted sc:// token parameter
TOKEN = "connect-token;=42"


def server_env(state_dir: Path, **overrides: str) -> dict[str, str]:
    """A clean environment for the CLI: free ports, state_dir, 1g driver, loopback."""
    return managed_env(state_dir, **{"SPARK_SERVER_DRIVER_MEMORY": "1g", **overrides})


def run_cli(command: str, env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    """`python -m customer_segmentation.sparkserver command` with env, beside its state folder."""
    return run_command(command, env, timeout)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a failed command (asserts it failed with exactly one line)."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def port_answers(port: int) -> bool:
    """True when a TCP connection to loopback:port is accepted."""
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def pid_alive(pid: int) -> bool:
    """True when pid is a live, non-zombie process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[-1].split()[0] != "Z"


def hive_rows(port: int, *statements: str, **login: str) -> list[tuple]:
    """Run statements (default `select 1`) over HiveServer2 with PyHive; the last one's rows."""
    from pyhive import hive

    connection = hive.connect(host=HOST, port=port, **login)
    try:
        cursor = connection.cursor()
        for statement in statements or ("select 1",):
            cursor.execute(statement)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def connect_rows(url: str, query: str = "select 1") -> list[tuple]:
    """Run query over Spark Connect at url, in a new session (never a cached one).

    builder.remote() switches this process's `pyspark.sql.functions` to Spark Connect columns
    (env SPARK_CONNECT_MODE_ENABLED); it is switched back so later tests get classic ones.
    """
    from pyspark.sql import SparkSession

    previous = os.environ.get("SPARK_CONNECT_MODE_ENABLED")
    spark = SparkSession.builder.remote(url).create()
    try:
        return [tuple(row) for row in spark.sql(query).collect()]
    finally:
        with contextlib.suppress(Exception):
            spark.stop()
        if previous is None:
            os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
        else:
            os.environ["SPARK_CONNECT_MODE_ENABLED"] = previous


@dataclass(frozen=True)
class RunningServer:
    """A server started by the CLI: its environment, settings and pid."""

    env: dict[str, str]
    settings: ServerSettings
    pid: int


@contextlib.contextmanager
def started_server(env: dict[str, str]) -> Iterator[RunningServer]:
    """Start a server with the CLI; always stop it (and kill its group if stop failed)."""
    settings = ServerSettings.from_env(env)
    try:
        started = time.monotonic()
        result = run_cli("start", env)
        assert result.returncode == 0, result.stdout + result.stderr
        print(f"server started in {time.monotonic() - started:.1f} s")
        pid = int(settings.pid_file.read_text())
        yield RunningServer(env=env, settings=settings, pid=pid)
    finally:
        run_cli("stop", env, timeout=90)
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(settings.pid_file.read_text()), signal.SIGKILL)


@pytest.fixture(autouse=True)
def no_client_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """PySpark's client reads SPARK_CONNECT_AUTHENTICATE_TOKEN: keep it out of this process."""
    monkeypatch.delenv("SPARK_CONNECT_AUTHENTICATE_TOKEN", raising=False)


# --- one-line errors, nothing left running -------------------------------------------------


@pytest.mark.parametrize("which", ["SPARK_THRIFT_PORT", "SPARK_CONNECT_PORT"])
def test_port_taken_names_port_variable_and_holder(tmp_path: Path, which: str) -> None:
    env = server_env(tmp_path / "state")
    port = int(env[which])
    with socket.socket() as holder:
        holder.bind((HOST, port))
        holder.listen()
        line = one_line_error(run_cli("start", env))
    assert f"Port {port}" in line
    assert f"{which}={port + 1} make serve" in line
    assert f"pid {os.getpid()}" in line
    assert not (tmp_path / "state" / "server.pid").exists()


def test_java_missing_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = server_env(tmp_path / "state", PATH=str(empty))
    env.pop("JAVA_HOME", None)
    line = one_line_error(run_cli("start", env))
    assert "Java not found" in line
    assert "JAVA_HOME" in line


def fake_java(folder: Path, version: str) -> Path:
    """A `java` that prints `java -version` output of version, like an old JRE."""
    folder.mkdir(parents=True)
    java = folder / "java"
    java.write_text(f"#!/bin/sh\necho 'java version \"{version}\"' >&2\n")
    java.chmod(0o755)
    return java


def test_java_older_than_17_on_path_is_refused(tmp_path: Path) -> None:
    java = fake_java(tmp_path / "old-bin", "1.8.0_402")
    env = server_env(tmp_path / "state", PATH=f"{java.parent}{os.pathsep}/usr/bin:/bin")
    env.pop("JAVA_HOME", None)
    line = one_line_error(run_cli("start", env))
    assert "Java 17+ required, found 1.8.0_402" in line
    assert str(java) in line


def test_java_home_wins_over_path(tmp_path: Path) -> None:
    java = fake_java(tmp_path / "jdk11" / "bin", "11.0.2")
    env = server_env(tmp_path / "state", JAVA_HOME=str(tmp_path / "jdk11"))
    line = one_line_error(run_cli("start", env))
    assert "found 11.0.2" in line
    assert str(java) in line


def test_state_folder_below_a_file_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    line = one_line_error(run_cli("start", server_env(blocker / "state")))
    assert f"State folder {blocker / 'state'} cannot be created" in line
    assert "SPARK_SERVER_STATE_DIR" in line


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs Linux /sys (unwritable even for root)")
def test_state_folder_not_writable(tmp_path: Path) -> None:
    line = one_line_error(run_cli("start", server_env(Path("/sys"))))
    assert "State folder /sys is not writable" in line


def test_password_mode_names_missing_secrets(tmp_path: Path) -> None:
    env = server_env(tmp_path / "state", SPARK_SERVER_AUTH="password", SPARK_SERVER_USER=USER)
    line = one_line_error(run_cli("start", env))
    assert "SPARK_SERVER_PASSWORD, SPARK_CONNECT_AUTHENTICATE_TOKEN" in line


def test_token_without_password_mode_is_refused(tmp_path: Path) -> None:
    env = server_env(tmp_path / "state", SPARK_CONNECT_AUTHENTICATE_TOKEN=TOKEN)
    line = one_line_error(run_cli("start", env))
    assert "SPARK_SERVER_AUTH is none" in line


def test_start_timeout_prints_log_and_leaves_nothing(tmp_path: Path) -> None:
    env = server_env(tmp_path / "state", SPARK_SERVER_START_TIMEOUT="2")
    result = run_cli("start", env)
    assert result.returncode == 1
    assert "did not answer within 2 s" in result.stderr
    assert "lines of" in result.stderr and "server.log" in result.stderr
    pid = int(result.stdout.split("(pid ", 1)[1].split(",", 1)[0])
    assert not pid_alive(pid)
    assert not (tmp_path / "state" / "server.pid").exists()
    assert not port_answers(int(env["SPARK_THRIFT_PORT"]))
    assert not port_answers(int(env["SPARK_CONNECT_PORT"]))


def test_token_url_uses_localhost_so_pyspark_sends_it_without_tls() -> None:
    """PySpark uses TLS for a token unless the host is `localhost` (local credentials)."""
    from pyspark.sql.connect.client.core import DefaultChannelBuilder

    env = {"SPARK_SERVER_AUTH": "password", "SPARK_SERVER_USER": USER}
    env.update(SPARK_SERVER_PASSWORD=PASSWORD, SPARK_CONNECT_AUTHENTICATE_TOKEN=TOKEN)
    url = auth.connect_url(ServerSettings.from_env(env, cwd=Path("/tmp")))
    builder = DefaultChannelBuilder(url)
    assert (builder.host, builder.token, builder.use_ssl) == ("localhost", TOKEN, False)
    assert DefaultChannelBuilder("sc://127.0.0.1:15002/;token=x").secure  # would be TLS


# --- the default server: start, both ports answer, already running, stop --------------------


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One default (no-auth) server for this module."""
    with started_server(server_env(tmp_path_factory.mktemp("plain") / "state")) as server:
        yield server


def test_both_ports_answer_over_one_catalog(plain_server: RunningServer) -> None:
    settings = plain_server.settings
    url = f"sc://{HOST}:{settings.connect_port}"
    assert hive_rows(settings.thrift_port, username="anyone") == [(1,)]
    assert connect_rows(url) == [(1,)]
    written = hive_rows(
        settings.thrift_port,
        "create table default.via_thrift as select 7 as seven",
        "select count(*) from default.via_thrift",
        username="anyone",
    )
    assert written == [(1,)]
    assert connect_rows(url, "select seven from default.via_thrift") == [(7,)]
    assert (settings.warehouse_dir / "via_thrift").is_dir()
    assert settings.metastore_dir.is_dir()


def test_server_listens_on_loopback_only(plain_server: RunningServer) -> None:
    listening = subprocess.run(
        ["ss", "-Hltnp"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    mine = [line for line in listening if f"pid={plain_server.pid}," in line]
    assert mine, listening
    for line in mine:
        local = line.split()[3]
        assert local.rsplit(":", 1)[0] in ("127.0.0.1", "[::ffff:127.0.0.1]"), line


def test_second_start_says_already_running(plain_server: RunningServer) -> None:
    result = run_cli("start", plain_server.env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"already running: pid {plain_server.pid}" in result.stdout


def test_status_reports_pid_and_open_ports(plain_server: RunningServer) -> None:
    result = run_cli("status", plain_server.env, timeout=60)
    assert result.returncode == 0
    assert f"pid {plain_server.pid}" in result.stdout
    assert f"{plain_server.settings.thrift_port} open" in result.stdout
    assert f"{plain_server.settings.connect_port} open" in result.stdout


def test_stop_leaves_no_process_and_no_port(plain_server: RunningServer) -> None:
    settings = plain_server.settings
    result = run_cli("stop", plain_server.env, timeout=90)
    assert result.returncode == 0, result.stderr
    assert "closed" in result.stdout
    assert not pid_alive(plain_server.pid)
    assert not port_answers(settings.thrift_port)
    assert not port_answers(settings.connect_port)
    assert not settings.pid_file.exists()
    again = run_cli("stop", plain_server.env, timeout=60)
    assert again.returncode == 0
    assert "not running" in again.stdout
    assert run_cli("status", plain_server.env, timeout=60).returncode == 3


# --- SPARK_SERVER_AUTH=password: HiveServer2 CUSTOM login, Spark Connect token ---------------


@pytest.fixture(scope="module")
def secured_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server that requires credentials on both protocols."""
    env = server_env(
        tmp_path_factory.mktemp("secured") / "state",
        SPARK_SERVER_AUTH="password",
        SPARK_SERVER_USER=USER,
        SPARK_SERVER_PASSWORD=PASSWORD,
        SPARK_CONNECT_AUTHENTICATE_TOKEN=TOKEN,
    )
    with started_server(env) as server:
        yield server


def test_hiveserver2_accepts_the_right_login(secured_server: RunningServer) -> None:
    port = secured_server.settings.thrift_port
    assert hive_rows(port, auth="CUSTOM", username=USER, password=PASSWORD) == [(1,)]


@pytest.mark.parametrize(
    "login",
    [
        {"auth": "CUSTOM", "username": USER, "password": "wrong"},
        {"auth": "CUSTOM", "username": "intruder", "password": PASSWORD},
        {"auth": "NONE", "username": USER},  # no password: what an unconfigured client sends
        {"auth": "NOSASL", "username": USER},
    ],
    ids=["wrong-password", "wrong-user", "no-password", "no-sasl"],
)
def test_hiveserver2_refuses_wrong_or_missing_login(
    secured_server: RunningServer, login: dict[str, str]
) -> None:
    from thrift.transport.TTransport import TTransportException

    with pytest.raises(TTransportException):
        hive_rows(secured_server.settings.thrift_port, **login)


def test_spark_connect_accepts_the_right_token(secured_server: RunningServer) -> None:
    assert connect_rows(auth.connect_url(secured_server.settings)) == [(1,)]


@pytest.mark.parametrize(
    ("token", "reason"),
    [("wrong", "Invalid authentication token"), (None, "No authentication token provided")],
    ids=["wrong-token", "no-token"],
)
def test_spark_connect_refuses_wrong_or_missing_token(
    secured_server: RunningServer, token: str | None, reason: str
) -> None:
    from pyspark.errors.exceptions.connect import SparkConnectGrpcException

    port = secured_server.settings.connect_port
    url = f"sc://localhost:{port}" + ("" if token is None else f"/;token={token}")
    with pytest.raises(SparkConnectGrpcException, match=reason):
        connect_rows(url)


def test_secrets_stay_off_the_server_command_line(secured_server: RunningServer) -> None:
    cmdline = Path(f"/proc/{secured_server.pid}/cmdline").read_bytes().decode(errors="replace")
    assert "HiveThriftServer2" in cmdline
    assert PASSWORD not in cmdline
    assert TOKEN not in cmdline
