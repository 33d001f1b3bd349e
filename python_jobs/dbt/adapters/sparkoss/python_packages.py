"""Ship installed Python packages to a Spark Connect session's executors (`python_packages`).

A Python model's own code runs where dbt runs, but whatever it hands to Spark as Python (a
UDF, `mapInPandas`, a pandas-on-Spark apply) runs in the cluster's executors, whose Python
has only what the cluster was built with. A target's `python_packages: [name, ...]` names
packages installed beside dbt; before the first Python model of a session each is zipped
(its `.py` files, in a fixed order and with fixed timestamps, so the same code always gives
the same bytes) and added with `SparkSession.addArtifacts(..., pyfile=True)`. The server puts
the archive first on the executors' Python path for that session's Python functions, the
Connect counterpart of `spark.submit.pyFiles` / `SparkContext.addPyFile`.
"""

from __future__ import annotations

import importlib.util
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from dbt_common.exceptions import DbtRuntimeError

# zip entries carry this time, so an archive's bytes depend on the code alone
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_SHIPPED: dict[str, tuple[str, ...]] = {}


def package_folder(name: str) -> Path:
    """The folder of the importable, installed top-level package `name`."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise DbtRuntimeError(
            f"python_packages: {name!r} is not an importable package in dbt's Python "
            "(install it beside dbt, or remove it from the target's python_packages)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def package_archive(name: str, folder: Path) -> Path:
    """folder/<name>.zip holding the package's .py files under <name>/, byte-reproducible."""
    source = package_folder(name)
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(source.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            entry = zipfile.ZipInfo(f"{name}/{path.relative_to(source).as_posix()}", _FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, path.read_bytes())
    return archive


def ship_packages(session: Any, names: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Add each package as a pyfile artifact to a Spark Connect session, once per session."""
    names = tuple(names or ())
    if not names:
        return ()
    key = str(getattr(session, "session_id", id(session)))
    pending = [name for name in names if name not in _SHIPPED.get(key, ())]
    if pending:
        with tempfile.TemporaryDirectory(prefix="sparkoss-packages-") as scratch:
            archives = [str(package_archive(name, Path(scratch))) for name in pending]
            session.addArtifacts(*archives, pyfile=True)
        _SHIPPED[key] = (*_SHIPPED.get(key, ()), *pending)
    return names
