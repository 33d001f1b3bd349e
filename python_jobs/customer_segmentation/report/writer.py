"""Read the marts, draw the charts, write index.html and one PNG per chart."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession

from customer_segmentation.report import charts
from customer_segmentation.report.marts import (
    DEFAULT_SAMPLE_ROWS,
    DEFAULT_SEED,
    ReportData,
    read_report_data,
)
from customer_segmentation.report.page import page
from customer_segmentation.report.palette import segment_colours

INDEX = "index.html"


@dataclass(frozen=True)
class WrittenReport:
    """What write_report wrote and how long reading and drawing took."""

    index: Path
    images: tuple[Path, ...]
    read_seconds: float
    total_seconds: float

    @property
    def index_bytes(self) -> int:
        """Size of the self-contained HTML page."""
        return self.index.stat().st_size

    @property
    def total_bytes(self) -> int:
        """Size of the page and every PNG."""
        return self.index_bytes + sum(image.stat().st_size for image in self.images)


def draw_charts(data: ReportData, colours: dict[int, str]) -> list[charts.Chart]:
    """Every chart the data supports, in reading order (transitions only after a rebuild)."""
    drawn = [
        charts.segment_sizes_chart(data.segments, colours),
        charts.k_selection_chart(data.k_selection),
        charts.feature_heatmap_chart(data.segments, data.z_features, data.feature_z, colours),
    ]
    if data.distributions:
        drawn.append(charts.distributions_chart(data.distributions, data.segments, colours))
    if data.projection is not None:
        drawn.append(charts.projection_chart(data.projection, data.segments, colours))
    if data.mixes:
        drawn.append(charts.mix_chart(data.mixes, data.segments, colours))
    if data.transitions is not None:
        drawn.append(charts.transitions_chart(data.transitions))
    return drawn


def write_report(
    spark: SparkSession,
    schema: str,
    out_dir: Path,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    seed: int = DEFAULT_SEED,
) -> WrittenReport:
    """Write the report of the schema's marts to out_dir (MartsNotBuiltError when not built)."""
    started = time.perf_counter()
    data = read_report_data(spark, schema, sample_rows, seed)
    read_seconds = time.perf_counter() - started
    colours = segment_colours(segment.segment_id for segment in data.segments)
    drawn = draw_charts(data, colours)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.png"):
        stale.unlink()
    images = []
    for chart in drawn:
        image = out_dir / f"{chart.name}.png"
        image.write_bytes(chart.png)
        images.append(image)
    index = out_dir / INDEX
    index.write_text(page(data, drawn, colours), encoding="utf-8")
    return WrittenReport(index, tuple(images), read_seconds, time.perf_counter() - started)
