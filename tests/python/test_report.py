"""The segment report as a reader sees it: written from real marts, rendered in Chromium.

One small generated project is built twice (dbtRunner, in this process, on the shared
SparkSession; seeds and models, no data tests): first up to segment_transition_matrix, then
every model with changed customers and `segmentation_mode: train`, so the second build has
a previous one and the transition matrix. The report library writes the
report of the second build; headless Chromium renders it (`--dump-dom`) and every check reads
the rendered DOM: each chart present, drawn (laid out at a real size, with marks), titled and
labelled, and every number the page shows equal to what the marts hold (queried here with
Spark). Pixel colours are never read.

The report through the server target (`make report` with DBT_TARGET=server, reading over
Spark Connect) is tested on test_server_target.py's build through the server.

Needs /usr/bin/chromium (Debian package `chromium`): skipped without it, failed without it
when REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import chromium, require_chromium
from customer_segmentation.datagen import write_customers
from customer_segmentation.report import MartsNotBuiltError, write_report
from customer_segmentation.report.__main__ import run
from customer_segmentation.report.marts import read_projection, read_transitions
from customer_segmentation.segmentation import require_current, resolved_of
from dbt_harness import DbtProject

pytestmark = [pytest.mark.browser, pytest.mark.dbt, pytest.mark.slow]

SCHEMA = "report_marts"
# The cheap but complete model: a real k sweep (k 3..6) with one start and one stability split.
MODEL = "segmentation: {k_min: 3, k_max: 6, n_init: 1, stability_runs: 1}"
CHARTS_OF_EVERY_BUILD = {
    "segment_sizes",
    "k_selection",
    "feature_heatmap",
    "feature_distributions",
    "pca_projection",
    "segment_mix",
}
TRANSITIONS_CHART = "segment_transitions"
MARKS = re.compile(r"<(?:path|rect|use|polyline|circle)\b")


@dataclass
class Element:
    """One element of the rendered DOM: tag, attributes, children and own text."""

    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def iter(self):
        """This element and every descendant, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Descendants (and self) with the tag and attribute values given (`data_x` = data-x)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        """The first matching descendant; fail naming what was looked for."""
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs} in <{self.tag} {self.attrs}>"
        return found[0]

    @property
    def all_text(self) -> str:
        """Every text inside, whitespace collapsed."""
        return " ".join(" ".join(element.text for element in self.iter()).split())


class _TreeBuilder(HTMLParser):
    """Builds Element trees from the DOM Chromium dumps (well-formed: it serialised it)."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text += data


def parse_dom(dom: str) -> Element:
    """The element tree of a dumped DOM."""
    builder = _TreeBuilder()
    builder.feed(dom)
    builder.close()
    return builder.root


def shown_int(text: str) -> int:
    """A count as the page shows it (1,234) as an int."""
    return int(text.replace(",", "").strip())


@dataclass(frozen=True)
class Built:
    """The twice-built project, the report of its second build and its rendered DOM."""

    project: DbtProject
    report_dir: Path
    dom: Element
    raw_dom: str
    first_build_transitions: object


@pytest.fixture(scope="module")
def built(request, tmp_path_factory) -> Built:
    """Build the project twice, write the report of the second build, render it in Chromium."""
    require_chromium("render the segment report")
    spark = request.getfixturevalue("spark")
    data = tmp_path_factory.mktemp("report_data")
    write_customers(data / "first.csv", customers=1200, seed=11, as_of=date(2026, 6, 30))
    write_customers(data / "second.csv", customers=1300, seed=12, as_of=date(2026, 7, 31))
    project = DbtProject.copy(tmp_path_factory.mktemp("report"), SCHEMA, data / "first.csv")
    # The first build only needs what the second one's transitions compare with (its
    # customer_segments, through segment_transitions) and its matrix; the second builds every
    # model.
    models = ["--resource-type", "seed", "--resource-type", "model"]
    first = ["--select", "+segment_transition_matrix", *models]
    project.run("build", *first, "--vars", f"{{{MODEL}}}")
    first_build_transitions = read_transitions(spark, SCHEMA)
    (project.root / "seeds" / "customers.csv").write_bytes((data / "second.csv").read_bytes())
    project.run("build", *models, "--vars", f"{{{MODEL}, segmentation_mode: train}}")
    report_dir = tmp_path_factory.mktemp("report_out")
    write_report(spark, SCHEMA, report_dir)
    raw = chromium("--dump-dom", (report_dir / "index.html").as_uri()).stdout
    return Built(project, report_dir, parse_dom(raw), raw, first_build_transitions)


def figures(built: Built) -> dict[str, Element]:
    """The page's chart figures by name."""
    return {figure.attrs["data-chart"]: figure for figure in built.dom.find_all("figure")}


