"""start, stop and status: preflight checks, launch, wait for real answers, clean stop."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from customer_segmentation.sparkserver import auth, cluster, command, java_runtime, ports, probes
from customer_segmentation.sparkserver.errors import ServerError
from customer_segmentation.sparkserver.process import (
    is_alive,
    is_server_process,
    launch_detached,
    stop_group,
)
from customer_segmentation.sparkserver.settings import ServerSettings
from customer_segmentation.sparkserver.state import (
    last_lines,
    prepare_state_dir,
    read_pid,
    remove_pid,
    write_pid,
)

PORT_VARIABLES = {"thrift": "SPARK_THRIFT_PORT", "connect": "SPARK_CONNECT_PORT"}
PORT_NAMES = {"thrift": "HiveServer2 (Thrift)", "connect": "Spark Connect"}
LOG_LINES = 30


def running_pid(settings: ServerSettings) -> int | None:
    """The pid of this state folder's live server; a stale pid file is removed."""
    pid = read_pid(settings.pid_file)
    if pid is None:
        return None
    if is_server_process(pid):
        return pid
    remove_pid(settings.pid_file)
    return None


def _ports(settings: ServerSettings) -> dict[str, int]:
    """Each protocol's port."""
    return {"thrift": settings.thrift_port, "connect": settings.connect_port}


def check_ports_free(settings: ServerSettings) -> None:
    """A one-line error naming the first port in use, its env var and (if known) its holder."""
    for name, port in _ports(settings).items():
        if ports.port_in_use(settings.host, port):
            holder = ports.port_holder(port)
            held = f" by {holder}" if holder else ""
            variable = PORT_VARIABLES[name]
            raise ServerError(
                f"Port {port} ({PORT_NAMES[name]}) on {settings.host} is already in use{held}; "
                f"choose another with {variable}, e.g. `{variable}={port + 1} make serve`"
            )


def _describe(settings: ServerSettings, pid: int) -> str:
    """One line: pid, both endpoints, state folder."""
    secured = " (credentials required)" if settings.credentials else ""
    return (
        f"pid {pid}, HiveServer2 {settings.client_host}:{settings.thrift_port}, "
        f"Spark Connect {settings.client_host}:{settings.connect_port}{secured}, "
        f"state {settings.state_dir}"
    )


def _probe(settings: ServerSettings, name: str) -> None:
    """One real `select 1` on protocol name."""
    if name == "thrift":
        probes.thrift_select_one(settings.client_host, settings.thrift_port, settings.credentials)
    else:
        probes.connect_select_one(auth.connect_url(settings))


def wait_until_answering(
    settings: ServerSettings, exited: Callable[[], int | None], timeout: float
) -> None:
    """Poll both protocols with `select 1` until both answer; raise if the JVM dies or times out."""
    deadline = time.monotonic() + timeout
    pending = ["thrift", "connect"]
    last_error: dict[str, str] = {}
    while pending:
        code = exited()
        if code is not None:
            raise ServerError(f"the Spark server exited with code {code} while starting")
        if time.monotonic() > deadline:
            waiting = ", ".join(
                f"{PORT_NAMES[name]} port {_ports(settings)[name]}"
                + (f" ({last_error[name]})" if name in last_error else "")
                for name in pending
            )
            raise ServerError(f"the Spark server did not answer within {timeout:.0f} s: {waiting}")
        for name in list(pending):
            if not ports.port_answers(settings.client_host, _ports(settings)[name]):
                continue
            try:
                _probe(settings, name)
            except Exception as error:  # any client error means "not yet": retry until deadline
                last_error[name] = str(error).splitlines()[0][:200] if str(error) else repr(error)
            else:
                pending.remove(name)
        if pending:
            time.sleep(1.0)


