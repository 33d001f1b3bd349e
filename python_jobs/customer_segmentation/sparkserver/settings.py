"""Server settings from environment variables, with loopback-only, no-auth defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from customer_segmentation.sparkserver.errors import ServerError

AUTH_MODES = ("none", "password")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Credentials:
    """What SPARK_SERVER_AUTH=password requires: a HiveServer2 login and a Connect token."""

    user: str
    password: str = field(repr=False)
    connect_token: str = field(repr=False)


@dataclass(frozen=True)
class ServerSettings:
    """Where the server listens, where its state lives and how it is run."""

    host: str = "127.0.0.1"
    thrift_port: int = 10000
    connect_port: int = 15002
    state_dir: Path = Path(".spark-server")
    driver_memory: str = "4g"
    log_level: str = "WARN"
    master: str = "local[*]"
    start_timeout: float = 180.0
    credentials: Credentials | None = None
    # CLUSTER=1 (SPARK_SERVER_CLUSTER): a standalone master and one worker on this machine,
    # the server an application on them (README "The Spark server", issue #15)
    cluster: bool = False
    master_port: int = 7077
    master_ui_port: int = 8090
    worker_ui_port: int = 8091
    worker_cores: int = 2
    worker_memory: str = "8g"
    executor_memory: str = "4g"
    ui_port: int = 4040
    # A PostgreSQL metastore instead of Derby (SPARK_METASTORE_URL=jdbc:postgresql://...)
    metastore_url: str | None = None
    metastore_user: str = "metastore"
    metastore_password: str = field(default="metastore", repr=False)

    @property
    def cluster_dir(self) -> Path:
        """The standalone master's and worker's pid files, logs and the worker's work dir."""
        return self.state_dir / "cluster"

    @property
    def master_url(self) -> str:
        """The master the server submits to: the local cluster's, or SPARK_SERVER_MASTER."""
        if self.cluster:
            return f"spark://{self.client_host}:{self.master_port}"
        return self.master

    @property
    def warehouse_dir(self) -> Path:
        """The warehouse of spark.sql.warehouse.dir."""
        return self.state_dir / "warehouse"

    @property
    def metastore_dir(self) -> Path:
        """The Derby metastore database folder."""
        return self.state_dir / "metastore_db"

    @property
    def pid_file(self) -> Path:
        """The running server's process id (also its process group id)."""
        return self.state_dir / "server.pid"

    @property
    def log_file(self) -> Path:
        """The server JVM's stdout and stderr."""
        return self.state_dir / "server.log"

    @property
    def classes_dir(self) -> Path:
        """Where the HiveServer2 authenticator is compiled to (password mode)."""
        return self.state_dir / "auth-classes"

    @property
    def client_host(self) -> str:
        """The address a client on this machine connects to."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        with_credentials: bool = True,
    ) -> ServerSettings:
        """Read SPARK_SERVER_* / SPARK_THRIFT_PORT / SPARK_CONNECT_PORT; state under cwd.

        with_credentials=False (stop, status) skips SPARK_SERVER_AUTH and its secrets.
        """
        env = os.environ if env is None else env
        cwd = Path.cwd() if cwd is None else cwd
        state_dir = Path(env.get("SPARK_SERVER_STATE_DIR") or ".spark-server").expanduser()
        settings = cls(
            host=env.get("SPARK_SERVER_HOST") or "127.0.0.1",
            thrift_port=_port(env, "SPARK_THRIFT_PORT", 10000),
            connect_port=_port(env, "SPARK_CONNECT_PORT", 15002),
            state_dir=(cwd / state_dir).absolute(),
            driver_memory=env.get("SPARK_SERVER_DRIVER_MEMORY") or "4g",
            log_level=(env.get("SPARK_SERVER_LOG_LEVEL") or "WARN").upper(),
            master=env.get("SPARK_SERVER_MASTER") or "local[*]",
            start_timeout=_seconds(env, "SPARK_SERVER_START_TIMEOUT", 180.0),
            credentials=_credentials(env) if with_credentials else None,
            cluster=(env.get("SPARK_SERVER_CLUSTER") or "0").lower() in ("1", "true", "yes"),
            master_port=_port(env, "SPARK_MASTER_PORT", 7077),
            master_ui_port=_port(env, "SPARK_MASTER_WEBUI_PORT", 8090),
            worker_ui_port=_port(env, "SPARK_WORKER_WEBUI_PORT", 8091),
            worker_cores=int(env.get("SPARK_WORKER_CORES") or os.cpu_count() or 2),
            worker_memory=env.get("SPARK_WORKER_MEMORY") or "8g",
            executor_memory=env.get("SPARK_SERVER_EXECUTOR_MEMORY") or "4g",
            ui_port=_port(env, "SPARK_SERVER_UI_PORT", 4040),
            metastore_url=env.get("SPARK_METASTORE_URL") or None,
            metastore_user=env.get("SPARK_METASTORE_USER") or "metastore",
            metastore_password=env.get("SPARK_METASTORE_PASSWORD") or "metastore",
        )
        if settings.thrift_port == settings.connect_port:
            raise ServerError(
                f"SPARK_THRIFT_PORT and SPARK_CONNECT_PORT are both {settings.thrift_port}: "
                "give them different ports"
            )
        return settings


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    """A TCP port from env[name], or default."""
    raw = env.get(name) or str(default)
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ServerError(f"{name} must be a port number (1-65535), got {raw!r}")
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from env[name], or default."""
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ServerError(f"{name} must be a positive number of seconds, got {raw!r}")
    return value


def _credentials(env: Mapping[str, str]) -> Credentials | None:
    """SPARK_SERVER_AUTH=password's credentials, all required; None for the default `none`."""
    mode = (env.get("SPARK_SERVER_AUTH") or "none").lower()
    if mode not in AUTH_MODES:
        raise ServerError(f"SPARK_SERVER_AUTH must be one of {', '.join(AUTH_MODES)}, got {mode!r}")
    token = env.get("SPARK_CONNECT_AUTHENTICATE_TOKEN")
    if mode == "none":
        if token:
            raise ServerError(
                "SPARK_CONNECT_AUTHENTICATE_TOKEN is set but SPARK_SERVER_AUTH is none: "
                "set SPARK_SERVER_AUTH=password (with SPARK_SERVER_USER/SPARK_SERVER_PASSWORD) "
                "or unset the token"
            )
        return None
    required = ("SPARK_SERVER_USER", "SPARK_SERVER_PASSWORD", "SPARK_CONNECT_AUTHENTICATE_TOKEN")
    missing = [name for name in required if not env.get(name)]
    if missing:
        raise ServerError(f"SPARK_SERVER_AUTH=password needs {', '.join(missing)} set (non-empty)")
    return Credentials(
        user=env["SPARK_SERVER_USER"],
        password=env["SPARK_SERVER_PASSWORD"],
        connect_token=env["SPARK_CONNECT_AUTHENTICATE_TOKEN"],
    )
