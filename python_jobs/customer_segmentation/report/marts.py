"""What the report shows, read from the built marts: every aggregation runs in Spark.

Only small results reach the driver: one row per k, segment, segment x feature, segment x
dimension value or transition cell, and the projection's bounded sample (at most
`sample_rows` customers, the lowest seeded hashes of their ids, PCA fitted with MLlib on that
sample only). Nothing is collected in proportion to the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pyspark.ml.feature import PCA, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from customer_segmentation.segmentation.features import is_scaled, vector_slots
from customer_segmentation.segmentation.registry import require_current, resolved_of
from customer_segmentation.segmentation.resolution import ResolvedFeatures
from customer_segmentation.segmentation.sql_text import identifier, numeric_value_sql

# The marts the report reads (segment_registry names the previous build's segments).
REQUIRED_TABLES = (
    "segmentation_models",
    "segment_k_selection",
    "segment_summary",
    "segment_centroids",
    "segment_mix",
    "segment_registry",
    "segment_transition_matrix",
    "customer_input_reconciliation",
    "customer_features",
    "customer_segments",
)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)  # box plot: whiskers, box, median
QUANTILE_ACCURACY = 10_000  # percentile_approx: relative error 1e-4, as segment_profiles
DEFAULT_SAMPLE_ROWS = 2_000
DEFAULT_SEED = 42
MIX_TOP_VALUES = 7  # per dimension; the rest are shown together as "other"
OTHER_VALUE = "other"

# Units of the feature mart's columns (customer_features' YAML); others fall back by suffix.
UNITS = {
    "recency_days": "days since last order",
    "tenure_days": "days since first order",
    "frequency": "orders",
    "monetary": "total spend",
    "avg_order_value": "spend per order",
    "avg_basket_size": "items per order",
    "orders_per_month": "orders per month",
    "spending_score": "score, 1-100",
    "age": "years",
    "annual_income_amount": "annual income",
}


class MartsNotBuiltError(RuntimeError):
    """A mart the report reads does not exist in the schema: the project is not built."""


@dataclass(frozen=True)
class Facts:
    """The build the report describes: as-of date, rows by fate, model and build ids."""

    schema: str
    as_of_date: date
    as_of_source: str
    input_row_count: int
    segmented_row_count: int
    quarantined_row_count: int
    duplicate_row_count: int
    model_version: int
    model_run_id: str
    trained_at: datetime | None
    build_at: datetime | None
    build_action: str
    build_id: str
    algorithm: str
    chosen_k: int
    features: str
    order_lines: OrderLineFates | None = None


@dataclass(frozen=True)
class OrderLineFates:
    """Where the order lines went (order_line_reconciliation), with a transactions input."""

    input_line_count: int
    purchase_line_count: int
    return_line_count: int
    quarantined_line_count: int
    duplicate_line_count: int


@dataclass(frozen=True)
class Segment:
    """One segment of the current model version, as segment_summary has it."""

    segment_id: int
    name: str
    description: str | None
    recommended_action: str | None
    recommended_channel: str | None
    customer_count: int
    customer_share: float
    revenue_share: float | None
    audience_size: int

    @property
    def label(self) -> str:
        """How charts name the segment: its id and name."""
        return f"{self.segment_id} {self.name}"


@dataclass(frozen=True)
class KCandidate:
    """One k of the current version's sweep (segment_k_selection) with every criterion."""

    k: int
    wcss: float
    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    smallest_segment_share: float
    stability: float | None
    is_chosen: bool


@dataclass(frozen=True)
class KSelection:
    """The sweep, the k rule's thresholds and its reason."""

    candidates: tuple[KCandidate, ...]
    min_segment_share: float
    min_stability: float
    k_rule: str


@dataclass(frozen=True)
class Distribution:
    """One feature's quantiles (QUANTILES) per segment, in the feature's own units."""

    feature: str
    column: str
    unit: str
    log_scale: bool
    quantiles: dict[int, tuple[float, ...]]


@dataclass(frozen=True)
class Projection:
    """The seeded sample's first two principal components (model space) per customer."""

    points: tuple[tuple[int, float, float], ...]
    explained_variance: tuple[float, float]
    sample_rows: int
    customer_count: int


@dataclass(frozen=True)
class Mix:
    """One profile dimension: its shown values and each segment's share in each."""

    dimension: str
    values: tuple[str, ...]
    shares: dict[tuple[int, str], float]


