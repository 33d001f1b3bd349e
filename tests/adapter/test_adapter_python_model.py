"""dbt-tests-adapter's Python model suites on sparkoss (table and incremental Python models).

Python models need an explicit `file_format` on open-source Spark (sparkoss refuses the
Delta default of dbt-spark's writer), and incremental ones the `append` strategy (`merge`
needs Delta).
"""

from __future__ import annotations

import pytest
from dbt.tests.adapter.python_model.test_python_model import (
    BasePythonEmptyTests,
    BasePythonIncrementalTests,
    BasePythonMetaGetTests,
    BasePythonModelTests,
    BasePythonSampleTests,
)
from dbt.tests.adapter.python_model.test_spark import BasePySparkTests
from dbt.tests.util import run_dbt

PARQUET = {"models": {"+file_format": "parquet"}}


class TestPythonModel(BasePythonModelTests):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return PARQUET


class TestPythonIncremental(BasePythonIncrementalTests):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"models": {"+file_format": "parquet", "+incremental_strategy": "append"}}


class TestPythonMetaGet(BasePythonMetaGetTests):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return PARQUET


class TestPythonEmpty(BasePythonEmptyTests):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return PARQUET


class TestPythonSample(BasePythonSampleTests):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return PARQUET


class TestPySparkDataFrames(BasePySparkTests):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return PARQUET

    def test_different_dataframes(self, project):
        """pandas, PySpark and pandas-on-Spark DataFrames; not Koalas (not on Spark >= 3.2)."""
        results = run_dbt(["run", "--exclude", "koalas_df"])
        assert len(results) == 3
