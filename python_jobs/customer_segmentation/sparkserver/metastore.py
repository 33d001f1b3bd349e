"""A PostgreSQL Hive metastore on loopback: `python -m customer_segmentation.sparkserver.metastore
start|stop` (`make metastore`; `make stop` stops it too).

Debian's PostgreSQL 15 (/usr/lib/postgresql/15/bin, SPARK_METASTORE_PG_BIN) with its data
folder in <SPARK_SERVER_STATE_DIR>/postgres/ (SPARK_METASTORE_DIR), listening on
127.0.0.1:SPARK_METASTORE_PORT (5433) only; database and user `metastore`, password
SPARK_METASTORE_PASSWORD (default `metastore`: loopback only).

The Hive metastore schema is created once, all 44 tables at once, by DataNucleus's SchemaTool
from the pip pyspark's hive-metastore jar (package.jdo): DataNucleus's lazy per-table creation
(datanucleus.schema.autoCreateAll) deadlocks on PostgreSQL (one JVM's ALTER TABLE ... ADD
FOREIGN KEY waits for its own open transaction). Point the server (and embedded sessions) at it
with SPARK_METASTORE_URL=jdbc:postgresql://127.0.0.1:5433/metastore.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from customer_segmentation.sparkserver import command
from customer_segmentation.sparkserver.errors import ServerError

PG_BIN = Path(os.environ.get("SPARK_METASTORE_PG_BIN", "/usr/lib/postgresql/15/bin"))
HOST = "127.0.0.1"
DATABASE = "metastore"
USER = "metastore"


def _settings(env: dict[str, str]) -> tuple[Path, int, str]:
    """The data folder's parent, the port and the password."""
    state = Path(env.get("SPARK_SERVER_STATE_DIR") or ".spark-server").expanduser().absolute()
    folder = Path(env.get("SPARK_METASTORE_DIR") or state / "postgres").expanduser().absolute()
    port = int(env.get("SPARK_METASTORE_PORT") or 5433)
    return folder, port, env.get("SPARK_METASTORE_PASSWORD") or "metastore"


def _check_installed() -> None:
    """Raise unless the PostgreSQL server binaries and the JDBC driver jar are there."""
    if not (PG_BIN / "pg_ctl").exists():
        raise ServerError(
            f"no PostgreSQL server at {PG_BIN} (apt-get install postgresql, or set "
            "SPARK_METASTORE_PG_BIN to its bin folder)"
        )
    if not Path(command.POSTGRESQL_JAR).exists():
        raise ServerError(
            f"no PostgreSQL JDBC driver at {command.POSTGRESQL_JAR} (apt-get install "
            "libpostgresql-jdbc-java, or set SPARK_METASTORE_JDBC_JAR)"
        )


def _check_reachable(folder: Path) -> None:
    """As root the server runs as `postgres`, which must be able to enter every parent folder."""
    if os.geteuid() != 0:
        return
    blocked = [
        parent
        for parent in folder.parents
        if parent.exists() and not (parent.stat().st_mode & 0o001)
    ]
    if blocked:
        raise ServerError(
            f"PostgreSQL runs as the user `postgres`, which cannot enter {blocked[0]} "
            f"(mode {oct(blocked[0].stat().st_mode & 0o777)}); set SPARK_METASTORE_DIR to a "
            "folder it can reach, e.g. /var/tmp/metastore"
        )


def url(port: int) -> str:
    """The JDBC URL for SPARK_METASTORE_URL."""
    return f"jdbc:postgresql://{HOST}:{port}/{DATABASE}"


def _as_owner(argv: list[str], folder: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run argv as the `postgres` user when this is root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, check=False, cwd=folder, **kwargs)


