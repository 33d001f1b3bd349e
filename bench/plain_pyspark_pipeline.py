"""The customer segmentation as a plain PySpark script, the way notebooks do it (issue #13).

No dbt and no tests: one SparkSession with the dbt `local` target's settings (from
profiles/profiles.yml through customer_segmentation.dbtchain.local_session.local_spark_conf:
`local[*]`, driver memory 4g, 4 shuffle partitions, AQE; without Hive support, which a script
writing Parquet by path does not need), then, top to bottom:

1. load: `spark.read.csv` with an explicit schema (the generator's 17 columns, all strings,
   rows Spark cannot parse dropped), cached and counted;
2. cleaning: trim, blank = null, `try_cast` of the columns the features use; the as-of date as
   the project's int_as_of_date derives it (the latest last_order_date at most 30 days after
   the 99th percentile of last_order_date); rows dropped that cannot be used: no customer_id,
   unparseable or missing orders/spend/last order date, orders < 1, spend < 0, last order after
   the as-of date (the project's quarantine rules for purchase history; the other columns do
   not enter the features, so their ranges are not checked); then one row per customer_id, the
   latest snapshot (last_order_date, then orders, then spend, descending; then file order),
   as int_customers_validated ranks them; cached and counted;
3. features: the project's `features: auto` set, ln(1 + x) of recency_days (as-of date minus
   last_order_date), frequency (total_orders), monetary (total_spend) and avg_order_value
   (total_spend / total_orders), assembled and z-scored with StandardScaler (mean and sample
   standard deviation); cached and counted;
4. k selection: MLlib KMeans for k = 2..8, one fit each (seed 42, maxIter 50), scored with
   ClusteringEvaluator's silhouette (squared Euclidean, all rows); the highest wins, ties to
   the smaller k;
5. final fit: KMeans again with the chosen k (notebooks re-fit);
6. marts: every customer's segment, a per-segment profile (groupBy + agg: customers, share,
   mean recency/frequency/monetary/avg_order_value), both written as Parquet under --out.

Prints one JSON line (the last line of stdout): seconds per phase, chosen k, silhouette per k,
row counts, as-of date, output paths and this process's peak RSS. bench/whole_pipeline.py runs
it in a fresh process per size:

    .venv/bin/python bench/plain_pyspark_pipeline.py --input CSV --out DIR --state-dir DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchkit import (
    AS_OF_OUTLIER_GAP_DAYS,
    AS_OF_PERCENTILE,
    COLUMNS,
    FEATURES,
    K_VALUES,
    MAX_ITER,
    SEED,
    Clock,
    peak_rss_mib,
)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, required=True, help="customers CSV")
    parser.add_argument("--out", type=Path, required=True, help="folder for the Parquet outputs")
    parser.add_argument(
        "--state-dir", type=Path, required=True, help="SPARK_STATE_DIR for the profile's settings"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pipeline once; print its JSON line."""
    clock = Clock()
    args = build_parser().parse_args(argv)
    from pyspark.ml.clustering import KMeans
    from pyspark.ml.evaluation import ClusteringEvaluator
    from pyspark.ml.feature import StandardScaler, VectorAssembler
    from pyspark.sql import SparkSession, Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    from customer_segmentation.dbtchain.local_session import local_spark_conf

    # ---- Spark start: the dbt local target's settings
    builder = SparkSession.builder
    for key, value in local_spark_conf(args.state_dir.resolve()).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    clock.lap("start")

    # ---- load: explicit schema, every column as text; rows Spark cannot parse are dropped
    schema = StructType([StructField(name, StringType()) for name in COLUMNS])
    raw = (
        spark.read.csv(str(args.input.resolve()), header=True, schema=schema, mode="DROPMALFORMED")
        .withColumn("file_position", F.monotonically_increasing_id())
        .cache()
    )
    rows_loaded = raw.count()
    clock.lap("load")

    # ---- cleaning: trim, blank = null, parse; as-of date; drop unusable rows; dedupe
    def text(name: str) -> Any:
        """A column trimmed, blank as null."""
        trimmed = F.trim(F.col(name))
        return F.when(trimmed != "", trimmed)

    typed = raw.select(
        text("customer_id").alias("customer_id"),
        text("total_orders").try_cast("int").alias("total_orders"),
        text("total_spend").try_cast("double").alias("total_spend"),
        text("last_order_date").try_cast("date").alias("last_order_date"),
        "file_position",
    )
    p99 = typed.select(
        F.percentile_approx("last_order_date", AS_OF_PERCENTILE, 100000).alias("p99")
    ).first()["p99"]
    as_of = (
        typed.where(F.col("last_order_date") <= F.date_add(F.lit(p99), AS_OF_OUTLIER_GAP_DAYS))
        .agg(F.max("last_order_date").alias("as_of"))
        .first()["as_of"]
    )
    usable = typed.where(
        F.col("customer_id").isNotNull()
        & (F.col("total_orders") >= 1)
        & (F.col("total_spend") >= 0)
        & (F.col("last_order_date") <= F.lit(as_of))
    )
    latest_first = Window.partitionBy("customer_id").orderBy(
        F.col("last_order_date").desc(),
        F.col("total_orders").desc(),
        F.col("total_spend").desc(),
        F.col("file_position").asc(),
    )
    cleaned = (
        usable.withColumn("snapshot_rank", F.row_number().over(latest_first))
        .where(F.col("snapshot_rank") == 1)
        .drop("snapshot_rank", "file_position")
        .cache()
    )
    customers = cleaned.count()
    raw.unpersist()
    clock.lap("cleaning")

    # ---- features: log RFM, assembled and z-scored
    measured = cleaned.select(
        "customer_id",
        F.datediff(F.lit(as_of), F.col("last_order_date")).alias("recency_days"),
        F.col("total_orders").alias("frequency"),
        F.col("total_spend").alias("monetary"),
        (F.col("total_spend") / F.col("total_orders")).alias("avg_order_value"),
    )
    logged = measured.select(
        "*",
        F.log1p("recency_days").alias("log_recency_days"),
        F.log1p("frequency").alias("log_frequency"),
        F.log1p("monetary").alias("log_monetary"),
        F.log1p("avg_order_value").alias("log_avg_order_value"),
    )
    assembled = VectorAssembler(inputCols=list(FEATURES), outputCol="raw_features").transform(
        logged
    )
    scaler = StandardScaler(
        inputCol="raw_features", outputCol="features", withMean=True, withStd=True
    ).fit(assembled)
    scaled = scaler.transform(assembled).drop("raw_features").cache()
    scaled.count()
    cleaned.unpersist()
    clock.lap("features")

    # ---- k selection: one seeded KMeans fit per k, silhouette of each
    evaluator = ClusteringEvaluator(
        featuresCol="features", predictionCol="segment", metricName="silhouette"
    )
    silhouettes: dict[int, float] = {}
    for k in K_VALUES:
        fitted = KMeans(
            k=k, seed=SEED, maxIter=MAX_ITER, featuresCol="features", predictionCol="segment"
        ).fit(scaled)
        silhouettes[k] = evaluator.evaluate(fitted.transform(scaled))
    best = max(silhouettes.values())
    chosen_k = min(k for k, value in silhouettes.items() if value == best)
    clock.lap("k_selection")

    # ---- final fit of the chosen k
    final = KMeans(
        k=chosen_k, seed=SEED, maxIter=MAX_ITER, featuresCol="features", predictionCol="segment"
    ).fit(scaled)
    clock.lap("final_fit")

    # ---- marts: segments and the per-segment profile, as Parquet
    segments = final.transform(scaled).select(
        "customer_id", "segment", "recency_days", "frequency", "monetary", "avg_order_value"
    )
    segments_path, profile_path = args.out / "segments", args.out / "segment_profile"
    segments.write.mode("overwrite").parquet(str(segments_path.resolve()))
    profile = (
        segments.groupBy("segment")
        .agg(
            F.count("*").alias("customers"),
            (F.count("*") / F.lit(customers)).alias("share"),
            F.avg("recency_days").alias("mean_recency_days"),
            F.avg("frequency").alias("mean_frequency"),
            F.avg("monetary").alias("mean_monetary"),
            F.avg("avg_order_value").alias("mean_avg_order_value"),
        )
        .orderBy("segment")
    )
    profile.coalesce(1).write.mode("overwrite").parquet(str(profile_path.resolve()))
    clock.lap("marts")

    result = {
        "pipeline": "pyspark",
        "phases": clock.seconds,
        "rows_loaded": rows_loaded,
        "customers": customers,
        "as_of_date": str(as_of),
        "k": chosen_k,
        "silhouettes": silhouettes,
        "segments": str(segments_path),
        "profile": str(profile_path),
        "spark_conf_driver_memory": spark.conf.get("spark.driver.memory"),
    }
    spark.stop()
    result["python_peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
