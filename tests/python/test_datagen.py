"""Tests of the customer data generator: determinism, planted segments, the structureless blob,
planted mess, CLI."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from customer_segmentation.datagen import (
    HEADER,
    LABELS_HEADER,
    MESS_KINDS,
    SEGMENTS,
    STRUCTURE_NAMES,
    generate_rows,
    write_customers,
)
from customer_segmentation.datagen.blob import (
    BLOB_PROFILE,
    BLOB_SEGMENT,
    ORDER_VALUE_AXIS,
    ORDERS_AXIS,
    RECENCY_AXIS,
)
from customer_segmentation.datagen.customers import ascii_fold
from customer_segmentation.datagen.locales import LOCALES
from customer_segmentation.datagen.sampling import series_exp, series_log
from customer_segmentation.datagen.segments import PROFILES

PROJECT_DIR = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 6, 30)
SEED = 7
CUSTOMERS = 5000
# The cleaning rule downstream (macros/business_rules.sql), applied after trim + lower-case.
VALID_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")
CUSTOMER_ID = re.compile(r"C\d{7}")
CLEAN_COUNTRIES = {locale.name for locale in LOCALES}
DUPLICATE_KINDS = {"duplicate_exact", "duplicate_stale"}
COLUMN = {name: index for index, name in enumerate(HEADER)}


@dataclass(frozen=True)
class Generated:
    """A generated file read back: its rows, its labels and the writer's counts."""

    csv_path: Path
    labels_path: Path
    rows: list[list[str]]
    segments: list[str]
    mess: list[set[str]]
    counts: dict


def read_csv(path: Path) -> list[list[str]]:
    """Read a CSV written by the generator (header excluded)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def write_and_read(folder: Path, structure: str = "planted") -> Generated:
    """Write CUSTOMERS customers of a structure at the default mess rates and read them back."""
    csv_path, labels_path = folder / "customers.csv", folder / "labels.csv"
    counts = write_customers(
        csv_path, CUSTOMERS, SEED, AS_OF, labels_path=labels_path, structure=structure
    )
    labels = read_csv(labels_path)
    return Generated(
        csv_path=csv_path,
        labels_path=labels_path,
        rows=read_csv(csv_path),
        segments=[label[1] for label in labels],
        mess=[set(filter(None, label[2].split("|"))) for label in labels],
        counts=counts,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """5,000 customers at the default mess rates, with their labels."""
    return write_and_read(tmp_path_factory.mktemp("datagen"))


@pytest.fixture(scope="module")
def blob(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """5,000 customers of the structureless blob at the default mess rates, with their labels."""
    return write_and_read(tmp_path_factory.mktemp("datagen_blob"), structure="blob")


def seed_columns() -> list[str]:
    """The `customers` seed's columns as documented in seeds/_seeds.yml (what staging reads)."""
    documented = yaml.safe_load((PROJECT_DIR / "seeds" / "_seeds.yml").read_text())
    (customers,) = [seed for seed in documented["seeds"] if seed["name"] == "customers"]
    return [column["name"] for column in customers["columns"]]


def is_tidy(text: str) -> bool:
    """True when a name is trimmed and initcap-stable (what `initcap(trim(x))` gives)."""
    words = text.split(" ")
    return text == text.strip() and all(w[:1].upper() + w[1:].lower() == w for w in words)


