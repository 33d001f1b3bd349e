"""Benchmark: every k-selection criterion per k, and the k each rule would choose (issue #12).

Four data sets, each built by the project's own dbt models up to customer_features and
segmented by the library's own `train_model`:

- `seed`: the shipped `seeds/customers.csv` (3,000 generated customers, 5 planted segments,
  the generator's default mess). It has no labels file, so the bench regenerates it with
  `python -m customer_segmentation.datagen --rows 3000 --seed 42 --labels-out ...` into
  bench/data/k_selection/ and uses those labels only if the regenerated CSV's SHA-256 equals
  the seed's (printed either way);
- `mapping`: the original notebook's `mapping_customers.csv` (18,508 real demographic rows,
  Latin-1), from $SHARED_DATA_DIR, else ../shared/data beside the clone, read in place, with
  the `customers_input` and the `segmentation` features/order_by of
  examples/mapping_customers.yml. Its `k`, `k_min` and `k_max` are dropped, so the library's
  default k range and rule apply; the k 2..8 run below is exactly the file's own config;
- `planted`: `python -m customer_segmentation.datagen --rows N --seed 7` (5 planted segments,
  default mess; N = `--rows`, default 20,000), with its labels file;
- `blob`: the same with `--structure blob`: one population, no planted segments.
The generated files are written to bench/data/k_selection/ on every run (`--force`).

Per data set: one dbt build (`build --select +customer_features`, no tests, in this process's
SparkSession, `customers_input.path` = the file's absolute path, schema `k_selection_<name>`)
on one copy of the project (bench/data/k_selection_project/, by
customer_segmentation.dbtchain.workspace.copy_project), then two trainings,
`train_model(customer_features, SegmentationConfig.from_dict(cfg))`:

1. the defaults (k 3..8, n_init 3, stability_runs 2, min_segment_share 0.05,
   min_stability 0.8): the project's rule as shipped;
2. the same with `k_min: 2`, so k = 2 is in the table as in the issue's evidence.

Every fit is seeded per k, so the k 3..8 rows of both sweeps must agree; the bench checks it.
From the k 2..8 table it computes the k each single-criterion rule would choose (ties to the
smaller k; these rules ignore the share and stability thresholds):

- silhouette: the highest (MLlib's squared-Euclidean silhouette, all rows);
- Davies-Bouldin: the lowest;
- Calinski-Harabasz: the highest;
- elbow: the k with the largest second difference WCSS(k-1) - 2 WCSS(k) + WCSS(k+1), over
  the interior ks 3..7 (the sharpest bend of the WCSS curve);
- stability: the highest (mean ARI between the fits on two random halves);
- the project's rule (segmentation.k_rule): train_model's choice with k 3..8 and with 2..8.

For both trainings' chosen k: the segment shares (score_customers on all of customer_features)
and, for `seed` and `planted`, the adjusted Rand index (scikit-learn) against the planted
labels. customer_features' customer_id is the file's customer_id (stg_customers keeps an
input id column as trimmed text), so the join is on that id. The labels file has one row per
CSV row: a customer's label is the segment of its labelled rows; rows with an empty label are
the generator's spoiled rows (a defect that moves the customer out of its segment) and rows
without an id cannot be joined, so customers with no labelled row are left out of the ARI
(counts printed). `blob` has no planted partition (every row is labelled `blob`), so no ARI.

Printed per data set: the k 2..8 table (k | WCSS | silhouette | DB | CH | smallest share |
stability | meets share | meets stability | chosen), the choice of each rule, the rule's
sentence for both trainings, shares and ARI, and wall times (datagen, dbt build, each train,
scoring). One local SparkSession with the dbt `local` target's settings and its own
SPARK_STATE_DIR under bench/data/spark_state/ (removed after the run). Results are appended to
bench/data/results/k_selection_criteria.jsonl.

    .venv/bin/python bench/k_selection_criteria.py
    .venv/bin/python bench/k_selection_criteria.py --only seed            # smoke run
    .venv/bin/python bench/k_selection_criteria.py --only planted --rows 5000
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
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

DATASETS = ("seed", "mapping", "planted", "blob")
GENERATED_DIR = DATA_DIR / "k_selection"
WORKSPACE = DATA_DIR / "k_selection_project"
SCHEMA_PREFIX = "k_selection_"
SEED_FILE = PROJECT_DIR / "seeds" / "customers.csv"
SEED_ROWS, SEED_SEED = 3000, 42  # how seeds/customers.csv was generated
GENERATED_SEED = 7
MAPPING_FILE_NAME = "mapping_customers.csv"
MAPPING_CONFIG = PROJECT_DIR / "examples" / "mapping_customers.yml"
K_KEYS = ("k", "k_min", "k_max")  # dropped from the mapping file's config: defaults apply
WIDE = {"k_min": 2}  # the second training: k = 2 in the table
TIE = 1e-9


# --------------------------------------------------------------------------- data sets


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def generate(name: str, rows: int, seed: int, structure: str) -> dict[str, Any]:
    """Run the generator's command line into bench/data/k_selection/; return paths and counts."""
    GENERATED_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"customers_{name}_n{rows}_s{seed}"
    out, labels = GENERATED_DIR / f"{stem}.csv", GENERATED_DIR / f"{stem}_labels.csv"
    command = [
        sys.executable,
        "-m",
        "customer_segmentation.datagen",
        *("--rows", str(rows), "--seed", str(seed), "--out", str(out)),
        *("--labels-out", str(labels), "--structure", structure, "--force"),
    ]
    run, seconds = timed(
        lambda: subprocess.run(command, check=True, capture_output=True, text=True)
    )
    shown_command = " ".join(["python", *command[1:]]).replace(str(PROJECT_DIR) + "/", "")
    return {
        "csv": out,
        "labels": labels,
        "counts": json.loads(run.stdout),
        "command": shown_command,
        "datagen_seconds": seconds,
    }


