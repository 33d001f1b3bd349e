"""CLI: `python -m customer_segmentation.report [--out target/report] [--schema S]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pyspark.sql import SparkSession

from customer_segmentation.report.marts import DEFAULT_SAMPLE_ROWS, DEFAULT_SEED, MartsNotBuiltError
from customer_segmentation.report.session import target_name, target_schema, target_session
from customer_segmentation.report.writer import write_report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: output folder, schema, projection sample size and seed."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.report", description=__doc__
    )
    parser.add_argument("--out", type=Path, default=Path("target/report"), help="output folder")
    parser.add_argument("--schema", help="schema of the marts (default: the target's, DBT_SCHEMA)")
    parser.add_argument("--sample-rows", type=int, default=DEFAULT_SAMPLE_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    return parser.parse_args(argv)


def run(spark: SparkSession, target: str, schema: str, args: argparse.Namespace) -> int:
    """Write the report on a session; print one line on success, one error line if not built."""
    try:
        written = write_report(spark, schema, args.out, args.sample_rows, args.seed)
    except MartsNotBuiltError as error:
        print(f"report: target {target}, schema {schema}: {error}", file=sys.stderr)
        return 2
    print(
        f"report: wrote {written.index} ({written.index_bytes / 1024:.0f} KiB) and "
        f"{len(written.images)} PNGs ({written.total_bytes / 1024:.0f} KiB in all) from "
        f"target {target}, schema {schema} in {written.total_seconds:.1f} s "
        f"(marts read in {written.read_seconds:.1f} s)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Open the configured target's session, write the report, stop the session."""
    args = parse_args(argv)
    target = target_name()
    schema = args.schema or target_schema(target)
    started = time.perf_counter()
    spark = target_session(target)
    print(f"report: Spark session on target {target} in {time.perf_counter() - started:.1f} s")
    try:
        return run(spark, target, schema, args)
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