def age_on(birth: date, day: date) -> int:
    """Completed years between birth and day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def detect_defects(fields: list[str]) -> set[str]:
    """Recognise every planted defect from the values alone, independently of the generator."""
    row = dict(zip(HEADER, fields, strict=True))
    found = set()
    if row["customer_id"] == "":
        found.add("customer_id_missing")
    if not all(is_tidy(row[column]) for column in ("first_name", "last_name", "city")):
        found.add("name_untidy")
    if not VALID_EMAIL.fullmatch(row["email"].lower()):
        found.add("email_malformed")
    elif row["email"] != row["email"].lower():
        found.add("email_mixed_case")
    if row["gender"] not in {"female", "male", "other"}:
        found.add("gender_nonstandard")
    if row["country"] not in CLEAN_COUNTRIES:
        found.add("country_nonstandard")
    if row["birth_date"] == "":
        found.add("birth_date_missing")
    else:
        birth = date.fromisoformat(row["birth_date"])
        if birth.year < 1900 or birth > AS_OF or age_on(birth, AS_OF) < 13:
            found.add("birth_date_impossible")
    if row["annual_income"] == "":
        found.add("income_missing")
    elif float(row["annual_income"]) < 0:
        found.add("income_negative")
    elif float(row["annual_income"]) > 10_000_000:
        found.add("income_absurd")
    orders, items = int(row["total_orders"]), int(row["total_items"])
    spend = float(row["total_spend"])
    if orders < 0:
        found.add("orders_negative")
    elif orders == 0 and spend > 0:
        found.add("spend_without_orders")
    elif items < orders:
        found.add("items_below_orders")
    if spend < 0:
        found.add("spend_negative")
    if date.fromisoformat(row["signup_date"]) > AS_OF:
        found.add("signup_in_future")
    if date.fromisoformat(row["last_order_date"]) > AS_OF:
        found.add("last_order_in_future")
    if row["marketing_opt_in"] not in {"true", "false"}:
        found.add("opt_in_nonstandard")
    if row["spending_score"] == "":
        found.add("score_missing")
    elif not 1 <= int(row["spending_score"]) <= 100:
        found.add("score_out_of_range")
    return found


def assert_clean_row_is_consistent(fields: list[str]) -> None:
    """Check the invariants every clean row keeps."""
    row = dict(zip(HEADER, fields, strict=True))
    assert CUSTOMER_ID.fullmatch(row["customer_id"])
    signup = date.fromisoformat(row["signup_date"])
    last_order = date.fromisoformat(row["last_order_date"])
    assert signup <= last_order <= AS_OF
    assert int(row["total_items"]) >= int(row["total_orders"]) >= 1
    assert float(row["total_spend"]) > 0
    assert 18 <= age_on(date.fromisoformat(row["birth_date"]), AS_OF) <= 85
    assert 10_000 <= float(row["annual_income"]) <= 1_000_000
    assert row["preferred_channel"] in {"email", "sms", "app", "web", "store"}
    assert row["email"].isascii()
    for money in ("annual_income", "total_spend"):
        assert re.fullmatch(r"\d+\.\d\d", row[money])


def test_same_seed_gives_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    paths = [tmp_path / f"run{index}.csv" for index in range(3)]
    labels = [tmp_path / f"labels{index}.csv" for index in range(3)]
    for path, label_path, seed in zip(paths, labels, (11, 11, 12), strict=True):
        write_customers(path, 1500, seed, AS_OF, labels_path=label_path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert labels[0].read_bytes() == labels[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_header_is_the_customers_seed_documented_columns(generated: Generated) -> None:
    """The file's header line is the seed's documented columns, in order."""
    first_line = generated.csv_path.read_bytes().split(b"\n", 1)[0]
    assert first_line.decode("utf-8") == ",".join(seed_columns())


def test_file_is_utf8_with_plain_newlines_and_no_sql_breaking_characters(
    generated: Generated,
) -> None:
    raw = generated.csv_path.read_bytes()
    text = raw.decode("utf-8")
    assert "\r" not in text
    assert len(text.splitlines()) == len(generated.rows) + 1
    assert all(len(row) == len(HEADER) for row in generated.rows)
    forbidden = re.compile(r"['\"\\\n]")
    assert not any(forbidden.search(field) for row in generated.rows for field in row)
    names = {row[COLUMN["last_name"]] for row in generated.rows}
    assert {"Müller", "Kovář", "Øberg"} <= names


def test_every_country_spelling_resolves_through_the_alias_seed() -> None:
    seed = PROJECT_DIR / "seeds" / "country_aliases.csv"
    code_of = {alias: code for alias, code, _ in read_csv(seed)}
    for locale in LOCALES:
        for spelling in (locale.name, *locale.other_spellings):
            assert code_of.get(re.sub("[^A-Z]", "", spelling.upper())) == locale.code, spelling


def test_ascii_fold_makes_email_safe_names() -> None:
    assert ascii_fold("Kovář") == "Kovar"
    assert ascii_fold("Øberg") == "Oberg"
    assert ascii_fold("Íñigo Bækgaard") == "Inigo Baekgaard"


def test_every_mess_kind_appears_near_its_default_rate(generated: Generated) -> None:
    observed = Counter(kind for kinds in generated.mess for kind in kinds)
    assert observed == Counter({k: v for k, v in generated.counts["mess_rows"].items() if v})
    for kind in MESS_KINDS:
        base = CUSTOMERS if kind.name in DUPLICATE_KINDS else len(generated.rows)
        expected = kind.rate * base
        tolerance = 4 * math.sqrt(expected) + 3
        assert abs(observed[kind.name] - expected) <= tolerance, (kind.name, observed[kind.name])


def test_mess_tags_are_exactly_the_defects_found_in_the_values(generated: Generated) -> None:
    clean_rows = 0
    for fields, kinds in zip(generated.rows, generated.mess, strict=True):
        assert detect_defects(fields) == kinds - DUPLICATE_KINDS, fields
        if not kinds:
            assert_clean_row_is_consistent(fields)
            clean_rows += 1
    assert clean_rows == generated.counts["clean_rows"]
    assert 0.6 * len(generated.rows) < clean_rows < 0.8 * len(generated.rows)


def test_rows_whose_purchase_history_is_broken_have_no_segment(generated: Generated) -> None:
    spoilers = {kind.name for kind in MESS_KINDS if kind.spoils_segment}
    for segment, kinds in zip(generated.segments, generated.mess, strict=True):
        assert (segment == "") == bool(kinds & spoilers)
        assert segment == "" or segment in SEGMENTS


def test_duplicates_are_exact_copies_or_older_snapshots(generated: Generated) -> None:
    clean = {fields[0]: fields for fields, _, _ in generate_rows(CUSTOMERS, SEED, AS_OF, 0)}
    positions: dict[str, list[int]] = defaultdict(list)
    for index, fields in enumerate(generated.rows):
        if fields[0]:
            positions[fields[0]].append(index)
    repeated = {cid: where for cid, where in positions.items() if len(where) > 1}
    assert all(len(where) == 2 for where in repeated.values())
    assert 0.02 * CUSTOMERS < len(repeated) < 0.04 * CUSTOMERS
    exact, stale_written_first = 0, []
    for first, second in repeated.values():
        rows = generated.rows[first], generated.rows[second]
        tags = generated.mess[first] | generated.mess[second]
        if "duplicate_exact" in tags:
            exact += 1
            assert rows[0] == rows[1]
            continue
        assert "duplicate_stale" in tags
        stale_index = 0 if "duplicate_stale" in generated.mess[first] else 1
        older = rows[stale_index]
        clean_newer = clean[older[0]]
        stale_written_first.append(stale_index == 0)
        assert generated.mess[(first, second)[stale_index]] == {"duplicate_stale"}
        assert_clean_row_is_consistent(older)
        same = ("first_name", "last_name", "birth_date", "signup_date", "preferred_channel")
        assert all(older[COLUMN[name]] == clean_newer[COLUMN[name]] for name in same)
        assert older[COLUMN["last_order_date"]] < clean_newer[COLUMN["last_order_date"]]
        for column, kind in (("total_orders", int), ("total_spend", float)):
            assert kind(older[COLUMN[column]]) < kind(clean_newer[COLUMN[column]])
    assert 0.35 < exact / len(repeated) < 0.65
    assert 0.3 < sum(stale_written_first) / len(stale_written_first) < 0.7
    assert any(second - first > 1 for first, second in repeated.values())
    assert generated.counts["duplicates"] == len(repeated)
    labelled = Counter(kind for kinds in generated.mess for kind in kinds & DUPLICATE_KINDS)
    assert exact == labelled["duplicate_exact"]
    assert len(stale_written_first) == labelled["duplicate_stale"]


def test_labels_file_has_one_row_per_customer_row_with_its_id(generated: Generated) -> None:
    """Labels line up with the customers file row by row (the tests above read them by position)."""
    with generated.labels_path.open(encoding="utf-8", newline="") as handle:
        header, *labels = list(csv.reader(handle))
    assert tuple(header) == LABELS_HEADER
    assert [label[0] for label in labels] == [row[COLUMN["customer_id"]] for row in generated.rows]


def test_labels_never_leak_into_the_customer_columns(generated: Generated) -> None:
    assert not set(LABELS_HEADER[1:]) & set(HEADER)
    label_words = set(SEGMENTS) | {kind.name for kind in MESS_KINDS}
    assert not any(field.strip() in label_words for row in generated.rows for field in row)


def test_kmeans_recovers_the_planted_segments_on_clean_rows(generated: Generated) -> None:
    features, truth = [], []
    for fields, segment, kinds in zip(
        generated.rows, generated.segments, generated.mess, strict=True
    ):
        if kinds:
            continue
        recency = (AS_OF - date.fromisoformat(fields[COLUMN["last_order_date"]])).days
        frequency = int(fields[COLUMN["total_orders"]])
        monetary = float(fields[COLUMN["total_spend"]])
        features.append([recency, frequency, monetary, monetary / frequency])
        truth.append(segment)
    scaled = StandardScaler().fit_transform(np.log1p(np.array(features)))
    predicted = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled)
    assert adjusted_rand_score(truth, predicted) >= 0.95


def test_segment_shares_follow_the_plan() -> None:
    """Drawn segment shares stay within 2.5 points of each profile's share_percent."""
    segments = Counter(segment for _, segment, _ in generate_rows(CUSTOMERS, SEED, AS_OF, 0))
    assert set(segments) == set(SEGMENTS)
    for profile in PROFILES:
        share = segments[profile.name] / CUSTOMERS
        assert abs(share - profile.share_percent / 100) < 0.025, profile.name


