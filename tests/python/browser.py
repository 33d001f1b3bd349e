"""Headless Chromium for the browser tests (docs site, segment report): one way to run it.

Needs /usr/bin/chromium (Debian package `chromium`): a test module skips without it, and
fails instead when REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
    "--virtual-time-budget=15000",
)
CHROMIUM_TIMEOUT_SECONDS = 120


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once with a fresh profile; fail with its stderr when it fails."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=CHROMIUM_TIMEOUT_SECONDS,
            check=False,
        )
    if result.returncode != 0:
        raise AssertionError(f"chromium {args} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


def require_chromium(purpose: str) -> Path:
    """Chromium's path; skip the caller without it (fail instead when REQUIRE_BROWSER=1)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"headless Chromium not found at {CHROMIUM}: install the Debian package `chromium` "
        f"(apt-get install -y chromium) to {purpose}"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)
