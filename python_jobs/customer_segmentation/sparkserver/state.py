"""The server's state folder (warehouse, metastore, pid and log files) and its pid file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from customer_segmentation.sparkserver.errors import ServerError


def prepare_state_dir(state_dir: Path) -> None:
    """Create state_dir if needed and check that files can be written in it."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ServerError(
            f"State folder {state_dir} cannot be created ({error.strerror or error}); "
            "set SPARK_SERVER_STATE_DIR to a writable folder"
        ) from error
    if not state_dir.is_dir():
        raise ServerError(
            f"State folder {state_dir} is not a folder; "
            "set SPARK_SERVER_STATE_DIR to a writable folder"
        )
    try:
        with tempfile.TemporaryFile(dir=state_dir):
            pass
    except OSError as error:
        raise ServerError(
            f"State folder {state_dir} is not writable ({error.strerror or error}); "
            "set SPARK_SERVER_STATE_DIR to a writable folder"
        ) from error


def read_pid(pid_file: Path) -> int | None:
    """The pid in pid_file, or None when there is none (or it is not a number)."""
    try:
        text = pid_file.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def write_pid(pid_file: Path, pid: int) -> None:
    """Write pid atomically (a reader never sees a half-written file)."""
    partial = pid_file.with_name(f".{pid_file.name}.{os.getpid()}")
    partial.write_text(f"{pid}\n")
    partial.replace(pid_file)


def remove_pid(pid_file: Path) -> None:
    """Remove pid_file if it exists."""
    pid_file.unlink(missing_ok=True)


def last_lines(log_file: Path, count: int = 30) -> list[str]:
    """The last count lines of log_file (none when it does not exist)."""
    try:
        with log_file.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 64 * 1024))
            tail = log.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return tail.splitlines()[-count:]
