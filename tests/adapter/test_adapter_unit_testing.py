"""dbt-tests-adapter's unit-testing suites on sparkoss (dbt `unit_tests:` fixtures in Spark SQL)."""

from __future__ import annotations

import pytest
from dbt.tests.adapter.unit_testing import test_quoted_reserved_word_column_names as reserved
from dbt.tests.adapter.unit_testing.test_case_insensitivity import BaseUnitTestCaseInsensivity
from dbt.tests.adapter.unit_testing.test_invalid_input import BaseUnitTestInvalidInput
from dbt.tests.adapter.unit_testing.test_quoted_reserved_word_column_names import (
    BaseUnitTestQuotedReservedWordColumnNames,
)
from dbt.tests.adapter.unit_testing.test_types import (
    BaseUnitTestingTypes,
    BaseUnitTestingVarcharFixtureNoTruncation,
)


class TestUnitTestingTypes(BaseUnitTestingTypes):
    @pytest.fixture
    def data_types(self):
        """(Spark SQL literal, unit-test YAML value): the suite's defaults are Postgres SQL."""
        return [
            ["1", "1"],
            ["cast(1 as bigint)", "1"],
            ["2.5", "2.5"],
            ["cast(7.77 as decimal(10, 2))", "7.77"],
            ["'1'", "1"],
            ["'text'", "text"],
            ["true", "true"],
            ["date '2020-01-02'", "2020-01-02"],
            ["timestamp '2013-11-03 00:00:00'", "2013-11-03 00:00:00"],
            ["array(1, 2, 3)", "'array(1, 2, 3)'"],
            ["map('a', 1, 'b', 2)", """'map("a", 1, "b", 2)'"""],
            ["named_struct('a', 1, 'b', 'x')", """'named_struct("a", 1, "b", "x")'"""],
        ]


class TestUnitTestCaseInsensitivity(BaseUnitTestCaseInsensivity):
    pass


class TestUnitTestInvalidInput(BaseUnitTestInvalidInput):
    pass


class TestUnitTestQuotedReservedWordColumnNames(BaseUnitTestQuotedReservedWordColumnNames):
    @pytest.fixture(scope="class")
    def models(self):
        """The suite's models with the reserved word quoted the Spark way (backticks)."""
        return {
            "my_model.sql": reserved.my_model_sql,
            "my_upstream_model.sql": "select 1 as `GROUP`\n",
            "unit_tests.yml": reserved.test_my_model_csv_fixtures_yml,
        }


class TestUnitTestingVarcharFixtureNoTruncation(BaseUnitTestingVarcharFixtureNoTruncation):
    pass