def _psql(port: int, password: str, sql: str, database: str = "postgres") -> str:
    """One psql -c over TCP on loopback as the metastore user; its output."""
    result = subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-h",
            HOST,
            "-p",
            str(port),
            "-U",
            USER,
            "-d",
            database,
            "-tAc",
            sql,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PGPASSWORD": password},
    )
    if result.returncode != 0:
        raise ServerError(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _create_schema(port: int, password: str) -> None:
    """The Hive metastore's tables, all at once, with DataNucleus SchemaTool."""
    jars = command.spark_home() / "jars"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with zipfile.ZipFile(next(jars.glob("hive-metastore-*.jar"))) as jar:
            jar.extract("package.jdo", folder)
        props = folder / "datanucleus.properties"
        props.write_text(
            f"javax.jdo.option.ConnectionURL={url(port)}\n"
            "javax.jdo.option.ConnectionDriverName=org.postgresql.Driver\n"
            f"javax.jdo.option.ConnectionUserName={USER}\n"
            f"javax.jdo.option.ConnectionPassword={password}\n"
            "datanucleus.identifierFactory=datanucleus1\n"
        )
        props.chmod(0o600)
        result = subprocess.run(
            [
                "java",
                "-cp",
                f"{jars}/*:{command.POSTGRESQL_JAR}",
                "org.datanucleus.store.schema.SchemaTool",
                "-create",
                "-api",
                "JDO",
                "-props",
                str(props),
                str(folder / "package.jdo"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0 or "completed successfully" not in result.stdout:
        raise ServerError(f"SchemaTool failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")


def start(env: dict[str, str]) -> int:
    """initdb (once), pg_ctl start on loopback, database and Hive schema (once)."""
    folder, port, password = _settings(env)
    _check_installed()
    _check_reachable(folder)
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    folder.chmod(0o700)
    if not (data / "PG_VERSION").exists():
        pwfile = folder / "pwfile"
        pwfile.write_text(password)
        if os.geteuid() == 0:
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        pwfile.chmod(0o600)
        result = _as_owner(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                f"--pwfile={pwfile}",
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
            ],
            folder,
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise ServerError(f"initdb failed: {result.stderr.strip()}")
    status = _as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "status"], folder)
    if status.returncode != 0:
        result = _as_owner(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "postgres.log"),
                "-w",
                "-o",
                f"-c listen_addresses={HOST} -p {port} -c unix_socket_directories={folder}",
                "start",
            ],
            folder,
        )
        if result.returncode != 0:
            raise ServerError(f"pg_ctl start failed: {result.stdout}{result.stderr}")
    if not _psql(port, password, f"select 1 from pg_database where datname = '{DATABASE}'"):
        _psql(port, password, f"create database {DATABASE}")
    if not _psql(port, password, "select to_regclass('public.\"DBS\"')", DATABASE):
        _create_schema(port, password)
    print(f"PostgreSQL metastore running: SPARK_METASTORE_URL={url(port)} (data {data})")
    return 0


def stop(env: dict[str, str]) -> int:
    """pg_ctl stop -m fast, if it runs."""
    folder, _, _ = _settings(env)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        print("PostgreSQL metastore: none in this state folder")
        return 0
    status = _as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "status"], folder)
    if status.returncode != 0:
        print("PostgreSQL metastore is not running")
        return 0
    result = _as_owner(
        [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], folder
    )
    if result.returncode != 0:
        raise ServerError(f"pg_ctl stop failed: {result.stdout}{result.stderr}")
    print("PostgreSQL metastore stopped")
    return 0


@contextlib.contextmanager
def managed_metastore(folder: Path, port: int, password: str = "metastore") -> Iterator[str]:
    """A metastore in folder on 127.0.0.1:port for a `with` block (tests); its JDBC URL."""
    env = {
        "SPARK_METASTORE_DIR": str(folder),
        "SPARK_METASTORE_PORT": str(port),
        "SPARK_METASTORE_PASSWORD": password,
    }
    try:
        start(env)
        yield url(port)
    finally:
        stop(env)


def main(argv: list[str] | None = None) -> int:
    """start | stop."""
    parser = argparse.ArgumentParser(prog="python -m customer_segmentation.sparkserver.metastore")
    parser.add_argument("command", choices=["start", "stop"])
    args = parser.parse_args(argv)
    try:
        return {"start": start, "stop": stop}[args.command](dict(os.environ))
    except ServerError as error:
        print(f"metastore {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