def mapping_file() -> Path:
    """$SHARED_DATA_DIR/mapping_customers.csv, else ../shared/data/ beside the clone."""
    folder = os.environ.get("SHARED_DATA_DIR") or PROJECT_DIR.parent / "shared" / "data"
    path = Path(folder) / MAPPING_FILE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; set SHARED_DATA_DIR")
    return path.resolve()


def prepare(name: str, rows: int) -> dict[str, Any]:
    """What one data set is: its file, dbt vars, base segmentation config and labels."""
    if name == "seed":
        regenerated = generate("seed_regenerated", SEED_ROWS, SEED_SEED, "planted")
        seed_hash, regenerated_hash = sha256(SEED_FILE), sha256(regenerated["csv"])
        same = seed_hash == regenerated_hash
        return {
            "file": SEED_FILE,
            "customers_input": {},
            "base_config": {},
            "labels": regenerated["labels"] if same else None,
            "generated": regenerated,
            "hash_check": {
                "seed_sha256": seed_hash,
                "regenerated_sha256": regenerated_hash,
                "identical": same,
            },
        }
    if name == "mapping":
        file_vars = yaml.safe_load(MAPPING_CONFIG.read_text())
        own = dict(file_vars["segmentation"])
        return {
            "file": mapping_file(),
            "customers_input": dict(file_vars["customers_input"]),
            "base_config": {key: value for key, value in own.items() if key not in K_KEYS},
            "file_config": own,
            "labels": None,
        }
    structure = "planted" if name == "planted" else "blob"
    made = generate(name, rows, GENERATED_SEED, structure)
    return {
        "file": made["csv"],
        "customers_input": {},
        "base_config": {},
        "labels": made["labels"] if structure == "planted" else None,
        "generated": made,
    }