@dataclass(frozen=True)
class Transitions:
    """The transition matrix of a build with a previous one: customers per (then, now)."""

    previous_labels: tuple[str, ...]
    current_labels: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    moved: int
    unchanged: int
    new: int
    gone: int


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows."""

    facts: Facts
    segments: tuple[Segment, ...]
    k_selection: KSelection
    feature_z: dict[tuple[int, str], float]
    z_features: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    projection: Projection | None
    mixes: tuple[Mix, ...]
    transitions: Transitions | None


def require_marts(spark: SparkSession, schema: str) -> None:
    """Raise MartsNotBuiltError naming every mart of REQUIRED_TABLES the schema lacks.

    One catalog listing (`show tables`), not a lookup per table; a missing schema lacks all.
    """
    if spark.catalog.databaseExists(schema):
        listed = spark.sql(f"show tables in {identifier(schema)}").select("tableName").collect()
        present = {row["tableName"].lower() for row in listed}
    else:
        present = set()
    missing = [f"{schema}.{name}" for name in REQUIRED_TABLES if name not in present]
    if missing:
        raise MartsNotBuiltError(
            f"the marts are not built: {', '.join(missing)} not found; "
            "run `make build` (dbt build) for this target and schema first"
        )


def _table(spark: SparkSession, schema: str, name: str) -> DataFrame:
    """A mart of the schema."""
    return spark.table(f"{identifier(schema)}.{identifier(name)}")


def read_order_line_fates(spark: SparkSession, schema: str) -> OrderLineFates | None:
    """The order lines by fate, or None when the build had no transactions input."""
    if not spark.catalog.tableExists(f"{identifier(schema)}.order_line_reconciliation"):
        return None
    row = _table(spark, schema, "order_line_reconciliation").first()
    if row is None:
        return None
    return OrderLineFates(
        *(int(row[name]) for name in OrderLineFates.__dataclass_fields__),
    )


def read_facts(spark: SparkSession, schema: str, record: dict[str, Any]) -> Facts:
    """The as-of date and rows by fate (reconciliation), the model and build ids."""
    reconciliation = _table(spark, schema, "customer_input_reconciliation").first()
    if reconciliation is None:
        raise MartsNotBuiltError(f"{schema}.customer_input_reconciliation is empty")
    build = _table(spark, schema, "segment_transition_matrix").select("build_id").first()
    return Facts(
        schema=schema,
        as_of_date=reconciliation["as_of_date"],
        as_of_source=reconciliation["as_of_source"],
        input_row_count=int(reconciliation["input_row_count"]),
        segmented_row_count=int(reconciliation["segmented_row_count"]),
        quarantined_row_count=int(reconciliation["quarantined_row_count"]),
        duplicate_row_count=int(reconciliation["duplicate_row_count"]),
        model_version=int(record["model_version"]),
        model_run_id=str(record["model_path"]).rstrip("/").rsplit("/", 1)[-1],
        trained_at=record["trained_at"],
        build_at=record["last_build_at"],
        build_action=str(record["last_build_action"]),
        build_id=build["build_id"] if build is not None else "",
        algorithm=str(record["algorithm"]),
        chosen_k=int(record["k"]),
        features=str(record["features_description"]),
        order_lines=read_order_line_fates(spark, schema),
    )


def read_segments(spark: SparkSession, schema: str) -> tuple[Segment, ...]:
    """The current segments from segment_summary, by segment id."""
    rows = _table(spark, schema, "segment_summary").orderBy("segment_id").collect()
    return tuple(
        Segment(
            segment_id=int(row["segment_id"]),
            name=row["segment_name"],
            description=row["segment_description"],
            recommended_action=row["recommended_action"],
            recommended_channel=row["recommended_channel"],
            customer_count=int(row["customer_count"]),
            customer_share=float(row["customer_share"]),
            revenue_share=None if row["revenue_share"] is None else float(row["revenue_share"]),
            audience_size=int(row["audience_size"] or 0),
        )
        for row in rows
    )


def read_k_selection(spark: SparkSession, schema: str) -> KSelection:
    """The current version's sweep from segment_k_selection, by k."""
    rows = _table(spark, schema, "segment_k_selection").orderBy("k").collect()
    candidates = tuple(
        KCandidate(
            k=int(row["k"]),
            wcss=float(row["wcss"]),
            silhouette=float(row["silhouette"]),
            davies_bouldin=float(row["davies_bouldin"]),
            calinski_harabasz=float(row["calinski_harabasz"]),
            smallest_segment_share=float(row["smallest_segment_share"]),
            stability=None if row["stability"] is None else float(row["stability"]),
            is_chosen=bool(row["is_chosen"]),
        )
        for row in rows
    )
    first = rows[0]
    return KSelection(
        candidates,
        float(first["min_segment_share"]),
        float(first["min_stability"]),
        str(first["k_rule"]),
    )


