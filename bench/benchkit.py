"""What the benchmarks share: folders, the machine line, timers, memory, generated data, results.

Benchmarks import the project (customer_segmentation.*) and this module, never the test suite.
Everything they write goes under bench/data/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from customer_segmentation.datagen.customers import HEADER

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
AS_OF = dt.date(2026, 6, 30)  # the generator's default "today"; recency is measured from it
DATA_SEED = 42
T = TypeVar("T")


def _proc_value(path: str, key: str) -> str | None:
    """The value of the first `key: value` line of a /proc file (None where there is none)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), None)


def machine_info(*packages: str) -> dict[str, Any]:
    """nproc, memory, CPU model, load, Python and the given distributions' versions, UTC date."""
    mem_kib = _proc_value("/proc/meminfo", "MemTotal")
    return {
        "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nproc": os.cpu_count(),
        "mem_total_gib": round(int(mem_kib.split()[0]) / 1024**2, 1) if mem_kib else None,
        "cpu_model": _proc_value("/proc/cpuinfo", "model name") or "unknown",
        "loadavg": list(os.getloadavg()),
        "python": platform.python_version(),
        **{name: version(name) for name in packages},
    }


def machine_line(info: dict[str, Any]) -> str:
    """machine_info() on one line."""
    fixed = ("date_utc", "nproc", "mem_total_gib", "cpu_model", "loadavg", "python")
    versions = " ".join(f"{key}={value}" for key, value in info.items() if key not in fixed)
    return (
        f"machine: nproc={info['nproc']} mem={info['mem_total_gib']}GiB cpu='{info['cpu_model']}' "
        f"load1/5/15={'/'.join(f'{x:.2f}' for x in info['loadavg'])} python={info['python']} "
        f"{versions} date={info['date_utc']}"
    )


def timed(function: Callable[[], T]) -> tuple[T, float]:
    """Run function; return its result and the wall seconds it took."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def peak_rss_mib() -> float:
    """Peak resident set size of this Python process so far (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_peak_rss_mib(pid: int) -> float | None:
    """Peak RSS (VmHWM) of another live process, e.g. the Spark driver JVM."""
    value = _proc_value(f"/proc/{pid}/status", "VmHWM")
    return int(value.split()[0]) / 1024 if value else None


def generated_customers(
    rows: int, mess_rate: float, with_labels: bool = False
) -> tuple[Path, Path | None, float | None]:
    """A generated customers CSV (and its labels) under bench/data/, reused while its
    arguments match; returns (csv, labels or None, generation seconds or None if reused)."""
    from customer_segmentation.datagen import write_customers

    stem = f"customers_{'clean_' if mess_rate == 0 else ''}n{rows}_s{DATA_SEED}"
    csv_path, sidecar = DATA_DIR / f"{stem}.csv", DATA_DIR / f"{stem}.args.json"
    labels_path = DATA_DIR / f"{stem}_labels.csv" if with_labels else None
    wanted = {"customers": rows, "seed": DATA_SEED, "as_of": AS_OF.isoformat()}
    wanted.update({"mess_rate": float(mess_rate), "labels": with_labels})
    outputs = [csv_path, sidecar] + ([labels_path] if labels_path else [])
    if all(path.exists() for path in outputs) and json.loads(sidecar.read_text()) == wanted:
        return csv_path, labels_path, None
    _, seconds = timed(
        lambda: write_customers(
            csv_path, rows, DATA_SEED, AS_OF, labels_path=labels_path, mess_rate=mess_rate
        )
    )
    sidecar.write_text(json.dumps(wanted))
    return csv_path, labels_path, seconds


def spark_state_dir(prefix: str) -> Path:
    """A fresh SPARK_STATE_DIR under bench/data/spark_state/ (a Derby metastore serves one
    process), exported for the local target, with SPARK_LOCAL_IP defaulted to 127.0.0.1."""
    parent = DATA_DIR / "spark_state"
    parent.mkdir(parents=True, exist_ok=True)
    state_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=parent)).resolve()
    os.environ["SPARK_STATE_DIR"] = str(state_dir)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return state_dir