def test_latest_genuine_order_is_on_or_just_before_as_of(generated: Generated) -> None:
    genuine = [
        date.fromisoformat(fields[COLUMN["last_order_date"]])
        for fields, kinds in zip(generated.rows, generated.mess, strict=True)
        if "last_order_in_future" not in kinds
    ]
    assert max(genuine) == AS_OF


def test_mess_rate_zero_gives_only_clean_rows() -> None:
    rows = list(generate_rows(2000, SEED, AS_OF, mess_rate=0))
    assert len(rows) == 2000
    assert [fields[0] for fields, _, _ in rows] == [f"C{n:07d}" for n in range(1, 2001)]
    for fields, segment, kinds in rows:
        assert kinds == ()
        assert segment in SEGMENTS
        assert detect_defects(fields) == set()
        assert_clean_row_is_consistent(fields)


def test_mess_is_layered_on_the_same_clean_customers() -> None:
    clean = {fields[0]: fields for fields, _, _ in generate_rows(2000, SEED, AS_OF, 0)}
    untouched = [fields for fields, _, kinds in generate_rows(2000, SEED, AS_OF, 1.0) if not kinds]
    assert len(untouched) > 1000
    assert all(clean[fields[0]] == fields for fields in untouched)


def test_first_customers_do_not_depend_on_the_total() -> None:
    short = [fields for fields, _, _ in generate_rows(100, SEED, AS_OF, 0)]
    long = [fields for fields, _, _ in generate_rows(300, SEED, AS_OF, 0)]
    assert long[:100] == short


