"""SPARK_SERVER_AUTH=password: HiveServer2 CUSTOM login and the Spark Connect token.

HiveServer2: hive.server2.authentication=CUSTOM with EnvPasswordAuthenticator (java/), compiled
with javac into the state folder at start; it checks SASL PLAIN logins against
SPARK_SERVER_USER/SPARK_SERVER_PASSWORD, which reach the JVM through its environment (never
its command line). Spark Connect: Spark's pre-shared token (SPARK_CONNECT_AUTHENTICATE_TOKEN,
the env form of spark.connect.authenticate.token), checked as `Authorization: Bearer <token>`.
PySpark's client sends a token only over TLS, or with gRPC local credentials when the host is
literally `localhost`; the Connect server has no TLS, so token mode is loopback-only and its
URL is sc://localhost:<port>.
"""

from __future__ import annotations

import subprocess
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from customer_segmentation.sparkserver.errors import ServerError
from customer_segmentation.sparkserver.settings import LOOPBACK_HOSTS, ServerSettings

AUTHENTICATOR_CLASS = "customer_segmentation.sparkserver.EnvPasswordAuthenticator"
JAVA_SOURCE = (Path(__file__).parent / "java" / Path(*AUTHENTICATOR_CLASS.split("."))).with_suffix(
    ".java"
)
SECRET_VARIABLES = (
    "SPARK_SERVER_USER",
    "SPARK_SERVER_PASSWORD",
    "SPARK_CONNECT_AUTHENTICATE_TOKEN",
)


def check_loopback(settings: ServerSettings) -> None:
    """Refuse password mode off loopback: the Connect token needs TLS there, which Spark lacks."""
    if settings.credentials is not None and settings.host not in LOOPBACK_HOSTS:
        raise ServerError(
            f"SPARK_SERVER_AUTH=password needs SPARK_SERVER_HOST on loopback, got "
            f"{settings.host!r}: PySpark sends a Connect token only over TLS (or to 'localhost') "
            "and Spark Connect's server has no TLS; put a TLS proxy in front for remote clients"
        )


def connect_url(settings: ServerSettings, token: str | None = None) -> str:
    """The sc:// URL for this server; with credentials, sc://localhost:<port>/;token=<token>."""
    if settings.credentials is None and token is None:
        return f"sc://{settings.client_host}:{settings.connect_port}"
    if token is None and settings.credentials is not None:
        token = settings.credentials.connect_token
    quoted = urllib.parse.quote(token or "", safe="")
    return f"sc://localhost:{settings.connect_port}/;token={quoted}"


def thrift_hiveconf(settings: ServerSettings) -> dict[str, str]:
    """The --hiveconf entries that switch HiveServer2 to CUSTOM authentication (or none)."""
    if settings.credentials is None:
        return {"hive.server2.authentication": "NONE"}
    return {
        "hive.server2.authentication": "CUSTOM",
        "hive.server2.custom.authentication.class": AUTHENTICATOR_CLASS,
    }


def jvm_environment(settings: ServerSettings, env: Mapping[str, str]) -> dict[str, str]:
    """env with exactly the secrets the server should see: all three in password mode, none else."""
    result = {key: value for key, value in env.items() if key not in SECRET_VARIABLES}
    if settings.credentials is not None:
        result["SPARK_SERVER_USER"] = settings.credentials.user
        result["SPARK_SERVER_PASSWORD"] = settings.credentials.password
        result["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = settings.credentials.connect_token
    return result


def compile_authenticator(javac: Path, jars_dir: Path, classes_dir: Path) -> Path:
    """Compile EnvPasswordAuthenticator.java into classes_dir (once per source change)."""
    compiled = classes_dir / Path(*AUTHENTICATOR_CLASS.split(".")).with_suffix(".class")
    if compiled.exists() and compiled.stat().st_mtime >= JAVA_SOURCE.stat().st_mtime:
        return classes_dir
    classes_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(javac),
        "--release",
        "17",
        "-nowarn",
        "-cp",
        str(jars_dir / "*"),
        "-d",
        str(classes_dir),
        str(JAVA_SOURCE),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        first = next((line for line in result.stderr.splitlines() if line.strip()), "no output")
        raise ServerError(f"javac could not compile {JAVA_SOURCE.name}: {first}")
    return classes_dir
