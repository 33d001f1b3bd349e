"""Benchmark: the Spark segmentation pipeline against the same pipeline in scikit-learn.

For every size N (default: the seed size 3,000 and 1,000,000 customers) this script

1. generates N clean customers (`mess_rate=0`, so every row is segmentable) and their planted
   segment labels into bench/data/ (kept and reused while the generator arguments match);
2. builds the four clustering features (ln(1+x) of recency_days, frequency, monetary and
   avg_order_value, as the dbt feature mart does) once in Spark and once in pandas/numpy from
   the same CSV, and reports those load times separately;
3. times, wall clock, one run each, on already loaded (cached) data:
   (a) Spark: the project's `select_k` (k auto over k_min..k_max) + `assign_segments` with the
       chosen k + writing the segments to parquet;
   (b) scikit-learn: StandardScaler, KMeans(k, random_state=42, n_init=1, max_iter) for every
       k, `silhouette_score` (exact up to 20,000 rows, a 20,000-row sample above), the best
       silhouette chooses k, a final fit, and writing the segments to CSV (no pyarrow here);
4. prints chosen k, silhouettes, adjusted Rand index against the planted labels, wall seconds
   and their ratio, peak memory and the Spark settings used.

Independent re-implementations, on purpose: the scikit-learn side is the baseline (an oracle,
not the project's code), and so are the pandas features and the numpy squared-Euclidean
silhouette that check the Spark side. The Spark features are a stand-in for the four RFM columns
of the customer_features mart on clean data, so the segmentation is timed without a dbt build.

Every size runs in a fresh child process (fresh JVM, fresh peak-RSS counter) with its own
SPARK_STATE_DIR under bench/data/spark_state/ and the dbt `local` target's Spark settings
(customer_segmentation.dbtchain.local_session).

    .venv/bin/python bench/segmentation_vs_sklearn.py                     # 3000 and 1,000,000
    .venv/bin/python bench/segmentation_vs_sklearn.py --sizes 3000 --num-partitions 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from benchkit import (
    AS_OF,
    DATA_DIR,
    append_result,
    generated_customers,
    machine_info,
    machine_line,
    peak_rss_mib,
    process_peak_rss_mib,
    shown,
    spark_state_dir,
    timed,
)

from customer_segmentation.segmentation import RFM_FEATURES

SILHOUETTE_SAMPLE = 20_000
RAW_COLUMNS = ("customer_id", "total_orders", "total_spend", "last_order_date")
PACKAGES = ("pyspark", "scikit-learn", "numpy", "pandas")


def squared_euclidean_silhouette(x: Any, labels: Any) -> float:
    """Mean silhouette with squared Euclidean distances, as Spark's ClusteringEvaluator does.

    An independent numpy oracle of the Spark figure (not the project's code).

    Uses cluster sums, O(n*k*d): the mean squared distance of x to cluster C is
    |x|^2 + mean_C(|y|^2) - 2 x.mean_C(y) (the point itself included, as in Spark);
    points in a singleton cluster score 0.
    """
    import numpy as np

    clusters, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    if len(clusters) < 2:
        return float("nan")
    norms = np.einsum("ij,ij->i", x, x)
    means = np.vstack([x[inverse == c].mean(axis=0) for c in range(len(clusters))])
    mean_norms = np.array([norms[inverse == c].mean() for c in range(len(clusters))])
    distances = norms[:, None] + mean_norms[None, :] - 2.0 * (x @ means.T)
    own = distances[np.arange(len(x)), inverse]
    distances[np.arange(len(x)), inverse] = np.inf
    nearest = distances.min(axis=1)
    scores = np.where(
        sizes[inverse] > 1, (nearest - own) / np.maximum(np.maximum(own, nearest), 1e-300), 0.0
    )
    return float(scores.mean())


# --------------------------------------------------------------------------- pandas / sklearn


def load_pandas(csv_path: Path, labels_path: Path) -> tuple[Any, Any, Any]:
    """Return (customer ids, the n x 4 feature matrix, planted labels aligned to the ids).

    The scikit-learn side's features: an independent re-implementation (an oracle).
    """
    import numpy as np
    import pandas as pd

    raw = pd.read_csv(csv_path, usecols=list(RAW_COLUMNS), dtype=str, keep_default_na=False)
    orders = raw["total_orders"].astype("int64").to_numpy()
    spend = raw["total_spend"].astype("float64").to_numpy()
    last_order = pd.to_datetime(raw["last_order_date"], format="%Y-%m-%d")
    recency = (pd.Timestamp(AS_OF) - last_order).dt.days.to_numpy()
    x = np.column_stack(
        [np.log1p(recency), np.log1p(orders), np.log1p(spend), np.log1p(spend / orders)]
    )
    labels = pd.read_csv(labels_path, usecols=["customer_id", "segment"], dtype=str)
    planted = raw[["customer_id"]].merge(labels, on="customer_id", how="left", validate="1:1")
    return raw["customer_id"].to_numpy(), x, planted["segment"].to_numpy()


def run_sklearn(ids: Any, x: Any, args: argparse.Namespace, out_path: Path) -> dict[str, Any]:
    """StandardScaler + KMeans sweep + silhouette choice + final fit + CSV write, timed.

    The baseline: a deliberately independent re-implementation of the pipeline (an oracle).
    """
    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    n = len(x)
    sample_size = min(n, SILHOUETTE_SAMPLE)
    timings: dict[str, float] = {}
    sweep: list[dict[str, Any]] = []
    started = time.perf_counter()
    scaled, timings["scale"] = timed(lambda: StandardScaler().fit_transform(x))
    for k in range(args.k_min, args.k_max + 1):
        model = KMeans(n_clusters=k, random_state=42, n_init=1, max_iter=args.max_iter)
        labels, fit_seconds = timed(partial(model.fit_predict, scaled))
        score, sil_seconds = timed(
            partial(silhouette_score, scaled, labels, sample_size=sample_size, random_state=0)
        )
        sweep.append(
            {
                "k": k,
                "wcss": float(model.inertia_),
                "silhouette": float(score),
                "n_iter": int(model.n_iter_),
                "fit_s": fit_seconds,
                "silhouette_s": sil_seconds,
            }
        )
    best = max(item["silhouette"] for item in sweep)
    chosen = min(item["k"] for item in sweep if item["silhouette"] >= best - 1e-9)
    timings["select_k"] = time.perf_counter() - started - timings["scale"]
    final = KMeans(n_clusters=chosen, random_state=42, n_init=1, max_iter=args.max_iter)
    labels, timings["final_fit"] = timed(partial(final.fit_predict, scaled))
    distance, seconds = timed(
        lambda: np.sqrt(((scaled - final.cluster_centers_[labels]) ** 2).sum(axis=1))
    )
    timings["final_fit"] += seconds
    frame = pd.DataFrame({"customer_id": ids, "cluster": labels, "distance_to_centroid": distance})
    _, timings["write"] = timed(partial(frame.to_csv, out_path, index=False))
    total = time.perf_counter() - started
    return {
        "seconds": total,
        "timings": timings,
        "sweep": sweep,
        "chosen_k": chosen,
        "silhouette": next(item["silhouette"] for item in sweep if item["k"] == chosen),
        "silhouette_metric": "euclidean, "
        + ("exact (all rows)" if sample_size == n else f"sampled {sample_size} rows"),
        "labels": labels,
        "scaled": scaled,
        "threads": _threadpool_summary(),
    }


def _threadpool_summary() -> str:
    """Which native thread pools scikit-learn used, and how many threads each."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    return ", ".join(f"{pool['internal_api']}={pool['num_threads']}" for pool in threadpool_info())


# --------------------------------------------------------------------------- Spark


def start_spark(state_dir: Path, shuffle_partitions: int | None) -> Any:
    """The dbt `local` target's SparkSession, keeping every job's record so jobs can be counted."""
    from customer_segmentation.dbtchain.local_session import local_session

    overrides = {"spark.ui.retainedJobs": "100000", "spark.ui.retainedStages": "100000"}
    if shuffle_partitions is not None:
        overrides["spark.sql.shuffle.partitions"] = str(shuffle_partitions)
    session = local_session(state_dir, **overrides)
    session.sparkContext.setLogLevel("ERROR")
    return session


def load_spark(spark: Any, csv_path: Path) -> Any:
    """Read the CSV with an all-string schema, cast, compute the 4 log features; cache + count.

    A stand-in for customer_features' RFM columns on clean data (see the module docstring).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    from customer_segmentation.datagen.customers import HEADER

    schema = StructType([StructField(name, StringType()) for name in HEADER])
    raw = spark.read.csv(str(csv_path), header=True, schema=schema, mode="FAILFAST")
    orders = F.col("total_orders").cast("int")
    spend = F.col("total_spend").cast("double")
    recency = F.datediff(F.lit(AS_OF), F.to_date("last_order_date", "yyyy-MM-dd"))
    features = raw.select(
        F.col("customer_id"),
        F.log1p(recency.cast("double")).alias("log_recency_days"),
        F.log1p(orders.cast("double")).alias("log_frequency"),
        F.log1p(spend).alias("log_monetary"),
        F.log1p(spend / orders).alias("log_avg_order_value"),
    ).cache()
    features.count()
    return features


class SparkInstrument:
    """Time and count jobs of every fit_once / silhouette call the library makes.

    Wraps the module-level functions segmentation.clustering looks up at call time (every fit
    and silhouette of train_model's sweep goes through them); behaviour is unchanged. The
    sweep runs them on pool threads, so each wrapper tags its own thread's jobs with the
    group; the bench sets `parallelism: 1`, so calls do not overlap and their times add up.
    """

    def __init__(self, spark: Any, group: str) -> None:
        """Remember the session and the job group whose jobs are counted."""
        self.context = spark.sparkContext
        self.tracker = spark.sparkContext.statusTracker()
        self.group = group
        self.calls: list[dict[str, Any]] = []

    def jobs(self) -> list[int]:
        """Ids of every job run so far in the bench's job group."""
        return list(self.tracker.getJobIdsForGroup(self.group))

    def install(self) -> None:
        """Patch the library's fit and silhouette functions with timing wrappers."""
        import customer_segmentation.segmentation.clustering as clustering_module
        from customer_segmentation.segmentation.clusterers import clusterer_of

        def measured(step: str, function: Any, k_of: Any, facts: Any) -> Any:
            original = getattr(function, "__wrapped__", function)  # a warm-up run patched it

            def wrapper(*args: Any, **kwargs: Any) -> Any:
                self.context.setJobGroup(self.group, "segmentation bench")
                before, started = len(self.jobs()), time.perf_counter()
                value = original(*args, **kwargs)
                seconds, jobs = time.perf_counter() - started, len(self.jobs()) - before
                k = k_of(*args, **kwargs)
                call = {"step": step, "k": k, "seconds": seconds, "jobs": jobs}
                self.calls.append({**call, **facts(value)})
                return value

            wrapper.__wrapped__ = original  # type: ignore[attr-defined]
            return wrapper

        fit = measured(
            "fit",
            clustering_module.fit_once,
            lambda frame, config, k, seed: k,
            lambda model: {"n_iter": int(clusterer_of(model).summary.numIter)},
        )
        silhouette = measured(
            "silhouette",
            clustering_module.silhouette,
            lambda labelled: None,
            lambda score: {},
        )
        clustering_module.fit_once = fit
        clustering_module.silhouette = silhouette


def run_spark(spark: Any, features: Any, args: argparse.Namespace, out_path: Path) -> dict:
    """select_k + assign_segments(chosen k) + parquet write, timed, with job counts."""
    from customer_segmentation.segmentation import (
        SegmentationConfig,
        assign_segments,
        chosen_k,
        select_k,
    )

    values: dict[str, Any] = {"k": "auto", "k_min": args.k_min, "k_max": args.k_max}
    values.update({"seed": 42, "max_iter": args.max_iter, "parallelism": 1})
    if args.num_partitions is not None:
        values["num_partitions"] = args.num_partitions
    config = SegmentationConfig.from_dict(values)
    group = f"bench-spark-pipeline-{out_path.name}"
    spark.sparkContext.setJobGroup(group, "segmentation bench")
    instrument = SparkInstrument(spark, group)
    instrument.install()

    started = time.perf_counter()
    k_selection, select_seconds = timed(lambda: select_k(features, config))
    (k, sweep_rows), chosen_seconds = timed(
        lambda: (chosen_k(k_selection), [row.asDict() for row in k_selection.collect()])
    )
    segments, assign_seconds = timed(lambda: assign_segments(features, config, k))
    _, write_seconds = timed(lambda: segments.write.mode("overwrite").parquet(str(out_path)))
    total = time.perf_counter() - started
    jobs = instrument.jobs()
    spark.sparkContext.setJobGroup("bench-other", "not timed")
    probe = spark.range(0, 1000, 1, config.num_partitions)
    probe.count()  # warm-up
    latencies = sorted(timed(probe.count)[1] for _ in range(10))
    tasks = 0
    for job_id in jobs:
        job = instrument.tracker.getJobInfo(job_id)
        for stage_id in job.stageIds if job is not None else []:
            stage = instrument.tracker.getStageInfo(stage_id)
            if stage is not None:
                tasks += stage.numCompletedTasks
    fits = [call for call in instrument.calls if call["step"] == "fit"]
    sils = [call for call in instrument.calls if call["step"] == "silhouette"]
    return {
        "seconds": total,
        "timings": {
            "select_k": select_seconds,
            "chosen_k": chosen_seconds,
            "assign_segments": assign_seconds,
            "write_parquet": write_seconds,
            "kmeans_fits": sum(call["seconds"] for call in fits),
            "silhouettes": sum(call["seconds"] for call in sils),
        },
        "jobs": len(jobs),
        "tasks": tasks,
        "kmeans_iterations": sum(call["n_iter"] for call in fits),
        "kmeans_fit_jobs": sum(call["jobs"] for call in fits),
        "calls": instrument.calls,
        "sweep": sweep_rows,
        "chosen_k": k,
        "silhouette": next(row["silhouette"] for row in sweep_rows if row["k"] == k),
        "silhouette_metric": "squared euclidean (ClusteringEvaluator), all rows",
        "num_partitions": config.num_partitions,
        "trivial_job_median_ms": latencies[len(latencies) // 2] * 1000,
    }


def spark_labels(spark: Any, out_path: Path, ids: Any) -> Any:
    """The written Spark segment ids, aligned with the pandas row order of ids."""
    import numpy as np
    import pandas as pd

    rows = spark.read.parquet(str(out_path)).select("customer_id", "segment_id").collect()
    frame = pd.DataFrame(rows, columns=["customer_id", "segment_id"])
    aligned = pd.DataFrame({"customer_id": ids}).merge(frame, on="customer_id", how="left")
    if aligned["segment_id"].isna().any():
        raise RuntimeError("some customers have no Spark segment")
    return np.asarray(aligned["segment_id"], dtype=np.int64)


# --------------------------------------------------------------------------- one size


def run_one_size(rows: int, args: argparse.Namespace) -> dict[str, Any]:
    """Everything for one size, in this process (the parent runs this in a child)."""
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    result: dict[str, Any] = {"rows_requested": rows, "machine": machine_info(*PACKAGES)}
    result["args"] = {
        key: value for key, value in vars(args).items() if key not in ("one_size", "sizes")
    }
    csv_path, labels_path, gen_seconds = generated_customers(rows, mess_rate=0, with_labels=True)
    assert labels_path is not None
    result["data"] = {"csv": shown(csv_path), "generated_seconds": gen_seconds}
    out_dir = DATA_DIR / "out"
    out_dir.mkdir(parents=True, exist_ok=True)

    (ids, x, planted), pandas_load = timed(lambda: load_pandas(csv_path, labels_path))
    n = len(x)
    result["n"] = n
    result["load"] = {"pandas_seconds": pandas_load}
    if any(value is None or value != value for value in planted):
        raise RuntimeError("some customers have no planted segment label")
    result["rss_mib_after_pandas_load"] = peak_rss_mib()

    if not args.skip_spark:
        state_dir = spark_state_dir(f"seg_n{rows}_")
        spark, start_seconds = timed(lambda: start_spark(state_dir, args.shuffle_partitions))
        conf = spark.sparkContext.getConf()
        result["spark_conf"] = {
            "driver_memory": conf.get("spark.driver.memory"),
            "master": conf.get("spark.master"),
            "default_parallelism": spark.sparkContext.defaultParallelism,
            "shuffle_partitions": spark.conf.get("spark.sql.shuffle.partitions"),
            "adaptive": spark.conf.get("spark.sql.adaptive.enabled"),
            "state_dir": shown(state_dir),
        }
        result["load"]["spark_session_start_seconds"] = start_seconds
        features, spark_load = timed(lambda: load_spark(spark, csv_path))
        result["load"]["spark_seconds"] = spark_load
        result["load"]["spark_input_partitions"] = features.rdd.getNumPartitions()
        spark_means = features.groupBy().mean(*RFM_FEATURES).first()
        result["feature_mean_max_abs_diff_spark_vs_pandas"] = float(
            max(
                abs(spark_means[f"avg({name})"] - x[:, i].mean())
                for i, name in enumerate(RFM_FEATURES)
            )
        )
        if args.spark_warmup:
            warmup_out = out_dir / f"spark_segments_n{rows}_warmup.parquet"
            warmup = run_spark(spark, features, args, warmup_out)
            result["spark_warmup_seconds"] = warmup["seconds"]
        spark_out = out_dir / f"spark_segments_n{rows}.parquet"
        spark_result = run_spark(spark, features, args, spark_out)
        labels = spark_labels(spark, spark_out, ids)
        spark_result["ari_vs_planted"] = float(adjusted_rand_score(planted, labels))
        jvm_pid = getattr(getattr(spark.sparkContext, "_gateway", None), "proc", None)
        if jvm_pid is not None:
            pid = jvm_pid.pid
            result["jvm_peak_rss_mib"] = process_peak_rss_mib(pid)
            result["jvm_comm"] = Path(f"/proc/{pid}/comm").read_text().strip()
        spark.stop()
        result["spark"] = spark_result
        result["rss_mib_after_spark"] = peak_rss_mib()

    if not args.skip_sklearn:
        sk_out = out_dir / f"sklearn_segments_n{rows}.csv"
        sk = run_sklearn(ids, x, args, sk_out)
        sk["ari_vs_planted"] = float(adjusted_rand_score(planted, sk["labels"]))
        # Like-for-like silhouettes (not timed): Spark's squared-Euclidean definition over
        # all rows for sklearn's clustering, and sklearn's metric for Spark's clustering.
        sk["silhouette_sq_euclidean"] = squared_euclidean_silhouette(sk["scaled"], sk["labels"])
        if "spark" in result:
            spark_result = result["spark"]
            spark_result["silhouette_sq_euclidean"] = squared_euclidean_silhouette(
                sk["scaled"], labels
            )
            spark_result["silhouette_sklearn_metric"] = float(
                silhouette_score(
                    sk["scaled"], labels, sample_size=min(n, SILHOUETTE_SAMPLE), random_state=0
                )
            )
            spark_result["ari_vs_sklearn"] = float(adjusted_rand_score(sk["labels"], labels))
        del sk["labels"], sk["scaled"]
        result["sklearn"] = sk
        result["rss_mib_after_sklearn"] = peak_rss_mib()

    result["peak_rss_mib"] = peak_rss_mib()
    return result


# --------------------------------------------------------------------------- report


def report(result: dict[str, Any]) -> str:
    """Human-readable summary of one size's result."""
    lines = [machine_line(result["machine"])]
    n = result["n"]
    lines.append(f"N = {n:,} customers (clean, mess_rate=0), data: {result['data']['csv']}")
    load = result["load"]
    load_parts = [f"pandas {load['pandas_seconds']:.2f}s"]
    if "spark_seconds" in load:
        load_parts.append(
            f"Spark session start {load['spark_session_start_seconds']:.2f}s, "
            f"Spark CSV->features cache+count {load['spark_seconds']:.2f}s "
            f"({load['spark_input_partitions']} input partitions)"
        )
    lines.append("load (not in the timings below): " + "; ".join(load_parts))
    if "spark_warmup_seconds" in result:
        lines.append(
            f"Spark warm-up run (untimed, same JVM, before the timed run): "
            f"{result['spark_warmup_seconds']:.2f}s; the Spark timings below are of a warm JVM"
        )
    spark, sk = result.get("spark"), result.get("sklearn")
    if spark:
        conf = result["spark_conf"]
        lines.append(
            f"Spark settings: master={conf['master']} driver.memory={conf['driver_memory']} "
            f"defaultParallelism={conf['default_parallelism']} "
            f"sql.shuffle.partitions={conf['shuffle_partitions']} "
            f"adaptive={conf['adaptive']} segmentation num_partitions={spark['num_partitions']}"
        )
        lines.append(
            f"feature check: max |mean(Spark) - mean(pandas)| = "
            f"{result['feature_mean_max_abs_diff_spark_vs_pandas']:.2e}"
        )
    lines.append(f"{'':28}{'Spark':>16}{'scikit-learn':>16}")

    def get(side: dict | None, key: str, fmt: str) -> str:
        return "-" if not side or side.get(key) is None else format(side[key], fmt)

    for label, spark_key, sk_key, fmt in [
        ("chosen k", "chosen_k", "chosen_k", "d"),
        ("silhouette (own metric)", "silhouette", "silhouette", ".4f"),
        (
            "silhouette sq-eucl, all rows",
            "silhouette_sq_euclidean",
            "silhouette_sq_euclidean",
            ".4f",
        ),
        ("silhouette sklearn metric", "silhouette_sklearn_metric", "silhouette", ".4f"),
        ("ARI vs planted labels", "ari_vs_planted", "ari_vs_planted", ".4f"),
        ("wall seconds (pipeline)", "seconds", "seconds", ".2f"),
    ]:
        lines.append(f"{label:28}{get(spark, spark_key, fmt):>16}{get(sk, sk_key, fmt):>16}")
    if spark and sk:
        lines.append(
            f"ratio Spark / scikit-learn wall time: {spark['seconds'] / sk['seconds']:.1f}x"
        )
        lines.append(f"ARI Spark clustering vs sklearn clustering: {spark['ari_vs_sklearn']:.4f}")
    if spark:
        t = spark["timings"]
        lines.append(
            f"Spark silhouette metric: {spark['silhouette_metric']}; breakdown: "
            f"select_k {t['select_k']:.2f}s (KMeans fits {t['kmeans_fits']:.2f}s incl. final, "
            f"silhouettes {t['silhouettes']:.2f}s), assign_segments {t['assign_segments']:.2f}s, "
            f"write parquet {t['write_parquet']:.2f}s"
        )
        per_job = spark["seconds"] / max(spark["jobs"], 1)
        lines.append(
            f"Spark jobs {spark['jobs']} ({spark['tasks']} tasks), {per_job * 1000:.0f} ms/job; "
            f"KMeans: {spark['kmeans_iterations']} iterations in {spark['kmeans_fit_jobs']} jobs; "
            f"a trivial count over spark.range(1000) in num_partitions partitions takes "
            f"{spark['trivial_job_median_ms']:.0f} ms (median of 10, after the run)"
        )
        lines.append(
            "Spark per k: "
            + ", ".join(
                f"k={call['k']} {call['step']} {call['seconds']:.2f}s/{call['jobs']}j"
                + (f"/{call['n_iter']}it" if "n_iter" in call else "")
                for call in spark["calls"]
            )
        )
        lines.append(
            "Spark sweep: " + ", ".join(f"k={r['k']}:{r['silhouette']:.4f}" for r in spark["sweep"])
        )
    if sk:
        t = sk["timings"]
        lines.append(
            f"sklearn silhouette metric: {sk['silhouette_metric']}; breakdown: scale "
            f"{t['scale']:.2f}s, select_k {t['select_k']:.2f}s (fits "
            f"{sum(s['fit_s'] for s in sk['sweep']):.2f}s, silhouettes "
            f"{sum(s['silhouette_s'] for s in sk['sweep']):.2f}s), final fit "
            f"{t['final_fit']:.2f}s, write CSV {t['write']:.2f}s; threads: {sk['threads']}"
        )
        lines.append(
            "sklearn sweep: "
            + ", ".join(f"k={s['k']}:{s['silhouette']:.4f}/{s['n_iter']}it" for s in sk["sweep"])
        )
    memory = f"peak RSS of the Python process {result['peak_rss_mib']:.0f} MiB"
    if "rss_mib_after_spark" in result:
        memory += (
            f" (after pandas load {result['rss_mib_after_pandas_load']:.0f}, after Spark "
            f"{result['rss_mib_after_spark']:.0f})"
        )
    if result.get("jvm_peak_rss_mib") is not None:
        memory += (
            f"; Spark driver JVM ({result['jvm_comm']}) peak RSS "
            f"{result['jvm_peak_rss_mib']:.0f} MiB with driver.memory="
            f"{result['spark_conf']['driver_memory']}"
        )
    lines.append(memory)
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def parse_sizes(text: str) -> list[int]:
    """Comma-separated sizes, e.g. '3000,1000000' (underscores allowed)."""
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[3000, 1_000_000])
    parser.add_argument("--max-iter", type=int, default=50)
    parser.add_argument("--k-min", type=int, default=2)
    parser.add_argument("--k-max", type=int, default=8)
    parser.add_argument(
        "--num-partitions",
        type=int,
        default=None,
        help="SegmentationConfig num_partitions (default: the config's default)",
    )
    parser.add_argument(
        "--shuffle-partitions",
        type=int,
        default=None,
        help="override spark.sql.shuffle.partitions (default: profiles.yml's value)",
    )
    parser.add_argument(
        "--spark-warmup",
        action="store_true",
        help="run the Spark pipeline once untimed first (warm JVM: JIT, classes loaded)",
    )
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--label", default="", help="free text stored with the results")
    parser.add_argument("--one-size", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every size in its own child process; print and append the results."""
    args = build_parser().parse_args(argv)
    if args.one_size is not None:
        result = run_one_size(args.one_size, args)
        print("RESULT_JSON " + json.dumps(result, default=str), flush=True)
        return 0
    print(machine_line(machine_info(*PACKAGES)), flush=True)
    status = 0
    for rows in args.sizes:
        child_argv = [sys.executable, __file__, "--one-size", str(rows)]
        child_argv += [arg for arg in (argv if argv is not None else sys.argv[1:])]
        started = time.perf_counter()
        proc = subprocess.run(child_argv, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        result_lines = [
            line for line in proc.stdout.splitlines() if line.startswith("RESULT_JSON ")
        ]
        if proc.returncode != 0 or not result_lines:
            print(f"N={rows}: child failed (exit {proc.returncode})\n{proc.stderr[-4000:]}")
            status = 1
            continue
        result = json.loads(result_lines[-1].removeprefix("RESULT_JSON "))
        result["child_wall_seconds"] = wall
        print(f"\n=== N = {rows:,} (child process wall {wall:.1f}s) ===", flush=True)
        print(report(result), flush=True)
        results_file = append_result("segmentation_vs_sklearn", result)
        print(f"\nresults appended to {results_file}")
    return status


if __name__ == "__main__":
    sys.exit(main())
