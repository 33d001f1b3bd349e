"""Find the java that spark-submit will run ($JAVA_HOME/bin/java, else PATH) and check it is 17+."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from customer_segmentation.sparkserver.errors import ServerError

MINIMUM_MAJOR = 17
_VERSION = re.compile(r'version "(?P<version>[^"]+)"')


def find_java(env: Mapping[str, str]) -> Path:
    """The java binary spark-class uses: $JAVA_HOME/bin/java when JAVA_HOME is set, else PATH's."""
    java_home = env.get("JAVA_HOME")
    if java_home:
        java = Path(java_home) / "bin" / "java"
        if not java.is_file():
            raise ServerError(
                f"Java not found: JAVA_HOME={java_home} has no bin/java; "
                f"point JAVA_HOME at a JDK {MINIMUM_MAJOR}+ or unset it"
            )
        return java
    found = shutil.which("java", path=env.get("PATH", ""))
    if found is None:
        raise ServerError(
            f"Java not found: no `java` on PATH and JAVA_HOME is not set; "
            f"install Java {MINIMUM_MAJOR}+ (JDK) or set JAVA_HOME"
        )
    return Path(found)


def java_version(java: Path, env: Mapping[str, str]) -> str:
    """The version string of `java -version` (e.g. 17.0.15 or 1.8.0_402)."""
    try:
        result = subprocess.run(
            [str(java), "-version"],
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(env),
            check=False,
        )
    except OSError as error:
        raise ServerError(f"Java at {java} could not run: {error.strerror or error}") from error
    match = _VERSION.search(result.stderr + result.stdout)
    if match is None:
        raise ServerError(f"Java at {java}: cannot read a version from `java -version`")
    return match.group("version")


def major_version(version: str) -> int:
    """The feature release of a Java version: 1.8.0_402 -> 8, 17.0.15 -> 17, 21-ea -> 21."""
    parts = version.split(".")
    head = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
    digits = re.match(r"\d+", head)
    return int(digits.group()) if digits else 0


def check_java(env: Mapping[str, str]) -> Path:
    """The java binary, if it is Java 17 or newer; else a one-line error."""
    java = find_java(env)
    version = java_version(java, env)
    if major_version(version) < MINIMUM_MAJOR:
        raise ServerError(
            f"Java {MINIMUM_MAJOR}+ required, found {version} at {java}; "
            f"set JAVA_HOME to a JDK {MINIMUM_MAJOR}+ (or put one first on PATH)"
        )
    return java


def find_javac(java: Path, env: Mapping[str, str]) -> Path:
    """The javac of the same JDK as java (password mode compiles the authenticator)."""
    beside = java.resolve().parent / "javac"
    if beside.is_file():
        return beside
    found = shutil.which("javac", path=env.get("PATH", ""))
    if found is None:
        raise ServerError(
            f"javac not found beside {java} or on PATH: SPARK_SERVER_AUTH=password compiles "
            f"the HiveServer2 authenticator, so it needs a JDK {MINIMUM_MAJOR}+, not a JRE"
        )
    return Path(found)
