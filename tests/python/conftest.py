"""Shared pytest fixtures: one Hive-enabled local SparkSession for the whole test session.

The session is built from the `local` target's `server_side_parameters` in
profiles/profiles.yml, with its warehouse and Derby metastore in a temporary folder, so
library tests and in-process dbt invocations (dbtRunner) share one JVM and one catalog.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHARED_DATA_DIR = PROJECT_DIR.parent / "shared" / "data"


def local_spark_conf(state_dir: Path) -> dict[str, str]:
    """Render the `local` target's Spark settings with SPARK_STATE_DIR pointing at state_dir."""
    text = (PROJECT_DIR / "profiles" / "profiles.yml").read_text()
    env = {**os.environ, "SPARK_STATE_DIR": str(state_dir)}
    jinja = jinja2.Environment()
    jinja.filters.update(as_number=float, as_bool=bool, as_native=lambda value: value)
    rendered = jinja.from_string(text).render(
        env_var=lambda name, default=None: env.get(name, default)
    )
    profile = yaml.safe_load(rendered)["customer_segmentation"]["outputs"]["local"]
    return {key: str(value) for key, value in profile["server_side_parameters"].items()}


@pytest.fixture(scope="session")
def spark_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder holding the test session's warehouse and metastore."""
    state_dir = tmp_path_factory.mktemp("spark_state")
    os.environ["SPARK_STATE_DIR"] = str(state_dir)
    return state_dir


@pytest.fixture(scope="session")
def spark(spark_state_dir: Path):
    """The one SparkSession of the test session (the same one dbt's session target uses)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in local_spark_conf(spark_state_dir).items():
        builder = builder.config(key, value)
    session = builder.config("spark.driver.memory", "3g").getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