def build_features(spark: Any, name: str, data: dict[str, Any]) -> tuple[Any, int]:
    """Build this data set's customer_features into its own schema (benchkit)."""
    dbt_vars = {"customers_input": {**data["customers_input"], "path": str(data["file"])}}
    return build_customer_features(spark, WORKSPACE, SCHEMA_PREFIX + name, dbt_vars)


# --------------------------------------------------------------------------- labels, ARI


def read_labels(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """customer_id -> planted segment (of its labelled rows), and what was left out."""
    labelled: dict[str, set[str]] = {}
    unlabelled_ids: set[str] = set()
    counts: Counter[str] = Counter()
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            counts["rows"] += 1
            customer, segment = row["customer_id"].strip(), row["segment"].strip()
            if not customer:
                counts["rows_without_id"] += 1
            elif not segment:
                counts["rows_spoiled"] += 1
                unlabelled_ids.add(customer)
            else:
                labelled.setdefault(customer, set()).add(segment)
    counts["ids_with_conflicting_labels"] = sum(len(s) > 1 for s in labelled.values())
    counts["ids_labelled"] = len(labelled)
    counts["ids_only_spoiled_rows"] = len(unlabelled_ids - labelled.keys())
    counts["ids_labelled_and_spoiled_rows"] = len(unlabelled_ids & labelled.keys())
    return {c: min(s) for c, s in labelled.items()}, dict(counts)


def segments_of(features: Any, model: Any) -> dict[str, int]:
    """customer_id -> segment_id of every customer, scored by the trained model."""
    from customer_segmentation.segmentation import score_customers

    scored = score_customers(features, model.pipeline, model.ranks, model.centers, "customer_id")
    return {row[0]: int(row[1]) for row in scored.select("customer_id", "segment_id").collect()}


def shares(segments: dict[str, int]) -> list[dict[str, Any]]:
    """Size and share of every segment id."""
    sizes = Counter(segments.values())
    total = sum(sizes.values())
    return [{"segment_id": s, "customers": n, "share": n / total} for s, n in sorted(sizes.items())]


def ari(segments: dict[str, int], labels: dict[str, str]) -> dict[str, Any]:
    """ARI of the segments against the planted labels, on the customers that have both."""
    from sklearn.metrics import adjusted_rand_score

    common = sorted(segments.keys() & labels.keys())
    return {
        "ari": float(
            adjusted_rand_score([labels[c] for c in common], [segments[c] for c in common])
        ),
        "customers_scored": len(common),
        "segmented_without_label": len(segments.keys() - labels.keys()),
        "labelled_not_segmented": len(labels.keys() - segments.keys()),
    }


# --------------------------------------------------------------------------- rules


def pick(scores: list[dict[str, Any]], key: str, best: Callable[..., float]) -> int | None:
    """The k whose `key` is best (max or min), ties to the smaller k; None if none is finite."""
    values = {s["k"]: s[key] for s in scores if s[key] is not None and math.isfinite(s[key])}
    if not values:
        return None
    target = best(values.values())
    return min(k for k, v in values.items() if abs(v - target) <= TIE * max(1.0, abs(target)))


def elbow(scores: list[dict[str, Any]]) -> int | None:
    """The interior k with the largest second difference of WCSS (ties to the smaller k)."""
    wcss = {s["k"]: s["wcss"] for s in scores}
    bends = [
        {"k": k, "bend": wcss[k - 1] - 2 * wcss[k] + wcss[k + 1]}
        for k in sorted(wcss)
        if k - 1 in wcss and k + 1 in wcss
    ]
    return pick(bends, "bend", max)


def rule_choices(scores: list[dict[str, Any]], chosen: dict[str, int | None]) -> dict[str, Any]:
    """The k of every single-criterion rule on the table, and the project's rule's choices."""
    return {
        "max silhouette": pick(scores, "silhouette", max),
        "min Davies-Bouldin": pick(scores, "davies_bouldin", min),
        "max Calinski-Harabasz": pick(scores, "calinski_harabasz", max),
        "elbow (max 2nd difference of WCSS)": elbow(scores),
        "max stability": pick(scores, "stability", max),
        **{f"project rule, k {span}": k for span, k in chosen.items()},
    }


# --------------------------------------------------------------------------- training


def train(features: Any, config: dict[str, Any], labels: dict[str, str] | None) -> dict[str, Any]:
    """train_model with this config; its sweep, choice, rule sentence, shares, ARI, times."""
    from customer_segmentation.segmentation import SegmentationConfig, train_model
    from customer_segmentation.segmentation.k_rule import KRuleError

    parsed = SegmentationConfig.from_dict(config)
    out: dict[str, Any] = {"config": config, "k_range": f"{parsed.k_min}..{parsed.k_max}"}
    try:
        model, out["train_seconds"] = timed(lambda: train_model(features, parsed))
    except KRuleError as error:
        out["error"] = str(error)
        return out
    out["sweep"] = [asdict(score) for score in model.sweep]
    out["k"], out["k_rule"] = model.k, model.k_rule
    out["features"] = model.resolved.describe()
    segments, out["score_seconds"] = timed(lambda: segments_of(features, model))
    out["shares"] = shares(segments)
    if labels is not None:
        out["ari"] = ari(segments, labels)
    return out


def same_rows(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> bool:
    """Tell whether two sweeps agree on every criterion of the ks they share (not is_chosen)."""
    keys = [key for key in (first or [{}])[0] if key not in ("is_chosen", "meets_min_share")]
    by_k = {row["k"]: row for row in second}
    shared = [row for row in first if row["k"] in by_k]
    return bool(shared) and all(
        all(_close(row[key], by_k[row["k"]][key]) for key in keys) for row in shared
    )


def _close(a: Any, b: Any) -> bool:
    """Equal, or floats within 1e-9 relative."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b


def run_dataset(spark: Any, name: str, rows: int) -> dict[str, Any]:
    """Prepare, build, train twice and evaluate one data set."""
    data, prepare_seconds = timed(lambda: prepare(name, rows))
    out: dict[str, Any] = {"name": name, "file": shown(data["file"])}
    seconds: dict[str, float] = {"prepare": prepare_seconds}
    if "generated" in data:
        made = data["generated"]
        out["generated"] = {
            "command": made["command"],
            "csv": shown(made["csv"]),
            "labels": shown(made["labels"]),
            "counts": made["counts"],
        }
        seconds["datagen"] = made["datagen_seconds"]
    if "hash_check" in data:
        out["hash_check"] = data["hash_check"]
    if "file_config" in data:
        out["file_config"] = data["file_config"]
    labels = None
    if data["labels"] is not None:
        labels, out["label_counts"] = read_labels(data["labels"])
    (features, out["dbt_nodes"]), seconds["dbt_build"] = timed(
        lambda: build_features(spark, name, data)
    )
    try:
        out["customers"] = features.count()
        base = data["base_config"]
        out["default"] = train(features, dict(base), labels)
        out["wide"] = train(features, {**base, **WIDE}, labels)
    finally:
        features.unpersist()
    if "file_config" in data:
        from customer_segmentation.segmentation import SegmentationConfig

        as_run = SegmentationConfig.from_dict(out["wide"]["config"]).to_dict()
        as_file = SegmentationConfig.from_dict(data["file_config"]).to_dict()
        out["wide_is_file_config"] = as_run == as_file
    for key in ("default", "wide"):
        for part in ("train", "score"):
            if f"{part}_seconds" in out[key]:
                seconds[f"{part}_{key}"] = out[key][f"{part}_seconds"]
    out["seconds"] = seconds
    if "sweep" in out["default"] and "sweep" in out["wide"]:
        out["sweeps_agree_on_k_3_to_8"] = same_rows(out["default"]["sweep"], out["wide"]["sweep"])
    table = out["wide"].get("sweep") or out["default"].get("sweep") or []
    chosen = {out[key]["k_range"]: out[key].get("k") for key in ("default", "wide") if key in out}
    out["rules"] = rule_choices(table, chosen) if table else {}
    return out


# --------------------------------------------------------------------------- report


def _num(value: Any, fmt: str) -> str:
    """A number formatted, or '-' for None."""
    return "-" if value is None else format(value, fmt)


def _yes(value: Any) -> str:
    """yes / no / - (not measured)."""
    return "-" if value is None else ("yes" if value else "no")


def sweep_table(rows: list[dict[str, Any]], chosen: dict[str, int | None]) -> list[str]:
    """The criteria table, one line per k, the chosen column naming each training's pick."""
    header = (
        f"{'k':>3} | {'WCSS':>11} | {'silhouette':>10} | {'DB':>7} | {'CH':>10} | "
        f"{'smallest share':>14} | {'stability':>9} | {'meets share':>11} | "
        f"{'meets stability':>15} | chosen"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        marks = [f"k {span}" for span, k in chosen.items() if k == r["k"]]
        lines.append(
            f"{r['k']:>3} | {r['wcss']:>11.1f} | {r['silhouette']:>10.4f} | "
            f"{r['davies_bouldin']:>7.4f} | {r['calinski_harabasz']:>10.1f} | "
            f"{100 * r['smallest_segment_share']:>13.1f}% | {_num(r['stability'], '.3f'):>9} | "
            f"{_yes(r['meets_min_share']):>11} | {_yes(r['meets_stability']):>15} | "
            f"{', '.join(marks)}"
        )
    return lines


def training_lines(label: str, t: dict[str, Any]) -> list[str]:
    """The rule's sentence, shares, ARI and times of one training."""
    if "error" in t:
        return [f"{label}: k rule failed: {t['error']}"]
    shares_text = " / ".join(
        f"{s['segment_id']}: {s['customers']:,} ({100 * s['share']:.1f}%)" for s in t["shares"]
    )
    lines = [
        f"{label}: k={t['k']}; {t['k_rule']}",
        f"    segment sizes: {shares_text}",
    ]
    if "ari" in t:
        a = t["ari"]
        lines.append(
            f"    ARI vs planted labels: {a['ari']:.4f} on {a['customers_scored']:,} customers "
            f"({a['segmented_without_label']:,} segmented customers without a planted label "
            f"left out; {a['labelled_not_segmented']:,} labelled ids not in customer_features)"
        )
    lines.append(
        f"    wall seconds: train_model {t['train_seconds']:.1f}, "
        f"score_customers + collect {t['score_seconds']:.1f}"
    )
    return lines


def report(out: dict[str, Any]) -> str:
    """Human-readable summary of one data set."""
    name = out["name"]
    lines = [f"=== {name}: {out['file']}"]
    if "generated" in out:
        g = out["generated"]
        c = g["counts"]
        lines.append(
            f"generated: {g['command']} -> {c['rows_written']:,} rows "
            f"({c['customers']:,} customers + {c['duplicates']:,} duplicates), "
            f"segment rows {c['segment_rows']}"
        )
    if "hash_check" in out:
        h = out["hash_check"]
        verdict = "identical" if h["identical"] else "DIFFERENT: labels not used, no ARI"
        lines.append(
            f"hash check: sha256 seeds/customers.csv {h['seed_sha256'][:16]}..., regenerated "
            f"{h['regenerated_sha256'][:16]}...: {verdict}"
        )
    if "label_counts" in out:
        n = out["label_counts"]
        lines.append(
            f"labels: {n['rows']:,} rows, {n.get('rows_spoiled', 0):,} spoiled (empty label), "
            f"{n.get('rows_without_id', 0):,} without a customer_id; "
            f"{n['ids_labelled']:,} ids labelled, "
            f"{n['ids_only_spoiled_rows']:,} ids with only spoiled rows (left out of the ARI), "
            f"{n['ids_labelled_and_spoiled_rows']:,} ids with a labelled and a spoiled row "
            f"(kept), {n['ids_with_conflicting_labels']} with conflicting labels"
        )
    if "file_config" in out:
        lines.append(
            f"config: examples/mapping_customers.yml's segmentation {out['file_config']}; "
            f"default run drops {list(K_KEYS)}; the k 2..8 run equals the file's own config: "
            f"{'yes' if out.get('wide_is_file_config') else 'NO'}"
        )
    d, w = out["default"], out["wide"]
    lines.append(
        f"customer_features: {out['customers']:,} customers; features "
        f"{d.get('features') or w.get('features')}"
    )
    table = w.get("sweep") or d.get("sweep") or []
    chosen = {t["k_range"]: t.get("k") for t in (d, w)}
    lines += ["", f"criteria per k (from the k {w['k_range']} training):"]
    lines += sweep_table(table, chosen)
    if "sweeps_agree_on_k_3_to_8" in out:
        agree = out["sweeps_agree_on_k_3_to_8"]
        lines.append(
            "k 3..8 rows identical in both trainings: "
            + ("yes" if agree else "NO (the default training's table follows)")
        )
        if not agree:
            lines += sweep_table(d["sweep"], chosen)
    lines += ["", "k each rule would choose (single-criterion rules: on k 2..8, no thresholds):"]
    by_k = {r["k"]: r for r in table}
    for rule, k in out["rules"].items():
        row = by_k.get(k)
        note = (
            f"  (smallest share {100 * row['smallest_segment_share']:.1f}%, stability "
            f"{_num(row['stability'], '.3f')})"
            if row
            else ""
        )
        lines.append(f"  {rule:<38} k={_num(k, 'd')}{note}")
    lines.append("")
    lines += training_lines(f"default (k {d['k_range']})", d)
    lines += training_lines(f"k_min 2 (k {w['k_range']})", w)
    s = out["seconds"]
    lines.append(
        "wall seconds: "
        + ", ".join(f"{key} {value:.1f}" for key, value in s.items())
        + f" (dbt build: {out['dbt_nodes']} seeds and models)"
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=20000, help="customers of the generated files (20000)"
    )
    parser.add_argument(
        "--only", choices=DATASETS, action="append", help="run only this data set (repeatable)"
    )
    parser.add_argument("--label", default="", help="free text stored with the results")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every data set in one SparkSession; print and append the results."""
    from customer_segmentation.dbtchain.local_session import local_session

    args = build_parser().parse_args(argv)
    names = [name for name in DATASETS if not args.only or name in args.only]
    started = time.perf_counter()
    machine = machine_line(machine_info("pyspark", "scikit-learn", "numpy", "dbt-core"))
    result: dict[str, Any] = {"machine": machine, "label": args.label, "rows": args.rows}
    print(machine, flush=True)

    if WORKSPACE.exists():
        shutil.rmtree(WORKSPACE)
    copy_project(WORKSPACE)
    state_dir = spark_state_dir("k_selection_")
    spark, result["spark_start_seconds"] = timed(lambda: local_session(state_dir))
    spark.sparkContext.setLogLevel("ERROR")
    print(
        f"Spark: master={spark.sparkContext.master} "
        f"defaultParallelism={spark.sparkContext.defaultParallelism}, state dir "
        f"{shown(state_dir)} (removed after the run), started in "
        f"{result['spark_start_seconds']:.1f} s; project copy {shown(WORKSPACE)}",
        flush=True,
    )
    result["datasets"] = {}
    try:
        for name in names:
            out = run_dataset(spark, name, args.rows)
            result["datasets"][name] = out
            print("\n" + report(out), flush=True)
    except Exception as error:
        result["error"] = repr(error)
        raise
    finally:
        spark.stop()
        shutil.rmtree(state_dir, ignore_errors=True)
        result["total_seconds"] = time.perf_counter() - started
        results_file = append_result("k_selection_criteria", result)
        print(f"\ntotal {result['total_seconds']:.1f} s; results appended to {results_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
