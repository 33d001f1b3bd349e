"""dbt-tests-adapter's `--empty` suites on sparkoss (`dbt run --empty`, `dbt seed --empty`)."""

from __future__ import annotations

from adapter_targets import xfail_upstream
from dbt.tests.adapter.empty.test_empty import (
    BaseTestEmpty,
    BaseTestEmptyInlineSourceRef,
    BaseTestEmptySeedFlag,
)


class TestRunEmpty(BaseTestEmpty):
    pass


class TestRunEmptyInlineSourceRef(BaseTestEmptyInlineSourceRef):
    pass


# `dbt seed --empty` (and seeds left empty by `dbt build --empty`) arrive in dbt-core 1.12.
NO_SEED_EMPTY = xfail_upstream(
    "no `dbt seed --empty` before dbt-core 1.12 (dbt-labs/dbt-core#8981); the suite is "
    "dbt-tests-adapter 1.20's",
    upstream="dbt-core 1.11",
)


class TestSeedEmpty(BaseTestEmptySeedFlag):
    @NO_SEED_EMPTY
    def test_seed_empty_creates_table_with_zero_rows(self, project):
        super().test_seed_empty_creates_table_with_zero_rows(project)

    @NO_SEED_EMPTY
    def test_seed_empty_preserves_column_types(self, project):
        super().test_seed_empty_preserves_column_types(project)

    @NO_SEED_EMPTY
    def test_build_empty_with_seed(self, project):
        super().test_build_empty_with_seed(project)
