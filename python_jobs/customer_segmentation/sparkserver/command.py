"""The spark-submit command line and environment of the server JVM."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from customer_segmentation.sparkserver.auth import jvm_environment, thrift_hiveconf
from customer_segmentation.sparkserver.errors import ServerError
from customer_segmentation.sparkserver.process import SERVER_MAIN_CLASS
from customer_segmentation.sparkserver.settings import LOOPBACK_HOSTS, ServerSettings

CONNECT_PLUGIN = "org.apache.spark.sql.connect.SparkConnectPlugin"
# Debian's libpostgresql-jdbc-java (apt install libpostgresql-jdbc-java)
POSTGRESQL_JAR = os.environ.get("SPARK_METASTORE_JDBC_JAR", "/usr/share/java/postgresql.jar")


def spark_home() -> Path:
    """The pip pyspark's folder: its bin/spark-submit and jars/ (Thrift server, Connect)."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("pyspark is not installed in this Python: pip install -e '.[dev]'")
    return Path(next(iter(spec.submodule_search_locations)))


def spark_conf(settings: ServerSettings) -> dict[str, str]:
    """The --conf entries: Connect binding, one catalog and warehouse in the state folder."""
    state = settings.state_dir
    conf = {
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
        # Python workers (UDFs, pandas) run the server's Python, the project's venv
        "spark.pyspark.python": sys.executable,
    }
    if settings.metastore_url:
        conf.update(metastore_conf(settings))
    if settings.cluster:
        conf.update(cluster_conf(settings))
    return conf


def metastore_conf(settings: ServerSettings) -> dict[str, str]:
    """A Hive metastore in PostgreSQL (schema created by `sparkserver.metastore start`).

    The password is not here (a --conf shows in `ps`): it is in hive-site.xml, see
    write_hive_site.
    """
    return {
        "spark.hadoop.javax.jdo.option.ConnectionURL": str(settings.metastore_url),
        "spark.hadoop.javax.jdo.option.ConnectionDriverName": "org.postgresql.Driver",
        "spark.hadoop.javax.jdo.option.ConnectionUserName": settings.metastore_user,
        # the schema exists (DataNucleus SchemaTool at `metastore start`): DataNucleus's lazy
        # per-table creation deadlocks on PostgreSQL (ALTER TABLE ... ADD FOREIGN KEY waits
        # for the same JVM's open transaction)
        "spark.hadoop.datanucleus.schema.autoCreateAll": "false",
        "spark.hadoop.hive.metastore.schema.verification": "false",
    }


def write_hive_site(settings: ServerSettings) -> Path:
    """<state>/conf/hive-site.xml (mode 600) with the metastore password; the conf folder.

    spark-submit puts SPARK_CONF_DIR on the driver's class path, where Hive reads
    hive-site.xml: the password never appears on a command line.
    """
    folder = settings.state_dir / "conf"
    folder.mkdir(mode=0o700, exist_ok=True)
    site = folder / "hive-site.xml"
    site.touch(mode=0o600)
    site.chmod(0o600)
    site.write_text(
        '<?xml version="1.0"?>\n<configuration>\n  <property>\n'
        "    <name>javax.jdo.option.ConnectionPassword</name>\n"
        f"    <value>{escape(settings.metastore_password)}</value>\n"
        "  </property>\n</configuration>\n"
    )
    return folder


def cluster_conf(settings: ServerSettings) -> dict[str, str]:
    """An application on the local standalone cluster: executors in the worker, its UI on."""
    return {
        "spark.driver.host": settings.client_host,
        "spark.driver.bindAddress": settings.host,
        "spark.executor.memory": settings.executor_memory,
        "spark.cores.max": str(settings.worker_cores),
        # the application UI: its REST API (/api/v1/applications/<id>/executors) shows where
        # tasks ran
        "spark.ui.enabled": "true",
        "spark.ui.port": str(settings.ui_port),
        "spark.port.maxRetries": "0",
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
        settings.master_url,
        "--name",
        "customer_segmentation_server",
        "--driver-memory",
        settings.driver_memory,
    ]
    class_path = [str(classes_dir)] if classes_dir is not None else []
    if settings.metastore_url:
        class_path.append(POSTGRESQL_JAR)
    if class_path:
        argv += ["--driver-class-path", os.pathsep.join(class_path)]
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
    # Spark Connect starts Python workers (UDFs) with the JVM's PYSPARK_PYTHON, not with
    # spark.pyspark.python: the venv's Python, which has pyarrow and this package
    result.setdefault("PYSPARK_PYTHON", sys.executable)
    if settings.metastore_url:
        result["SPARK_CONF_DIR"] = str(settings.state_dir / "conf")
    if settings.host in LOOPBACK_HOSTS:
        result["SPARK_LOCAL_IP"] = "127.0.0.1"
    else:
        result.setdefault("SPARK_LOCAL_IP", settings.host)
    return result