def test_first_build_has_no_transitions_and_second_build_has_them(built, spark):
    """The matrix of a first build is all `new`: no chart; after a retrain it is shown."""
    assert built.first_build_transitions is None
    matrix = built.project.table(spark, "segment_transition_matrix")
    assert matrix.where("previous_segment_id is not null").count() > 0
    assert set(figures(built)) == CHARTS_OF_EVERY_BUILD | {TRANSITIONS_CHART}
    assert not built.dom.find_all(id="no-transitions")


def test_every_chart_is_drawn_titled_and_labelled(built):
    """Each chart's inline SVG was laid out at a real size, has marks, a title, axis labels."""
    problems = []
    for name, figure in figures(built).items():
        width, height = (
            int(part) for part in figure.attrs.get("data-rendered-size", "0x0").split("x")
        )
        if width < 300 or height < 150:
            problems.append(f"{name}: rendered at {width}x{height}")
        svg = figure.find("svg")
        marks = [element for element in svg.iter() if MARKS.match(f"<{element.tag} ")]
        if len(marks) < 20:
            problems.append(f"{name}: only {len(marks)} marks")
        title = svg.find(id=f"{name}-title").all_text
        if not title or title != figure.find("h3").all_text or svg.attrs.get("aria-label") != title:
            problems.append(f"{name}: title {title!r}")
        ids = {element.attrs.get("id", "") for element in svg.iter()}
        xlabels = sorted(found for found in ids if found.startswith(f"{name}-xlabel-"))
        ylabels = sorted(found for found in ids if found.startswith(f"{name}-ylabel-"))
        if not xlabels or len(xlabels) != len(ylabels):
            problems.append(f"{name}: x labels {xlabels}, y labels {ylabels}")
        for label in xlabels + ylabels:
            if not svg.find(id=label).all_text:
                problems.append(f"{name}: {label} is empty")
        if not figure.find("figcaption").all_text:
            problems.append(f"{name}: no caption")
        if not (built.report_dir / f"{name}.png").stat().st_size > 5_000:
            problems.append(f"{name}: PNG missing or tiny")
    assert problems == []


