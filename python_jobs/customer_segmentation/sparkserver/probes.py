"""Real queries on each protocol: `select 1` over HiveServer2 (PyHive) and Spark Connect."""

from __future__ import annotations

from customer_segmentation.sparkserver.settings import Credentials

PROBE_QUERY = "select 1 as answer"


def thrift_select_one(host: str, port: int, credentials: Credentials | None = None) -> None:
    """Run `select 1` through HiveServer2; raise unless it answers 1."""
    from pyhive import hive

    if credentials is None:
        connection = hive.connect(host=host, port=port, username="sparkserver")
    else:
        connection = hive.connect(
            host=host,
            port=port,
            auth="CUSTOM",
            username=credentials.user,
            password=credentials.password,
        )
    try:
        cursor = connection.cursor()
        cursor.execute(PROBE_QUERY)
        rows = cursor.fetchall()
    finally:
        connection.close()
    if [tuple(row) for row in rows] != [(1,)]:
        raise RuntimeError(f"HiveServer2 answered {rows!r} to {PROBE_QUERY!r}")


def connect_select_one(url: str) -> None:
    """Run `select 1` through Spark Connect at url; raise unless it answers 1."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(url).getOrCreate()
    try:
        rows = spark.sql(PROBE_QUERY).collect()
    finally:
        spark.stop()
    if [tuple(row) for row in rows] != [(1,)]:
        raise RuntimeError(f"Spark Connect answered {rows!r} to {PROBE_QUERY!r}")
