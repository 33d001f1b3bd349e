"""Is a TCP port free, does it answer, and who holds it."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess

_SS_USER = re.compile(r'\("(?P<name>[^"]+)",pid=(?P<pid>\d+)')


def port_in_use(host: str, port: int) -> bool:
    """True when something listens on host:port (a bind like the JVM's, SO_REUSEADDR, fails)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return True
    return False


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a TCP connection to host:port is accepted."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_holder(port: int) -> str | None:
    """`pid N (name)` of the process listening on port, when `ss` can tell (else None)."""
    ss = shutil.which("ss")
    if ss is None:
        return None
    try:
        result = subprocess.run(
            [ss, "-Hltnp", f"sport = :{port}"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _SS_USER.search(result.stdout)
    return f"pid {match['pid']} ({match['name']})" if match else None
