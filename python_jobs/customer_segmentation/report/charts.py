"""The report's charts: one function per chart, each returning its SVG text and PNG bytes.

Matplotlib's object API (Figure, no pyplot: no GUI backend, no global figure state; PNGs
are drawn by Agg). The SVG is
deterministic (a fixed `svg.hashsalt` per chart, no date metadata) and keeps text as text
(`svg.fonttype: none`), so a browser test can read every title, axis label and value label
from the DOM: titles, axis labels and value labels carry ids `<chart>-title`,
`<chart>-xlabel-<n>`, `<chart>-ylabel-<n>`, `<chart>-value-...`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from customer_segmentation.report.marts import (
    QUANTILES,
    Distribution,
    KSelection,
    Mix,
    Projection,
    Segment,
    Transitions,
)

PNG_DPI = 100
RC = {
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
CHOSEN_COLOUR = "#d62728"
NEUTRAL_COLOUR = "#555555"


@dataclass(frozen=True)
class Chart:
    """One rendered chart: its name (file and element id), title, caption, SVG and PNG."""

    name: str
    title: str
    caption: str
    svg: str
    png: bytes


def render(figure: Figure, name: str, title: str, caption: str) -> Chart:
    """Save a figure as inline-ready SVG (no XML prolog) and as PNG."""
    figure.suptitle(title, fontsize=12, fontweight="bold", gid=f"{name}-title")
    with matplotlib.rc_context({**RC, "svg.hashsalt": name}):
        svg_buffer = io.StringIO()
        figure.savefig(svg_buffer, format="svg", metadata={"Date": None})
        png_buffer = io.BytesIO()
        figure.savefig(png_buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    svg = svg_buffer.getvalue()
    return Chart(name, title, caption, svg[svg.index("<svg") :], png_buffer.getvalue())


def new_figure(width: float, height: float) -> Figure:
    """A figure of the given size in inches, laid out by matplotlib's constrained layout."""
    with matplotlib.rc_context(RC):
        return Figure(figsize=(width, height), layout="constrained")


def label_axes(axes: Axes, name: str, index: int, xlabel: str, ylabel: str) -> None:
    """Set an axes' x and y labels with the ids the browser test looks for."""
    axes.set_xlabel(xlabel, gid=f"{name}-xlabel-{index}")
    axes.set_ylabel(ylabel, gid=f"{name}-ylabel-{index}")


def segment_legend(figure: Figure, segments: Sequence[Segment], colours: dict[int, str]) -> None:
    """One legend for the figure: each segment's colour, id and name."""
    handles = [Patch(color=colours[s.segment_id], label=s.label) for s in segments]
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 4),
        frameon=False,
        title="segment",
    )


def k_selection_chart(selection: KSelection) -> Chart:
    """WCSS (elbow), silhouette and every other criterion per k, the chosen k marked."""
    name = "k_selection"
    candidates = selection.candidates
    ks = [candidate.k for candidate in candidates]
    chosen = next(candidate.k for candidate in candidates if candidate.is_chosen)
    panels = [
        ("WCSS (elbow)", "within-cluster sum of squares", [c.wcss for c in candidates], None),
        ("Silhouette", "mean silhouette (-1 to 1)", [c.silhouette for c in candidates], None),
        ("Davies-Bouldin", "index (lower is better)", [c.davies_bouldin for c in candidates], None),
        (
            "Calinski-Harabasz",
            "index (higher is better)",
            [c.calinski_harabasz for c in candidates],
            None,
        ),
        (
            "Smallest segment",
            "share of customers (%)",
            [100 * c.smallest_segment_share for c in candidates],
            100 * selection.min_segment_share,
        ),
    ]
    if any(candidate.stability is not None for candidate in candidates):
        stability = [math.nan if c.stability is None else c.stability for c in candidates]
        panels.append(
            ("Stability", "adjusted Rand index of halves", stability, selection.min_stability)
        )
    figure = new_figure(11, 6.4)
    grid = figure.subplots(2, 3, squeeze=False).flatten()
    for index, (axes, (panel, ylabel, values, threshold)) in enumerate(
        zip(grid, panels, strict=False)
    ):
        axes.plot(ks, values, marker="o", color=NEUTRAL_COLOUR)
        axes.axvline(chosen, color=CHOSEN_COLOUR, linestyle="--", linewidth=1)
        chosen_value = values[ks.index(chosen)]
        axes.plot([chosen], [chosen_value], marker="o", markersize=9, color=CHOSEN_COLOUR)
        axes.annotate(
            f"k = {chosen}",
            (chosen, chosen_value),
            textcoords="offset points",
            xytext=(7, -14),
            color=CHOSEN_COLOUR,
            gid=f"{name}-value-chosen-{index}",
        )
        if threshold is not None:
            axes.axhline(threshold, color=NEUTRAL_COLOUR, linestyle=":", linewidth=1)
            axes.annotate(
                f"threshold {threshold:g}",
                (ks[0], threshold),
                textcoords="offset points",
                xytext=(0, 4),
                fontsize=8,
                color=NEUTRAL_COLOUR,
            )
        axes.set_title(panel)
        axes.set_xticks(ks)
        label_axes(axes, name, index, "k (number of segments)", ylabel)
    for axes in grid[len(panels) :]:
        axes.set_visible(False)
    caption = f"Chosen k = {chosen} (dashed line). {selection.k_rule}"
    return render(figure, name, "How k was chosen: every criterion per k", caption)


