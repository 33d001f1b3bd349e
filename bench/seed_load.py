"""Benchmark: `dbt seed --select customers` with the bulk loader against stock dbt-spark's loader.

Each run is a fresh `dbt seed` process on a copy of the project under
bench/data/seed_project/<data set>/ (dbt_project.yml, models, macros, seeds, tests, profiles),
with its own SPARK_STATE_DIR (so its own Derby metastore and warehouse), its own DBT_SCHEMA,
target and log folders, and DBT_PROFILES_DIR pointing at the copy's profiles.

    bulk  = the project default (+bulk_load: true): the sparkoss adapter loads the CSV with
            one Spark read;
    stock = --vars '{seed_bulk_load: false}': dbt-spark's batched INSERT ... VALUES.

Reported per run: the dbt process wall time (JVM start and project parse included), the seed
node's execution_time and its compile/execute timing from target/run_results.json, and rows/s
(rows of the CSV / node execution_time). The stock path can be slow: --stock-timeout caps it
and the run is reported as timed out. This bench only times; it does not check the loaded
values (stock dbt-spark in session mode loads blank values as the text 'None').

    .venv/bin/python bench/seed_load.py                       # shipped seed + 20,000 customers
    .venv/bin/python bench/seed_load.py --large-rows 0        # shipped seed only
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchkit import (
    DATA_DIR,
    append_result,
    dbt_time,
    generated_customers,
    machine_info,
    machine_line,
)

from customer_segmentation.dbtchain.workspace import copy_project

SEED_PROJECT_DIR = DATA_DIR / "seed_project"
SEED_NODE = "seed.customer_segmentation.customers"
LOADERS = ("bulk", "stock")


def count_rows(csv_path: Path) -> int:
    """Data rows of a CSV (header excluded)."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def fresh_copy(name: str, customers_csv: Path | None) -> Path:
    """A fresh copy of the dbt project under bench/data/seed_project/<name>/."""
    root = SEED_PROJECT_DIR / name
    if root.exists():
        shutil.rmtree(root)
    return copy_project(root, customers_csv)


def run_seed(project: Path, dataset: str, loader: str, timeout: float | None) -> dict[str, Any]:
    """One `dbt seed --select customers` process; return wall time and run_results facts."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    run_dir = SEED_PROJECT_DIR / "runs" / f"{dataset}_{loader}_{stamp}"
    state_dir = run_dir / "spark_state"
    state_dir.mkdir(parents=True)
    schema = f"bench_{dataset}_{loader}_{stamp}"
    env = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_STATE_DIR": str(state_dir),
        "DBT_PROFILES_DIR": str(project / "profiles"),
        "DBT_SCHEMA": schema,
        "DBT_TARGET": "local",
    }
    command = [
        str(Path(sys.executable).with_name("dbt")),
        "seed",
        "--select",
        "customers",
        "--project-dir",
        str(project),
        "--target-path",
        str(run_dir / "target"),
        "--log-path",
        str(run_dir / "logs"),
    ]
    if loader == "stock":
        command += ["--vars", "{seed_bulk_load: false}"]
    result: dict[str, Any] = {
        "dataset": dataset,
        "loader": loader,
        "command": " ".join(command[:4])
        + (" --vars '{seed_bulk_load: false}'" * (loader == "stock")),
        "schema": schema,
        "run_dir": str(run_dir),
        "load_before": os.getloadavg()[0],
    }
    started = time.perf_counter()
    with (run_dir / "dbt_stdout.txt").open("w") as out:
        proc = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            proc.wait(timeout=timeout)
            result["timed_out"] = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # the dbt process we started, and its JVM
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            result["timed_out"] = True
    result["process_wall_seconds"] = time.perf_counter() - started
    result["exit_code"] = proc.returncode
    run_results = run_dir / "target" / "run_results.json"
    if not result["timed_out"] and run_results.exists():
        payload = json.loads(run_results.read_text())
        result["dbt_elapsed_seconds"] = payload.get("elapsed_time")
        for node in payload.get("results", []):
            if node.get("unique_id") != SEED_NODE:
                continue
            result["status"] = node.get("status")
            result["message"] = node.get("message")
            result["node_execution_seconds"] = node.get("execution_time")
            for phase in node.get("timing", []):
                seconds = dbt_time(phase["completed_at"]) - dbt_time(phase["started_at"])
                result[f"node_{phase['name']}_seconds"] = seconds.total_seconds()
    return result


def report_line(result: dict[str, Any], rows: int) -> str:
    """One table row for a run."""
    if result["timed_out"]:
        return (
            f"{result['dataset']:>10} {rows:>7} {result['loader']:>6}  TIMED OUT after "
            f"{result['process_wall_seconds']:.0f}s (process killed)"
        )
    node = result.get("node_execution_seconds")
    execute = result.get("node_execute_seconds")
    rate = f"{rows / node:,.0f}" if node else "-"
    node_text = f"{node:.2f}" if node is not None else "-"
    execute_text = f"{execute:.2f}" if execute is not None else "-"
    return (
        f"{result['dataset']:>10} {rows:>7} {result['loader']:>6} "
        f"{result['process_wall_seconds']:>9.1f} {node_text:>9} {execute_text:>9} {rate:>9}  "
        f"{result.get('status')} ({result.get('message')}), exit {result['exit_code']}, "
        f"load1 before {result['load_before']:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the seed loads and print a table; append the results as JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--large-rows",
        type=int,
        default=20_000,
        help="customers in the generated larger file (0 = shipped seed only)",
    )
    parser.add_argument(
        "--stock-timeout",
        type=float,
        default=1800.0,
        help="seconds after which a stock-loader dbt process is killed (default 1800)",
    )
    parser.add_argument(
        "--loaders", default="bulk,stock", help="comma-separated subset of bulk,stock"
    )
    args = parser.parse_args(argv)
    loaders = [name for name in args.loaders.split(",") if name]
    unknown = sorted(set(loaders) - set(LOADERS))
    if unknown:
        parser.error(f"unknown loader(s) {unknown}")

    print(machine_line(machine_info("dbt-core")), flush=True)
    datasets: list[tuple[str, Path | None]] = [("shipped", None)]
    if args.large_rows > 0:
        csv_path = generated_customers(args.large_rows, mess_rate=1.0)[0]
        datasets.append((f"gen{args.large_rows}", csv_path))
    print(
        f"{'dataset':>10} {'rows':>7} {'loader':>6} {'wall_s':>9} {'node_s':>9} "
        f"{'execute_s':>9} {'rows/s':>9}  status",
        flush=True,
    )
    status = 0
    for dataset, csv_path in datasets:
        project = fresh_copy(dataset, csv_path)
        rows = count_rows(project / "seeds" / "customers.csv")
        for loader in loaders:
            timeout = args.stock_timeout if loader == "stock" else None
            result = run_seed(project, dataset, loader, timeout)
            result["rows"] = rows
            result["machine"] = machine_line(machine_info("dbt-core"))
            print(report_line(result, rows), flush=True)
            if result["timed_out"] or result["exit_code"] != 0:
                status = 1
            append_result("seed_load", result)
    print(
        "wall_s = dbt process wall time (parse + JVM start + seed); node_s = run_results "
        "execution_time of the seed node; execute_s = its 'execute' timing phase; "
        "rows/s = rows / node_s"
    )
    print("results appended to bench/data/results/seed_load.jsonl")
    return status


if __name__ == "__main__":
    sys.exit(main())
