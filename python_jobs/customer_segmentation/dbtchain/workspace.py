"""A throw-away copy of the dbt project, for tests and benchmarks that build into their own folder.

    root = copy_project(tmp_path / "project", customers_csv=generated_csv)
    # dbt build --project-dir root --profiles-dir root/profiles ...

The copy holds what dbt needs to parse and build (PROJECT_PARTS), never target/, logs/ or
.spark/, so a build on it leaves the checkout's state alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[3]
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "tests", "profiles")


def copy_project(
    destination: Path, customers_csv: Path | None = None, project_dir: Path = PROJECT_DIR
) -> Path:
    """Copy the project's PROJECT_PARTS into destination; optionally replace the customers seed.

    destination is created if needed and must not already hold a copy. Returns destination.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = project_dir / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("*.pyc"))
        else:
            shutil.copy2(source, destination / part)
    if customers_csv is not None:
        shutil.copy2(customers_csv, destination / "seeds" / "customers.csv")
    return destination
