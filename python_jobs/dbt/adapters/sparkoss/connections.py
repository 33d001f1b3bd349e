"""Credentials and connection manager of `sparkoss`: dbt-spark's, plus a Spark Connect URL."""

from __future__ import annotations

from dataclasses import dataclass

from dbt.adapters.spark.connections import SparkConnectionManager, SparkCredentials


@dataclass
class SparkossCredentials(SparkCredentials):
    """dbt-spark credentials plus `connect_url`, where Python models run on a remote target."""

    connect_url: str | None = None

    @property
    def type(self) -> str:
        """The adapter type named in profiles.yml."""
        return "sparkoss"

    def _connection_keys(self) -> tuple[str, ...]:
        """Keys shown by `dbt debug`."""
        return (*super()._connection_keys(), "method", "connect_url")


class SparkossConnectionManager(SparkConnectionManager):
    """dbt-spark's connection manager (session, thrift, http, odbc), registered as `sparkoss`."""

    TYPE = "sparkoss"
