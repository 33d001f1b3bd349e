"""Start the server JVM detached, tell whether it runs, and stop its whole process group."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

SERVER_MAIN_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


def launch_detached(
    argv: Sequence[str], env: Mapping[str, str], cwd: Path, log_file: Path
) -> subprocess.Popen[bytes]:
    """Start argv in its own session and process group, stdout and stderr to log_file."""
    with log_file.open("wb") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )


def is_alive(pid: int) -> bool:
    """True when pid is a live (not zombie) process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def is_server_process(pid: int) -> bool:
    """True when pid is alive and runs the Thrift server (guards against a reused pid)."""
    if not is_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return SERVER_MAIN_CLASS.encode() in cmdline


def _signal_group(pgid: int, signum: int) -> None:
    """Send signum to process group pgid, if it still exists."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait up to timeout seconds for pid to exit; True when it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive(pid):
            return True
        time.sleep(0.25)
    return not is_alive(pid)


def stop_group(pid: int, grace: float = 30.0) -> bool:
    """SIGTERM pid's process group, SIGKILL it after grace seconds; True when SIGKILL was needed."""
    _signal_group(pid, signal.SIGTERM)
    if _wait_gone(pid, grace):
        _signal_group(pid, signal.SIGKILL)  # any stray child left in the group
        return False
    _signal_group(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)
    return True
