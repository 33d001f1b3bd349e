"""The segmentation model: fitted preprocessing + the chosen clustering as one PipelineModel.

train_model resolves and scales the features once, sweeps k on that one prepared input
(segmentation.clustering), applies the k rule (segmentation.k_rule) and keeps the chosen k's
fit; score_customers applies a (fitted or loaded) PipelineModel to the
feature mart and translates cluster indexes into segment ids. Both are DataFrame in,
DataFrame out; only centres and per-k scores reach the driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BooleanType,
    DoubleType,
    IntegerType,
    StringType,
    StructField,
    StructType,
)

from customer_segmentation.segmentation.clustering import (
    KFit,
    candidate_ks,
    count_distinct_points,
    final_fit,
    sweep_k,
)
from customer_segmentation.segmentation.config import KMEANS, SegmentationConfig
from customer_segmentation.segmentation.criteria import CLUSTER_COLUMN
from customer_segmentation.segmentation.expressions import column_ref
from customer_segmentation.segmentation.features import VECTOR_COLUMN, prepare_features
from customer_segmentation.segmentation.k_rule import choose_k
from customer_segmentation.segmentation.labels import (
    distance_column,
    segment_id_column,
    segment_order,
)
from customer_segmentation.segmentation.resolution import ResolvedFeatures
from customer_segmentation.segmentation.sample_sweep import SampleScore, sweep_sample

K_SELECTION_SCHEMA = StructType(
    [
        StructField("k", IntegerType(), nullable=False),
        StructField("wcss", DoubleType(), nullable=False),
        StructField("silhouette", DoubleType(), nullable=False),
        StructField("davies_bouldin", DoubleType(), nullable=False),
        StructField("calinski_harabasz", DoubleType(), nullable=False),
        StructField("smallest_segment_share", DoubleType(), nullable=False),
        StructField("stability", DoubleType(), nullable=True),
        StructField("meets_min_share", BooleanType(), nullable=False),
        StructField("meets_stability", BooleanType(), nullable=True),
        StructField("is_chosen", BooleanType(), nullable=False),
        StructField("k_rule", StringType(), nullable=False),
        StructField("algorithm", StringType(), nullable=False),
        StructField("features", StringType(), nullable=False),
        StructField("order_by", StringType(), nullable=True),
    ]
)


@dataclass(frozen=True)
class KScore:
    """One row of the k sweep: every criterion of k's kept fit, the rule's verdicts, if chosen.

    stability and meets_stability are None when stability was not measured.
    """

    k: int
    wcss: float
    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    smallest_segment_share: float
    stability: float | None
    meets_min_share: bool
    meets_stability: bool | None
    is_chosen: bool


@dataclass
class SegmentationModel:
    """A trained segmentation: the PipelineModel and what describes it.

    centers are the chosen fit's centres in the model's vector space (slot_names order);
    ranks maps cluster index -> rank by descending order_by centroid (1 = highest), the
    segment ids of a first model version.
    """

    pipeline: PipelineModel
    resolved: ResolvedFeatures
    slot_names: list[str]
    centers: list[list[float]]
    ranks: list[int]
    sweep: list[KScore] = field(default_factory=list)
    algorithm: str = "kmeans"
    k_rule: str = ""

    @property
    def k(self) -> int:
        """The number of segments."""
        return len(self.centers)

    @property
    def chosen(self) -> KScore:
        """The sweep row of the chosen k."""
        return next(score for score in self.sweep if score.is_chosen)


def train_model(
    features_df: DataFrame, config: SegmentationConfig, resolved: ResolvedFeatures | None = None
) -> SegmentationModel:
    """Fit the preprocessing once, sweep the candidate ks, fit the chosen k as the model.

    kmeans sweeps a bounded sample in the driver and fits the chosen k on every row with
    MLlib (segmentation.sample_sweep); the other algorithms sweep in Spark and keep the
    chosen k's fit (segmentation.clustering.sweep_k). Either way the chosen k is fitted once.
    """
    with prepare_features(features_df, config, resolved) as prepared:
        row_count = prepared.resolved.row_count
        ks = candidate_ks(config, row_count, count_distinct_points(prepared))
        scores: list[KFit] | list[SampleScore]
        if config.algorithm == KMEANS:
            scores = sweep_sample(prepared, config, ks)
            choice = choose_k(scores, config)
            expected = next(score for score in scores if score.k == choice.k).wcss_per_row
            _, model, centers = final_fit(prepared, config, choice.k, expected)
        else:
            scores = sweep_k(prepared, config, ks)
            choice = choose_k(scores, config)
            best = next(fit for fit in scores if fit.k == choice.k)
            model, centers = best.model, best.centers
    sweep = [
        KScore(
            k=fit.k,
            wcss=fit.wcss,
            silhouette=fit.silhouette,
            davies_bouldin=fit.davies_bouldin,
            calinski_harabasz=fit.calinski_harabasz,
            smallest_segment_share=fit.smallest_share,
            stability=fit.stability,
            meets_min_share=choice.meets_min_share[fit.k],
            meets_stability=choice.meets_stability[fit.k],
            is_chosen=fit.k == choice.k,
        )
        for fit in sorted(scores, key=lambda fit: fit.k)
    ]
    return SegmentationModel(
        pipeline=PipelineModel(stages=[*prepared.stages, model]),
        resolved=prepared.resolved,
        slot_names=prepared.slot_names,
        centers=centers,
        ranks=segment_order(centers, prepared.slot_names, prepared.order_by),
        sweep=sweep,
        algorithm=config.algorithm,
        k_rule=choice.reason,
    )


def fit_segments(features_df: DataFrame, config: SegmentationConfig, k: int) -> SegmentationModel:
    """Train a model with exactly k segments (no sweep): a fixed-k shortcut for callers."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError(f"k must be an int >= 2, got {k!r}")
    fixed = SegmentationConfig.from_dict({**config.to_dict(), "k": k, "k_min": k, "k_max": k})
    return train_model(features_df, fixed)


