"""dbt-tests-adapter's basic suites on sparkoss (SQL models, seeds, tests, adapter methods)."""

from __future__ import annotations

import pytest
from adapter_targets import xfail_upstream
from dbt.tests.adapter.basic.test_adapter_methods import BaseAdapterMethod
from dbt.tests.adapter.basic.test_base import BaseSimpleMaterializations
from dbt.tests.adapter.basic.test_empty import BaseEmpty
from dbt.tests.adapter.basic.test_ephemeral import BaseEphemeral
from dbt.tests.adapter.basic.test_generic_tests import BaseGenericTests
from dbt.tests.adapter.basic.test_incremental import (
    BaseIncremental,
    BaseIncrementalBadStrategy,
    BaseIncrementalNotSchemaChange,
)
from dbt.tests.adapter.basic.test_singular_tests import BaseSingularTests
from dbt.tests.adapter.basic.test_singular_tests_ephemeral import BaseSingularTestsEphemeral

# dbt-spark's incremental default is `append` on parquet (no Delta jars: no `merge`); the
# incremental cases below say so explicitly.
APPEND = {"+incremental_strategy": "append", "+file_format": "parquet"}


class TestSimpleMaterializations(BaseSimpleMaterializations):
    pass


class TestSingularTests(BaseSingularTests):
    pass


class TestSingularTestsEphemeral(BaseSingularTestsEphemeral):
    pass


class TestEmpty(BaseEmpty):
    pass


class TestEphemeral(BaseEphemeral):
    pass


class TestIncrementalAppend(BaseIncremental):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"name": "incremental", "models": APPEND}


class TestIncrementalNotSchemaChange(BaseIncrementalNotSchemaChange):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"name": "incremental", "models": APPEND}


class TestIncrementalBadStrategy(BaseIncrementalBadStrategy):
    @xfail_upstream(
        "dbt_spark_validate_get_incremental_strategy rejects any strategy but append, merge, "
        "insert_overwrite and microbatch with its own message ('Invalid incremental strategy "
        "provided'), before dbt-core's lookup of get_incremental_<name>_sql that the suite "
        "expects; no custom strategies (dbt-labs/dbt-adapters#833)"
    )
    def test_incremental_invalid_strategy(self, project):
        super().test_incremental_invalid_strategy(project)


class TestGenericTests(BaseGenericTests):
    pass


class TestAdapterMethod(BaseAdapterMethod):
    pass
