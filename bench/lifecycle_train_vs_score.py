"""Train vs score: two `dbt build`s of one project copy, the first trains, the second scores.

Usage: .venv/bin/python bench/lifecycle_train_vs_score.py [--customers N] [--label TEXT]

N = 0 (default): the shipped seed. N > 0: a generated customers file (bench/data/, reused)
read through `customers_input.path`. Both builds run `python -m customer_segmentation.dbtchain
build` on the embedded target in a fresh SPARK_STATE_DIR: the first with `mode: auto` on an
empty registry (so it trains version 1), the second with `mode: score` (loads version 1 and
scores; nothing is fitted). Prints, from each build's run_results.json, the wall time of the
build, the model nodes of the segmentation (segmentation_models: train or score; then
customer_segments, segment_centroids, segment_registry) and the ratio; appends a JSON line
to bench/data/results/lifecycle.jsonl.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchkit import (
    DATA_DIR,
    append_result,
    generated_customers,
    machine_info,
    machine_line,
    spark_state_dir,
)

from customer_segmentation.dbtchain.workspace import copy_project

MODELS = ("segmentation_models", "customer_segments", "segment_centroids", "segment_registry")


def build(project: Path, variables: dict) -> tuple[float, dict[str, float]]:
    """Run dbt build on the copy with these vars; return wall seconds and model seconds."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project / "profiles"),
        "PYSPARK_PYTHON": sys.executable,
    }
    env.pop("DBT_TARGET", None)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "customer_segmentation.dbtchain",
            "build",
            "--",
            "--vars",
            json.dumps(variables),
        ],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    seconds = {
        result["unique_id"].rsplit(".", 1)[-1]: result["execution_time"]
        for result in results
        if result["unique_id"].startswith("model.") and result["unique_id"].endswith(MODELS)
    }
    return wall, seconds


def main() -> None:
    """Build twice (train, then score) and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=0)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    info = machine_info("pyspark", "dbt-core")
    print(machine_line(info))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    project = copy_project(DATA_DIR / "projects" / f"lifecycle_{args.customers}_{stamp}")
    variables: dict = {}
    if args.customers:
        csv_path, _, _ = generated_customers(args.customers, mess_rate=1.0)
        variables["customers_input"] = {"path": str(csv_path.resolve())}
    spark_state_dir("lifecycle_")
    runs = {}
    for name, mode in (("train", "auto"), ("score", "score")):
        wall, seconds = build(project, {**variables, "segmentation_mode": mode})
        runs[name] = {
            "build_seconds": round(wall, 1),
            **{k: round(v, 2) for k, v in seconds.items()},
        }
        print(
            f"{name}: dbt build {wall:.1f} s; "
            + ", ".join(f"{model} {seconds.get(model, float('nan')):.1f} s" for model in MODELS)
        )
    ratio = runs["train"]["segmentation_models"] / runs["score"]["segmentation_models"]
    print(
        f"segmentation_models train / score: {ratio:.1f}x; whole build "
        f"{runs['train']['build_seconds'] / runs['score']['build_seconds']:.2f}x"
    )
    result = {
        "label": args.label,
        "customers": args.customers or "seed",
        "runs": runs,
        "machine": info,
        "date": stamp,
    }
    print("appended to", append_result("lifecycle", result))


if __name__ == "__main__":
    main()