def segment_sizes_chart(segments: Sequence[Segment], colours: dict[int, str]) -> Chart:
    """Customers per segment, and each segment's share of customers against its revenue share."""
    name = "segment_sizes"
    labels = [segment.label for segment in segments]
    rows = list(range(len(segments)))[::-1]
    figure = new_figure(11, 1.2 + 0.55 * len(segments))
    count_axes, share_axes = figure.subplots(1, 2, sharey=True)
    counts = [segment.customer_count for segment in segments]
    count_axes.barh(rows, counts, color=[colours[s.segment_id] for s in segments])
    for row, segment in zip(rows, segments, strict=True):
        count_axes.annotate(
            f"{segment.customer_count:,}",
            (segment.customer_count, row),
            textcoords="offset points",
            xytext=(3, 0),
            va="center",
            gid=f"{name}-value-count-{segment.segment_id}",
        )
    count_axes.set_yticks(rows, labels)
    count_axes.set_xlim(0, max(counts) * 1.15)
    count_axes.set_title("Customers per segment")
    label_axes(count_axes, name, 0, "customers", "segment")
    height = 0.38
    has_revenue = any(segment.revenue_share is not None for segment in segments)
    for row, segment in zip(rows, segments, strict=True):
        colour = colours[segment.segment_id]
        share_axes.barh(row + height / 2, 100 * segment.customer_share, height, color=colour)
        if segment.revenue_share is not None:
            share_axes.barh(
                row - height / 2,
                100 * segment.revenue_share,
                height,
                color="white",
                edgecolor=colour,
                hatch="////",
            )
    handles = [Patch(color=NEUTRAL_COLOUR, label="share of customers")]
    if has_revenue:
        handles.append(
            Patch(
                facecolor="white", edgecolor=NEUTRAL_COLOUR, hatch="////", label="share of revenue"
            )
        )
    share_axes.legend(handles=handles, loc="lower right", frameon=False)
    share_axes.set_title("Share of customers and of revenue")
    label_axes(share_axes, name, 1, "share (%)", "segment")
    return render(
        figure,
        name,
        "Segment sizes and revenue share",
        "Left: customers per segment (segment_summary). Right: each segment's share of all "
        "segmented customers (solid) and of their total spend (hatched).",
    )


def diverging_limit(values: Sequence[float]) -> float:
    """A symmetric colour range around 0 that holds every value (at least 1)."""
    finite = [abs(value) for value in values if math.isfinite(value)]
    return max([1.0, *finite])


