"""A Spark standalone master and one worker on this machine (`make serve CLUSTER=1`).

Both run from the pip pyspark (`spark-class org.apache.spark.deploy.master.Master` /
`...worker.Worker`), bound to the server's host, each in its own session and process group
with its pid, log and (the worker's) work dir under <state>/cluster/. The worker starts its
executors (and they their Python workers) in its own process group, so stopping the group
stops them too.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from customer_segmentation.sparkserver import command, ports
from customer_segmentation.sparkserver.errors import ServerError
from customer_segmentation.sparkserver.process import is_alive, launch_detached, stop_group
from customer_segmentation.sparkserver.settings import ServerSettings
from customer_segmentation.sparkserver.state import last_lines, read_pid, remove_pid, write_pid

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
ROLES = {"master": MASTER_CLASS, "worker": WORKER_CLASS}


def pid_file(settings: ServerSettings, role: str) -> Path:
    """<state>/cluster/<role>.pid."""
    return settings.cluster_dir / f"{role}.pid"


def running_pid(settings: ServerSettings, role: str) -> int | None:
    """The live pid of the master or worker of this state folder (a stale pid file is removed)."""
    path = pid_file(settings, role)
    pid = read_pid(path)
    if pid is None:
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        cmdline = b""
    if is_alive(pid) and ROLES[role].encode() in cmdline:
        return pid
    remove_pid(path)
    return None


def master_argv(settings: ServerSettings, home: Path) -> list[str]:
    """spark-class Master on host:master_port, its web UI (and /json/) on master_ui_port."""
    return [
        str(home / "bin" / "spark-class"),
        MASTER_CLASS,
        "--host",
        settings.client_host,
        "--port",
        str(settings.master_port),
        "--webui-port",
        str(settings.master_ui_port),
    ]


def worker_argv(settings: ServerSettings, home: Path) -> list[str]:
    """spark-class Worker registering with the master; work dir in the state folder."""
    return [
        str(home / "bin" / "spark-class"),
        WORKER_CLASS,
        "--host",
        settings.client_host,
        "--webui-port",
        str(settings.worker_ui_port),
        "--cores",
        str(settings.worker_cores),
        "--memory",
        settings.worker_memory,
        "--work-dir",
        str(settings.cluster_dir / "work"),
        settings.master_url,
    ]


def cluster_env(settings: ServerSettings, home: Path, env: Mapping[str, str]) -> dict[str, str]:
    """SPARK_HOME, loopback, no REST submission server; executors' Python is the venv's."""
    result = command.submit_env(settings, home, env)
    # the master's REST submission server (port 6066) would accept any application
    result["SPARK_MASTER_OPTS"] = "-Dspark.master.rest.enabled=false"
    # remove finished applications' folders from the work dir
    result["SPARK_WORKER_OPTS"] = "-Dspark.worker.cleanup.enabled=true"
    return result


def master_state(settings: ServerSettings, timeout: float = 5.0) -> dict[str, Any]:
    """The master's /json/ (workers, cores, active and completed applications)."""
    url = f"http://{settings.client_host}:{settings.master_ui_port}/json/"
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return json.load(answer)


def _wait_worker(settings: ServerSettings, pids: dict[str, int], timeout: float) -> None:
    """Until the master lists an ALIVE worker; raise if a process exits or it times out."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        for role, pid in pids.items():
            if not is_alive(pid):
                log = settings.cluster_dir / f"{role}.log"
                shown = "\n".join(f"  {line}" for line in last_lines(log, 15))
                raise ServerError(f"the Spark {role} exited while starting; {log}:\n{shown}")
        try:
            state = master_state(settings)
        except OSError as error:
            last = str(error)
        else:
            if state.get("aliveworkers", 0) >= 1:
                return
            last = "no worker registered yet"
        time.sleep(1.0)
    raise ServerError(f"the Spark standalone cluster did not come up in {timeout:.0f} s: {last}")


def start(settings: ServerSettings, env: Mapping[str, str]) -> str:
    """Start master and worker unless they run; a line describing the cluster."""
    settings.cluster_dir.mkdir(parents=True, exist_ok=True)
    home = command.spark_home()
    pids = {role: running_pid(settings, role) for role in ROLES}
    if all(pids.values()):
        return f"standalone cluster already running at {settings.master_url}"
    for port, variable in (
        (settings.master_port, "SPARK_MASTER_PORT"),
        (settings.master_ui_port, "SPARK_MASTER_WEBUI_PORT"),
        (settings.worker_ui_port, "SPARK_WORKER_WEBUI_PORT"),
    ):
        if pids["master"] is None and ports.port_in_use(settings.host, port):
            holder = ports.port_holder(port)
            raise ServerError(
                f"Port {port} on {settings.host} is already in use"
                + (f" by {holder}" if holder else "")
                + f"; choose another with {variable}"
            )
    jvm_env = cluster_env(settings, home, env)
    argvs = {"master": master_argv(settings, home), "worker": worker_argv(settings, home)}
    (settings.cluster_dir / "work").mkdir(exist_ok=True)
    started: dict[str, int] = {}
    for role in ROLES:
        pid = pids[role]
        if pid is None:
            process = launch_detached(
                argvs[role],
                jvm_env,
                cwd=settings.cluster_dir,
                log_file=settings.cluster_dir / f"{role}.log",
            )
            pid = process.pid
            write_pid(pid_file(settings, role), pid)
        started[role] = pid
    try:
        _wait_worker(settings, started, timeout=settings.start_timeout)
    except BaseException:
        stop(settings)
        raise
    return (
        f"standalone cluster at {settings.master_url} (master pid {started['master']}, "
        f"worker pid {started['worker']}: {settings.worker_cores} cores, "
        f"{settings.worker_memory}; UI http://{settings.client_host}:{settings.master_ui_port})"
    )


def stop(settings: ServerSettings) -> list[str]:
    """Stop the worker's group (its executors included), then the master; what was stopped."""
    stopped = []
    for role in ("worker", "master"):
        pid = running_pid(settings, role)
        if pid is None:
            continue
        stop_group(pid, grace=15.0)
        if is_alive(pid):
            raise ServerError(f"Spark {role} pid {pid} did not exit after SIGTERM and SIGKILL")
        remove_pid(pid_file(settings, role))
        stopped.append(f"{role} pid {pid}")
    return stopped
