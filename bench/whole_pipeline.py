"""Benchmark: the whole project (`dbt build`) against the same pipeline as a plain PySpark
script and in pandas + scikit-learn, on the same generated file, side by side (issue #13).

For every size N (--sizes, default 3,000, 100,000 and 1,000,000; --with-10m adds 10,000,000):

- data: `python -m customer_segmentation.datagen --rows N --seed 42 --out
  bench/data/whole_pipeline/customers_n<N>.csv --labels-out ..._labels.csv` (the default
  mess, like the shipped seed), reused while its `.args.json` sidecar matches. For N = 3,000
  this is the shipped seeds/customers.csv: the SHA-256 of both is printed and compared.
- three pipelines, each a fresh process, one after the other (never two JVMs at once):
  (a) `project`: the project's real, unmodified `dbt build` (seeds, models, data tests, unit
      tests) on the large-input path: `python -m customer_segmentation.dbtchain build --
      --vars '{"customers_input": {"path": <file>}}'` with cwd a fresh copy of the project
      (customer_segmentation.dbtchain.workspace.copy_project), its own SPARK_STATE_DIR (empty
      model registry, so the build trains), DBT_SCHEMA, DBT_PROFILES_DIR (the copy's
      profiles), target and logs (the copy's), DBT_TARGET=local;
  (b) `pyspark`: bench/plain_pyspark_pipeline.py, the same steps as notebooks do them, without
      dbt and without tests, with the same Spark settings;
  (c) `pandas`: bench/pandas_sklearn_pipeline.py, the same steps in pandas + scikit-learn.
  Everything a run writes is under bench/data/whole_pipeline/runs/<run id>/n<N>/<pipeline>/.
- per pipeline: process wall seconds; seconds per phase (start, load, cleaning, features,
  k selection, final fit, marts, tests; `other` = wall minus their sum); input rows (CSV data
  rows) per wall second; peak RSS (VmHWM, polled every 0.5 s) of the driver JVM (the `java`
  descendants) and of the Python process; the chosen k; the adjusted Rand index of the
  segments against the planted labels; and project / pyspark and project / pandas wall ratios.

The project's phases come from the copy's target/run_results.json: start = invocation start to
the first node's start (parse and Spark/metastore start; the Python and dbt import before the
invocation starts is in `other`); load = seeds + customers_input_files (the loader's byte check
and record count) + customers_file; cleaning = stg_* and int_* models, except the int_* models
downstream of segmentation_models (from the manifest's parent map), which count as marts
(int_customers_quarantined and int_customers_duplicates, cleaning's side outputs, are
cleaning); features = customer_features; k selection = segmentation_models, which resolves and
scales the features, sweeps k (n_init fits per k plus stability half fits) and keeps the chosen
k's sweep fit as the model: its final fit is not a separate step and cannot be split from the
node's time; marts = every other model; tests = test + unit_test nodes. These are sums of node
execution times; with threads > 1 nodes overlap and the sums exceed the wall (the `local`
target has threads: 1; the threads and the union of the nodes' intervals next to their sum are
printed). The seeds include the shipped 3,000-row `customers` seed, which `dbt build` loads
even when customers_input.path is set. The project's segments are read from the Parquet files
of the customer_segments table in the copy's warehouse (pandas/pyarrow, no JVM); the scripts'
from their own Parquet outputs.

ARI: the labels file has one row per CSV row (customer_id, segment, mess); a customer's label
is the segment of its labelled rows (rows with an empty label, the generator's spoiled rows,
are skipped; conflicting labels are counted, the smallest is used); the ARI is over the
customers that have a label and a segment (scikit-learn's adjusted_rand_score).

After all sizes: the log-log slope of wall time log(t2/t1)/log(n2/n1) per pipeline between
consecutive sizes (100k -> 1M, 1M -> 10M) and the driver JVM's peak RSS ratio between them.
Printed: a Markdown table for bench/RESULTS.md and the machine line; one JSON line per size is
appended to bench/data/results/whole_pipeline.jsonl.

    .venv/bin/python bench/whole_pipeline.py                    # 3,000, 100,000, 1,000,000
    .venv/bin/python bench/whole_pipeline.py --sizes 3000       # smoke run (2 to 6 min)
    .venv/bin/python bench/whole_pipeline.py --with-10m --skip pandas
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchkit import (
    BENCH_DIR,
    DATA_DIR,
    PROJECT_DIR,
    PeakRssPoller,
    append_result,
    dbt_time,
    file_sha256,
    machine_info,
    machine_line,
    shown,
    timed,
)

from customer_segmentation.dbtchain.workspace import copy_project

PIPELINES = ("project", "pyspark", "pandas")
TITLES = {
    "project": "project (dbt build)",
    "pyspark": "plain PySpark",
    "pandas": "pandas + sklearn",
}
SCRIPTS = {
    "pyspark": BENCH_DIR / "plain_pyspark_pipeline.py",
    "pandas": BENCH_DIR / "pandas_sklearn_pipeline.py",
}
DEFAULT_SIZES = (3_000, 100_000, 1_000_000)
TEN_MILLION = 10_000_000
DATA_SEED = 42
WORK_DIR = DATA_DIR / "whole_pipeline"
SEED_FILE = PROJECT_DIR / "seeds" / "customers.csv"
PHASES = (
    "start",
    "load",
    "cleaning",
    "features",
    "k_selection",
    "final_fit",
    "marts",
    "tests",
    "other",
)
PACKAGES = ("pyspark", "scikit-learn", "numpy", "pandas", "pyarrow", "dbt-core", "dbt-spark")


# --------------------------------------------------------------------------- data


def project_version() -> str:
    """The checkout's commit and the tracked files changed since (the code that was measured)."""

    def git(*args: str) -> str:
        """Output of one git command in the checkout."""
        return subprocess.run(
            ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout

    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    version = git("log", "-1", "--format=%h %cI").strip()
    return version + (f", uncommitted: {' '.join(x[3:] for x in changed)}" if changed else "")


def customers_file(rows: int) -> dict[str, Any]:
    """The generated CSV and labels of N customers (the datagen CLI), reused while the
    .args.json sidecar matches; with paths, counts, SHA-256 and generation seconds."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    csv_path = WORK_DIR / f"customers_n{rows}.csv"
    labels = WORK_DIR / f"customers_n{rows}_labels.csv"
    sidecar = WORK_DIR / f"customers_n{rows}.args.json"
    command = [
        sys.executable,
        "-m",
        "customer_segmentation.datagen",
        *("--rows", str(rows), "--seed", str(DATA_SEED), "--out", shown(csv_path)),
        *("--labels-out", shown(labels)),
    ]
    shown_command = " ".join(["python", *command[1:]])
    present = all(path.exists() for path in (csv_path, labels, sidecar))
    known = json.loads(sidecar.read_text()) if present else {}
    seconds = None
    if known.get("command") != shown_command:
        run, seconds = timed(
            lambda: subprocess.run(
                [*command, "--force"], cwd=PROJECT_DIR, check=True, capture_output=True, text=True
            )
        )
        known = {"command": shown_command, "counts": json.loads(run.stdout)}
        sidecar.write_text(json.dumps(known, indent=2))
    return {
        "rows": rows,
        "csv": csv_path,
        "labels": labels,
        "command": shown_command,
        "counts": known["counts"],
        "sha256": file_sha256(csv_path),
        "generated_seconds": seconds,
    }


def planted_labels(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """customer_id -> planted segment of its labelled rows (empty labels skipped), and counts."""
    import pandas as pd

    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    labelled = rows[(rows["customer_id"].str.strip() != "") & (rows["segment"].str.strip() != "")]
    per_customer = labelled.groupby("customer_id")["segment"].agg(["min", "nunique"])
    counts = {
        "label_rows": len(rows),
        "rows_with_empty_label": int((rows["segment"].str.strip() == "").sum()),
        "customers_labelled": len(per_customer),
        "customers_with_conflicting_labels": int((per_customer["nunique"] > 1).sum()),
    }
    return per_customer["min"].to_dict(), counts


def ari(segments: Any, labels: dict[str, str]) -> dict[str, Any]:
    """Adjusted Rand index of a (customer_id, segment) frame against the planted labels."""
    from sklearn.metrics import adjusted_rand_score

    segment_of = dict(zip(segments["customer_id"], segments["segment"], strict=True))
    common = sorted(segment_of.keys() & labels.keys())
    return {
        "ari": float(
            adjusted_rand_score([labels[c] for c in common], [segment_of[c] for c in common])
        ),
        "ari_customers": len(common),
        "segmented_without_label": len(segment_of.keys() - labels.keys()),
    }


# --------------------------------------------------------------------------- runs


def run_process(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run one pipeline process (stdout and stderr to log), polling its peak RSS; return the
    wall seconds, exit code, peaks and the load average before it started."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"load1_before": os.getloadavg()[0], "log": shown(log)}
    started = time.perf_counter()
    with log.open("w") as handle:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
        with PeakRssPoller(proc.pid) as poller:
            out["exit_code"] = proc.wait()
    out["wall_seconds"] = time.perf_counter() - started
    out["python_peak_rss_mib"] = poller.python_mib
    out["jvm_peak_rss_mib"] = poller.java_mib
    out["jvm_processes"] = len(poller.java_pids)
    return out


def child_env(state_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a pipeline process: its own SPARK_STATE_DIR, loopback Spark."""
    env = dict(os.environ)
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    env.update(PYSPARK_PYTHON=sys.executable, SPARK_STATE_DIR=str(state_dir), **extra)
    return env


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a text file."""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def node_phase(unique_id: str, after_segments: set[str]) -> str:
    """The phase a dbt node's time is counted in (see the module docstring)."""
    kind, name = unique_id.split(".")[0], unique_id.split(".")[-1]
    if kind in ("test", "unit_test"):
        return "tests"
    if kind == "seed" or name in ("customers_input_files", "customers_file"):
        return "load"
    if name == "customer_features":
        return "features"
    if name == "segmentation_models":
        return "k_selection"
    if name.startswith(("stg_", "int_")) and unique_id not in after_segments:
        return "cleaning"
    return "marts"


def ancestors(parent_map: dict[str, list[str]], node: str) -> set[str]:
    """Every node node depends on, directly or not."""
    found: set[str] = set()
    stack = list(parent_map.get(node, []))
    while stack:
        parent = stack.pop()
        if parent not in found:
            found.add(parent)
            stack.extend(parent_map.get(parent, []))
    return found


def short_name(unique_id: str) -> str:
    """A dbt node's name without package and test hash (unit tests: model.test)."""
    parts = unique_id.split(".")
    return ".".join(parts[2:]) if parts[0] == "unit_test" else parts[2]


def union_seconds(spans: list[tuple[dt.datetime, dt.datetime]]) -> float:
    """Seconds covered by the union of sorted (start, end) intervals."""
    total, end = 0.0, None
    for start, stop in spans:
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total


def dbt_facts(stdout: Path) -> dict[str, Any]:
    """Threads and the summary line, from dbt's console output."""
    text = stdout.read_text(errors="replace")
    threads = re.search(r"Concurrency: (\d+) threads", text)
    done = re.findall(r"Done\. (PASS=.*)", text)
    return {
        "threads": int(threads.group(1)) if threads else None,
        "dbt_summary": done[-1].strip() if done else None,
    }


def dbt_phases(target: Path) -> dict[str, Any]:
    """Seconds per phase, node counts, threads and failures from a build's run_results.json."""
    run_results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    parent_map = manifest["parent_map"]
    trained = next(uid for uid in parent_map if uid.endswith(".segmentation_models"))
    after_segments = {uid for uid in parent_map if trained in ancestors(parent_map, uid)}
    results = run_results["results"]
    invoked = dbt_time(run_results["metadata"]["invocation_started_at"])
    first = min(dbt_time(t["started_at"]) for r in results for t in r["timing"] if t["started_at"])
    phases: dict[str, float] = {"start": (first - invoked).total_seconds()}
    nodes: Counter[str] = Counter()
    for result in results:
        phase = node_phase(result["unique_id"], after_segments)
        phases[phase] = phases.get(phase, 0.0) + result["execution_time"]
        nodes[result["unique_id"].split(".")[0]] += 1
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:6]
    spans = sorted(
        (dbt_time(r["timing"][0]["started_at"]), dbt_time(r["timing"][-1]["completed_at"]))
        for r in results
        if r["timing"] and r["timing"][0]["started_at"]
    )
    return {
        "phases": phases,
        "node_seconds_sum": sum(r["execution_time"] for r in results),
        "node_seconds_union": union_seconds(spans),
        "nodes": dict(nodes),
        "statuses": dict(Counter(r["status"] for r in results)),
        "slowest_nodes": {short_name(r["unique_id"]): r["execution_time"] for r in slowest},
        "failures": [
            {"node": r["unique_id"], "status": r["status"], "message": r["message"]}
            for r in results
            if r["status"] in ("error", "fail", "runtime error")
        ],
    }