def test_report_needs_nothing_from_the_network(built):
    """No script, style, image or font is loaded from a URL: the page is one file."""
    page = (built.report_dir / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page


def test_facts_match_the_marts(built, spark):
    """As-of date, rows by fate, model version and run id, chosen k: as the marts have them."""
    reconciliation = built.project.table(spark, "customer_input_reconciliation").first()
    record = require_current(built.project.table(spark, "segmentation_models"))
    chosen = built.project.table(spark, "segment_k_selection").where("is_chosen").first()
    facts = {
        row.attrs["data-fact"]: row.find("td").all_text
        for row in built.dom.find_all("tr")
        if "data-fact" in row.attrs
    }
    assert facts["as_of_date"].startswith(f"{reconciliation['as_of_date']:%Y-%m-%d}")
    assert reconciliation["as_of_date"] == date(2026, 7, 31)
    for fate in ("input", "segmented", "quarantined", "duplicate"):
        key = f"{fate}_row_count"
        assert shown_int(facts[key]) == reconciliation[key], key
    assert shown_int(facts["chosen_k"]) == chosen["k"] == record["k"]
    assert shown_int(facts["model_version"]) == record["model_version"] == 2
    assert facts["model_run_id"] == record["model_path"].rsplit("/", 1)[-1]
    assert facts["build_at"] == f"{record['last_build_at']:%Y-%m-%d %H:%M:%S} UTC"
    build_ids = (
        built.project.table(spark, "segment_transition_matrix").select("build_id").distinct()
    )
    assert [row["build_id"] for row in build_ids.collect()] == [facts["build_id"]]


def test_segments_table_matches_segment_summary(built, spark):
    """Each segment's name, description, action, size, shares and audience size as in the mart."""
    summary = {
        row["segment_id"]: row for row in built.project.table(spark, "segment_summary").collect()
    }
    rows = {
        int(row.attrs["data-segment-id"]): row
        for row in built.dom.find_all("tr")
        if "data-segment-id" in row.attrs
    }
    assert set(rows) == set(summary)
    for segment_id, row in rows.items():
        mart = summary[segment_id]
        cell = {td.attrs["data-field"]: td.all_text for td in row.find_all("td")}
        assert cell["segment_name"] == mart["segment_name"]
        assert cell["segment_description"] == mart["segment_description"]
        assert cell["recommended_action"] == mart["recommended_action"]
        assert shown_int(cell["customer_count"]) == mart["customer_count"]
        assert shown_int(cell["audience_size"]) == mart["audience_size"]
        assert cell["customer_share"] == f"{100 * mart['customer_share']:.1f}%"
        assert cell["revenue_share"] == f"{100 * mart['revenue_share']:.1f}%"


def test_chart_values_match_the_marts(built, spark):
    """The size bars' labels are segment_summary's counts; the matrix cells add up to its total."""
    sizes = figures(built)["segment_sizes"]
    summary = built.project.table(spark, "segment_summary").collect()
    for row in summary:
        label = sizes.find(id=f"segment_sizes-value-count-{row['segment_id']}").all_text
        assert shown_int(label) == row["customer_count"]
    matrix = figures(built)[TRANSITIONS_CHART]
    cells = [
        shown_int(element.all_text)
        for element in matrix.iter()
        if element.attrs.get("id", "").startswith(f"{TRANSITIONS_CHART}-value-")
    ]
    total = built.project.table(spark, "segment_transition_matrix").groupBy().sum("customer_count")
    assert sum(cells) == total.first()[0]
    chosen = built.project.table(spark, "segment_k_selection").where("is_chosen").first()["k"]
    k_chart = figures(built)["k_selection"]
    marked = {
        element.all_text
        for element in k_chart.iter()
        if element.attrs.get("id", "").startswith("k_selection-value-chosen-")
    }
    assert marked == {f"k = {chosen}"}


def test_each_segment_has_one_colour_in_every_chart(built):
    """The table's swatch colours are distinct, and each is used by every segment-coloured chart."""
    swatches = {}
    for row in built.dom.find_all("tr"):
        if "data-segment-id" in row.attrs:
            style = row.find("span", **{"class": "swatch"}).attrs["style"]
            swatches[row.attrs["data-segment-id"]] = style.split(":", 1)[1].strip().lower()
    assert len(set(swatches.values())) == len(swatches) > 1
    for name in ("segment_sizes", "feature_distributions", "pca_projection"):
        svg = figures(built)[name].find("svg")
        styles = " ".join(element.attrs.get("style", "") for element in svg.iter()).lower()
        missing = [colour for colour in swatches.values() if colour not in styles]
        assert missing == [], name


def test_projection_sample_is_bounded_and_seeded(built, spark):
    """PCA reads at most sample_rows customers, the same ones each time."""
    record = require_current(built.project.table(spark, "segmentation_models"))
    features = built.project.table(spark, "customer_features")
    segments = built.project.table(spark, "customer_segments")
    args = (features, segments, resolved_of(record), "customer_id", 0)
    first = read_projection(*args, sample_rows=150, seed=3)
    assert first is not None and first.sample_rows == len(first.points) == 150
    assert read_projection(*args, sample_rows=150, seed=3).points == first.points
    assert read_projection(*args, sample_rows=150, seed=4).points != first.points


def test_report_fails_with_one_clear_line_when_marts_are_not_built(built, spark, tmp_path, capsys):
    """A schema without the marts: no report, exit 2, one line naming a mart and `make build`."""
    spark.sql("create database if not exists report_empty")
    with pytest.raises(MartsNotBuiltError, match=r"report_empty\.segmentation_models"):
        write_report(spark, "report_empty", tmp_path / "out")
    args = argparse.Namespace(out=tmp_path / "out", sample_rows=100, seed=1)
    assert run(spark, "local", "report_empty", args) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "report_empty.segment_summary" in error and "make build" in error
    assert not (tmp_path / "out" / "index.html").exists()