def test_rate_overrides_and_invalid_rates() -> None:
    rows = list(generate_rows(2000, SEED, AS_OF, rates={"customer_id_missing": 0.5}))
    blank_ids = sum(fields[0] == "" for fields, _, _ in rows)
    assert blank_ids == sum("customer_id_missing" in kinds for _, _, kinds in rows)
    assert 0.4 * len(rows) < blank_ids < 0.6 * len(rows)
    with pytest.raises(ValueError, match=r"^mess rates must be non-negative$"):
        generate_rows(10, SEED, AS_OF, mess_rate=-1)
    with pytest.raises(ValueError, match=r"^customers must be non-negative$"):
        generate_rows(-1, SEED, AS_OF)
    with pytest.raises(ValueError, match=r"^mess rates of group 'income' add up to more than 1$"):
        generate_rows(10, SEED, AS_OF, mess_rate=30)
    with pytest.raises(ValueError, match=re.escape("unknown mess kinds: ['typo']")):
        generate_rows(10, SEED, AS_OF, rates={"typo": 0.1})


def test_mess_module_documents_every_kind_with_its_default_rate() -> None:
    import customer_segmentation.datagen.mess

    for kind in MESS_KINDS:
        rate = f"{kind.rate * 100:g} %"
        assert re.search(
            rf"^\| {kind.name} +\| {re.escape(rate)} +\|",
            customer_segmentation.datagen.mess.__doc__,
            re.M,
        )


