"""The report's HTML page: one self-contained file, charts inline as SVG, every text escaped.

No script, style sheet, font or image is loaded from anywhere (the PNGs beside it are for
slides and e-mail; the page does not need them). The facts and segment tables carry
`data-fact` / `data-segment-id` + `data-field` attributes so a browser test can find each
number the page shows; a few lines of inline script record each chart's laid-out size on its
figure (`data-rendered-size`), which a headless browser test reads from the DOM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from customer_segmentation.report.charts import Chart
from customer_segmentation.report.marts import Facts, ReportData, Segment

STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #222; line-height: 1.4; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left;
         vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.4rem;
          vertical-align: middle; border-radius: 2px; }
figure.chart { margin: 1.5rem 0 2.5rem; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.85rem; }
nav a { margin-right: 0.8rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
                   clip: rect(0 0 0 0); white-space: nowrap; }
"""

# Records each chart's laid-out size on its figure: proof from the DOM that it was drawn.
SIZE_SCRIPT = """
document.querySelectorAll("figure.chart").forEach(function (figure) {
  var svg = figure.querySelector("svg");
  var box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  figure.setAttribute("data-rendered-size", Math.round(box.width) + "x" + Math.round(box.height));
});
"""


def number(value: int) -> str:
    """A count as shown: thousands separated by commas."""
    return f"{value:,}"


def percent(value: float | None) -> str:
    """A share as shown: a percentage with one decimal, or an en dash when unknown."""
    return "\u2013" if value is None else f"{100 * value:.1f}%"


def timestamp(value: datetime | None) -> str:
    """A timestamp as shown (UTC, to the second)."""
    return "\u2013" if value is None else f"{value:%Y-%m-%d %H:%M:%S} UTC"


def order_line_rows(facts: Facts) -> list[tuple[str, str, str]]:
    """The order lines by fate, when the build had a transactions input."""
    lines = facts.order_lines
    if lines is None:
        return []
    return [
        ("input_line_count", "Order lines", number(lines.input_line_count)),
        ("purchase_line_count", "Purchase lines", number(lines.purchase_line_count)),
        ("return_line_count", "Return lines (netted)", number(lines.return_line_count)),
        ("quarantined_line_count", "Quarantined lines", number(lines.quarantined_line_count)),
        ("duplicate_line_count", "Duplicate lines", number(lines.duplicate_line_count)),
    ]


def fact_rows(facts: Facts) -> list[tuple[str, str, str]]:
    """(key, label, shown value) of every fact the page states about the build."""
    return [
        ("as_of_date", "As-of date", f"{facts.as_of_date:%Y-%m-%d} ({facts.as_of_source})"),
        *order_line_rows(facts),
        ("input_row_count", "Input rows", number(facts.input_row_count)),
        ("segmented_row_count", "Segmented", number(facts.segmented_row_count)),
        ("quarantined_row_count", "Quarantined", number(facts.quarantined_row_count)),
        ("duplicate_row_count", "Duplicates", number(facts.duplicate_row_count)),
        ("model_version", "Model version", str(facts.model_version)),
        ("model_run_id", "Model run id", facts.model_run_id),
        ("trained_at", "Model trained at", timestamp(facts.trained_at)),
        ("build_at", "Build time", timestamp(facts.build_at)),
        ("build_action", "This build", f"{facts.build_action} with version {facts.model_version}"),
        ("build_id", "Build id (dbt invocation)", facts.build_id),
        ("chosen_k", "Segments (chosen k)", str(facts.chosen_k)),
        ("algorithm", "Algorithm", facts.algorithm),
        ("features", "Features", facts.features.replace(",", ", ")),
        ("schema", "Schema", facts.schema),
    ]


def cell_class(css: str) -> str:
    """A cell's class attribute, or nothing."""
    return f' class="{css}"' if css else ""


def facts_table(facts: Facts) -> str:
    """The build's facts as a two-column table, one `data-fact` row each."""
    rows = "".join(
        f'<tr data-fact="{escape(key)}"><th scope="row">{escape(label)}</th>'
        f"<td>{escape(value)}</td></tr>"
        for key, label, value in fact_rows(facts)
    )
    return f'<table id="facts">{rows}</table>'


def segments_table(segments: Sequence[Segment], colours: dict[int, str]) -> str:
    """Each segment's name, description, action, channel, size, shares and audience size."""
    header = (
        "<tr><th>Segment</th><th>Name</th><th>Customers</th><th>Share</th>"
        "<th>Revenue share</th><th>Audience size</th><th>Description</th>"
        "<th>Recommended action</th><th>Channel</th></tr>"
    )
    rows = []
    for segment in segments:
        cells = [
            (
                "segment_id",
                f'<span class="swatch" style="background:{escape(colours[segment.segment_id])}">'
                f"</span>{segment.segment_id}",
                "",
            ),
            ("segment_name", escape(segment.name), ""),
            ("customer_count", number(segment.customer_count), "number"),
            ("customer_share", percent(segment.customer_share), "number"),
            ("revenue_share", percent(segment.revenue_share), "number"),
            ("audience_size", number(segment.audience_size), "number"),
            ("segment_description", escape(segment.description or "\u2013"), ""),
            ("recommended_action", escape(segment.recommended_action or "\u2013"), ""),
            ("recommended_channel", escape(segment.recommended_channel or "\u2013"), ""),
        ]
        rows.append(
            f'<tr data-segment-id="{segment.segment_id}">'
            + "".join(
                f'<td data-field="{field}"{cell_class(css)}>{content}</td>'
                for field, content, css in cells
            )
            + "</tr>"
        )
    return f'<table id="segments"><thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>'


def figure(chart: Chart) -> str:
    """A chart as a figure: hidden heading (the SVG shows the title), SVG, caption, PNG link."""
    svg = chart.svg.replace("<svg ", f'<svg role="img" aria-label="{escape(chart.title)}" ', 1)
    return (
        f'<figure class="chart" id="chart-{escape(chart.name)}" data-chart="{escape(chart.name)}">'
        f'<h3 class="visually-hidden">{escape(chart.title)}</h3>{svg}'
        f"<figcaption>{escape(chart.caption)} "
        f'<a href="{escape(chart.name)}.png">PNG</a></figcaption></figure>'
    )


def page(data: ReportData, charts: Sequence[Chart], colours: dict[int, str]) -> str:
    """The whole report as one HTML document."""
    facts = data.facts
    nav = "".join(
        f'<a href="#chart-{escape(chart.name)}">{escape(chart.title.split(":")[0])}</a>'
        for chart in charts
    )
    no_transitions = (
        ""
        if data.transitions is not None
        else '<p id="no-transitions">No previous build yet: the transition matrix appears '
        "after the next build (every customer of this one is new).</p>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Customer segments, as of {facts.as_of_date:%Y-%m-%d}</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Customer segments</h1>"
        f'<p class="subtitle">{facts.chosen_k} segments of '
        f"{number(facts.segmented_row_count)} customers, as of {facts.as_of_date:%Y-%m-%d}; "
        f"model version {facts.model_version}, built {escape(timestamp(facts.build_at))}.</p>"
        f"<nav>{nav}</nav>"
        f'<h2 id="build">This build</h2>{facts_table(facts)}'
        f'<h2 id="segment-list">Segments</h2>{segments_table(data.segments, colours)}'
        f'<h2 id="charts">Charts</h2>{"".join(figure(chart) for chart in charts)}'
        f"{no_transitions}"
        f"<script>{SIZE_SCRIPT}</script></body></html>\n"
    )
