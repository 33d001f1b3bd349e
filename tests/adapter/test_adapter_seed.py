"""dbt-tests-adapter's seed suites on sparkoss: they exercise its bulk seed loader.

On `method: session` sparkoss loads a seed with one Spark CSV read (README "Design"), so these
cases check that loader against dbt's expectations: a `|` delimiter, a wrong and an empty
delimiter, a header-only seed, a 20,000-row seed, a dotted name and unicode.
The suites create their expected table with Postgres DDL; SparkExpectedTable creates the same
table and rows in Spark SQL.
"""

from __future__ import annotations

import pytest
from adapter_targets import xfail_upstream
from dbt.tests.adapter.simple_seed import seeds
from dbt.tests.adapter.simple_seed.test_seed import (
    BaseBasicSeedTests,
    BaseSeedSpecificFormats,
    BaseSeedWithEmptyDelimiter,
    BaseSeedWithUniqueDelimiter,
    BaseSeedWithWrongDelimiter,
    BaseTestEmptySeed,
)

# The suite's rows of seed_expected (the `values (...), ...` part of its Postgres script).
EXPECTED_ROWS = seeds.seeds__expected_sql.split("VALUES", 1)[1].strip().rstrip(";")


class SparkExpectedTable:
    """`seed_expected` as the suites' Postgres script builds it, in Spark SQL."""

    @pytest.fixture(scope="class", autouse=True)
    def setUp(self, project):
        project.run_sql(
            "create table {schema}.seed_expected (seed_id int, first_name string, "
            "email string, ip_address string, birthday timestamp) using parquet"
        )
        project.run_sql(
            "insert into {schema}.seed_expected select seed_id, first_name, email, ip_address, "
            f"cast(birthday as timestamp) from values {EXPECTED_ROWS} "
            "as rows(seed_id, first_name, email, ip_address, birthday)"
        )


class TestBasicSeed(SparkExpectedTable, BaseBasicSeedTests):
    @xfail_upstream(
        "`seed --full-refresh` drops the seed table with a plain `drop table` "
        "(spark__reset_csv_table; Spark has no DROP TABLE ... CASCADE), so the downstream view "
        "survives where the suite expects Postgres' cascade"
    )
    def test_simple_seed_full_refresh_flag(self, project):
        super().test_simple_seed_full_refresh_flag(project)


class TestSeedWithUniqueDelimiter(SparkExpectedTable, BaseSeedWithUniqueDelimiter):
    pass


class TestSeedWithWrongDelimiter(SparkExpectedTable, BaseSeedWithWrongDelimiter):
    pass


class TestSeedWithEmptyDelimiter(SparkExpectedTable, BaseSeedWithEmptyDelimiter):
    pass


class TestEmptySeed(BaseTestEmptySeed):
    pass


class TestSeedSpecificFormats(BaseSeedSpecificFormats):
    @xfail_upstream(
        "seed `seed.with.dots` becomes table `seed.with.dots`: unquoted (SparkQuotePolicy) it "
        "is a four-part name (REQUIRES_SINGLE_PART_NAMESPACE), and quoted Spark's session "
        "catalog rejects it (INVALID_SCHEMA_OR_RELATION_NAME: only letters, digits and _)"
    )
    def test_simple_seed(self, project):
        super().test_simple_seed(project)