def run_cli(*args: str, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    """Run `python -m customer_segmentation.datagen` in a fresh interpreter."""
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_DIR / "python_jobs"),
        "PYTHONHASHSEED": hash_seed,
    }
    return subprocess.run(
        [sys.executable, "-m", "customer_segmentation.datagen", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_writes_the_same_bytes_as_the_api_and_prints_counts(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out, labels = tmp_path / f"cli{hash_seed}.csv", tmp_path / f"labels{hash_seed}.csv"
        args = ["--rows", "300", "--seed", "5", "--out", str(out), "--labels-out", str(labels)]
        result = run_cli(*args, "--as-of", "2025-12-31", hash_seed=hash_seed)
        assert result.returncode == 0, result.stderr
        counts = json.loads(result.stdout)
        assert counts["customers"] == 300
        assert counts["rows_written"] == len(read_csv(out)) == len(read_csv(labels))
        outputs.append(out.read_bytes())
    api = tmp_path / "api.csv"
    write_customers(api, 300, 5, date(2025, 12, 31))
    assert outputs[0] == outputs[1] == api.read_bytes()


def test_cli_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "customers.csv"
    out.write_text("keep me\n")
    refused = run_cli("--rows", "50", "--seed", "1", "--out", str(out))
    assert refused.returncode == 2
    assert f"error: refusing to overwrite {out}; pass --force to replace" in refused.stderr
    assert out.read_text() == "keep me\n"
    forced = run_cli("--rows", "50", "--seed", "1", "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_text().startswith(",".join(seed_columns()) + "\n")
    assert not list(tmp_path.glob("*.part"))


def test_cli_mess_rate_zero_writes_one_row_per_customer(tmp_path: Path) -> None:
    out = tmp_path / "clean.csv"
    result = run_cli("--rows", "200", "--seed", "3", "--out", str(out), "--mess-rate", "0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["duplicates"] == 0
    assert len(read_csv(out)) == 200


def test_structures_are_planted_and_blob_and_planted_is_the_default() -> None:
    assert STRUCTURE_NAMES == ("planted", "blob")
    default = list(generate_rows(300, SEED, AS_OF))
    assert list(generate_rows(300, SEED, AS_OF, structure="planted")) == default
    assert {segment for _, segment, _ in generate_rows(2000, SEED, AS_OF, 0)} == set(SEGMENTS)
    assert len(SEGMENTS) == 5
    with pytest.raises(
        ValueError, match=r"^unknown structure 'ring'; choose one of planted, blob$"
    ):
        generate_rows(10, SEED, AS_OF, structure="ring")


def test_series_exp_and_log_match_the_math_module() -> None:
    """The libm-free exp and log agree with math's to ~1e-15 over the ranges the blob uses."""
    for x in np.linspace(-12.0, 14.0, 2001):
        assert math.isclose(series_exp(float(x)), math.exp(x), rel_tol=1e-14)
    for x in np.geomspace(1e-12, 1e6, 2001):
        assert math.isclose(series_log(float(x)), math.log(x), rel_tol=1e-14, abs_tol=1e-15)
    with pytest.raises(ValueError):
        series_log(0.0)


def test_same_seed_gives_the_same_blob_and_other_seed_differs(tmp_path: Path) -> None:
    outputs = []
    for index, seed in enumerate((11, 11, 12)):
        path, labels = tmp_path / f"blob{index}.csv", tmp_path / f"labels{index}.csv"
        write_customers(path, 1500, seed, AS_OF, labels_path=labels, structure="blob")
        outputs.append((path.read_bytes(), labels.read_bytes()))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] != outputs[2][0]
    planted = tmp_path / "planted.csv"
    write_customers(planted, 1500, 11, AS_OF)
    assert planted.read_bytes() != outputs[0][0]


def test_every_blob_row_is_labelled_blob(blob: Generated) -> None:
    """One population: every row, messy or not, carries the segment `blob`."""
    assert set(blob.segments) == {BLOB_SEGMENT}
    assert blob.counts["segment_rows"] == {BLOB_SEGMENT: len(blob.rows)}
    assert any(blob.mess), "the default mess applies to blob files too"


def blob_coordinates(blob: Generated) -> dict[str, np.ndarray]:
    """log1p(recency_days), log(total_orders) and log(avg order value in cents) of clean rows."""
    recency, orders, order_value = [], [], []
    for fields, kinds in zip(blob.rows, blob.mess, strict=True):
        if kinds:
            continue
        count = int(fields[COLUMN["total_orders"]])
        recency.append((AS_OF - date.fromisoformat(fields[COLUMN["last_order_date"]])).days)
        orders.append(count)
        order_value.append(round(float(fields[COLUMN["total_spend"]]) * 100) / count)
    return {
        "recency": np.log1p(recency),
        "orders": np.log(orders),
        "order_value": np.log(order_value),
    }


def skewness(sample: np.ndarray) -> float:
    """The sample's (biased) third standardised moment."""
    centred = sample - sample.mean()
    return float((centred**3).mean() / sample.std() ** 3)


def test_clean_blob_rows_form_one_gaussian_blob_with_independent_coordinates(
    blob: Generated,
) -> None:
    """Each log coordinate is symmetric around its chosen centre with its chosen spread."""
    coordinates = blob_coordinates(blob)
    chosen = {
        "recency": (math.log1p(120), 0.9),
        "orders": (math.log(5), 0.8),
        "order_value": (math.log(5000), 0.7),
    }
    for name, sample in coordinates.items():
        centre, spread = chosen[name]
        assert len(sample) > 3000
        assert abs(skewness(sample)) < 0.5, name
        assert abs(sample.mean() - centre) < 0.1, (name, sample.mean())
        assert abs(sample.std() - spread) < 0.1, (name, sample.std())
    correlations = np.corrcoef(np.array(list(coordinates.values())))
    assert np.all(np.abs(correlations[np.triu_indices(3, k=1)]) < 0.1)


def test_blob_axes_and_profile_are_the_documented_choices() -> None:
    """Centres, spreads and clips as chosen; channel and opt-in are the planted blend."""
    assert math.isclose(RECENCY_AXIS.centre, math.log1p(120), rel_tol=1e-14)
    assert math.isclose(ORDERS_AXIS.centre, math.log(5), rel_tol=1e-14)
    assert math.isclose(ORDER_VALUE_AXIS.centre, math.log(5000), rel_tol=1e-14)
    spreads = (RECENCY_AXIS.spread, ORDERS_AXIS.spread, ORDER_VALUE_AXIS.spread)
    assert spreads == (0.9, 0.8, 0.7)
    assert BLOB_PROFILE.recency_days == (0, 1500)
    assert BLOB_PROFILE.orders == (1, 80)
    assert BLOB_PROFILE.order_value_cents == (500, 200_000)
    blend = tuple(
        sum(p.share_percent * p.channel_weights[index] for p in PROFILES) for index in range(5)
    )
    assert blend == BLOB_PROFILE.channel_weights
    opt_in = sum(p.share_percent * p.opt_in_percent for p in PROFILES) / 100
    assert BLOB_PROFILE.opt_in_percent == round(opt_in)
    longest_history = (
        BLOB_PROFILE.recency_days[1]
        + (BLOB_PROFILE.orders[1] - 1) * BLOB_PROFILE.min_days_between_orders
    )
    assert longest_history <= BLOB_PROFILE.tenure_days[1]


def test_blob_mess_is_planted_like_planted_mess_and_clean_rows_stay_consistent(
    blob: Generated,
) -> None:
    clean_rows = 0
    for fields, kinds in zip(blob.rows, blob.mess, strict=True):
        assert detect_defects(fields) == kinds - DUPLICATE_KINDS, fields
        if kinds:
            continue
        assert_clean_row_is_consistent(fields)
        clean_rows += 1
        recency = (AS_OF - date.fromisoformat(fields[COLUMN["last_order_date"]])).days
        orders = int(fields[COLUMN["total_orders"]])
        assert 0 <= recency <= 1500
        assert 1 <= orders <= 80
        assert 1 <= int(fields[COLUMN["spending_score"]]) <= 100
    assert clean_rows == blob.counts["clean_rows"]
    assert 0.6 * len(blob.rows) < clean_rows < 0.8 * len(blob.rows)
    duplicates = blob.counts["mess_rows"]
    assert duplicates["duplicate_exact"] > 0
    assert duplicates["duplicate_stale"] > 0


def test_cli_structure_blob_writes_the_same_bytes_as_the_api(tmp_path: Path) -> None:
    out, labels = tmp_path / "blob.csv", tmp_path / "labels.csv"
    args = ["--rows", "300", "--seed", "5", "--out", str(out), "--labels-out", str(labels)]
    result = run_cli(*args, "--structure", "blob")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["segment_rows"] == {"blob": len(read_csv(out))}
    assert {label[1] for label in read_csv(labels)} == {"blob"}
    api = tmp_path / "api.csv"
    write_customers(api, 300, 5, AS_OF, structure="blob")
    assert out.read_bytes() == api.read_bytes()
    refused = run_cli(
        "--rows", "5", "--seed", "1", "--out", str(tmp_path / "x.csv"), "--structure", "ring"
    )
    assert refused.returncode == 2
    assert "invalid choice: 'ring'" in refused.stderr
