"""The segment report's size and generation time, on the built seed or a generated size.

Usage (from the repository root, after `make build` for the default):

    .venv/bin/python bench/report_timing.py                 # .spark/, schema segmentation
    .venv/bin/python bench/report_timing.py --rows 1000000  # builds a generated file first

Without --rows it reads the project's own warehouse (`SPARK_STATE_DIR`, default .spark/:
stop other processes on it first, Derby serves one). With --rows N it generates N customers
(benchkit.generated_customers, seed 42), builds seeds and models (no tests) of a project copy
with `customers_input.path` on them into a fresh bench/data/spark_state/ folder, then reads
that. Either way it starts one local SparkSession (timed), writes the report twice into
bench/data/report_<label>/ (cold: the first queries of the JVM; warm: the same again) and
prints the page's and the PNGs' sizes and both times; one JSON line goes to
bench/data/results/report_timing.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from benchkit import (
    DATA_DIR,
    PROJECT_DIR,
    append_result,
    generated_customers,
    machine_info,
    machine_line,
    shown,
    spark_state_dir,
    timed,
)

from customer_segmentation.dbtchain.local_session import local_session
from customer_segmentation.dbtchain.workspace import copy_project
from customer_segmentation.report import write_report


def build_generated(rows: int) -> tuple[Path, float]:
    """Build a project copy on N generated customers into a fresh state folder; its seconds."""
    csv_path, _, _ = generated_customers(rows, mess_rate=1.0)
    state_dir = spark_state_dir(f"report_n{rows}_")
    project = copy_project(state_dir / "project")
    dbt_vars = json.dumps({"customers_input": {"path": str(csv_path.resolve())}})
    command = [
        sys.executable,
        "-m",
        "customer_segmentation.dbtchain",
        "build",
        "--",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
        "--vars",
        dbt_vars,
    ]
    env = {**os.environ, "DBT_PROFILES_DIR": str(project / "profiles"), "DBT_TARGET": "local"}
    _, seconds = timed(lambda: subprocess.run(command, cwd=project, env=env, check=True))
    return state_dir, seconds


def main() -> int:
    """Time the report (cold and warm) on the seed build or a generated one; print and record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="build N generated customers first")
    parser.add_argument("--schema", default=os.environ.get("DBT_SCHEMA", "segmentation"))
    args = parser.parse_args()
    info = machine_info("pyspark", "matplotlib")
    print(machine_line(info), flush=True)
    build_seconds = None
    if args.rows:
        state_dir, build_seconds = build_generated(args.rows)
        label = f"n{args.rows}"
        print(f"build of {args.rows:,} customers (seeds + models): {build_seconds:.1f} s")
    else:
        state_dir = Path(os.environ.get("SPARK_STATE_DIR", PROJECT_DIR / ".spark"))
        label = "seed"
    spark, session_seconds = timed(lambda: local_session(state_dir))
    out_dir = DATA_DIR / f"report_{label}"
    try:
        runs = [write_report(spark, args.schema, out_dir) for _ in range(2)]
        customers = spark.table(f"{args.schema}.customer_segments").count()
    finally:
        spark.stop()
    cold, warm = runs
    images = {image.name: image.stat().st_size for image in warm.images}
    print(f"customers segmented: {customers:,}; Spark session start: {session_seconds:.1f} s")
    for name, written in (("cold", cold), ("warm", warm)):
        print(
            f"{name}: {written.total_seconds:.1f} s (marts read {written.read_seconds:.1f} s, "
            f"charts + page {written.total_seconds - written.read_seconds:.1f} s)"
        )
    print(f"{shown(warm.index)}: {warm.index_bytes / 1024:.0f} KiB (self-contained)")
    for name, size in images.items():
        print(f"  {name}: {size / 1024:.0f} KiB")
    print(f"page + PNGs: {warm.total_bytes / 1024:.0f} KiB")
    result = {
        "machine": info,
        "label": label,
        "customers": customers,
        "build_seconds": build_seconds,
        "session_seconds": session_seconds,
        "cold_seconds": cold.total_seconds,
        "cold_read_seconds": cold.read_seconds,
        "warm_seconds": warm.total_seconds,
        "warm_read_seconds": warm.read_seconds,
        "index_bytes": warm.index_bytes,
        "total_bytes": warm.total_bytes,
        "images": images,
    }
    print(f"result appended to {append_result('report_timing', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