def read_feature_z(
    spark: SparkSession, schema: str
) -> tuple[dict[tuple[int, str], float], tuple[str, ...]]:
    """Each segment's centroid per model feature in training z-scores (segment_centroids)."""
    rows = (
        _table(spark, schema, "segment_centroids")
        .select("segment_id", "feature", "centroid_z")
        .collect()
    )
    features: list[str] = []
    for row in rows:
        if row["feature"] not in features:
            features.append(row["feature"])
    values = {
        (int(row["segment_id"]), row["feature"]): float(row["centroid_z"])
        for row in rows
        if row["centroid_z"] is not None
    }
    return values, tuple(features)


def shown_column(feature: str, columns: set[str]) -> tuple[str, bool]:
    """The column a feature's distribution is shown in: `x` for a `log_x` feature, on a log axis.

    customer_features' log columns are ln(1 + x) of a column it also has; quantiles commute
    with that transform, so showing x on a log axis shows the same distribution in real units.
    """
    if feature.startswith("log_") and feature[4:] in columns:
        return feature[4:], True
    return feature, False


def unit_of(column: str) -> str:
    """A column's unit for axis labels (UNITS, else by its name's suffix)."""
    if column in UNITS:
        return UNITS[column]
    if column.endswith("_days"):
        return "days"
    if column.endswith("_amount"):
        return "amount"
    return "value"


def read_distributions(
    features: DataFrame, segments: DataFrame, resolved: ResolvedFeatures, id_column: str
) -> tuple[Distribution, ...]:
    """Per numeric model feature and segment, QUANTILES by percentile_approx (one Spark job)."""
    columns = set(features.columns)
    shown: list[tuple[str, str, bool, Column]] = []
    for feature in resolved.features:
        if not feature.is_numeric:
            continue
        column, log_scale = shown_column(feature.name, columns)
        if column == feature.name:
            value = F.expr(numeric_value_sql(feature.source))
        else:
            value = F.col(identifier(column)).cast("double")
        shown.append((feature.name, column, log_scale, value))
    if not shown:
        return ()
    joined = features.join(segments.select(id_column, "segment_id"), id_column, "inner")
    aggregates = [
        F.percentile_approx(value, list(QUANTILES), QUANTILE_ACCURACY).alias(f"q{index}")
        for index, (_, _, _, value) in enumerate(shown)
    ]
    rows = joined.groupBy("segment_id").agg(*aggregates).collect()
    return tuple(
        Distribution(
            feature=name,
            column=column,
            unit=unit_of(column),
            log_scale=log_scale,
            quantiles={
                int(row["segment_id"]): tuple(float(value) for value in row[f"q{index}"])
                for row in rows
                if row[f"q{index}"] is not None
            },
        )
        for index, (name, column, log_scale, _) in enumerate(shown)
    )


def sample_frame(
    features: DataFrame,
    segments: DataFrame,
    id_column: str,
    sample_rows: int,
    seed: int,
) -> DataFrame:
    """At most sample_rows customers: the lowest seeded hashes of their ids (a top-k, bounded)."""
    order = F.xxhash64(F.lit(seed), F.col(identifier(id_column)))
    return (
        features.join(segments.select(id_column, "segment_id"), id_column, "inner")
        .orderBy(order, F.col(identifier(id_column)))
        .limit(sample_rows)
    )


def read_projection(
    features: DataFrame,
    segments: DataFrame,
    resolved: ResolvedFeatures,
    id_column: str,
    customer_count: int,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    seed: int = DEFAULT_SEED,
) -> Projection | None:
    """The sample in the model's vector space, projected on its 2 principal components (MLlib).

    The coordinates are the model's own (transforms and the version's training mean and
    stddev), so the picture is of what the clusterer saw. None with fewer than 2 coordinates.
    """
    slots = vector_slots(resolved)
    if len(slots) < 2:
        return None
    scaling = {
        slot: (feature.mean, feature.stddev)
        for feature in resolved.features
        if is_scaled(feature)
        for slot in feature.slot_names
    }
    coordinates = []
    for index, (slot, sql) in enumerate(slots):
        value = F.expr(sql).cast("double")
        if slot in scaling:
            mean, stddev = scaling[slot]
            value = (value - F.lit(mean)) / F.lit(stddev or 1.0)
        coordinates.append(value.alias(f"slot_{index}"))
    sample = sample_frame(features, segments, id_column, sample_rows, seed).select(
        "segment_id", *coordinates
    )
    assembled = VectorAssembler(
        inputCols=[f"slot_{index}" for index in range(len(slots))],
        outputCol="coordinates",
        handleInvalid="skip",
    ).transform(sample)
    assembled = assembled.cache()
    try:
        pca = PCA(k=2, inputCol="coordinates", outputCol="components").fit(assembled)
        rows = (
            pca.transform(assembled)
            .select("segment_id", vector_to_array("components").alias("pc"))
            .collect()
        )
        variance = [float(value) for value in pca.explainedVariance.toArray()]
    finally:
        assembled.unpersist()
    return Projection(
        points=tuple(
            (int(row["segment_id"]), float(row["pc"][0]), float(row["pc"][1])) for row in rows
        ),
        explained_variance=(variance[0], variance[1]),
        sample_rows=len(rows),
        customer_count=customer_count,
    )


