"""Where the seconds of a `dbt build` go, from dbt's own target/run_results.json.

Usage: .venv/bin/python bench/build_timing.py [path/to/run_results.json]
(after `make build`, dbt build's own results are kept as target/run_results.build.json)

Prints the wall time of the invocation, the time before the first node started (parse,
JVM and metastore start, catalog listing), and the time per resource type and per model/seed,
slowest first.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from benchkit import dbt_time


def summarise(run_results: dict) -> list[str]:
    """Lines describing where the build's time went."""
    results = run_results["results"]
    starts = [
        dbt_time(timing["started_at"])
        for result in results
        for timing in result["timing"]
        if timing.get("started_at")
    ]
    invoked = dbt_time(run_results["metadata"]["invocation_started_at"])
    generated = dbt_time(run_results["metadata"]["generated_at"])
    by_type: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for result in results:
        kind = result["unique_id"].split(".")[0]
        by_type[kind] += result["execution_time"]
        counts[kind] += 1
    lines = [
        f"invocation wall time: {(generated - invoked).total_seconds():.1f} s",
        f"before first node (parse, JVM + metastore start, catalog): "
        f"{(min(starts) - invoked).total_seconds():.1f} s",
        f"nodes (sum of execution times): {sum(by_type.values()):.1f} s",
    ]
    for kind, seconds in sorted(by_type.items(), key=lambda item: -item[1]):
        lines.append(f"  {kind:<10} {counts[kind]:>4} nodes {seconds:8.1f} s")
    lines.append("slowest seeds and models:")
    built = [r for r in results if r["unique_id"].split(".")[0] in ("model", "seed")]
    for result in sorted(built, key=lambda r: -r["execution_time"]):
        lines.append(f"  {result['execution_time']:7.1f} s  {result['unique_id']}")
    return lines


def main() -> None:
    """Print the summary of the given (default: target/) run_results.json."""
    default = Path("target/run_results.build.json")
    if not default.exists():
        default = Path("target/run_results.json")
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print("\n".join(summarise(json.loads(path.read_text()))))


if __name__ == "__main__":
    main()
