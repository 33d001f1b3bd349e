"""Locate the shared real-world data files (read in place, never copied into the project)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]


def shared_data_file(name: str) -> Path:
    """A file of the shared data folder: $SHARED_DATA_DIR, ../shared/data or /work/shared/data.

    Fails (never skips) when the file is nowhere: the real-file tests must run in CI.
    """
    folders = [Path(os.environ["SHARED_DATA_DIR"])] if os.environ.get("SHARED_DATA_DIR") else []
    folders += [PROJECT_DIR.parent / "shared" / "data", Path("/work/shared/data")]
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    pytest.fail(f"{name} not found in any of {[str(f) for f in folders]}; set SHARED_DATA_DIR")