def start(settings: ServerSettings, env: Mapping[str, str], out: TextIO = sys.stdout) -> int:
    """Start the server unless it runs; return once both protocols answer `select 1`."""
    prepare_state_dir(settings.state_dir)
    pid = running_pid(settings)
    if pid is not None:
        print(f"Spark server already running: {_describe(settings, pid)}", file=out)
        return 0
    java = java_runtime.check_java(env)
    auth.check_loopback(settings)
    check_ports_free(settings)
    home = command.spark_home()
    classes_dir = None
    if settings.credentials is not None:
        javac = java_runtime.find_javac(java, env)
        classes_dir = auth.compile_authenticator(javac, home / "jars", settings.classes_dir)
    settings.warehouse_dir.mkdir(exist_ok=True)
    if settings.metastore_url:
        command.write_hive_site(settings)
    started = time.monotonic()
    if settings.cluster:
        print(cluster.start(settings, env), file=out, flush=True)
    process = launch_detached(
        command.submit_argv(settings, home, classes_dir),
        command.submit_env(settings, home, env),
        cwd=settings.state_dir,
        log_file=settings.log_file,
    )
    write_pid(settings.pid_file, process.pid)
    print(
        f"Spark server starting (pid {process.pid}, log {settings.log_file}); "
        f"waiting up to {settings.start_timeout:.0f} s for `select 1` on both ports",
        file=out,
        flush=True,
    )
    try:
        wait_until_answering(settings, process.poll, settings.start_timeout)
    except BaseException as error:
        lines = last_lines(settings.log_file, LOG_LINES)
        stop_group(process.pid, grace=10.0)
        process.poll()
        remove_pid(settings.pid_file)
        cluster.stop(settings)
        if isinstance(error, ServerError):
            shown = "\n".join(f"  {line}" for line in lines) or "  (empty)"
            raise ServerError(
                f"{error}; last {len(lines)} lines of {settings.log_file}:\n{shown}"
            ) from None
        raise
    took = time.monotonic() - started
    print(f"Spark server running ({took:.0f} s): {_describe(settings, process.pid)}", file=out)
    print(f"  connect_url: {_shown_url(settings)}", file=out)
    return 0


def _shown_url(settings: ServerSettings) -> str:
    """The Connect URL to print (never the token itself)."""
    if settings.credentials is None:
        return auth.connect_url(settings)
    return (
        f"sc://localhost:{settings.connect_port} with SPARK_CONNECT_AUTHENTICATE_TOKEN set "
        "(or ;token=<token> in the URL)"
    )


def wait_ports_closed(settings: ServerSettings, timeout: float = 15.0) -> list[int]:
    """Wait for both ports to stop answering; the ports still open after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        still_open = [
            port
            for port in _ports(settings).values()
            if ports.port_answers(settings.client_host, port, timeout=0.5)
        ]
        if not still_open or time.monotonic() > deadline:
            return still_open
        time.sleep(0.25)


def stop(settings: ServerSettings, out: TextIO = sys.stdout) -> int:
    """Stop the server of this state folder, then its standalone cluster if one runs."""
    code = _stop_server(settings, out)
    if settings.state_dir.is_dir():
        stopped = cluster.stop(settings)
        if stopped:
            print(f"Spark standalone cluster stopped: {', '.join(stopped)}", file=out)
    return code


def _stop_server(settings: ServerSettings, out: TextIO) -> int:
    """Stop the server of this state folder: TERM, then KILL its group; check ports closed."""
    pid = running_pid(settings) if settings.state_dir.is_dir() else None
    if pid is None:
        print(f"Spark server is not running (no live pid in {settings.pid_file})", file=out)
        return 0
    killed = stop_group(pid)
    if is_alive(pid):
        raise ServerError(f"Spark server pid {pid} did not exit after SIGTERM and SIGKILL")
    remove_pid(settings.pid_file)
    still_open = wait_ports_closed(settings)
    if still_open:
        holders = ", ".join(f"{port} ({ports.port_holder(port) or '?'})" for port in still_open)
        raise ServerError(f"Spark server pid {pid} stopped but ports still answer: {holders}")
    how = "killed (SIGKILL after 30 s)" if killed else "stopped"
    print(
        f"Spark server {how}: pid {pid}; ports {settings.thrift_port} and "
        f"{settings.connect_port} closed",
        file=out,
    )
    return 0


def status(settings: ServerSettings, out: TextIO = sys.stdout) -> int:
    """Print whether the server runs (pid, ports answering); 0 when it runs, 3 when not."""
    pid = running_pid(settings) if settings.state_dir.is_dir() else None
    if pid is None:
        print(f"Spark server is not running (state {settings.state_dir})", file=out)
        return 3
    answering = ", ".join(
        f"{PORT_NAMES[name]} {port} "
        + ("open" if ports.port_answers(settings.client_host, port) else "closed")
        for name, port in _ports(settings).items()
    )
    print(f"Spark server running: {_describe(settings, pid)}; {answering}", file=out)
    return 0
