"""The sparkoss Python model helpers: which target can run them, and clear errors otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dbt_common.exceptions import DbtRuntimeError

from dbt.adapters.sparkoss.connections import SparkossCredentials
from dbt.adapters.sparkoss.python_submissions import (
    SessionPythonJobHelper,
    SparkConnectPythonJobHelper,
)


def _model(**config) -> dict:
    return {"schema": "analytics", "alias": "customer_segments", "config": config}


def _credentials(method: str, **extra) -> SparkossCredentials:
    """Credentials as dbt builds them from a profile (validated, enums converted)."""
    return SparkossCredentials.from_dict(
        {"method": method, "host": "localhost", "schema": "analytics", **extra}
    )


def test_session_helper_refuses_a_thrift_target_and_names_the_fix():
    expected = (
        "submission_method 'session' needs a target with `method: session`, but this target "
        "uses `method: thrift`. Set `connect_url: sc://<host>:15002` on the target"
    )
    with pytest.raises(DbtRuntimeError, match=re.escape(expected)):
        SessionPythonJobHelper(_model(file_format="parquet"), _credentials("thrift"))


def test_connect_helper_needs_a_connect_url():
    expected = "submission_method 'spark_connect' needs `connect_url: sc://<host>:15002` on the"
    with pytest.raises(DbtRuntimeError, match=re.escape(expected)):
        SparkConnectPythonJobHelper(_model(file_format="parquet"), _credentials("thrift"))


@pytest.mark.parametrize(
    ("file_format", "shown_as"),
    [(None, "unset (dbt-spark then writes delta)"), ("delta", "delta"), ("iceberg", "iceberg")],
)
def test_formats_needing_jars_fail_before_running(file_format, shown_as):
    expected = (
        f"Python model analytics.customer_segments: file_format is {shown_as}, which "
        "open-source Spark cannot write without extra jars. Set `file_format: parquet`"
    )
    with pytest.raises(DbtRuntimeError, match=re.escape(expected)):
        SessionPythonJobHelper(_model(file_format=file_format), _credentials("session"))


def test_session_helper_runs_the_compiled_model_in_the_shared_session(spark):
    """The compiled script sees `spark` as dbt's own session and writes a parquet table."""
    spark.sql("create database if not exists helper_test")
    code = (
        "df = spark.range(3).selectExpr('id as customer_id')\n"
        "df.write.mode('overwrite').format('parquet').saveAsTable('helper_test.ids')\n"
    )
    SessionPythonJobHelper(_model(file_format="parquet"), _credentials("session")).submit(code)
    assert sorted(r.customer_id for r in spark.table("helper_test.ids").collect()) == [0, 1, 2]


def test_a_failing_model_reports_its_name_and_traceback(spark):
    helper = SessionPythonJobHelper(_model(file_format="parquet"), _credentials("session"))
    with pytest.raises(
        DbtRuntimeError,
        match=r"(?s)Python model analytics\.customer_segments failed \(session\):\n\s*"
        r"Traceback \(most recent call last\):.*\n\s*ZeroDivisionError: division by zero",
    ):
        helper.submit("def model(dbt, session):\n    return 1 / 0\nmodel(None, spark)\n")


def test_credentials_show_method_and_connect_url_in_dbt_debug():
    credentials = _credentials("thrift", connect_url="sc://127.0.0.1:15002")
    info = dict(credentials.connection_info())
    assert credentials.type == "sparkoss"
    assert info["method"] == "thrift" and info["connect_url"] == "sc://127.0.0.1:15002"


def test_python_packages_is_a_profile_field():
    credentials = _credentials("thrift", python_packages=["customer_segmentation"])
    assert credentials.python_packages == ["customer_segmentation"]
    assert "python_packages" in credentials._connection_keys()


def test_a_shipped_package_archive_is_byte_reproducible_and_complete(tmp_path):
    import zipfile

    import customer_segmentation
    from dbt.adapters.sparkoss.python_packages import package_archive

    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in folders:
        folder.mkdir()
    first, second = (package_archive("customer_segmentation", folder) for folder in folders)
    assert first.read_bytes() == second.read_bytes()
    names = set(zipfile.ZipFile(first).namelist())
    source = Path(customer_segmentation.__file__).parent
    expected = {
        f"customer_segmentation/{path.relative_to(source).as_posix()}"
        for path in source.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert names == expected
    assert "customer_segmentation/segmentation/k_rule.py" in names


def test_an_unknown_package_fails_naming_the_setting(tmp_path):
    from dbt.adapters.sparkoss.python_packages import package_archive

    with pytest.raises(DbtRuntimeError, match=r"python_packages: 'no_such_package_x' is not"):
        package_archive("no_such_package_x", tmp_path)
