"""The SparkSession of the configured dbt target, for the report's command line only.

`DBT_TARGET` (default local) picks the target of profiles/profiles.yml: a `method: session`
target is the embedded Spark on SPARK_STATE_DIR, any target with a `connect_url` (server,
server_auth) is reached over Spark Connect, the way the project's Python models reach it.
"""

from __future__ import annotations

import os

from customer_segmentation.dbtchain.local_session import local_session, target_output


class TargetError(RuntimeError):
    """The configured target cannot be read by the report."""


def target_name() -> str:
    """The dbt target the report reads: DBT_TARGET, else local (as profiles.yml says)."""
    return os.environ.get("DBT_TARGET") or "local"


def target_schema(target: str) -> str:
    """The schema the target builds into (DBT_SCHEMA, else segmentation)."""
    return str(target_output(target)["schema"])


def target_session(target: str):
    """A SparkSession on the target's warehouse: embedded, or Spark Connect at its connect_url."""
    from pyspark.sql import SparkSession

    output = target_output(target)
    if output.get("method") == "session":
        return local_session()
    url = output.get("connect_url")
    if not url:
        raise TargetError(
            f"target {target!r} has neither `method: session` nor a `connect_url`: "
            "the report reads marts through the embedded Spark or Spark Connect"
        )
    return SparkSession.builder.remote(str(url)).getOrCreate()
