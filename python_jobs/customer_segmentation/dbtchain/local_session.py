"""The `local` target's SparkSession outside dbt (tests, benchmarks, `make shell`).

Settings are read from the project's profiles.yml ($DBT_PROFILES_DIR, else profiles/ of the
checkout this package is installed from), so every in-process session of the project uses
exactly the Spark configuration dbt's `local` target uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import yaml

PROJECT_PROFILES_DIR = Path(__file__).resolve().parents[3] / "profiles"


def profiles_file() -> Path:
    """The profiles.yml dbt reads: $DBT_PROFILES_DIR's, else the checkout's profiles/."""
    return Path(os.environ.get("DBT_PROFILES_DIR") or PROJECT_PROFILES_DIR) / "profiles.yml"


def target_output(target: str, state_dir: Path | str | None = None) -> dict:
    """A target of the project's profile as dbt renders it (env vars read; state_dir set)."""
    env = dict(os.environ)
    if state_dir is not None:
        env["SPARK_STATE_DIR"] = str(state_dir)
    jinja = jinja2.Environment()
    jinja.filters.update(as_number=float, as_bool=bool, as_native=lambda value: value)
    rendered = jinja.from_string(profiles_file().read_text()).render(
        env_var=lambda name, default=None: env.get(name, default)
    )
    outputs = yaml.safe_load(rendered)["customer_segmentation"]["outputs"]
    if target not in outputs:
        raise KeyError(f"target {target!r} is not in {profiles_file()} (has {sorted(outputs)})")
    return outputs[target]


def local_spark_conf(state_dir: Path | str | None = None) -> dict[str, str]:
    """The `local` target's server_side_parameters, with SPARK_STATE_DIR set to state_dir."""
    profile = target_output("local", state_dir)
    return {key: str(value) for key, value in profile["server_side_parameters"].items()}


def local_session(state_dir: Path | str | None = None, **overrides: str):
    """Get or create the Hive-enabled local SparkSession of the `local` target."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in {**local_spark_conf(state_dir), **overrides}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
