"""The spark-submit command line and environment of the server JVM."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path

from customer_segmentation.sparkserver.auth import jvm_environment, thrift_hiveconf
from customer_segmentation.sparkserver.errors import ServerError
from customer_segmentation.sparkserver.process import SERVER_MAIN_CLASS
from customer_segmentation.sparkserver.settings import LOOPBACK_HOSTS, ServerSettings

CONNECT_PLUGIN = "org.apache.spark.sql.connect.SparkConnectPlugin"


def spark_home() -> Path:
    """The pip pyspark's folder: its bin/spark-submit and jars/ (Thrift server, Connect)."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("pyspark is not installed in this Python: pip install -e '.[dev]'")
    return Path(next(iter(spec.submodule_search_locations)))


def spark_conf(settings: ServerSettings) -> dict[str, str]:
    """The --conf entries: Connect binding, one catalog and warehouse in the state folder."""
    state = settings.state_dir
    return {
        "spark.plugins": CONNECT_PLUGIN,
        "spark.connect.grpc.binding.address": settings.host,
        "spark.connect.grpc.binding.port": str(settings.connect_port),
        "spark.connect.grpc.port.maxRetries": "0",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.log.level": settings.log_level,
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.sources.default": "parquet",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.catalogImplementation": "hive",
        # Every client (each HiveServer2 connection, each Spark Connect session) has its own
        # session with its own cache of table file listings, and dbt rewrites tables from
        # one while models read them from another: without the cache each query lists the
        # table's files afresh instead of reading files another session has replaced.
        "spark.sql.filesourceTableRelationCacheSize": "0",
        "spark.sql.warehouse.dir": str(settings.warehouse_dir),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={settings.metastore_dir};create=true"
        ),
        "spark.driver.extraJavaOptions": (
            f"-Dderby.system.home={state} -Dderby.stream.error.file={state / 'derby.log'}"
        ),
    }


def hiveconf(settings: ServerSettings) -> dict[str, str]:
    """The --hiveconf entries: HiveServer2's bind host and port, and its authentication."""
    return {
        "hive.server2.thrift.bind.host": settings.host,
        "hive.server2.thrift.port": str(settings.thrift_port),
        "hive.server2.transport.mode": "binary",
        **thrift_hiveconf(settings),
    }


def submit_argv(settings: ServerSettings, home: Path, classes_dir: Path | None) -> list[str]:
    """spark-submit --class HiveThriftServer2 with the Connect plugin, then --hiveconf k=v."""
    argv = [
        str(home / "bin" / "spark-submit"),
        "--master",
        settings.master,
        "--name",
        "customer_segmentation_server",
        "--driver-memory",
        settings.driver_memory,
    ]
    if classes_dir is not None:
        argv += ["--driver-class-path", str(classes_dir)]
    for key, value in spark_conf(settings).items():
        argv += ["--conf", f"{key}={value}"]
    argv += ["--class", SERVER_MAIN_CLASS]
    for key, value in hiveconf(settings).items():
        argv += ["--hiveconf", f"{key}={value}"]
    return argv


def submit_env(settings: ServerSettings, home: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The JVM's environment: SPARK_HOME, SPARK_LOCAL_IP on loopback, and only its secrets."""
    result = jvm_environment(settings, env)
    result["SPARK_HOME"] = str(home)
    if settings.host in LOOPBACK_HOSTS:
        result["SPARK_LOCAL_IP"] = "127.0.0.1"
    else:
        result.setdefault("SPARK_LOCAL_IP", settings.host)
    return result
