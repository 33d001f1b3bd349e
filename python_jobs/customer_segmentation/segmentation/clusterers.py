"""MLlib's three clusterers behind one interface: estimator, centres, objective, sizes.

`kmeans` (k-means|| initialisation, Lloyd iterations), `bisecting_kmeans` (divisive,
hierarchical) and `gaussian_mixture` (EM over full-covariance Gaussians; a customer belongs
to its most probable component, whose mean is the segment's centre). Every fit writes its
cluster index to CLUSTER_COLUMN and is a pipeline stage that saves and loads with the rest
of the model. Objectives compare initialisations of one k (lower is better): WCSS for the
k-means variants, minus the log-likelihood for the mixture.

MLlib's bisecting k-means splits a cluster by nudging its centre by 1e-4 times the centre's
norm; on standardised features the root centre is the origin, so it never splits and one
cluster comes back. It therefore fits on the model vector with one constant coordinate
(OFFSET) appended, which moves every point and centre alike, so distances and the clustering
are unchanged; the appended coordinate is dropped from the centres it reports.
"""

from __future__ import annotations

from pyspark.ml import Estimator, Model, Pipeline, PipelineModel
from pyspark.ml.clustering import BisectingKMeans, GaussianMixture, KMeans
from pyspark.ml.feature import SQLTransformer, VectorAssembler

from customer_segmentation.segmentation.config import (
    BISECTING_KMEANS,
    GAUSSIAN_MIXTURE,
    KMEANS,
)
from customer_segmentation.segmentation.criteria import CLUSTER_COLUMN
from customer_segmentation.segmentation.features import VECTOR_COLUMN

PROBABILITY_COLUMN = "__segmentation_probability"
OFFSET = 1.0
_OFFSET_COLUMN = "__segmentation_offset"
_OFFSET_VECTOR = "__segmentation_offset_vector"


def _offset_bisecting(common: dict[str, object]) -> Pipeline:
    """Bisecting k-means on the vector plus a constant coordinate (module docstring)."""
    constant = SQLTransformer(statement=f"SELECT *, {OFFSET} AS {_OFFSET_COLUMN} FROM __THIS__")
    assembler = VectorAssembler(inputCols=[VECTOR_COLUMN, _OFFSET_COLUMN], outputCol=_OFFSET_VECTOR)
    clusterer = BisectingKMeans(**{**common, "featuresCol": _OFFSET_VECTOR})
    dropper = SQLTransformer(
        statement=f"SELECT * EXCEPT ({_OFFSET_COLUMN}, {_OFFSET_VECTOR}) FROM __THIS__"
    )
    return Pipeline(stages=[constant, assembler, clusterer, dropper])


def clusterer_of(model: Model) -> Model:
    """The clustering model itself (inside the bisecting pipeline, its third stage)."""
    return model.stages[2] if isinstance(model, PipelineModel) else model


def estimator(algorithm: str, k: int, seed: int, max_iter: int) -> Estimator:
    """A seeded, unfitted clusterer of the algorithm reading the model vector."""
    common = {
        "k": k,
        "seed": seed,
        "maxIter": max_iter,
        "featuresCol": VECTOR_COLUMN,
        "predictionCol": CLUSTER_COLUMN,
    }
    if algorithm == KMEANS:
        return KMeans(**common)
    if algorithm == BISECTING_KMEANS:
        return _offset_bisecting(common)
    if algorithm == GAUSSIAN_MIXTURE:
        return GaussianMixture(probabilityCol=PROBABILITY_COLUMN, **common)
    raise ValueError(f"unknown clustering algorithm {algorithm!r}")


def centers_of(model: Model) -> list[list[float]]:
    """The fitted centres as plain floats in cluster index order (a mixture's means)."""
    if isinstance(model, PipelineModel):
        return [center[:-1] for center in centers_of(clusterer_of(model))]
    if hasattr(model, "clusterCenters"):
        return [[float(value) for value in center] for center in model.clusterCenters()]
    means = model.gaussiansDF.select("mean").collect()  # type: ignore[attr-defined]
    return [[float(value) for value in row["mean"]] for row in means]


def objective_of(model: Model) -> float:
    """What initialisations of one k are compared by; lower is better."""
    summary = clusterer_of(model).summary  # type: ignore[attr-defined]
    if hasattr(summary, "logLikelihood"):
        return -float(summary.logLikelihood)
    return float(summary.trainingCost)
