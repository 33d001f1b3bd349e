"""The dbt docs site as a reader sees it: `dbt docs generate --static` rendered in Chromium.

One small build (dbtRunner, in this process, on the shared SparkSession) and one
`dbt docs generate --static` back every test here. Headless Chromium renders hash routes of
the single-file site (`--dump-dom`), and the tests read only the routed page's view: the raw
file inlines the whole manifest, so a check on it would pass whatever the site showed.
The lineage graph is screenshotted to artifacts/docs_lineage.png and checked by its pixels.

Needs /usr/bin/chromium (Debian package `chromium`): skipped without it, failed without it
when REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import html
import json
import os
import re
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from customer_segmentation.datagen import write_customers
from dbt_harness import PROJECT_DIR, DbtProject

pytestmark = [pytest.mark.browser, pytest.mark.dbt, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
    "--virtual-time-budget=15000",
)
CHROMIUM_TIMEOUT_SECONDS = 120
PACKAGE = "customer_segmentation"
SCREENSHOT = PROJECT_DIR / "artifacts" / "docs_lineage.png"
WINDOW = (1400, 900)
SCALE = 2  # device pixels per CSS pixel: node labels stay legible in the saved picture

# The full-screen lineage graph of customer_segments (all parents and children), without
# data tests (unit tests still show, as nodes beside the model they test).
LINEAGE_GRAPH_ROUTE = (
    f"model/model.{PACKAGE}.customer_segments"
    "?g_v=1&g_i=%2Bcustomer_segments%2B&g_e=test_type%3Asingular%20test_type%3Ageneric"
)

# The lineage checked page by page: from the customers seed through the Python model to the
# BI dashboard exposure.
SEED = f"seed.{PACKAGE}.customers"
EXPOSURE = f"exposure.{PACKAGE}.segment_dashboard"
PYTHON_MODEL = f"model.{PACKAGE}.customer_segments"

# Node colours of dbt docs' graph (its cytoscape style): background, exposures, Python models.
GRAPH_BACKGROUND = (0x00, 0x5E, 0x7A)
EXPOSURE_NODE = (0xFF, 0x69, 0x4B)
PYTHON_NODE = (0x6A, 0x5A, 0xCD)

_VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|thead|tbody|pre|section|br|hr)\b[^>]*>", re.I
)
_NODE_LINK = re.compile(r'href="#!/[a-z_]+/([^"?#]+)"')


def route(unique_id: str) -> str:
    """The docs site's hash route of a node: `model.pkg.name` -> `model/model.pkg.name`."""
    return f"{unique_id.split('.', 1)[0]}/{unique_id}"


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once with a fresh profile; fail with its stderr when it fails."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        result = subprocess.run(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=CHROMIUM_TIMEOUT_SECONDS,
            check=False,
        )
    if result.returncode != 0:
        raise AssertionError(f"chromium {args} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


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
        heading = re.search(r"<h1\b[^>]*>(.*?)</h1>", self.view, flags=re.S)
        return text_of(heading.group(1)) if heading else ""

    def section(self, heading: str) -> str:
        """The HTML of the section under an `<h6>` heading such as "Depends On" or "Code"."""
        found = re.search(
            rf"<h6>\s*{re.escape(heading)}\s*</h6>(.*?)</section>", self.view, flags=re.S
        )
        if found is None:
            raise AssertionError(f"#!/{self.route} has no section {heading!r}")
        return found.group(1)

    def links(self, heading: str) -> set[str]:
        """Unique ids of the nodes a section links to (e.g. the parents under "Depends On")."""
        return set(_NODE_LINK.findall(self.section(heading)))


@dataclass(frozen=True)
class DocsSite:
    """The generated single-file docs site of the built project copy, and its manifest."""

    index: Path
    manifest: dict

    def model_children(self, unique_id: str) -> set[str]:
        """The models that ref a node (what its "Referenced By" Models tab lists)."""
        return {
            child for child in self.manifest["child_map"][unique_id] if child.startswith("model.")
        }

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


def png_pixels(path: Path) -> np.ndarray:
    """Decode an 8-bit RGB(A) non-interlaced PNG (what Chromium writes) to height x width x RGB."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    position, compressed = 8, bytearray()
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    scanlines = np.frombuffer(zlib.decompress(bytes(compressed)), dtype=np.uint8)
    scanlines = scanlines.reshape(height, 1 + width * channels)
    image = np.zeros((height, width * channels), dtype=np.uint8)
    previous = np.zeros(width * channels, dtype=np.uint8)
    for y in range(height):
        kind, line = scanlines[y, 0], scanlines[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # Sub: running sum per channel
            row = np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint8).ravel()
        elif kind == 2:  # Up
            row = line + previous
        else:  # Average and Paeth depend on the reconstructed left byte: byte by byte
            row = _unfilter_sequential(int(kind), line.tolist(), previous.tolist(), channels)
        image[y] = row
        previous = row
    return image.reshape(height, width, channels)[:, :, :3]


def _unfilter_sequential(kind: int, line: list, previous: list, channels: int) -> np.ndarray:
    """Undo PNG filter 3 (Average) or 4 (Paeth) on one scanline."""
    out = [0] * len(line)
    for x, value in enumerate(line):
        left = out[x - channels] if x >= channels else 0
        up = previous[x]
        if kind == 3:
            out[x] = (value + (left + up) // 2) & 0xFF
            continue
        up_left = previous[x - channels] if x >= channels else 0
        guess = left + up - up_left
        distances = (abs(guess - left), abs(guess - up), abs(guess - up_left))
        if distances[0] <= distances[1] and distances[0] <= distances[2]:
            predictor = left
        elif distances[1] <= distances[2]:
            predictor = up
        else:
            predictor = up_left
        out[x] = (value + predictor) & 0xFF
    return np.array(out, dtype=np.uint8)


def colour_share(image: np.ndarray, colour: tuple[int, int, int]) -> float:
    """Share of the image's pixels that have exactly this colour."""
    return float(np.all(image == np.array(colour, dtype=np.uint8), axis=-1).mean())


@pytest.fixture(scope="module")
def chromium_available() -> Path:
    """Chromium's path; skip the module without it (fail instead when REQUIRE_BROWSER=1)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"headless Chromium not found at {CHROMIUM}: install the Debian package `chromium` "
        "(apt-get install -y chromium) to render the docs site"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


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
    # (test_dbt_build runs those).
    project.run("build", "--resource-type", "seed", "--resource-type", "model")
    project.run("docs", "generate", "--static")
    index = project.root / "target" / "static_index.html"
    assert index.is_file(), "dbt docs generate --static wrote no static_index.html"
    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    return DocsSite(index, manifest)


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    """Every page the tests read, rendered once."""
    # Every other node of the lineage path: each edge then shows on one rendered page, as
    # "Depends On" downstream or as "Referenced By" upstream.
    path = site.lineage_path(SEED, PYTHON_MODEL, EXPOSURE)
    nodes = dict.fromkeys([SEED, EXPOSURE, PYTHON_MODEL, *path[1::2]])
    return site.render_all(["overview", *(route(unique_id) for unique_id in nodes)])


@pytest.fixture(scope="module")
def lineage_screenshot(site) -> Path:
    """The full-screen lineage graph of customer_segments, saved under artifacts/."""
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    chromium(
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--force-device-scale-factor={SCALE}",
        f"--screenshot={SCREENSHOT}",
        site.url(LINEAGE_GRAPH_ROUTE),
    )
    return SCREENSHOT


def test_static_site_inlines_manifest_and_catalog(site):
    """--static writes one self-contained file holding both the manifest and the catalog."""
    text = site.index.read_text(encoding="utf-8")
    assert re.search(r"schemas\.getdbt\.com/dbt/manifest/v\d+\.json", text)
    assert re.search(r"schemas\.getdbt\.com/dbt/catalog/v\d+\.json", text)
    assert f'"model.{PACKAGE}.customer_segments"' in text


def test_overview_page_explains_the_project(pages):
    """The overview page renders models/overview.md, not dbt's default welcome text."""
    page = pages["overview"]
    assert page.title == "Customer segmentation on Apache Spark"
    for phrase in (
        "input rows = clean + quarantined + duplicates",
        "segment_naming_rules",
        "greedily and uniquely",
        "in-process SparkSession",
        "Spark Connect",
    ):
        assert phrase in page.text, phrase
    assert "Welcome!" not in page.text


def test_python_model_page_shows_its_code_and_lineage(site, pages):
    """customer_segments: a Python model with its source, parents and children."""
    page = pages[route(PYTHON_MODEL)]
    assert page.title.split()[0] == "customer_segments"
    assert "Language python" in text_of(page.section("Details"))
    code = text_of(page.section("Code"))
    assert "def model(dbt, session):" in code
    assert 'dbt.ref("segment_k_selection")' in code
    assert page.links("Depends On") == {
        f"model.{PACKAGE}.customer_features",
        f"model.{PACKAGE}.segment_k_selection",
    }
    children = page.links("Referenced By")
    assert f"model.{PACKAGE}.segment_centroids" in children
    assert children == site.model_children(PYTHON_MODEL)


def test_python_model_columns_come_from_the_catalog(pages):
    """The built table's column types (catalog) show next to the YAML descriptions."""
    columns = text_of(pages[route(PYTHON_MODEL)].section("Columns"))
    assert re.search(r"\bdistance_to_centroid\s+double\b", columns), columns[:500]
    assert "Euclidean distance to the segment centroid" in columns


def test_exposure_page_lists_its_upstream_models(pages):
    """The BI dashboard exposure shows what it reads."""
    page = pages[route(EXPOSURE)]
    assert page.title.startswith("Customer segments dashboard")
    assert page.links("Depends On") == {
        f"model.{PACKAGE}.segment_summary",
        f"model.{PACKAGE}.segment_profiles",
        f"model.{PACKAGE}.segment_mix",
    }


def test_seed_page_is_reachable_and_feeds_staging(pages):
    """The customers seed has its own page, referenced by its staging model."""
    page = pages[route(SEED)]
    assert page.title.split()[:2] == ["customers", "seed"]
    assert "The raw customers file" in page.text
    assert f"model.{PACKAGE}.stg_customers" in page.links("Referenced By")


def test_lineage_runs_from_the_seed_to_an_exposure(site, pages):
    """Page by page, the site links the customers seed through the Python model to the dashboard."""
    path = site.lineage_path(SEED, PYTHON_MODEL, EXPOSURE)
    for upstream, downstream in pairwise(path):
        if route(downstream) in pages:
            linked = pages[route(downstream)].links("Depends On")
            assert upstream in linked, f"{downstream} does not depend on {upstream}: {linked}"
        else:
            linked = pages[route(upstream)].links("Referenced By")
            assert downstream in linked, f"{upstream} is not used by {downstream}: {linked}"


def test_lineage_graph_screenshot_shows_the_graph(lineage_screenshot):
    """The full-screen graph renders: its panel fills the window, with exposure and Python nodes."""
    image = png_pixels(lineage_screenshot)
    assert image.shape[:2] == (WINDOW[1] * SCALE, WINDOW[0] * SCALE)
    assert colour_share(image, GRAPH_BACKGROUND) > 0.5
    # The selection holds 3 exposures and 4 Python models; the graph is scaled to fit, and a
    # node box keeps well over 40 CSS pixels of fill.
    css_pixels = WINDOW[0] * WINDOW[1]
    assert colour_share(image, EXPOSURE_NODE) > 3 * 40 / css_pixels
    assert colour_share(image, PYTHON_NODE) > 4 * 40 / css_pixels
