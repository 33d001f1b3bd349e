"""The dbt docs site as a reader sees it: `dbt docs generate --static` rendered in Chromium.

One small build (dbtRunner, in this process, on the shared SparkSession) and one
`dbt docs generate --static` back every test here. The expected side of each test comes from
the project's own files in the built copy (model files, YAML, models/overview.md), so the
tests fail when the site stops showing *this* project: a model or exposure missing from the
graph, a description or documented column not shown, a doc block left raw, an overview that
names models the project no longer has. How dbt docs draws things is not tested here.

Headless Chromium renders hash routes of the single-file site (`--dump-dom`), and the page
tests read only the routed page's view: the raw file inlines the whole manifest, so a check
on it would pass whatever the site showed.

Needs /usr/bin/chromium (Debian package `chromium`): skipped without it, failed without it
when REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from browser import chromium, require_chromium
from customer_segmentation.datagen import write_customers
from dbt_harness import PROJECT_DIR, DbtProject

pytestmark = [pytest.mark.browser, pytest.mark.dbt, pytest.mark.slow]

PACKAGE = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["name"]

# The lineage checked page by page: from the customers seed through the Python model to the
# BI dashboard exposure.
SEED = f"seed.{PACKAGE}.customers"
EXPOSURE = f"exposure.{PACKAGE}.segment_dashboard"
PYTHON_MODEL = f"model.{PACKAGE}.customer_segments"

# models/inputs/ (the file checks and reader) are enabled only when `customers_input.path` is
# set, and the order-lines path (README "Bring your transactions") only with
# `transactions_input.enabled`; the site documents the default build.
DISABLED_WITHOUT_INPUT_FILE = {"customers_input_files", "customers_file"}
DISABLED_WITHOUT_ORDER_LINES = {
    "order_lines_input_files",
    "order_lines_file",
    "order_line_customers",
    "stg_order_lines",
    "stg_order_lines_input_files",
    "int_order_lines_validated",
    "int_orders",
    "int_customer_purchases",
    "order_line_reconciliation",
}
DISABLED_MODELS = DISABLED_WITHOUT_INPUT_FILE | DISABLED_WITHOUT_ORDER_LINES
DISABLED_SEEDS = {"order_lines"}

_VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|thead|tbody|pre|section|br|hr)\b[^>]*>", re.I
)
_NODE_LINK = re.compile(r'href="#!/[a-z_]+/([^"?#]+)"')
_REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
_DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.S)
_DOC_CALL = re.compile(r"""{{\s*doc\(\s*['"](\w+)['"]\s*\)\s*}}""")
_FENCED_CODE = re.compile(r"^```.*?^```[ \t]*$", re.M | re.S)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.M)
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")  # a markdown link's (url): not shown on the page


def route(unique_id: str) -> str:
    """The docs site's hash route of a node: `model.pkg.name` -> `model/model.pkg.name`."""
    return f"{unique_id.split('.', 1)[0]}/{unique_id}"


def words(text: str) -> list[str]:
    """The words of a text in order, without markup, punctuation or underscores.

    Markdown and its rendering have the same words (list numbers and link targets aside), so
    two texts with the same words show the same content.
    """
    return re.findall(r"[^\W_]+", _LIST_MARKER.sub("", _LINK_TARGET.sub("]", text)))


class _ViewFinder(HTMLParser):
    """Finds the source span of the first element carrying an attribute (e.g. `ui-view`)."""

    def __init__(self, source: str, attribute: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attribute = attribute
        # getpos() counts lines by "\n" only (not str.splitlines' other separators)
        self.line_offsets = [0, *(found.end() for found in re.finditer("\n", source))]
        self.start: int | None = None
        self.end: int | None = None
        self.depth = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_offsets[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.end is not None or tag in _VOID_ELEMENTS:
            return
        if self.start is not None:
            self.depth += 1
        elif any(name == self.attribute for name, _ in attrs):
            self.start = self._offset()
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.start is None or self.end is not None or tag in _VOID_ELEMENTS:
            return
        self.depth -= 1
        if self.depth == 0:
            self.end = self._offset() + len(f"</{tag}>")


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (inline tags join, blocks split)."""
    fragment = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", fragment, flags=re.S | re.I)
    fragment = _BLOCK_TAG.sub(" ", fragment)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def elements(fragment: str, tag: str) -> list[str]:
    """The inner HTML of every `tag` element of a fragment (not nested in one another)."""
    return re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", fragment, flags=re.S)


@dataclass(frozen=True)
class Page:
    """The routed view of one rendered page of the docs site (not the sidebar or search)."""

    route: str
    view: str

    @classmethod
    def from_dom(cls, page_route: str, dom: str) -> Page:
        """Cut the `ui-view` element (the page the route shows) out of a dumped DOM."""
        finder = _ViewFinder(dom, "ui-view")
        finder.feed(dom)
        finder.close()
        if finder.start is None or finder.end is None:
            raise AssertionError(f"no rendered ui-view in the DOM of #!/{page_route}")
        return cls(page_route, dom[finder.start : finder.end])

    @property
    def text(self) -> str:
        """Everything the page shows, as text."""
        return text_of(self.view)

    @property
    def title(self) -> str:
        """The page's heading (node name, exposure label, or the overview's first heading)."""
        headings = elements(self.view, "h1")
        return text_of(headings[0]) if headings else ""

    def section(self, heading: str) -> str:
        """The HTML of the section under an `<h6>` heading such as "Depends On" or "Code"."""
        found = re.search(
            rf"<h6>\s*{re.escape(heading)}\s*</h6>(.*?)</section>", self.view, flags=re.S
        )
        if found is None:
            raise AssertionError(f"#!/{self.route} has no section {heading!r}")
        return found.group(1)

    def node_links(self, heading: str) -> set[str]:
        """Unique ids of the models and seeds a section links to (e.g. under "Depends On").

        The list shows one resource type at a time: the first type among the node's parents
        (the project's models read models, or seeds in staging, never both).
        """
        links = _NODE_LINK.findall(self.section(heading))
        return {link for link in links if link.split(".", 1)[0] in ("model", "seed")}


@dataclass(frozen=True)
class ProjectFiles:
    """What the project's own files say: the expected side of the tests."""

    root: Path

    def model_files(self) -> dict[str, Path]:
        """Model name -> file, for every SQL and Python model under models/."""
        files = sorted((self.root / "models").rglob("*"))
        return {path.stem: path for path in files if path.suffix in (".sql", ".py")}

    def seed_names(self) -> set[str]:
        """The seeds: every CSV file under seeds/."""
        return {path.stem for path in (self.root / "seeds").glob("*.csv")}

    def entries(self, kind: str) -> dict[str, dict]:
        """Name -> YAML entry of every `models:`, `seeds:` or `exposures:` item."""
        found: dict[str, dict] = {}
        for path in [*self.root.glob("models/**/*.yml"), *self.root.glob("seeds/*.yml")]:
            for entry in (yaml.safe_load(path.read_text()) or {}).get(kind) or []:
                assert entry["name"] not in found, f"{kind} {entry['name']} documented twice"
                found[entry["name"]] = entry
        return found

    def doc_blocks(self) -> dict[str, str]:
        """Name -> markdown of every `{% docs %}` block of the docs paths' .md files."""
        paths = [*self.root.glob("models/**/*.md"), *self.root.glob("docs/**/*.md")]
        return {name: body for path in paths for name, body in _DOC_BLOCK.findall(path.read_text())}

    def description(self, entry: dict) -> str:
        """An entry's description as dbt renders it: each `{{ doc('name') }}` replaced."""
        blocks = self.doc_blocks()
        return _DOC_CALL.sub(lambda call: blocks[call.group(1)], entry.get("description") or "")


@dataclass(frozen=True)
class DocsSite:
    """The generated single-file docs site of the built project copy, and what it inlines."""

    index: Path
    manifest: dict
    catalog: dict
    project: ProjectFiles

    def unique_ids(self, kind: str) -> list[str]:
        """The project's models, seeds or exposures in the site's manifest."""
        if kind == "exposure":
            return sorted(self.manifest["exposures"])
        return sorted(
            unique_id
            for unique_id, node in self.manifest["nodes"].items()
            if node["resource_type"] == kind and node["package_name"] == PACKAGE
        )

    def names(self, kind: str) -> set[str]:
        """The names of the project's models, seeds or exposures in the site."""
        return {unique_id.rsplit(".", 1)[1] for unique_id in self.unique_ids(kind)}

    def ref_target(self, name: str) -> str:
        """The unique id of the model or seed that `ref(name)` means."""
        for kind in ("model", "seed"):
            if name in self.names(kind):
                return f"{kind}.{PACKAGE}.{name}"
        raise AssertionError(f"ref({name!r}) names no model or seed of the site")

    def lineage_path(self, *waypoints: str) -> list[str]:
        """The shortest chain of seeds, models and exposures through the waypoints (manifest)."""
        path = [waypoints[0]]
        for source, target in pairwise(waypoints):
            previous: dict[str, str] = {}
            frontier = [source]
            while frontier and target not in previous:
                following = []
                for node in frontier:
                    for child in sorted(self.manifest["child_map"][node]):
                        kind = child.split(".", 1)[0]
                        if kind in {"model", "exposure"} and child not in previous:
                            previous[child] = node
                            following.append(child)
                frontier = following
            if target not in previous:
                raise AssertionError(f"the manifest has no lineage from {source} to {target}")
            leg = [target]
            while leg[-1] != source:
                leg.append(previous[leg[-1]])
            path += leg[-2::-1]
        return path

    def url(self, page_route: str) -> str:
        """file:// URL of a hash route of the site."""
        return f"{self.index.as_uri()}#!/{page_route}"

    def render(self, page_route: str) -> Page:
        """Render a route in headless Chromium and return its view."""
        dom = chromium("--dump-dom", self.url(page_route)).stdout
        return Page.from_dom(page_route, dom)

    def render_all(self, routes: Iterable[str]) -> dict[str, Page]:
        """Render several routes, a few browsers at a time."""
        routes = list(routes)
        workers = max(1, min(3, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(zip(routes, pool.map(self.render, routes), strict=True))


@pytest.fixture(scope="module")
def chromium_available() -> Path:
    """Chromium's path; skip the module without it (fail instead when REQUIRE_BROWSER=1)."""
    return require_chromium("render the docs site")


@pytest.fixture(scope="module")
def site(request, tmp_path_factory, chromium_available) -> DocsSite:
    """The project's seeds and models built once on a small generated data set, and its site."""
    # Only now start the shared SparkSession (dbt's session target runs in it): a run that
    # skips for want of Chromium should not pay for a JVM.
    request.getfixturevalue("spark")
    folder = tmp_path_factory.mktemp("docs_site_data")
    write_customers(folder / "customers.csv", customers=600, seed=5, as_of=date(2026, 6, 30))
    project = DbtProject.copy(
        tmp_path_factory.mktemp("docs_site"), "docs_site", folder / "customers.csv"
    )
    # Seeds and models only: the site needs every table in the catalog, not the data tests
    # (test_dbt_build runs those), nor the k rule's resampling (one start, one k).
    cheap_model = "{segmentation: {k: 5, k_min: 5, k_max: 5, n_init: 1, stability_runs: 0}}"
    project.run(
        "build", "--resource-type", "seed", "--resource-type", "model", "--vars", cheap_model
    )
    project.run("docs", "generate", "--static")
    target = project.root / "target"
    index = target / "static_index.html"
    assert index.is_file(), "dbt docs generate --static wrote no static_index.html"
    manifest = (target / "manifest.json").read_text(encoding="utf-8").strip()
    catalog = (target / "catalog.json").read_text(encoding="utf-8").strip()
    inlined = index.read_text(encoding="utf-8")
    # What the site shows is built from these two: the checks below read them as parsed JSON.
    assert manifest in inlined and catalog in inlined, "the site does not inline this build"
    return DocsSite(index, json.loads(manifest), json.loads(catalog), ProjectFiles(project.root))


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    """The overview and the page of every model, seed and exposure, rendered once."""
    nodes = [*site.unique_ids("model"), *site.unique_ids("seed"), *site.unique_ids("exposure")]
    return site.render_all(["overview", *(route(unique_id) for unique_id in nodes)])


def test_site_graph_has_every_model_seed_and_exposure_of_the_project(site):
    """The site's graph holds each model file, seed file and YAML exposure, with its inputs."""
    files = site.project
    disabled = {
        unique_id.rsplit(".", 1)[1]
        for unique_id in site.manifest["disabled"]
        if unique_id.startswith("model.")
    }
    disabled_seeds = {
        unique_id.rsplit(".", 1)[1]
        for unique_id in site.manifest["disabled"]
        if unique_id.startswith("seed.")
    }
    assert disabled == DISABLED_MODELS
    assert disabled_seeds == DISABLED_SEEDS
    assert site.names("model") == set(files.model_files()) - disabled
    assert site.names("seed") == files.seed_names() - disabled_seeds
    # YAML that documents a renamed or deleted node documents nothing the site shows.
    assert set(files.entries("models")) - disabled <= site.names("model")
    assert set(files.entries("seeds")) - disabled_seeds <= site.names("seed")
    exposures = files.entries("exposures")
    assert site.names("exposure") == set(exposures)
    for name, entry in exposures.items():
        reads = {site.ref_target(ref) for ref in _REF.findall(" ".join(entry["depends_on"]))}
        assert set(site.manifest["parent_map"][f"exposure.{PACKAGE}.{name}"]) == reads, name


def test_overview_page_shows_the_whole_overview_rendered(site, pages):
    """The `__overview__` doc block is the overview page: all its words, its headings rendered."""
    markdown = site.project.doc_blocks()["__overview__"]
    page = pages["overview"]
    shown = " ".join(words(page.text))
    assert " ".join(words(markdown)) in shown, "the overview page does not show overview.md"
    # Rendered, not shown as source: markdown headings are HTML headings, code fences are gone.
    headings = re.findall(r"^(#{1,6})[ \t]+(.+)$", _FENCED_CODE.sub("", markdown), flags=re.M)
    assert headings[0][0] == "#"
    assert words(page.title) == words(headings[0][1])
    for hashes, heading in headings:
        rendered = [words(text_of(found)) for found in elements(page.view, f"h{len(hashes)}")]
        assert words(heading) in rendered, heading
    # The route also shows the lineage panel (with model code); check the overview's own text.
    text = page.text
    start = text.index(headings[0][1].strip())
    last_words = markdown.strip().split()[-3:]
    end = text.index(last_words[-1], text.index(last_words[0], start)) + len(last_words[-1])
    for source_only in ("```", "{%", "{{", "enddocs"):
        assert source_only not in text[start:end], source_only


def test_overview_names_every_model(site, pages):
    """A model added to the project is added to the overview's map of it too."""
    named = set(re.findall(r"\w+", pages["overview"].text))
    assert site.names("model") - named == set(), "models the overview does not name"


def test_overview_data_path_and_exposures_table_match_the_project(site, pages):
    """The overview names only models the project has, and what each exposure reads."""
    page = pages["overview"]
    # Every model file counts, the disabled customers_file too: the overview explains it.
    models, exposures = set(site.project.model_files()), site.project.entries("exposures")
    # The data path is the overview's code block: each `-> name` step names a model, and
    # the last step lists the exposures.
    diagram = "\n".join(
        html.unescape(re.sub(r"<[^>]+>", "", found)) for found in elements(page.view, "pre")
    )
    assert "->" in diagram, "the overview shows no data path"
    steps = set(re.findall(r"->\s*(\w+)", diagram)) - {"exposures"}
    assert steps - models == set(), "the overview's data path names models the project lacks"
    assert set(exposures) <= set(re.findall(r"\w+", diagram))
    rows = [[text_of(cell) for cell in elements(row, "td")] for row in elements(page.view, "tr")]
    reads = {row[0]: {name.strip() for name in row[-1].split(",")} for row in rows if row}
    assert {name: reads.get(name) for name in exposures} == {
        name: set(_REF.findall(" ".join(entry["depends_on"]))) for name, entry in exposures.items()
    }


def test_every_page_shows_its_yaml_description(site, pages):
    """Each model, seed and exposure has a description, shown rendered (doc blocks resolved)."""
    problems = []
    for kind in ("model", "seed", "exposure"):
        entries = site.project.entries(f"{kind}s")
        for unique_id in site.unique_ids(kind):
            entry = entries.get(unique_id.rsplit(".", 1)[1], {})
            expected = site.project.description(entry)
            shown = text_of(pages[route(unique_id)].section("Description"))
            if not expected.strip():
                problems.append(f"{unique_id} has no description in YAML")
            elif words(shown) != words(expected) or "{{" in shown:
                problems.append(f"{unique_id} shows {shown[:200]!r}")
    assert problems == []


def test_every_documented_column_is_shown_with_its_type_and_description(site, pages):
    """Each YAML column of a model or seed is in its built table and on its page."""
    problems = []
    for kind in ("model", "seed"):
        entries = site.project.entries(f"{kind}s")
        for unique_id in site.unique_ids(kind):
            columns = entries.get(unique_id.rsplit(".", 1)[1], {}).get("columns") or []
            built = site.catalog["nodes"].get(unique_id, {}).get("columns", {})
            types = {
                name.lower(): " ".join(column["type"].split()) for name, column in built.items()
            }
            shown = text_of(pages[route(unique_id)].section("Columns"))
            for column in columns:
                name = column["name"].lower()
                if name not in types:
                    problems.append(f"{unique_id}: documented column {name} is not in the table")
                    continue
                description = " ".join(site.project.description(column).split())
                row = f"{name} {types[name]} {description}".strip()
                if not re.search(rf"(?<![\w.]){re.escape(row)}", shown):
                    problems.append(f"{unique_id}: column row {row[:120]!r} not shown")
    assert problems == []


def test_python_model_pages_show_their_code_and_refs(site, pages):
    """Each Python model's page shows its file as code and its dbt.ref() inputs as Depends On."""
    python_models = {
        name: path
        for name, path in site.project.model_files().items()
        if path.suffix == ".py" and name in site.names("model")
    }
    assert PYTHON_MODEL.rsplit(".", 1)[1] in python_models
    for name, path in python_models.items():
        page = pages[route(f"model.{PACKAGE}.{name}")]
        assert "Language python" in text_of(page.section("Details")), name
        source = path.read_text(encoding="utf-8")
        assert " ".join(source.split()) in text_of(page.section("Code")), name
        refs = re.findall(r"""\bdbt\.ref\(\s*['"](\w+)['"]\s*\)""", source)
        assert page.node_links("Depends On") == {site.ref_target(ref) for ref in refs}, name


def test_exposure_pages_show_their_label_and_what_they_read(site, pages):
    """Each YAML exposure has a page titled by its label, linking to the models it reads."""
    for name, entry in site.project.entries("exposures").items():
        page = pages[route(f"exposure.{PACKAGE}.{name}")]
        assert page.title.startswith(entry.get("label", name)), page.title
        reads = {site.ref_target(ref) for ref in _REF.findall(" ".join(entry["depends_on"]))}
        assert page.node_links("Depends On") == reads, name


def test_lineage_runs_from_the_seed_to_an_exposure(site, pages):
    """Page by page, the site links the customers seed through the Python model to the dashboard."""
    path = site.lineage_path(SEED, PYTHON_MODEL, EXPOSURE)
    for upstream, downstream in pairwise(path):
        linked = pages[route(downstream)].node_links("Depends On")
        assert upstream in linked, f"{downstream} does not depend on {upstream}: {linked}"


def test_overview_links_the_segment_report(pages):
    """The overview page links the segment report that `make docs` serves beside the site."""
    links = re.findall(r'<a\b[^>]*href="([^"]*)"', pages["overview"].view)
    assert "report/index.html" in links
