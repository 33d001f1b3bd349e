"""What `sweep_sample_rows` changes: chosen k, ARI and training time per sample size.

The kmeans k sweep runs on a seeded id-hash sample of at most `sweep_sample_rows` customers;
MLlib then fits the chosen k on every customer. This bench builds customer_features once
from a generated planted file (`python -m customer_segmentation.datagen --rows N --seed 42`,
default mess, N = `--rows`, default 1,000,000; benchkit.generated_customers) with
the project's dbt models (no tests, benchkit.build_customer_features, one SparkSession), then
trains the default config with each sample size of `--samples` (default 5,000, 20,000,
50,000 (the default), 200,000) and prints per size: the chosen k, the rule's sentence, the
sweep's silhouette and stability of that k, the ARI of the scored segments against the
planted labels (bench/k_selection_criteria.py's label reading and ARI), and the training
seconds. Results are appended to bench/data/results/sweep_sample_size.jsonl.

Usage: .venv/bin/python bench/sweep_sample_size.py [--rows N] [--samples 5000,20000,...]
"""

from __future__ import annotations

import argparse
import shutil
from typing import Any

from benchkit import (
    DATA_DIR,
    append_result,
    build_customer_features,
    generated_customers,
    machine_info,
    machine_line,
    shown,
    spark_state_dir,
    timed,
)
from k_selection_criteria import ari, read_labels, segments_of

from customer_segmentation.dbtchain.workspace import copy_project

WORKSPACE = DATA_DIR / "sweep_sample_project"
SCHEMA = "sweep_sample_bench"


def train_with(features: Any, sample_rows: int, labels: dict[str, str]) -> dict[str, Any]:
    """Train the default config with this sweep sample size; score and compare to labels."""
    from customer_segmentation.segmentation import SegmentationConfig, train_model

    config = SegmentationConfig(sweep_sample_rows=sample_rows)
    model, seconds = timed(lambda: train_model(features, config))
    chosen = model.chosen
    return {
        "sweep_sample_rows": sample_rows,
        "k": model.k,
        "k_rule": model.k_rule,
        "silhouette": chosen.silhouette,
        "stability": chosen.stability,
        "smallest_segment_share": chosen.smallest_segment_share,
        "train_seconds": seconds,
        **ari(segments_of(features, model), labels),
    }


def main() -> None:
    """Build the features once, train per sample size, print and store the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samples", default="5000,20000,50000,200000")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    from customer_segmentation.dbtchain.local_session import local_session

    machine = machine_info("pyspark", "numpy", "dbt-core")
    print(machine_line(machine), flush=True)
    csv_path, labels_path, _ = generated_customers(args.rows, 1.0, with_labels=True)
    assert labels_path is not None
    labels, label_counts = read_labels(labels_path)
    shutil.rmtree(WORKSPACE, ignore_errors=True)  # a fresh copy: the checkout as it is now
    copy_project(WORKSPACE)
    state_dir = spark_state_dir("sweep_sample_")
    spark, start_seconds = timed(lambda: local_session(state_dir))
    spark.sparkContext.setLogLevel("ERROR")
    try:
        (features, _), build_seconds = timed(
            lambda: build_customer_features(
                spark, WORKSPACE, SCHEMA, {"customers_input": {"path": str(csv_path)}}
            )
        )
        customers = features.count()
        print(
            f"data: {shown(csv_path)}, {customers:,} customers in customer_features "
            f"(dbt build {build_seconds:.1f} s, Spark start {start_seconds:.1f} s)",
            flush=True,
        )
        runs = []
        for sample_rows in (int(value) for value in args.samples.split(",")):
            run = train_with(features, sample_rows, labels)
            runs.append(run)
            print(
                f"sweep_sample_rows {sample_rows:>9,}: k {run['k']}, ARI {run['ari']:.4f} over "
                f"{run['customers_scored']:,}, silhouette {run['silhouette']:.4f}, stability "
                f"{run['stability']:.3f}, smallest share {run['smallest_segment_share']:.1%}, "
                f"train {run['train_seconds']:.1f} s",
                flush=True,
            )
    finally:
        spark.stop()
        shutil.rmtree(state_dir, ignore_errors=True)
    stored = append_result(
        "sweep_sample_size",
        {
            "label": args.label,
            "machine": machine,
            "rows": args.rows,
            "customers": customers,
            "labels": label_counts,
            "runs": runs,
        },
    )
    print(f"results appended to {stored}")


if __name__ == "__main__":
    main()
