"""Run dbt Python models on open-source Spark: in-process (session) or over Spark Connect.

dbt compiles a Python model into a script that defines `model(dbt, session)` and ends with
dbt-spark's own materialisation code (`df.write ... saveAsTable(...)`), which expects a
global `spark`. A helper here only decides *which* SparkSession that is, then executes
the script; reading refs, writing the table and everything else stays dbt-spark's code.
"""

from __future__ import annotations

import traceback
from typing import Any

from dbt.adapters.base import PythonJobHelper
from dbt_common.exceptions import DbtRuntimeError

from dbt.adapters.sparkoss.python_packages import ship_packages

# Table formats that need jars which a pip-installed open-source Spark does not ship.
_FORMATS_NEEDING_JARS = {"delta", "iceberg", "hudi"}


class _OpenSourceSparkHelper(PythonJobHelper):
    """Shared checks and execution of a compiled Python model against a SparkSession."""

    submission_method = ""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials
        self.model_name = f"{parsed_model['schema']}.{parsed_model['alias']}"
        self._check_file_format(parsed_model["config"].get("file_format"))
        self.check_target()

    def _check_file_format(self, file_format: str | None) -> None:
        """Fail before running anything when the write would need Delta/Iceberg jars."""
        if file_format is None or file_format in _FORMATS_NEEDING_JARS:
            raise DbtRuntimeError(
                f"Python model {self.model_name}: file_format is "
                f"{file_format or 'unset (dbt-spark then writes delta)'}, which open-source "
                "Spark cannot write without extra jars. Set `file_format: parquet` (or orc) in "
                "the model config or dbt_project.yml."
            )

    def check_target(self) -> None:
        """Raise a clear error when this target cannot run the helper."""

    def get_spark(self) -> Any:
        """The SparkSession the model runs in."""
        raise NotImplementedError

    def submit(self, compiled_code: str) -> None:
        """Execute the compiled model with `spark` bound to this helper's session."""
        spark = self.get_spark()
        namespace: dict[str, Any] = {"spark": spark, "__name__": "__dbt_python_model__"}
        try:
            exec(compile(compiled_code, f"<dbt python model {self.model_name}>", "exec"), namespace)
        except Exception as error:
            raise DbtRuntimeError(
                f"Python model {self.model_name} failed ({self.submission_method}):\n"
                + "".join(traceback.format_exception(error))
            ) from error


class SessionPythonJobHelper(_OpenSourceSparkHelper):
    """Runs the model in dbt's own in-process SparkSession (`method: session` targets)."""

    submission_method = "session"

    def check_target(self) -> None:
        """Only a `method: session` target has an in-process SparkSession."""
        if self.credentials.method != "session":
            raise DbtRuntimeError(
                f"Python model {self.model_name}: submission_method 'session' needs a target "
                f"with `method: session`, but this target uses `method: "
                f"{self.credentials.method}`. Set `connect_url: sc://<host>:15002` on the "
                "target to run Python models over Spark Connect instead."
            )

    def get_spark(self) -> Any:
        """The same session dbt-spark's session connections use (created on first use)."""
        from pyspark.sql import SparkSession

        return SparkSession.builder.getOrCreate()


class SparkConnectPythonJobHelper(_OpenSourceSparkHelper):
    """Runs the model on a Spark Connect server (`connect_url` on the target)."""

    submission_method = "spark_connect"

    def check_target(self) -> None:
        """A Connect URL is required."""
        url = getattr(self.credentials, "connect_url", None)
        if not url:
            raise DbtRuntimeError(
                f"Python model {self.model_name}: submission_method 'spark_connect' needs "
                "`connect_url: sc://<host>:15002` on the target (profiles.yml)."
            )

    def get_spark(self) -> Any:
        """A Spark Connect session to the target's server."""
        try:
            from pyspark.sql import SparkSession

            session = SparkSession.builder.remote(self.credentials.connect_url).getOrCreate()
        except ImportError as error:
            raise DbtRuntimeError(
                "Spark Connect needs the client extras: pip install 'pyspark[connect]==4.3.*' "
                f"({error})"
            ) from error
        _activate_in_this_thread(session)
        ship_packages(session, getattr(self.credentials, "python_packages", None))
        return session


def _activate_in_this_thread(session: Any) -> None:
    """Make a Spark Connect session the active one of the calling thread too.

    pyspark.ml over Spark Connect finds its session through the thread-local *active* session,
    which getOrCreate sets only in the thread that created the session; dbt runs each model
    in one of its worker threads, so a later model's KMeans would find none (an
    AssertionError in pyspark.ml.util). The Connect session class has no public setter.
    """
    activate = getattr(type(session), "_set_default_and_active_session", None)
    if activate is not None:
        activate(session)
