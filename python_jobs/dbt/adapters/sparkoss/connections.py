"""Credentials and connection manager of `sparkoss`: dbt-spark's, plus a Spark Connect URL."""

from __future__ import annotations

from dataclasses import dataclass

from dbt.adapters.contracts.connection import Connection
from dbt.adapters.events.logging import AdapterLogger
from dbt.adapters.spark.connections import SparkConnectionManager, SparkCredentials

logger = AdapterLogger("sparkoss")


@dataclass
class SparkossCredentials(SparkCredentials):
    """dbt-spark credentials plus `connect_url`, where Python models run on a remote target.

    python_packages: installed packages shipped to the executors of the Connect session
    before its first Python model (see python_packages.py).
    """

    connect_url: str | None = None
    python_packages: list[str] | None = None

    @property
    def type(self) -> str:
        """The adapter type named in profiles.yml."""
        return "sparkoss"

    def _connection_keys(self) -> tuple[str, ...]:
        """Keys shown by `dbt debug`."""
        return (*super()._connection_keys(), "method", "connect_url", "python_packages")


class SparkossConnectionManager(SparkConnectionManager):
    """dbt-spark's connection manager (session, thrift, http, odbc), registered as `sparkoss`."""

    TYPE = "sparkoss"

    @classmethod
    def _close_handle(cls, connection: Connection) -> None:
        """Close the handle; a server that fails to close its side only gets a warning.

        The pip Spark Thrift server can fail a CloseSession while tidying its Hive session
        state (NoClassDefFoundError for Hive's LLAP classes, which it does not ship, seen once
        in a CI run): the node's statements have all finished by then, so failing the node
        would report finished work as an error.
        """
        try:
            super()._close_handle(connection)
        except Exception as error:
            logger.warning(f"closing connection {connection.name!r} failed on the server: {error}")
