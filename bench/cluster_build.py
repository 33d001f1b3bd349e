"""Benchmark: the whole `dbt build` at N customers on the embedded target and on the loopback
standalone cluster (issue #15), one after the other, never both at once.

Usage: .venv/bin/python bench/cluster_build.py [--rows 1000000] [--metastore postgres]

- data: whole_pipeline.py's generated file (`datagen --rows N --seed 42`, reused);
- embedded: whole_pipeline.run_project: `dbtchain build` on a fresh project copy with
  `customers_input.path` = the file, DBT_TARGET=local (one JVM, Derby);
- cluster: a server as `make serve CLUSTER=1` starts it (managed_server: a master, one
  worker with 2 cores and 8 GB, one 4 GB executor, a 4 GB driver; with --metastore postgres
  also a PostgreSQL metastore), then the same build through it with DBT_TARGET=server (SQL
  over HiveServer2, Python models over Spark Connect; the input file is read by the
  executor from this machine's disk);
- for each: wall seconds, dbt's summary line, seconds per phase (whole_pipeline.dbt_phases:
  start, load, cleaning, features, k selection, marts, tests; node sums, which overlap on
  several threads), the slowest nodes, segmented customers and k; for the cluster also the
  tasks per executor from the application's REST API (the driver must run none) and the
  server's start time.

Prints a summary per target; appends one JSON line per target to
bench/data/results/cluster_build.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchkit import append_result, machine_info, machine_line, shown
from whole_pipeline import (
    child_env,
    customers_file,
    dbt_facts,
    dbt_phases,
    run_process,
    run_project,
    tail,
)

from customer_segmentation.dbtchain.workspace import copy_project
from customer_segmentation.sparkserver import cluster
from customer_segmentation.sparkserver.managed import (
    cluster_overrides,
    free_port,
    managed_server,
)
from customer_segmentation.sparkserver.metastore import managed_metastore

BENCH_DIR = Path(__file__).resolve().parent
RUNS_DIR = BENCH_DIR / "data" / "cluster_build"


def server_scalar(port: int, query: str) -> Any:
    """One value over HiveServer2."""
    from pyhive import hive

    connection = hive.connect(host="127.0.0.1", port=port)
    try:
        cursor = connection.cursor()
        cursor.execute(query)
        return cursor.fetchall()[0][0]
    finally:
        connection.close()


def executor_tasks(server) -> dict[str, int]:
    """Completed tasks per executor id (and the driver) of the server's application."""
    master = cluster.master_state(server.settings)
    (app,) = [a for a in master["activeapps"] if a["name"] == "customer_segmentation_server"]
    url = f"http://127.0.0.1:{server.settings.ui_port}/api/v1/applications/{app['id']}/executors"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return {entry["id"]: entry["completedTasks"] for entry in json.load(answer)}


def run_cluster(data: dict[str, Any], run_dir: Path, metastore_url: str | None) -> dict[str, Any]:
    """Start the loopback cluster and server, build through it, read the figures, stop it."""
    copy = copy_project(run_dir / "project")
    schema = f"cluster_build_n{data['rows']}"
    dbt_vars = json.dumps({"customers_input": {"path": str(data["csv"].resolve())}})
    overrides = cluster_overrides("8g", "4g", metastore_url)
    overrides["SPARK_SERVER_DRIVER_MEMORY"] = "4g"
    started = time.perf_counter()
    with managed_server(run_dir / "server_state", **overrides) as server:
        out: dict[str, Any] = {"server_start_seconds": time.perf_counter() - started}
        env = child_env(
            run_dir / "client_state",
            DBT_SCHEMA=schema,
            DBT_PROFILES_DIR=str(copy / "profiles"),
            DBT_TARGET="server",
            **server.client_env(),
        )
        command = [sys.executable, "-m", "customer_segmentation.dbtchain", "build", "--"]
        command += ["--vars", dbt_vars]
        out.update(run_process(command, copy, env, run_dir / "stdout.txt"))
        out.update(dbt_facts(run_dir / "stdout.txt"))
        if (copy / "target" / "run_results.json").exists():
            out.update(dbt_phases(copy / "target"))
        if out["exit_code"] != 0:
            out["error"] = f"dbt build exited {out['exit_code']}:\n" + tail(run_dir / "stdout.txt")
            return out
        out["executor_tasks"] = executor_tasks(server)
        out["customers"] = server_scalar(
            server.thrift_port, f"select count(*) from {schema}.customer_segments"
        )
        out["k"] = server_scalar(
            server.thrift_port, f"select max(segment_count) from {schema}.customer_segments"
        )
    out["schema"] = schema
    return out


def summary(name: str, out: dict[str, Any]) -> list[str]:
    """Lines describing one target's run."""
    lines = [
        f"{name}: wall {out['wall_seconds']:.1f} s, exit {out['exit_code']}, "
        f"{out.get('dbt_summary')}, {out.get('customers')} customers segmented, k {out.get('k')}"
    ]
    if "server_start_seconds" in out:
        lines.append(f"  server + cluster start: {out['server_start_seconds']:.1f} s")
    phases = out.get("phases", {})
    shown_phases = ", ".join(f"{key} {value:.1f}" for key, value in phases.items())
    lines.append(f"  phases (node-time sums): {shown_phases}")
    slowest = out.get("slowest_nodes", {})
    lines.append("  slowest: " + ", ".join(f"{k} {v:.1f}" for k, v in slowest.items()))
    if "executor_tasks" in out:
        lines.append(f"  tasks per executor: {out['executor_tasks']}")
    if out.get("error"):
        lines.append(f"  ERROR: {out['error']}")
    return lines


def main() -> int:
    """Run the embedded build, then the cluster build, on the same file; print and record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--metastore", choices=["derby", "postgres"], default="postgres")
    parser.add_argument("--only", choices=["embedded", "cluster"])
    args = parser.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    info = machine_info("pyspark", "dbt-core", "dbt-spark")
    print(machine_line(info), flush=True)
    data = customers_file(args.rows)
    run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    results: dict[str, Any] = {}
    if args.only in (None, "embedded"):
        results["embedded"] = run_project(data, RUNS_DIR / run_id / "embedded")
        print("\n".join(summary("embedded", results["embedded"])), flush=True)
    if args.only in (None, "cluster"):
        run_dir = RUNS_DIR / run_id / "cluster"
        if args.metastore == "postgres":
            folder = Path(tempfile.mkdtemp(prefix="bench-metastore-"))
            folder.chmod(0o755)
            with managed_metastore(folder / "postgres", free_port()) as url:
                results["cluster"] = run_cluster(data, run_dir, url)
        else:
            results["cluster"] = run_cluster(data, run_dir, None)
        print("\n".join(summary("cluster", results["cluster"])), flush=True)
    for name, out in results.items():
        out.pop("segments", None)
        record = {
            "rows": args.rows,
            "input": shown(data["csv"]),
            "target": name,
            "metastore": args.metastore if name == "cluster" else "derby",
            "machine": info,
            **{key: value for key, value in out.items() if key != "failures"},
        }
        print(append_result("cluster_build", record))
    failed = [name for name, out in results.items() if out.get("exit_code") != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
