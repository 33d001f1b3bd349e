"""The customer segmentation in pandas + scikit-learn, in one process (issue #13).

The same steps as bench/plain_pyspark_pipeline.py, on one machine's memory, top to bottom:

1. load: `pd.read_csv` with an explicit dtype (the generator's 17 columns, all strings, no
   NA guessing);
2. cleaning: trim, blank = null, parse the columns the features use (`pd.to_numeric` /
   `pd.to_datetime(format="%Y-%m-%d")`, errors to NaN/NaT); the as-of date as the project's
   int_as_of_date derives it (the latest last_order_date at most 30 days after the 99th
   percentile of last_order_date); rows dropped that cannot be used: no customer_id,
   unparseable or missing orders/spend/last order date, orders < 1, spend < 0, last order
   after the as-of date; then one row per customer_id, the latest snapshot (last_order_date,
   then orders, then spend, descending; then file order), kept in file order;
3. features: ln(1 + x) of recency_days (as-of date minus last_order_date), frequency
   (total_orders), monetary (total_spend) and avg_order_value (total_spend / total_orders),
   z-scored with StandardScaler (mean and population standard deviation);
4. k selection: KMeans(k, n_init=1, random_state=42, max_iter=50) for k = 2..8, each scored
   by `silhouette_score` (Euclidean) on a 20,000-row sample (random_state=0; every row when
   there are fewer); the highest wins, ties to the smaller k;
5. final fit: KMeans again with the chosen k (notebooks re-fit);
6. marts: every customer's segment and a per-segment profile (groupby + agg), both written as
   Parquet (pyarrow) under --out.

Prints one JSON line (the last line of stdout): seconds per phase, chosen k, silhouette per
k, row counts, as-of date, output paths and this process's peak RSS. bench/whole_pipeline.py
runs it in a fresh process per size:

    .venv/bin/python bench/pandas_sklearn_pipeline.py --input CSV --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from benchkit import (
    AS_OF_OUTLIER_GAP_DAYS,
    AS_OF_PERCENTILE,
    COLUMNS,
    K_VALUES,
    MAX_ITER,
    SEED,
    Clock,
    peak_rss_mib,
)

SILHOUETTE_SAMPLE, SILHOUETTE_SEED = 20_000, 0


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, required=True, help="customers CSV")
    parser.add_argument("--out", type=Path, required=True, help="folder for the Parquet outputs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pipeline once; print its JSON line."""
    clock = Clock()
    args = build_parser().parse_args(argv)
    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    clock.lap("start")  # the imports (the Spark side's start is its imports and JVM)

    # ---- load: explicit dtype, every column as text
    raw = pd.read_csv(args.input, dtype=dict.fromkeys(COLUMNS, str), keep_default_na=False)
    rows_loaded = len(raw)
    clock.lap("load")

    # ---- cleaning: trim, blank = null, parse; as-of date; drop unusable rows; dedupe
    def text(name: str) -> pd.Series:
        """A column trimmed, blank as null."""
        return raw[name].str.strip().replace("", np.nan)

    typed = pd.DataFrame(
        {
            "customer_id": text("customer_id"),
            "total_orders": pd.to_numeric(text("total_orders"), errors="coerce"),
            "total_spend": pd.to_numeric(text("total_spend"), errors="coerce"),
            "last_order_date": pd.to_datetime(
                text("last_order_date"), format="%Y-%m-%d", errors="coerce"
            ),
        }
    )
    dates = typed["last_order_date"].dropna()
    p99 = dates.quantile(AS_OF_PERCENTILE, interpolation="lower")
    as_of = dates[dates <= p99 + pd.Timedelta(days=AS_OF_OUTLIER_GAP_DAYS)].max()
    usable = typed[
        typed["customer_id"].notna()
        & (typed["total_orders"] >= 1)
        & (typed["total_spend"] >= 0)
        & (typed["last_order_date"] <= as_of)
    ]
    cleaned = (
        usable.sort_values(
            ["last_order_date", "total_orders", "total_spend"],
            ascending=False,
            kind="mergesort",  # stable: equal snapshots keep file order
        )
        .drop_duplicates("customer_id", keep="first")
        .sort_index()
    )
    customers = len(cleaned)
    clock.lap("cleaning")

    # ---- features: log RFM, z-scored
    measured = pd.DataFrame(
        {
            "customer_id": cleaned["customer_id"],
            "recency_days": (as_of - cleaned["last_order_date"]).dt.days,
            "frequency": cleaned["total_orders"],
            "monetary": cleaned["total_spend"],
            "avg_order_value": cleaned["total_spend"] / cleaned["total_orders"],
        }
    )
    logged = np.log1p(
        measured[["recency_days", "frequency", "monetary", "avg_order_value"]].to_numpy(float)
    )
    scaled = StandardScaler().fit_transform(logged)
    clock.lap("features")

    # ---- k selection: one seeded KMeans fit per k, sampled silhouette of each
    silhouettes: dict[int, float] = {}
    for k in K_VALUES:
        fitted = KMeans(n_clusters=k, n_init=1, random_state=SEED, max_iter=MAX_ITER).fit(scaled)
        silhouettes[k] = float(
            silhouette_score(
                scaled,
                fitted.labels_,
                sample_size=min(SILHOUETTE_SAMPLE, len(scaled)),
                random_state=SILHOUETTE_SEED,
            )
        )
    best = max(silhouettes.values())
    chosen_k = min(k for k, value in silhouettes.items() if value == best)
    clock.lap("k_selection")

    # ---- final fit of the chosen k
    final = KMeans(n_clusters=chosen_k, n_init=1, random_state=SEED, max_iter=MAX_ITER).fit(scaled)
    clock.lap("final_fit")

    # ---- marts: segments and the per-segment profile, as Parquet
    segments = measured.assign(segment=final.labels_)[
        ["customer_id", "segment", "recency_days", "frequency", "monetary", "avg_order_value"]
    ]
    profile = (
        segments.groupby("segment")
        .agg(
            customers=("customer_id", "size"),
            mean_recency_days=("recency_days", "mean"),
            mean_frequency=("frequency", "mean"),
            mean_monetary=("monetary", "mean"),
            mean_avg_order_value=("avg_order_value", "mean"),
        )
        .assign(share=lambda frame: frame["customers"] / customers)
        .reset_index()
    )
    args.out.mkdir(parents=True, exist_ok=True)
    segments_path = args.out / "segments.parquet"
    profile_path = args.out / "segment_profile.parquet"
    segments.to_parquet(segments_path, index=False)
    profile.to_parquet(profile_path, index=False)
    clock.lap("marts")

    result = {
        "pipeline": "pandas",
        "phases": clock.seconds,
        "rows_loaded": rows_loaded,
        "customers": customers,
        "as_of_date": as_of.date().isoformat(),
        "k": chosen_k,
        "silhouettes": silhouettes,
        "silhouette_sample_rows": min(SILHOUETTE_SAMPLE, len(scaled)),
        "segments": str(segments_path),
        "profile": str(profile_path),
        "python_peak_rss_mib": peak_rss_mib(),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
