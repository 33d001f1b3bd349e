"""Benchmark: the original notebook's KMeans against this project's segmentation, on real data.

Both cluster the file the original PySpark notebook clustered, `mapping_customers.csv`
(18,508 rows, Latin-1; found in $SHARED_DATA_DIR, else <project>/../shared/data, else
/work/shared/data; read in place, never copied). The 24 exact duplicate rows are dropped
first, as the pipeline does (18,484 customers left).

(a) the notebook: all ten numeric columns assembled UNSCALED, MLlib KMeans k=5, seed 42,
    maxIter 50, on the rows in file order in one partition (like the notebook's CSV read).
    The notebook's own seed is unknown, so its exact clusters may differ from these.
(b) this project: `select_k` + `assign_segments` with the `segmentation` config of
    examples/mapping_customers.yml, on the columns named as that file's mapping names them,
    with customer_id computed as stg_customers does without key columns (`cust_` + the first
    16 hex digits of sha256 over the JSON array of every column's trimmed text, by name).

Printed for both partitions: k, cluster sizes, adjusted Rand index against the five
IncomeRange levels, scikit-learn silhouettes (Euclidean, on one fixed random sample of 5,000
rows, the same for both partitions) in the notebook's unscaled space and in the project's
standardised space, the share of each raw column's variance the partition explains (eta
squared), the mean raw values per cluster, and wall times. One local SparkSession with the
dbt `local` target's settings and its own SPARK_STATE_DIR under bench/data/spark_state/.

    SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python bench/mapping_customers_vs_notebook.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_FILE = DATA_DIR / "results" / "mapping_customers_vs_notebook.jsonl"
DATA_FILE_NAME = "mapping_customers.csv"
ENCODING = "latin-1"
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
NAME_COLUMN = "CustomerName"
# canonical names of the id's key columns (stg_customers: every mapped column, sorted by name)
KEY_NAMES = {**FILE_COLUMNS, "IncomeRange": "annual_income", NAME_COLUMN: "full_name"}


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    """Run function; return its result and the wall seconds it took."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def machine_line() -> str:
    """nproc, load, versions and the UTC date, on one line."""
    import numpy
    import pandas
    import pyspark
    import sklearn

    load = "/".join(f"{value:.2f}" for value in os.getloadavg())
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"machine: nproc={os.cpu_count()} load1/5/15={load} python={platform.python_version()} "
        f"pyspark={pyspark.__version__} sklearn={sklearn.__version__} numpy={numpy.__version__} "
        f"pandas={pandas.__version__} date={date}"
    )


def find_data_file(explicit: Path | None) -> Path:
    """The shared mapping_customers.csv: --data, $SHARED_DATA_DIR, ../shared/data, /work/..."""
    if explicit is not None:
        candidates = [explicit]
    else:
        folders = [os.environ.get("SHARED_DATA_DIR"), PROJECT_DIR.parent / "shared" / "data"]
        folders.append("/work/shared/data")
        candidates = [Path(folder) / DATA_FILE_NAME for folder in folders if folder]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise FileNotFoundError(f"{DATA_FILE_NAME} not found; looked at {[str(c) for c in candidates]}")


# --------------------------------------------------------------------------- data


def load_file(path: Path) -> tuple[Any, int]:
    """Read the file as text (Latin-1), drop exact duplicate rows; return (frame, rows read)."""
    import pandas as pd

    raw = pd.read_csv(path, encoding=ENCODING, dtype=str, keep_default_na=False)
    expected = [NAME_COLUMN, *FILE_COLUMNS]
    if sorted(raw.columns) != sorted(expected):
        raise ValueError(f"{path}: columns {list(raw.columns)}, expected {expected}")
    rows_read = len(raw)
    unique = raw[~raw.duplicated(keep="first")].reset_index(drop=True)
    return unique, rows_read


