"""A dashboard-like reader: query relations in a loop and record what each query saw.

Used by tests/python/test_published_marts.py while marts are rebuilt. The reader takes a
DB-API connection factory, so the same loop runs in a thread of the embedded target's JVM
(`SparkSessionConnection`) or in a separate process over HiveServer2 (PyHive):

    python tests/python/published_reader.py --stop-file STOP --out reads.json \\
        segmentation.segment_summary segmentation.marketing_audiences

reads until the file STOP exists (or SIGTERM), then writes every read as JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Read:
    """One query of one relation: the rows it returned, or the error it raised."""

    relation: str
    started: float
    rows: int | None = None
    error: str | None = None


def read_loop(
    connect: Callable[[], Any],
    relations: Sequence[str],
    should_stop: Callable[[], bool],
    pause: float = 0.05,
) -> list[Read]:
    """`select *` every relation in turn until should_stop(); return every read.

    connect() returns a DB-API connection; it is reused across queries (as a dashboard
    does) and reopened after an error. A loop always completes once, even if should_stop()
    is already true.
    """
    reads: list[Read] = []
    connection = None
    while True:
        for relation in relations:
            started = time.time()
            try:
                connection = connection or connect()
                cursor = connection.cursor()
                try:
                    cursor.execute(f"select * from {relation}")
                    reads.append(Read(relation, started, rows=len(cursor.fetchall())))
                finally:
                    cursor.close()
            except Exception as error:  # a reader must survive any failure to record it
                reads.append(Read(relation, started, error=f"{type(error).__name__}: {error}"))
                connection = _close(connection)
        if should_stop():
            _close(connection)
            return reads
        time.sleep(pause)


def problems(reads: Iterable[Read], complete: Mapping[str, Sequence[int]]) -> list[str]:
    """What a reader must never see: an error, an empty result, a row count that no complete
    build has, or (where the builds' counts differ) an older build after a newer one.

    complete[relation] lists the row counts of the complete builds, oldest first.
    """
    found = []
    newest_seen: dict[str, int] = {}
    for read in reads:
        counts = list(complete[read.relation])
        if read.error is not None:
            found.append(f"{read.relation}: error {read.error[:300]}")
        elif read.rows == 0:
            found.append(f"{read.relation}: empty result")
        elif read.rows not in counts:
            found.append(f"{read.relation}: {read.rows} rows; complete builds have {counts}")
        elif len(set(counts)) == len(counts):
            build = counts.index(read.rows)
            if build < newest_seen.get(read.relation, 0):
                found.append(f"{read.relation}: back to the older build ({read.rows} rows)")
            newest_seen[read.relation] = max(build, newest_seen.get(read.relation, 0))
    return found


class SparkSessionConnection:
    """A minimal DB-API connection over a SparkSession (the embedded target's reader)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def cursor(self) -> _SparkCursor:
        return _SparkCursor(self._session)

    def close(self) -> None:
        """Nothing to close: the session belongs to the caller."""


class _SparkCursor:
    def __init__(self, session: Any) -> None:
        self._session = session
        self._rows: list[Any] = []

    def execute(self, sql: str) -> None:
        self._rows = self._session.sql(sql).collect()

    def fetchall(self) -> list[Any]:
        return self._rows

    def close(self) -> None:
        self._rows = []


def _close(connection: Any) -> None:
    """Close a connection, ignoring errors (it may be broken); return None."""
    try:
        if connection is not None:
            connection.close()
    except Exception:
        pass
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Read over HiveServer2 (PyHive) until --stop-file exists or SIGTERM; write the reads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("relations", nargs="+", help="schema.relation to query in turn")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--stop-file", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="JSON file of every read")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between loops")
    args = parser.parse_args(argv)

    from pyhive import hive

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    reads = read_loop(
        lambda: hive.connect(host=args.host, port=args.port),
        args.relations,
        lambda: stopped.is_set() or args.stop_file.exists(),
        pause=args.pause,
    )
    args.out.write_text(json.dumps([asdict(read) for read in reads]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