def feature_heatmap_chart(
    segments: Sequence[Segment],
    features: Sequence[str],
    z_scores: dict[tuple[int, str], float],
    colours: dict[int, str],
) -> Chart:
    """Each segment's centroid per model feature in z-scores (red above, blue below average)."""
    name = "feature_heatmap"
    matrix = [
        [z_scores.get((segment.segment_id, feature), math.nan) for feature in features]
        for segment in segments
    ]
    limit = diverging_limit([value for row in matrix for value in row])
    figure = new_figure(max(6.0, 1.6 + 1.3 * len(features)), 1.4 + 0.55 * len(segments))
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for row, values in enumerate(matrix):
        for column, value in enumerate(values):
            if math.isfinite(value):
                axes.text(
                    column,
                    row,
                    f"{value:+.2f}",
                    ha="center",
                    va="center",
                    color="white" if abs(value) > limit * 0.6 else "black",
                    gid=f"{name}-value-{segments[row].segment_id}-{column}",
                )
    axes.set_xticks(range(len(features)), features, rotation=20, ha="right")
    axes.set_yticks(range(len(segments)), [segment.label for segment in segments])
    for tick, segment in zip(axes.get_yticklabels(), segments, strict=True):
        tick.set_color(colours[segment.segment_id])
        tick.set_fontweight("bold")
    colourbar = figure.colorbar(image, ax=axes)
    colourbar.set_label("z-score (training standard deviations)")
    label_axes(axes, name, 0, "model feature", "segment")
    return render(
        figure,
        name,
        "What sets each segment apart: feature z-scores",
        "Each cell: the segment's mean of a clustering feature, standardised with the model's "
        "training mean and standard deviation (segment_centroids.centroid_z).",
    )


def distributions_chart(
    distributions: Sequence[Distribution],
    segments: Sequence[Segment],
    colours: dict[int, str],
) -> Chart:
    """Box plots of each numeric model feature per segment, in the feature's own units."""
    name = "feature_distributions"
    columns = min(2, len(distributions))
    rows = math.ceil(len(distributions) / columns)
    figure = new_figure(11, 0.8 + 3.0 * rows)
    grid = figure.subplots(rows, columns, squeeze=False).flatten()
    for index, (axes, distribution) in enumerate(zip(grid, distributions, strict=False)):
        shown = [s for s in segments if s.segment_id in distribution.quantiles]
        stats = []
        for segment in shown:
            low, q1, median, q3, high = distribution.quantiles[segment.segment_id]
            stats.append(
                {
                    "label": str(segment.segment_id),
                    "whislo": low,
                    "q1": q1,
                    "med": median,
                    "q3": q3,
                    "whishi": high,
                }
            )
        boxes = axes.bxp(stats, showfliers=False, patch_artist=True, medianprops={"color": "k"})
        for box, segment in zip(boxes["boxes"], shown, strict=True):
            box.set_facecolor(colours[segment.segment_id])
        if distribution.log_scale:
            axes.set_yscale("symlog", linthresh=1)
        axes.set_title(distribution.column + (" (log scale)" if distribution.log_scale else ""))
        label_axes(axes, name, index, "segment id", f"{distribution.column} ({distribution.unit})")
    for axes in grid[len(distributions) :]:
        axes.set_visible(False)
    segment_legend(figure, segments, colours)
    low, high = int(100 * QUANTILES[0]), int(100 * QUANTILES[-1])
    return render(
        figure,
        name,
        "Feature distributions per segment",
        f"Boxes: 25th to 75th percentile, line: median, whiskers: {low}th and {high}th "
        "percentile of all the segment's customers (percentile_approx in Spark). A clustering "
        "feature on the log scale (log_x) is shown as x on a log axis.",
    )