def read_mixes(spark: SparkSession, schema: str) -> tuple[Mix, ...]:
    """Per profile dimension its commonest values (MIX_TOP_VALUES, rest: other) per segment."""
    mix = _table(spark, schema, "segment_mix")
    ranked = (
        mix.groupBy("dimension", "dimension_value")
        .agg(F.sum("customer_count").alias("value_total"))
        .withColumn(
            "value_rank",
            F.row_number().over(
                Window.partitionBy("dimension").orderBy(F.desc("value_total"), "dimension_value")
            ),
        )
    )
    is_top = F.col("value_rank") <= MIX_TOP_VALUES
    rows = (
        mix.join(ranked, ["dimension", "dimension_value"], "inner")
        .groupBy(
            "dimension",
            F.when(is_top, F.col("dimension_value")).otherwise(OTHER_VALUE).alias("shown_value"),
            "segment_id",
        )
        .agg(F.sum("share_of_segment").alias("share"), F.min("value_rank").alias("value_rank"))
        .orderBy("dimension", "value_rank", "segment_id")
        .collect()
    )
    mixes: dict[str, tuple[list[str], dict[tuple[int, str], float]]] = {}
    for row in rows:
        values, shares = mixes.setdefault(row["dimension"], ([], {}))
        if row["shown_value"] not in values:
            values.append(row["shown_value"])
        shares[(int(row["segment_id"]), row["shown_value"])] = float(row["share"])
    return tuple(
        Mix(dimension, tuple(values), shares) for dimension, (values, shares) in mixes.items()
    )


def read_transitions(spark: SparkSession, schema: str) -> Transitions | None:
    """The transition matrix, labelled with registry names; None without a previous build.

    A first build's matrix has only `new` cells (no previous segment): nothing moved yet.
    """
    cells = _table(spark, schema, "segment_transition_matrix").collect()
    if not any(cell["previous_segment_id"] is not None for cell in cells):
        return None
    names = {
        int(row["segment_id"]): row["segment_name"]
        for row in _table(spark, schema, "segment_registry")
        .select("segment_id", "segment_name")
        .collect()
    }

    def label(segment_id: int | None, missing: str) -> str:
        """A side of a cell: `id name`, or missing for new or gone customers."""
        if segment_id is None:
            return missing
        return f"{segment_id} {names.get(int(segment_id), '')}".strip()

    counts: dict[tuple[str, str], int] = {}
    by_transition = {"moved": 0, "unchanged": 0, "new": 0, "gone": 0}
    for cell in cells:
        key = (label(cell["previous_segment_id"], "new"), label(cell["current_segment_id"], "gone"))
        counts[key] = counts.get(key, 0) + int(cell["customer_count"])
        by_transition[cell["transition"]] += int(cell["customer_count"])

    def ordered(ids: set[int | None], missing: str) -> tuple[str, ...]:
        """Segments by id, then the missing side."""
        present = sorted(segment_id for segment_id in ids if segment_id is not None)
        tail = [missing] if None in ids else []
        return tuple([label(segment_id, missing) for segment_id in present] + tail)

    return Transitions(
        previous_labels=ordered({cell["previous_segment_id"] for cell in cells}, "new"),
        current_labels=ordered({cell["current_segment_id"] for cell in cells}, "gone"),
        counts=counts,
        **by_transition,
    )


def read_report_data(
    spark: SparkSession,
    schema: str,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    seed: int = DEFAULT_SEED,
) -> ReportData:
    """Read everything the report shows from the schema's marts (MartsNotBuiltError if absent)."""
    require_marts(spark, schema)
    record = require_current(_table(spark, schema, "segmentation_models"))
    resolved = resolved_of(record)
    id_column = str(record["id_column"])
    features = _table(spark, schema, "customer_features")
    segments = _table(spark, schema, "customer_segments")
    feature_z, z_features = read_feature_z(spark, schema)
    summary = read_segments(spark, schema)
    customer_count = sum(segment.customer_count for segment in summary)
    return ReportData(
        facts=read_facts(spark, schema, record),
        segments=summary,
        k_selection=read_k_selection(spark, schema),
        feature_z=feature_z,
        z_features=z_features,
        distributions=read_distributions(features, segments, resolved, id_column),
        projection=read_projection(
            features, segments, resolved, id_column, customer_count, sample_rows, seed
        ),
        mixes=read_mixes(spark, schema),
        transitions=read_transitions(spark, schema),
    )
