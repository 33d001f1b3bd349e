"""Benchmark: the original notebook's KMeans against this project's segmentation, on real data.

Both cluster the file the original PySpark notebook clustered, `mapping_customers.csv`
(18,508 rows, Latin-1), found in $SHARED_DATA_DIR, else in ../shared/data beside the clone,
and read in place; `--rows N` takes only its first N rows (a copy in bench/data/), for a
smoke run. The 24 exact duplicate rows are dropped first, as the pipeline does.

(a) the notebook, replicated independently on purpose: all ten numeric columns assembled
    UNSCALED, MLlib KMeans k=5, seed 42, maxIter 50, on the rows in file order in one
    partition (like the notebook's CSV read). The notebook's own seed is unknown, so its exact
    clusters may differ from these.
(b) this project, its own code: the dbt seeds and models up to customer_features, built with
    the vars of examples/mapping_customers.yml (in this process and its SparkSession, on a copy
    of the project under bench/data/mapping_project/), then `select_k` + `assign_segments` with
    that file's `segmentation` config, as segment_k_selection and customer_segments call them.

Printed for both partitions: k, cluster sizes, adjusted Rand index against the five
IncomeRange levels, scikit-learn silhouettes (Euclidean, on one fixed random sample of 5,000
rows, the same for both partitions) in the notebook's unscaled space and in the project's
standardised space (the library's own coordinates, from prepare_features), the share of each
raw column's variance the partition explains (eta squared), the mean raw values per cluster,
and wall times. Two numpy checks are independent oracles of the library: its coordinates
against z-scores recomputed from the raw values, and its distance_to_centroid against the
distance to the segment mean. One local SparkSession with the dbt `local` target's settings
and its own SPARK_STATE_DIR under bench/data/spark_state/.

    .venv/bin/python bench/mapping_customers_vs_notebook.py
    .venv/bin/python bench/mapping_customers_vs_notebook.py --rows 2000   # smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from benchkit import (
    DATA_DIR,
    PROJECT_DIR,
    append_result,
    build_customer_features,
    machine_info,
    machine_line,
    shown,
    spark_state_dir,
    timed,
)

from customer_segmentation.dbtchain.workspace import copy_project

DATA_FILE_NAME = "mapping_customers.csv"
ENCODING = "latin-1"
WORKSPACE = DATA_DIR / "mapping_project"
SCHEMA = "mapping_bench"
# file column -> the column name the mapping of examples/mapping_customers.yml gives it
# (IncomeRange -> annual_income -> annual_income_amount in stg_customers; the others as mapped)
FILE_COLUMNS = {
    "Age": "age",
    "MaritalStatus": "marital_status",
    "IncomeRange": "annual_income_amount",
    "Gender": "gender_code",
    "TotalChildren": "total_children",
    "ChildrenAtHome": "children_at_home",
    "Education": "education",
    "Occupation": "occupation",
    "HomeOwner": "home_owner",
    "Cars": "cars",
}
SHORT = ["Age", "Married", "Income", "Gender", "Child", "AtHome", "Educ", "Occup", "Owner", "Cars"]
NAME_COLUMN = "CustomerName"


def find_data_file(explicit: Path | None, rows: int | None) -> Path:
    """--data, else $SHARED_DATA_DIR/, else ../shared/data/ beside the clone; or its head."""
    folder = os.environ.get("SHARED_DATA_DIR") or PROJECT_DIR.parent / "shared" / "data"
    path = explicit or Path(folder) / DATA_FILE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; pass --data or set SHARED_DATA_DIR")
    if rows is None:
        return path.resolve()
    head = DATA_DIR / f"{path.stem}_head{rows}{path.suffix}"
    head.parent.mkdir(parents=True, exist_ok=True)
    with path.open("rb") as handle:  # bytes as they are: encoding and line endings kept
        head.write_bytes(b"".join(handle.readline() for _ in range(rows + 1)))
    return head.resolve()


# --------------------------------------------------------------------------- data


def load_file(path: Path) -> tuple[Any, int]:
    """Read the file as text (Latin-1), drop exact duplicate rows; return (frame, rows read).

    The frame keeps the file's row index (0-based) of every row it keeps.
    """
    import pandas as pd

    raw = pd.read_csv(path, encoding=ENCODING, dtype=str, keep_default_na=False)
    expected = [NAME_COLUMN, *FILE_COLUMNS]
    if sorted(raw.columns) != sorted(expected):
        raise ValueError(f"{path}: columns {list(raw.columns)}, expected {expected}")
    return raw[~raw.duplicated(keep="first")], len(raw)


def notebook_frame(spark: Any, text: Any) -> Any:
    """One-partition Spark frame in file order: row (0-based) and the ten columns as doubles."""
    values = text[list(FILE_COLUMNS)].astype("float64").values.tolist()
    rows = spark.sparkContext.parallelize([(i, *row) for i, row in enumerate(values)], 1)
    frame = spark.createDataFrame(rows, ["row", *FILE_COLUMNS.values()]).cache()
    frame.count()
    return frame


def build_features(spark: Any, data: Path, dbt_vars: dict[str, Any]) -> tuple[Any, int]:
    """dbt build up to customer_features on a fresh copy of the project (benchkit)."""
    if WORKSPACE.exists():
        shutil.rmtree(WORKSPACE)
    copy_project(WORKSPACE)
    dbt_vars = {**dbt_vars, "customers_input": {**dbt_vars["customers_input"], "path": str(data)}}
    return build_customer_features(spark, WORKSPACE, SCHEMA, dbt_vars)


def rows_of_customers(spark: Any, text: Any) -> dict[str, int]:
    """customer_id (the project's surrogate key, from stg_customers) -> row of the kept frame.

    Each id's first source row must be a row pandas kept: the key collapses exactly the rows
    pandas finds duplicate, and no two kept rows share an id.
    """
    from pyspark.sql import functions as F

    position = {index: row for row, index in enumerate(text.index)}
    staged = spark.table(f"{SCHEMA}.stg_customers").groupBy("customer_id")
    first_rows = staged.agg(F.min("source_row_number")).collect()
    row_of = {customer: position.get(first - 1, -1) for customer, first in first_rows}
    if len(row_of) != len(text) or -1 in row_of.values():
        raise RuntimeError(
            f"stg_customers' {len(row_of)} customer ids do not match the {len(text)} rows left "
            "after dropping exact duplicates"
        )
    return row_of


def load_config(path: Path) -> tuple[dict[str, Any], Any]:
    """The dbt vars file, and its `segmentation` dict as a validated SegmentationConfig."""
    from customer_segmentation.segmentation import SegmentationConfig

    dbt_vars = yaml.safe_load(path.read_text())
    return dbt_vars, SegmentationConfig.from_dict(dbt_vars["segmentation"])


# --------------------------------------------------------------------------- the two runs


def run_notebook(frame: Any, args: argparse.Namespace) -> dict[str, Any]:
    """(a) VectorAssembler over the ten raw columns, KMeans(k, seed, maxIter); labels by row."""
    import numpy as np
    from pyspark.ml.clustering import KMeans
    from pyspark.ml.feature import VectorAssembler

    def fit_and_predict() -> tuple[Any, Any]:
        assembler = VectorAssembler(inputCols=list(FILE_COLUMNS.values()), outputCol="features")
        assembled = assembler.transform(frame)
        model = KMeans(k=args.notebook_k, seed=args.notebook_seed, maxIter=args.max_iter).fit(
            assembled
        )
        rows = model.transform(assembled).select("row", "prediction").collect()
        labels = np.empty(len(rows), dtype=np.int64)
        for row in rows:
            labels[row["row"]] = row["prediction"]
        return model, labels

    (model, labels), seconds = timed(fit_and_predict)
    return {
        "labels": labels,
        "seconds": seconds,
        "iterations": int(model.summary.numIter),
        "wcss": float(model.summary.trainingCost),
    }


def run_project(features: Any, config: Any, row_of: dict[str, int]) -> dict[str, Any]:
    """(b) select_k + chosen_k + assign_segments; segment ids, distances and the library's
    coordinates (prepare_features) by row."""
    import numpy as np

    from customer_segmentation.segmentation import (
        assign_segments,
        chosen_k,
        prepare_features,
        select_k,
    )

    # select_k fits every k eagerly and returns a small local frame
    k_selection, select_seconds = timed(lambda: select_k(features, config))
    k = chosen_k(k_selection)
    sweep = [row.asDict() for row in k_selection.orderBy("k").collect()]

    def assign() -> list[Any]:
        segments = assign_segments(features, config, k)
        return segments.select(config.id_column, "segment_id", "distance_to_centroid").collect()

    rows, assign_seconds = timed(assign)
    labels = np.zeros(len(row_of), dtype=np.int64)
    distances = np.full(len(row_of), np.nan)
    for row in rows:
        labels[row_of[row[0]]], distances[row_of[row[0]]] = row[1], row[2]
    if len(rows) != len(row_of) or (labels == 0).any():
        raise RuntimeError("assign_segments did not return exactly one segment per customer")
    prepared = prepare_features(features, config)
    space = np.full((len(row_of), len(prepared.slot_columns)), np.nan)
    for row in prepared.frame.select(config.id_column, *prepared.slot_columns).collect():
        space[row_of[row[0]]] = row[1:]
    return {
        "labels": labels,
        "distances": distances,
        "space": space,
        "resolved": prepared.resolved,
        "k": k,
        "sweep": [
            {key: row[key] for key in ("k", "wcss", "silhouette", "is_chosen")} for row in sweep
        ],
        "features": sweep[0]["features"],
        "order_by": sweep[0]["order_by"],
        "select_k_seconds": select_seconds,
        "assign_seconds": assign_seconds,
    }


# --------------------------------------------------------------------------- metrics


def scaling_check(space: Any, resolved: Any, raw: Any) -> float:
    """Largest |library coordinate - numpy's|, numpy's being the z-score of the raw (or log1p'd)
    value, or the raw value for `none`: an independent oracle of the library's scaling."""
    import numpy as np

    names = list(FILE_COLUMNS.values())
    worst = 0.0
    for slot, feature in enumerate(resolved.features):
        if not feature.is_numeric or feature.name not in names:
            raise ValueError(f"feature {feature.name!r} is not one of the file's ten columns")
        values = raw[:, names.index(feature.name)]
        values = np.log1p(values) if feature.transform == "log1p" else values
        if feature.transform != "none":
            values = (values - values.mean()) / values.std(ddof=1)
        worst = max(worst, float(np.abs(space[:, slot] - values).max()))
    return worst


def eta_squared(values: Any, labels: Any) -> float:
    """Between-cluster sum of squares / total sum of squares of one column."""
    import numpy as np

    total = float(((values - values.mean()) ** 2).sum())
    between = sum(
        float((labels == c).sum()) * (float(values[labels == c].mean()) - float(values.mean())) ** 2
        for c in np.unique(labels)
    )
    return between / total if total > 0 else float("nan")


def relabel_by_income(labels: Any, income: Any) -> Any:
    """Number clusters 1.. by descending mean income (the notebook's ids are arbitrary)."""
    import numpy as np

    clusters = np.unique(labels)
    ranked = sorted(clusters, key=lambda c: (-float(income[labels == c].mean()), int(c)))
    mapping = {int(c): rank for rank, c in enumerate(ranked, start=1)}
    return np.array([mapping[int(c)] for c in labels], dtype=np.int64)


def centroid_distance_check(space: Any, labels: Any, distances: Any) -> float:
    """Largest |library distance_to_centroid - distance to the segment mean in `space`|."""
    import numpy as np

    worst = 0.0
    for c in np.unique(labels):
        members = space[labels == c]
        mine = np.sqrt(((members - members.mean(axis=0)) ** 2).sum(axis=1))
        worst = max(worst, float(np.abs(mine - distances[labels == c]).max()))
    return worst


def evaluate(raw: Any, scaled: Any, parts: dict[str, Any], sample_size: int) -> dict[str, Any]:
    """Sizes, ARI vs IncomeRange and each other, sampled silhouettes, eta squared per column."""
    import numpy as np
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    n = len(raw)
    income = raw[:, list(FILE_COLUMNS).index("IncomeRange")]
    # the rows silhouette_score(sample_size, random_state=0) would draw, drawn once for all
    sample = np.random.RandomState(0).permutation(n)[: min(sample_size, n)]
    result: dict[str, Any] = {"sample_size": len(sample), "n": n}
    for side, labels in parts.items():
        sizes = sorted(np.unique(labels, return_counts=True)[1].tolist(), reverse=True)
        result[side] = {
            "k": len(sizes),
            "sizes": sizes,
            "ari_vs_income": float(adjusted_rand_score(income, labels)),
            "silhouette_unscaled": float(silhouette_score(raw[sample], labels[sample])),
            "silhouette_standardised": float(silhouette_score(scaled[sample], labels[sample])),
            "eta_squared": {
                name: eta_squared(raw[:, i], labels) for i, name in enumerate(FILE_COLUMNS)
            },
        }
    sides = list(parts)
    result["ari_between"] = float(adjusted_rand_score(parts[sides[0]], parts[sides[1]]))
    return result


# --------------------------------------------------------------------------- report


def profile_table(raw: Any, labels: Any, title: str) -> list[str]:
    """Mean raw value of every column per cluster, with the cluster's size."""
    import numpy as np

    lines = [title, f"{'':>4}{'size':>7}" + "".join(f"{name:>9}" for name in SHORT)]
    for c in [*np.unique(labels), None]:
        members = raw if c is None else raw[labels == c]
        label = "all" if c is None else str(int(c))
        cells = "".join(
            f"{members[:, i].mean():>9.0f}"
            if name == "IncomeRange"
            else f"{members[:, i].mean():>9.2f}"
            for i, name in enumerate(FILE_COLUMNS)
        )
        lines.append(f"{label:>4}{len(members):>7}{cells}")
    return lines


def report(result: dict[str, Any], raw: Any, labels: dict[str, Any]) -> str:
    """Human-readable summary."""
    data, metrics = result["data"], result["metrics"]
    nb, ours = result["notebook"], result["project"]
    lines = [
        f"data: {data['path']} ({ENCODING}): {data['rows_read']:,} rows, "
        f"{data['duplicates_dropped']} exact duplicates dropped -> {data['customers']:,} "
        f"customers ({data['distinct_customer_ids']:,} distinct customer_id from stg_customers)",
        f"Spark: master={result['spark']['master']} "
        f"defaultParallelism={result['spark']['default_parallelism']} "
        f"state dir {result['spark']['state_dir']} (removed after the run)",
        f"(b) config {result['config_file']}: {result['config']}",
        f"scaling check: max |library coordinate - numpy z-score (raw value for none)| = "
        f"{result['scaling_check']:.2e}; max |library distance_to_centroid - distance to the "
        f"segment mean in the library's space| = {result['distance_check']:.2e}",
        "",
        f"(a) notebook: the ten columns unscaled, MLlib KMeans k={nb['k']} seed={nb['seed']} "
        f"maxIter={nb['max_iter']} (k-means|| init; the notebook's own seed is unknown), "
        f"1 input partition in file order: {nb['iterations']} iterations, "
        f"WCSS {nb['wcss']:.6g}",
        f"(b) project: features {ours['features']}, order_by {ours['order_by']}; select_k "
        "sweep (k: WCSS / Spark silhouette, squared Euclidean, all rows): "
        + ", ".join(
            f"{row['k']}: {row['wcss']:.1f} / {row['silhouette']:.4f}"
            + (" *" if row["is_chosen"] else "")
            for row in ours["sweep"]
        ),
        "",
    ]
    a, b = metrics["notebook"], metrics["project"]

    def row(label: str, left: str, right: str) -> None:
        lines.append(f"{label:44}{left:>26}{right:>26}")

    row("", "(a) notebook", "(b) project")
    row("k", str(a["k"]), str(b["k"]))
    row("cluster sizes (sorted)", "/".join(map(str, a["sizes"])), "/".join(map(str, b["sizes"])))
    row("ARI vs the 5 IncomeRange levels", f"{a['ari_vs_income']:.4f}", f"{b['ari_vs_income']:.4f}")
    row(
        "silhouette, unscaled 10-column space *",
        f"{a['silhouette_unscaled']:.4f}",
        f"{b['silhouette_unscaled']:.4f}",
    )
    row(
        "silhouette, project's standardised space *",
        f"{a['silhouette_standardised']:.4f}",
        f"{b['silhouette_standardised']:.4f}",
    )
    chosen = next(r for r in ours["sweep"] if r["is_chosen"])
    row("Spark silhouette (sq. Euclidean, all rows)", "-", f"{chosen['silhouette']:.4f}")
    lines.append(f"ARI (a) vs (b): {metrics['ari_between']:.4f}")
    lines.append(
        f"* scikit-learn silhouette_score, Euclidean, SAMPLED: the same {metrics['sample_size']:,}"
        f" of {metrics['n']:,} rows for both partitions and both spaces "
        "(RandomState(0).permutation(n)[:5000]); the standardised space is the project's "
        f"{len(result['config_features'])} features: {', '.join(result['config_features'])}"
    )
    lines += ["", "eta squared (between-cluster SS / total SS, raw values), per column:"]
    row("column (project name)", "(a) notebook", "(b) project")
    for name, canonical in FILE_COLUMNS.items():
        used = " [feature]" if canonical in result["config_features"] else ""
        row(
            f"{name} ({canonical}){used}",
            f"{a['eta_squared'][name]:.4f}",
            f"{b['eta_squared'][name]:.4f}",
        )
    lines.append("")
    lines += profile_table(
        raw,
        labels["project"],
        "(b) project: mean raw value per segment (segment_id, 1 = "
        "highest annual_income_amount centroid)",
    )
    lines.append("")
    lines += profile_table(
        raw,
        labels["notebook"],
        "(a) notebook: mean raw value per cluster (renumbered by descending mean IncomeRange)",
    )
    t = result["seconds"]
    lines += [
        "",
        f"wall seconds: pandas read + dedup {t['pandas_load']:.2f}, Spark session start "
        f"{t['spark_start']:.2f}, notebook frame (cache+count) {t['spark_frame']:.2f}, dbt build "
        f"to customer_features ({result['dbt_nodes']} seeds and models) + its cache+count "
        f"{t['dbt_features']:.2f}; "
        f"(a) assemble + KMeans fit + predict + collect {t['notebook']:.2f}; "
        f"(b) select_k (k {result['config_k_range']}) {t['select_k']:.2f} + assign_segments + "
        f"collect {t['assign_segments']:.2f} = {t['select_k'] + t['assign_segments']:.2f}; "
        f"library coordinates collect {t['space']:.2f}; metrics (numpy/scikit-learn) "
        f"{t['metrics']:.2f}; total {t['total']:.2f}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=None, help=f"path of {DATA_FILE_NAME} (default: searched)"
    )
    parser.add_argument("--rows", type=int, default=None, help="only the file's first N rows")
    parser.add_argument(
        "--config",
        type=Path,
        default=PROJECT_DIR / "examples" / "mapping_customers.yml",
        help="dbt vars file: its `customers_input` and `segmentation` configure (b)",
    )
    parser.add_argument("--notebook-k", type=int, default=5)
    parser.add_argument("--notebook-seed", type=int, default=42)
    parser.add_argument("--max-iter", type=int, default=50, help="maxIter of (a)")
    parser.add_argument("--sample-size", type=int, default=5000, help="silhouette sample")
    parser.add_argument("--label", default="", help="free text stored with the results")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run both clusterings in one SparkSession; print and append the results."""
    import numpy as np

    from customer_segmentation.dbtchain.local_session import local_session

    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    machine = machine_line(machine_info("pyspark", "scikit-learn", "numpy", "pandas", "dbt-core"))
    result: dict[str, Any] = {"machine": machine, "label": args.label}
    print(machine, flush=True)

    path = find_data_file(args.data, args.rows)
    (text, rows_read), seconds["pandas_load"] = timed(lambda: load_file(path))
    raw = np.column_stack([text[name].astype("float64").to_numpy() for name in FILE_COLUMNS])
    dbt_vars, config = load_config(args.config)
    result["config_file"] = shown(args.config)
    result["config"] = json.dumps(config.to_dict(), separators=(",", ":"))
    result["config_features"] = list(config.features)
    result["config_k_range"] = f"{config.k}, {config.k_min}..{config.k_max}"

    state_dir = spark_state_dir("mapping_")
    spark, seconds["spark_start"] = timed(lambda: local_session(state_dir))
    spark.sparkContext.setLogLevel("ERROR")
    try:
        result["spark"] = {
            "master": spark.sparkContext.master,
            "default_parallelism": spark.sparkContext.defaultParallelism,
            "state_dir": shown(state_dir),
        }
        frame, seconds["spark_frame"] = timed(lambda: notebook_frame(spark, text))
        (features, result["dbt_nodes"]), seconds["dbt_features"] = timed(
            lambda: build_features(spark, path, dbt_vars)
        )
        row_of = rows_of_customers(spark, text)
        result["data"] = {
            "path": shown(path),
            "rows_read": rows_read,
            "duplicates_dropped": rows_read - len(text),
            "customers": len(text),
            "distinct_customer_ids": len(row_of),
        }
        notebook = run_notebook(frame, args)
        seconds["notebook"] = notebook["seconds"]
        project, project_seconds = timed(lambda: run_project(features, config, row_of))
        seconds["select_k"] = project["select_k_seconds"]
        seconds["assign_segments"] = project["assign_seconds"]
        seconds["space"] = project_seconds - seconds["select_k"] - seconds["assign_segments"]
    finally:
        spark.stop()
        shutil.rmtree(state_dir, ignore_errors=True)

    metrics_started = time.perf_counter()
    space = project["space"]
    result["scaling_check"] = scaling_check(space, project["resolved"], raw)
    income = raw[:, list(FILE_COLUMNS).index("IncomeRange")]
    labels = {
        "notebook": relabel_by_income(notebook["labels"], income),
        "project": project["labels"],
    }
    result["metrics"] = evaluate(raw, space, labels, args.sample_size)
    result["distance_check"] = centroid_distance_check(
        space, project["labels"], project["distances"]
    )
    seconds["metrics"] = time.perf_counter() - metrics_started
    seconds["total"] = time.perf_counter() - started
    result["seconds"] = seconds
    result["notebook"] = {
        "k": args.notebook_k,
        "seed": args.notebook_seed,
        "max_iter": args.max_iter,
        "iterations": notebook["iterations"],
        "wcss": notebook["wcss"],
    }
    result["project"] = {key: project[key] for key in ("k", "sweep", "features", "order_by")}
    print(report(result, raw, labels), flush=True)
    results_file = append_result("mapping_customers_vs_notebook", result)
    print(f"\nresults appended to {results_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