def projection_chart(
    projection: Projection, segments: Sequence[Segment], colours: dict[int, str]
) -> Chart:
    """The seeded sample's customers on their first two principal components, by segment."""
    name = "pca_projection"
    figure = new_figure(8, 6.2)
    axes = figure.subplots()
    for segment in segments:
        points = [point for point in projection.points if point[0] == segment.segment_id]
        axes.scatter(
            [point[1] for point in points],
            [point[2] for point in points],
            s=9,
            alpha=0.7,
            color=colours[segment.segment_id],
            label=f"{segment.label} ({len(points):,})",
            linewidths=0,
        )
    first, second = projection.explained_variance
    axes.legend(title="segment (customers in sample)", frameon=False, fontsize=8, markerscale=2)
    label_axes(
        axes,
        name,
        0,
        f"PC1 ({100 * first:.0f}% of variance; standardised model units)",
        f"PC2 ({100 * second:.0f}% of variance; standardised model units)",
    )
    return render(
        figure,
        name,
        f"Customers in two dimensions (PCA of {projection.sample_rows:,} sampled customers)",
        f"A seeded sample of {projection.sample_rows:,} of {projection.customer_count:,} "
        "customers (lowest hashes of their ids) in the model's standardised feature space, "
        "projected on its first two principal components (Spark MLlib PCA fitted on the "
        "sample only).",
    )


def mix_chart(mixes: Sequence[Mix], segments: Sequence[Segment], colours: dict[int, str]) -> Chart:
    """Per profile dimension, each segment's customers split by the dimension's values."""
    name = "segment_mix"
    columns = min(2, len(mixes))
    rows = math.ceil(len(mixes) / columns)
    figure = new_figure(11, 0.6 + (1.6 + 0.42 * len(segments)) * rows)
    grid = figure.subplots(rows, columns, squeeze=False).flatten()
    positions = list(range(len(segments)))[::-1]
    for index, (axes, mix) in enumerate(zip(grid, mixes, strict=False)):
        palette = colormaps["YlGnBu"]
        left = [0.0] * len(segments)
        for value_index, value in enumerate(mix.values):
            colour = palette(0.15 + 0.8 * value_index / max(1, len(mix.values) - 1))
            widths = [100 * mix.shares.get((s.segment_id, value), 0.0) for s in segments]
            axes.barh(positions, widths, left=left, color=colour, label=value, edgecolor="white")
            left = [start + width for start, width in zip(left, widths, strict=True)]
        axes.set_yticks(positions, [segment.label for segment in segments])
        for tick, segment in zip(axes.get_yticklabels(), segments, strict=True):
            tick.set_color(colours[segment.segment_id])
            tick.set_fontweight("bold")
        axes.set_xlim(0, 100)
        axes.set_title(mix.dimension)
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22),
            ncols=min(len(mix.values), 4),
            frameon=False,
            fontsize=7,
        )
        label_axes(axes, name, index, "share of the segment's customers (%)", "segment")
    for axes in grid[len(mixes) :]:
        axes.set_visible(False)
    return render(
        figure,
        name,
        "Segment mix by profile dimension",
        "Each bar: a segment's customers split by the dimension's values (segment_mix; the "
        "commonest values, the rest as other).",
    )


def transitions_chart(transitions: Transitions) -> Chart:
    """Customers from each segment of the previous build to each segment of this one."""
    name = "segment_transitions"
    rows, columns = transitions.previous_labels, transitions.current_labels
    matrix = [[transitions.counts.get((row, column), 0) for column in columns] for row in rows]
    figure = new_figure(max(6.0, 2.5 + 1.2 * len(columns)), 1.6 + 0.55 * len(rows))
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap="Blues", aspect="auto")
    largest = max(max(row) for row in matrix) or 1
    for row_index, values in enumerate(matrix):
        for column_index, value in enumerate(values):
            axes.text(
                column_index,
                row_index,
                f"{value:,}",
                ha="center",
                va="center",
                color="white" if value > largest * 0.6 else "black",
                gid=f"{name}-value-{row_index}-{column_index}",
            )
    axes.set_xticks(range(len(columns)), columns, rotation=20, ha="right")
    axes.set_yticks(range(len(rows)), rows)
    figure.colorbar(image, ax=axes).set_label("customers")
    label_axes(axes, name, 0, "segment in this build", "segment in the previous build")
    return render(
        figure,
        name,
        "Where customers moved since the previous build",
        f"{transitions.unchanged:,} customers kept their segment, {transitions.moved:,} moved, "
        f"{transitions.new:,} are new and {transitions.gone:,} are gone "
        "(segment_transition_matrix).",
    )
