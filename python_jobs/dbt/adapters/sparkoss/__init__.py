"""dbt adapter `sparkoss`: dbt-spark plus Python models on open-source Apache Spark.

A thin adapter plugin that depends on dbt-spark (the way dbt-databricks does): every SQL
macro falls back to dbt-spark's `spark__` implementation; this package adds only

- Python model submission in dbt's own in-process SparkSession (`method: session`) and over
  Spark Connect (`connect_url: sc://host:15002`), see `python_submissions.py`;
- a bulk seed loader for `method: session` (one Spark CSV read instead of batched
  `INSERT ... VALUES`), see `dbt/include/sparkoss/macros/seed.sql`.
"""

from dbt.adapters.base import AdapterPlugin

from dbt.adapters.sparkoss.connections import SparkossConnectionManager, SparkossCredentials
from dbt.adapters.sparkoss.impl import SparkossAdapter
from dbt.include import sparkoss

__all__ = ["Plugin", "SparkossAdapter", "SparkossConnectionManager", "SparkossCredentials"]

Plugin = AdapterPlugin(
    adapter=SparkossAdapter,  # type: ignore[arg-type]
    credentials=SparkossCredentials,
    include_path=sparkoss.PACKAGE_PATH,
    dependencies=["spark"],
)
