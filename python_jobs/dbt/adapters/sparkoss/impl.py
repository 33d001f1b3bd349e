"""The `sparkoss` adapter: dbt-spark's SparkAdapter with Python model submission helpers."""

from __future__ import annotations

from dbt.adapters.base import PythonJobHelper
from dbt.adapters.spark.impl import SparkAdapter

from dbt.adapters.sparkoss.connections import SparkossConnectionManager
from dbt.adapters.sparkoss.python_submissions import (
    SessionPythonJobHelper,
    SparkConnectPythonJobHelper,
)


class SparkossAdapter(SparkAdapter):
    """SparkAdapter whose Python models also run on open-source Spark.

    `submission_method` (model config) picks the helper; by default a `method: session`
    target runs Python models in its own SparkSession and any target with `connect_url` runs
    them over Spark Connect. dbt-spark's Databricks helpers stay available by name.
    """

    ConnectionManager = SparkossConnectionManager

    @property
    def default_python_submission_method(self) -> str:
        """`session` on the embedded target, `spark_connect` where a Connect URL is set."""
        credentials = self.config.credentials
        if credentials.method == "session":
            return "session"
        if getattr(credentials, "connect_url", None):
            return "spark_connect"
        return super().default_python_submission_method

    @property
    def python_submission_helpers(self) -> dict[str, type[PythonJobHelper]]:
        """dbt-spark's Databricks helpers plus the open-source Spark ones."""
        return {
            **super().python_submission_helpers,
            "session": SessionPythonJobHelper,
            "spark_connect": SparkConnectPythonJobHelper,
        }