def run_project(data: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    """The project's whole dbt build on a fresh copy and SPARK_STATE_DIR; phases, segments."""
    import pandas as pd

    copy = copy_project(run_dir / "project")
    state_dir = run_dir / "spark_state"
    state_dir.mkdir(parents=True)
    schema = f"whole_pipeline_n{data['rows']}"
    dbt_vars = json.dumps({"customers_input": {"path": str(data["csv"].resolve())}})
    command = [sys.executable, "-m", "customer_segmentation.dbtchain", "build", "--"]
    command += ["--vars", dbt_vars]
    env = child_env(
        state_dir,
        DBT_SCHEMA=schema,
        DBT_PROFILES_DIR=str(copy / "profiles"),
        DBT_TARGET="local",
    )
    out = run_process(command, copy, env, run_dir / "stdout.txt")
    out["command"] = f"cd {shown(copy)} && python -m customer_segmentation.dbtchain build -- "
    out["command"] += f"--vars '{dbt_vars}'".replace(str(PROJECT_DIR) + "/", "")
    out["schema"], out["state_dir"] = schema, shown(state_dir)
    out.update(dbt_facts(run_dir / "stdout.txt"))
    if (copy / "target" / "run_results.json").exists():
        out.update(dbt_phases(copy / "target"))
    if out["exit_code"] != 0:
        out["error"] = f"dbt build exited {out['exit_code']}; last lines:\n" + tail(
            run_dir / "stdout.txt"
        )
        return out
    tables = sorted(state_dir.glob("warehouse/*.db/customer_segments"))
    if len(tables) != 1:
        out["error"] = f"expected one customer_segments table, found {tables}"
        return out
    frame = pd.read_parquet(tables[0], columns=["customer_id", "segment_id", "segment_count"])
    as_of = pd.read_parquet(tables[0], columns=["as_of_date"])["as_of_date"]
    out["segments"] = frame.rename(columns={"segment_id": "segment"})
    out["k"] = int(frame["segment_count"].iloc[0])
    out["customers"] = len(frame)
    out["as_of_date"] = str(as_of.iloc[0])
    return out


def run_script(name: str, data: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    """bench/<script> in a fresh process; its JSON line, phases and segments."""
    import pandas as pd

    state_dir = run_dir / "spark_state"
    command = [sys.executable, str(SCRIPTS[name]), "--input", str(data["csv"].resolve())]
    command += ["--out", str(run_dir / "out")]
    if name == "pyspark":
        command += ["--state-dir", str(state_dir)]
    env = child_env(state_dir, DBT_PROFILES_DIR=str(PROJECT_DIR / "profiles"))
    log = run_dir / "stdout.txt"
    out = run_process(command, PROJECT_DIR, env, log)
    out["command"] = " ".join(["python", *command[1:]]).replace(str(PROJECT_DIR) + "/", "")
    if out["exit_code"] != 0:
        out["error"] = f"{SCRIPTS[name].name} exited {out['exit_code']}; last lines:\n" + tail(log)
        return out
    line = next(x for x in reversed(log.read_text().splitlines()) if x.startswith("{"))
    reported = json.loads(line)
    # the script's own getrusage peak can be above the last poll (it grows until exit)
    polled = out["python_peak_rss_mib"] or 0.0
    out["python_peak_rss_mib"] = max(polled, reported.pop("python_peak_rss_mib"))
    out.update(reported)
    out["segments"] = pd.read_parquet(out["segments"], columns=["customer_id", "segment"])
    return out


def run_pipeline(
    name: str, data: dict[str, Any], run_dir: Path, labels: dict[str, str]
) -> dict[str, Any]:
    """Run one pipeline on one file; add rows/s, `other` seconds and the ARI."""
    out = run_project(data, run_dir) if name == "project" else run_script(name, data, run_dir)
    out["input_rows"] = data["counts"]["rows_written"]
    out["rows_per_second"] = out["input_rows"] / out["wall_seconds"]
    if "phases" in out:
        out["phases"]["other"] = out["wall_seconds"] - sum(out["phases"].values())
    if "segments" in out:
        out.update(ari(out.pop("segments"), labels))
    return out


# --------------------------------------------------------------------------- report


def _cell(value: Any, fmt: str = ".1f") -> str:
    """A number formatted, or '-'."""
    return "-" if value is None else format(value, fmt)


def table_header() -> list[str]:
    """Header of the Markdown results table."""
    columns = [
        "N",
        "pipeline",
        "wall s",
        "rows/s",
        "start",
        "load",
        "cleaning",
        "features",
        "k selection",
        "final fit",
        "marts",
        "tests",
        "other",
        "JVM peak MiB",
        "Python peak MiB",
        "k",
        "ARI",
        "project / this",
    ]
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * 2 + "---:|" * (len(columns) - 2)]


def table_row(rows: int, name: str, out: dict[str, Any], project_wall: float | None) -> str:
    """One Markdown row: one pipeline on one size."""
    if "error" in out and "wall_seconds" not in out:
        return f"| {rows:,} | {TITLES[name]} | failed |"
    phases = out.get("phases", {})
    cells = [f"{rows:,}", TITLES[name]]
    if "error" in out:
        cells[1] += " (FAILED)"
    cells += [_cell(out["wall_seconds"]), _cell(out["rows_per_second"], ",.0f")]
    for phase in PHASES:
        if name == "project" and phase == "final_fit":
            cells.append("in k sel.")
        elif name == "pandas" and phase == "start":
            cells.append(f"{_cell(phases.get(phase))} (imports)")
        else:
            cells.append(_cell(phases.get(phase)))
    cells += [
        _cell(out.get("jvm_peak_rss_mib"), ",.0f"),
        _cell(out.get("python_peak_rss_mib"), ",.0f"),
        _cell(out.get("k"), "d"),
        _cell(out.get("ari"), ".4f"),
        "1.00" if name == "project" else _ratio(project_wall, out.get("wall_seconds")),
    ]
    return "| " + " | ".join(cells) + " |"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    """numerator / denominator as 12.3x, or '-'."""
    if not numerator or not denominator:
        return "-"
    return f"{numerator / denominator:.1f}x"


def size_lines(data: dict[str, Any], outs: dict[str, dict[str, Any]]) -> list[str]:
    """The notes under one size's rows: data, as-of dates, silhouettes, dbt facts, errors."""
    c = data["counts"]
    lines = [
        f"N={data['rows']:,}: {shown(data['csv'])}: {c['rows_written']:,} rows "
        f"({c['customers']:,} customers + {c['duplicates']:,} duplicate rows), sha256 "
        f"{data['sha256']}"
        + (
            f", generated in {data['generated_seconds']:.1f} s"
            if data["generated_seconds"]
            else " (reused)"
        )
    ]
    if "seed_check" in data:
        seed = data["seed_check"]
        lines.append(
            f"  seeds/customers.csv sha256 {seed['seed_sha256']}: "
            + ("IDENTICAL to the generated file" if seed["identical"] else "DIFFERENT")
        )
    for name, out in outs.items():
        facts = [f"customers segmented {_cell(out.get('customers'), ',d')}"]
        facts.append(f"as-of {out.get('as_of_date', '-')}")
        if "ari_customers" in out:
            facts.append(f"ARI over {out['ari_customers']:,} labelled customers")
        if "silhouettes" in out:
            sil = ", ".join(f"{k}: {v:.4f}" for k, v in out["silhouettes"].items())
            facts.append(f"silhouette per k {{{sil}}}")
        if name == "project" and "nodes" in out:
            total, union = out["node_seconds_sum"], out["node_seconds_union"]
            overlapped = total - union > max(2.0, 0.02 * total)
            facts.append(
                f"threads {out['threads']}, nodes {out['nodes']}, dbt {out['dbt_summary']}; "
                f"node seconds: sum {total:.1f}, union of their intervals {union:.1f} ("
                + ("nodes overlapped: phase sums exceed the wall" if overlapped else "no overlap")
                + ")"
            )
        facts.append(f"load1 before {out['load1_before']:.2f}")
        lines.append(f"  {TITLES[name]}: " + "; ".join(facts))
        if name == "project" and "slowest_nodes" in out:
            slow = ", ".join(
                f"{node} {seconds:.1f}" for node, seconds in out["slowest_nodes"].items()
            )
            lines.append(f"    slowest nodes (s): {slow}")
        for failure in out.get("failures", []):
            lines.append(f"    {failure['status']}: {failure['node']}: {failure['message']}")
        if "error" in out:
            lines.append("    ERROR: " + out["error"].replace("\n", "\n    "))
    project = outs.get("project", {}).get("wall_seconds")
    ratios = [
        f"project / {TITLES[name]} {_ratio(project, outs[name].get('wall_seconds'))}"
        for name in ("pyspark", "pandas")
        if name in outs
    ]
    if "project" in outs and ratios:
        lines.append("  wall ratios: " + ", ".join(ratios))
    return lines


def scaling_lines(results: list[dict[str, Any]]) -> list[str]:
    """Log-log slopes of wall time and JVM peak RSS ratios between consecutive sizes."""
    lines = [
        "| pipeline | from N | to N | wall slope log(t2/t1)/log(n2/n1) | JVM peak RSS ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    pairs = list(itertools.pairwise(results))
    for name in PIPELINES:
        for small, large in pairs:
            a, b = small["pipelines"].get(name), large["pipelines"].get(name)
            if not a or not b or "error" in a or "error" in b:
                continue
            slope = math.log(b["wall_seconds"] / a["wall_seconds"]) / math.log(
                large["rows"] / small["rows"]
            )
            jvm = (
                f"{b['jvm_peak_rss_mib'] / a['jvm_peak_rss_mib']:.2f}"
                if a.get("jvm_peak_rss_mib") and b.get("jvm_peak_rss_mib")
                else "-"
            )
            lines.append(
                f"| {TITLES[name]} | {small['rows']:,} | {large['rows']:,} | {slope:.2f} | {jvm} |"
            )
    return lines if len(lines) > 2 else []


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        help="comma-separated customer counts (default 3000,100000,1000000)",
    )
    parser.add_argument("--with-10m", action="store_true", help="also run 10,000,000 customers")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="comma-separated pipelines to leave out: project, pyspark, pandas (repeatable)",
    )
    parser.add_argument("--label", default="", help="free text stored with the results")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size and pipeline; print the table and append the results."""
    parser = build_parser()
    args = parser.parse_args(argv)
    sizes = sorted({int(n) for n in args.sizes.split(",") if n})
    if args.with_10m and TEN_MILLION not in sizes:
        sizes.append(TEN_MILLION)
    skipped = {name for value in args.skip for name in value.split(",") if name}
    if skipped - set(PIPELINES):
        parser.error(f"unknown pipeline(s) in --skip: {sorted(skipped - set(PIPELINES))}")
    names = [name for name in PIPELINES if name not in skipped]
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    machine = machine_line(machine_info(*PACKAGES))
    version = project_version()
    print(machine, flush=True)
    print(f"run {run_id}: sizes {sizes}, pipelines {names}; project {version}", flush=True)

    results: list[dict[str, Any]] = []
    status = 0
    for rows in sizes:
        data = customers_file(rows)
        if rows == 3000:
            seed_hash = file_sha256(SEED_FILE)
            data["seed_check"] = {
                "seed_sha256": seed_hash,
                "identical": seed_hash == data["sha256"],
            }
        labels, label_counts = planted_labels(data["labels"])
        outs: dict[str, dict[str, Any]] = {}
        for name in names:
            run_dir = WORK_DIR / "runs" / run_id / f"n{rows}" / name
            print(f"  n={rows:,} {TITLES[name]} ...", flush=True)
            outs[name] = run_pipeline(name, data, run_dir, labels)
            if "error" in outs[name]:
                status = 1
            print(f"    wall {outs[name]['wall_seconds']:.1f} s", flush=True)
        project_wall = outs.get("project", {}).get("wall_seconds")
        print("\n".join(["", *table_header()]))
        for name, out in outs.items():
            print(table_row(rows, name, out, project_wall))
        print("\n".join(size_lines(data, outs)) + "\n", flush=True)
        result = {
            "run_id": run_id,
            "label": args.label,
            "machine": machine,
            "project_version": version,
            "project_version_after": project_version(),
            "rows": rows,
            "data": {
                **{k: v for k, v in data.items() if k not in ("csv", "labels")},
                "csv": shown(data["csv"]),
                "labels": shown(data["labels"]),
                "label_counts": label_counts,
            },
            "pipelines": outs,
        }
        results.append(result)
        append_result("whole_pipeline", result)

    print("## Markdown for bench/RESULTS.md\n")
    print(machine)
    print(f"project {version} (after the run: {project_version()})\n")
    lines = table_header()
    for result in results:
        project_wall = result["pipelines"].get("project", {}).get("wall_seconds")
        for name, out in result["pipelines"].items():
            lines.append(table_row(result["rows"], name, out, project_wall))
    print("\n".join(lines) + "\n")
    scaling = scaling_lines(results)
    if scaling:
        print("\n".join(scaling) + "\n")
    print(
        "Phases in seconds; project phases are sums of dbt node execution times from "
        "run_results.json (start = before the first node: parse + Spark start; `other` = "
        "wall - phases: process start and exit, dbt between nodes); project k selection "
        "includes its final fit (the chosen k's sweep fit is the model)."
    )
    print(f"results appended to {shown(DATA_DIR / 'results' / 'whole_pipeline.jsonl')}")
    return status


if __name__ == "__main__":
    sys.exit(main())