def score_customers(
    features_df: DataFrame,
    pipeline: PipelineModel,
    segment_of: Sequence[int],
    centers: Sequence[Sequence[float]],
    id_column: str,
) -> DataFrame:
    """Return [<id>, segment_id, distance_to_centroid] for every row, without any fitting.

    segment_of maps cluster index -> segment id; distances are Euclidean in the model's
    vector space (z-scores, unscaled `none` values, indicators).
    """
    cluster = F.col(CLUSTER_COLUMN)
    return pipeline.transform(features_df).select(
        column_ref(id_column),
        segment_id_column(cluster, segment_of).alias("segment_id"),
        distance_column(F.col(VECTOR_COLUMN), cluster, centers).alias("distance_to_centroid"),
    )


def assign_segments(features_df: DataFrame, config: SegmentationConfig, k: int) -> DataFrame:
    """Fit k segments and score every customer: segment 1 has the highest order_by centroid."""
    trained = fit_segments(features_df, config, k)
    return score_customers(
        features_df, trained.pipeline, trained.ranks, trained.centers, config.id_column
    )


def k_selection_frame(features_df: DataFrame, model: SegmentationModel) -> DataFrame:
    """The model's k sweep as a DataFrame (see K_SELECTION_SCHEMA)."""
    described = model.resolved.describe()
    rows = [
        (
            s.k,
            s.wcss,
            s.silhouette,
            s.davies_bouldin,
            s.calinski_harabasz,
            s.smallest_segment_share,
            s.stability,
            s.meets_min_share,
            s.meets_stability,
            s.is_chosen,
            model.k_rule,
            model.algorithm,
            described,
            model.resolved.order_by,
        )
        for s in model.sweep
    ]
    return features_df.sparkSession.createDataFrame(rows, K_SELECTION_SCHEMA)


def select_k(features_df: DataFrame, config: SegmentationConfig) -> DataFrame:
    """Train over features_df and return its k sweep, one row per k (see K_SELECTION_SCHEMA)."""
    return k_selection_frame(features_df, train_model(features_df, config))


def chosen_k(k_selection: DataFrame) -> int:
    """Return the k marked is_chosen in a k selection (a handful of rows)."""
    chosen = k_selection.where(F.col("is_chosen")).select("k").collect()
    if len(chosen) != 1:
        raise ValueError(f"expected exactly one chosen k in the k selection, got {len(chosen)}")
    return int(chosen[0]["k"])