def dbt_time(stamp: str) -> dt.datetime:
    """A timestamp of dbt's run_results.json (ISO, with or without a trailing Z)."""
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def shown(path: Path | str) -> str:
    """path relative to the project folder (with .. where needed), for output and results."""
    return os.path.relpath(Path(path).resolve(), PROJECT_DIR)


def append_result(name: str, result: dict[str, Any]) -> str:
    """Append result as one JSON line to bench/data/results/<name>.jsonl; return that path."""
    path = DATA_DIR / "results" / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        handle.write(json.dumps(result, default=str) + "\n")
    return shown(path)


def build_customer_features(
    spark: Any, workspace: Path, schema: str, dbt_vars: dict[str, Any]
) -> tuple[Any, int]:
    """dbt build (seeds and models, no tests) up to customer_features into schema, in this
    process's SparkSession, on the project copy in workspace; return customer_features
    (cached) and the number of nodes built."""
    from dbt.cli.main import dbtRunner

    os.environ["DBT_SCHEMA"] = schema
    args = "--quiet build --select +customer_features --exclude-resource-type test "
    args += f"--exclude-resource-type unit_test --target local --project-dir {workspace} "
    args += f"--profiles-dir {workspace}/profiles --target-path {workspace}/target "
    args += f"--log-path {workspace}/logs"
    result = dbtRunner().invoke([*args.split(), "--vars", json.dumps(dbt_vars)])
    if not result.success:
        log = shown(workspace / "logs" / "dbt.log")
        raise RuntimeError(f"dbt build failed ({result.exception or 'see ' + log})")
    features = spark.table(f"{schema}.customer_features").cache()
    features.count()
    return features, len(result.result.results)


def file_sha256(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes."""
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def descendant_pids(root: int) -> list[int]:
    """Every live descendant of process root (children, their children, ...), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after it
        ppid = int(text[text.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


class PeakRssPoller:
    """Polls, in a daemon thread, the peak RSS (VmHWM) of a process and of its `java`
    descendants (the Spark driver JVM) every `interval` seconds; keeps the maxima in MiB.

    VmHWM is the kernel's own high-water mark, so a poll misses only what a process grows in
    its last interval before it exits.

        with PeakRssPoller(proc.pid) as poller:
            proc.wait()
        poller.python_mib, poller.java_mib
    """

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        """Watch process pid (not started until `start` or `with`)."""
        import threading

        self.pid, self.interval = pid, interval
        self.python_mib: float | None = None
        self.java_mib: float | None = None
        self.java_pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def poll(self) -> None:
        """Read the VmHWM of the process and of every java descendant once."""
        own = process_peak_rss_mib(self.pid)
        if own is not None:
            self.python_mib = max(own, self.python_mib or 0.0)
        for pid in descendant_pids(self.pid):
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            peak = process_peak_rss_mib(pid) if comm == "java" else None
            if peak is not None:
                self.java_pids.add(pid)
                self.java_mib = max(peak, self.java_mib or 0.0)

    def _run(self) -> None:
        """Poll until stopped."""
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)

    def start(self) -> PeakRssPoller:
        """Start polling; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop polling and wait for the thread."""
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> PeakRssPoller:
        """Start polling."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop polling."""
        self.stop()


# What the notebook-style pipelines (plain_pyspark_pipeline.py, pandas_sklearn_pipeline.py)
# share: the file's columns, the k range and fit settings, int_as_of_date's rule, the features.
COLUMNS = HEADER
K_VALUES = range(2, 9)
SEED, MAX_ITER = 42, 50
AS_OF_PERCENTILE, AS_OF_OUTLIER_GAP_DAYS = 0.99, 30  # int_as_of_date's rule and var default
FEATURES = ("log_recency_days", "log_frequency", "log_monetary", "log_avg_order_value")


class Clock:
    """Seconds per phase: each lap() records the time since the previous one."""

    def __init__(self) -> None:
        """Start the first phase now."""
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        """End `phase` now."""
        now = time.perf_counter()
        self.seconds[phase] = now - self._last
        self._last = now