def spark_frame(spark: Any, text: Any) -> Any:
    """One-partition Spark frame in file order: row, customer_id, the ten columns as doubles."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    file_columns = [NAME_COLUMN, *FILE_COLUMNS]
    schema = StructType(
        [StructField("row", IntegerType(), False)]
        + [StructField(name, StringType()) for name in file_columns]
    )
    rows = [(index, *values) for index, values in enumerate(text[file_columns].values.tolist())]
    raw = spark.createDataFrame(spark.sparkContext.parallelize(rows, 1), schema)

    def input_text(name: str) -> Any:
        return F.expr(f"nullif(trim(cast(`{name}` as string)), '')")

    by_key = sorted(KEY_NAMES, key=lambda name: KEY_NAMES[name])
    customer_id = F.concat(
        F.lit("cust_"),
        F.substring(F.sha2(F.to_json(F.array(*[input_text(name) for name in by_key])), 256), 1, 16),
    )
    frame = raw.select(
        F.col("row"),
        customer_id.alias("customer_id"),
        *[F.col(name).cast("double").alias(FILE_COLUMNS[name]) for name in FILE_COLUMNS],
    ).cache()
    frame.count()
    return frame


def load_config(path: Path) -> Any:
    """The `segmentation` dict of a dbt vars file as a validated SegmentationConfig."""
    import yaml

    from customer_segmentation.segmentation import SegmentationConfig

    return SegmentationConfig.from_dict(yaml.safe_load(path.read_text())["segmentation"])


# --------------------------------------------------------------------------- the two runs


def run_notebook(frame: Any, args: argparse.Namespace) -> dict[str, Any]:
    """(a) VectorAssembler over the ten raw columns, KMeans(k, seed, maxIter); labels by row."""
    import numpy as np
    from pyspark.ml.clustering import KMeans
    from pyspark.ml.feature import VectorAssembler

    columns = list(FILE_COLUMNS.values())

    def fit_and_predict() -> tuple[Any, Any]:
        assembled = VectorAssembler(inputCols=columns, outputCol="features").transform(frame)
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


def run_project(frame: Any, config: Any, row_of: dict[str, int]) -> dict[str, Any]:
    """(b) select_k + chosen_k + assign_segments; segment ids and distances by row."""
    import numpy as np

    from customer_segmentation.segmentation import assign_segments, chosen_k, select_k

    features = frame.drop("row")
    # select_k fits every k eagerly and returns a small local frame
    k_selection, select_seconds = timed(lambda: select_k(features, config))
    k = chosen_k(k_selection)
    sweep = [row.asDict() for row in k_selection.orderBy("k").collect()]

    def assign() -> list[Any]:
        segments = assign_segments(features, config, k)
        return segments.select("customer_id", "segment_id", "distance_to_centroid").collect()

    rows, assign_seconds = timed(assign)
    labels = np.zeros(len(row_of), dtype=np.int64)
    distances = np.full(len(row_of), np.nan)
    for row in rows:
        labels[row_of[row["customer_id"]]] = row["segment_id"]
        distances[row_of[row["customer_id"]]] = row["distance_to_centroid"]
    if len(rows) != len(row_of) or (labels == 0).any():
        raise RuntimeError("assign_segments did not return exactly one segment per customer")
    return {
        "labels": labels,
        "distances": distances,
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


def standardised(raw: Any, config: Any) -> tuple[Any, list[str]]:
    """The project's model space: per feature z-score, log1p then z-score, or raw (none).

    Whole-input mean and sample standard deviation (ddof=1), as segmentation.features does.
    """
    import numpy as np

    names = list(FILE_COLUMNS.values())
    columns = []
    for name, transform in config.features.items():
        values = raw[:, names.index(name)]
        if transform == "none":
            columns.append(values)
            continue
        if transform == "log1p":
            values = np.log1p(values)
        elif transform != "standardise":
            raise ValueError(f"transform {transform!r} of {name!r} is not handled by this bench")
        columns.append((values - values.mean()) / values.std(ddof=1))
    return np.column_stack(columns), list(config.features)


def scaling_check(frame: Any, config: Any, raw: Any) -> float:
    """Largest |library mean/stddev - numpy's| over the scaled features (resolve_features)."""
    import numpy as np

    from customer_segmentation.segmentation import resolve_features

    names = list(FILE_COLUMNS.values())
    worst = 0.0
    for feature in resolve_features(frame.drop("row"), config).features:
        if feature.transform == "none":
            continue
        values = raw[:, names.index(feature.name)]
        values = np.log1p(values) if feature.transform == "log1p" else values
        worst = max(
            worst, abs(feature.mean - values.mean()), abs(feature.stddev - values.std(ddof=1))
        )
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

    short = {
        "Age": "Age",
        "MaritalStatus": "Married",
        "IncomeRange": "Income",
        "Gender": "Gender",
        "TotalChildren": "Child",
        "ChildrenAtHome": "AtHome",
        "Education": "Educ",
        "Occupation": "Occup",
        "HomeOwner": "Owner",
        "Cars": "Cars",
    }
    lines = [title, f"{'':>4}{'size':>7}" + "".join(f"{short[c]:>9}" for c in FILE_COLUMNS)]
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
        f"customers ({data['distinct_customer_ids']:,} distinct customer_id)",
        f"Spark: master={result['spark']['master']} "
        f"defaultParallelism={result['spark']['default_parallelism']} "
        f"state dir {result['spark']['state_dir']} (removed after the run)",
        f"(b) config {result['config_file']}: {result['config']}",
        f"scaling check: max |library mean/stddev - numpy| = {result['scaling_check']:.2e}; "
        f"max |library distance_to_centroid - distance to segment mean in the recomputed space| "
        f"= {result['distance_check']:.2e}",
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
        f"{t['spark_start']:.2f}, Spark frame + customer_id (cache+count) {t['spark_frame']:.2f}; "
        f"(a) assemble + KMeans fit + predict + collect {t['notebook']:.2f}; "
        f"(b) select_k (k {result['config_k_range']}) {t['select_k']:.2f} + assign_segments + "
        f"collect {t['assign_segments']:.2f} = {t['select_k'] + t['assign_segments']:.2f}; "
        f"metrics (numpy/scikit-learn) {t['metrics']:.2f}; total {t['total']:.2f}",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=None, help=f"path of {DATA_FILE_NAME} (default: searched)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=PROJECT_DIR / "examples" / "mapping_customers.yml",
        help="dbt vars file whose `segmentation` dict configures (b)",
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
    result: dict[str, Any] = {"machine": machine_line(), "label": args.label}
    print(result["machine"], flush=True)

    path = find_data_file(args.data)
    (text, rows_read), seconds["pandas_load"] = timed(lambda: load_file(path))
    raw = np.column_stack([text[name].astype("float64").to_numpy() for name in FILE_COLUMNS])
    config = load_config(args.config)
    result["config_file"] = str(args.config.resolve().relative_to(PROJECT_DIR))
    result["config"] = json.dumps(config.to_dict(), separators=(",", ":"))
    result["config_features"] = list(config.features)
    result["config_k_range"] = f"{config.k}, {config.k_min}..{config.k_max}"

    (DATA_DIR / "spark_state").mkdir(parents=True, exist_ok=True)
    state_dir = Path(tempfile.mkdtemp(prefix="mapping_", dir=DATA_DIR / "spark_state")).resolve()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["SPARK_STATE_DIR"] = str(state_dir)
    spark, seconds["spark_start"] = timed(lambda: local_session(state_dir))
    spark.sparkContext.setLogLevel("ERROR")
    try:
        result["spark"] = {
            "master": spark.sparkContext.master,
            "default_parallelism": spark.sparkContext.defaultParallelism,
            "state_dir": str(state_dir.relative_to(PROJECT_DIR)),
        }
        frame, seconds["spark_frame"] = timed(lambda: spark_frame(spark, text))
        row_of = {
            row["customer_id"]: row["row"] for row in frame.select("row", "customer_id").collect()
        }
        result["data"] = {
            "path": str(path),
            "rows_read": rows_read,
            "duplicates_dropped": rows_read - len(text),
            "customers": len(text),
            "distinct_customer_ids": len(row_of),
        }
        if len(row_of) != len(text):
            raise RuntimeError(f"{len(text) - len(row_of)} customer_id collisions after dedup")
        result["scaling_check"] = scaling_check(frame, config, raw)

        notebook = run_notebook(frame, args)
        seconds["notebook"] = notebook["seconds"]
        project = run_project(frame, config, row_of)
        seconds["select_k"] = project["select_k_seconds"]
        seconds["assign_segments"] = project["assign_seconds"]
    finally:
        spark.stop()
        shutil.rmtree(state_dir, ignore_errors=True)

    metrics_started = time.perf_counter()
    scaled, _ = standardised(raw, config)
    income = raw[:, list(FILE_COLUMNS).index("IncomeRange")]
    labels = {
        "notebook": relabel_by_income(notebook["labels"], income),
        "project": project["labels"],
    }
    result["metrics"] = evaluate(raw, scaled, labels, args.sample_size)
    result["distance_check"] = centroid_distance_check(
        scaled, project["labels"], project["distances"]
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
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS_FILE.open("a") as handle:
        handle.write(json.dumps(result, default=str) + "\n")
    print(f"\nresults appended to {RESULTS_FILE.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
