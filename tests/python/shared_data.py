"""Locate the shared real-world data files (read in place, never copied into the project)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]


def shared_data_folder() -> Path:
    """$SHARED_DATA_DIR when set, else the `shared/data` folder beside the clone."""
    configured = os.environ.get("SHARED_DATA_DIR")
    return Path(configured) if configured else PROJECT_DIR.parent / "shared" / "data"


def shared_data_file(name: str) -> Path:
    """A file of the shared data folder ($SHARED_DATA_DIR, else ../shared/data beside the clone).

    Fails (never skips) when the file is not there: the real-file tests must run in CI.
    """
    path = shared_data_folder() / name
    if not path.is_file():
        pytest.fail(f"{name} not found in {path.parent}; set SHARED_DATA_DIR to its folder")
    return path
