"""Tests of the order-lines generator: exact planted totals, defect kinds against the pandas
reference of the SQL rules, format, encoding, determinism, CLI and the shipped seed."""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from customer_segmentation.datagen import (
    ORDER_LINE_KINDS,
    ORDER_LINE_RATES,
    ORDER_LINES_HEADER,
    OrderLine,
    generate_order_lines,
    generate_rows,
    planted_customers,
    write_customers,
    write_order_lines,
)
from customer_segmentation.datagen.customers import Customer
from customer_segmentation.datagen.products import NON_PRODUCT_CODES, catalogue
from order_lines_reference import (
    DEFAULT_NON_PRODUCT_CODES,
    parse_invoice_date,
    reference_fates_and_totals,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEED_FILE = PROJECT_DIR / "seeds" / "order_lines.csv"
AS_OF = date(2026, 6, 30)
SEED = 11
CUSTOMERS = 3000
COLUMN = {name: index for index, name in enumerate(ORDER_LINES_HEADER)}
ONLINE_RETAIL_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})")
EXPECTED_FATES = {
    "purchase": ("purchase", None),
    "cancelled_purchase": ("purchase", None),
    "cancellation": ("return", None),
    "guest": ("quarantined", "missing_customer_id"),
    "zero_price": ("quarantined", "unit_price_not_positive"),
    "non_product": ("quarantined", "non_product_line"),
    "duplicate": ("duplicate", None),
    "future_date": ("quarantined", "order_date_after_as_of"),
    "unparseable_date": ("quarantined", "order_date_unparseable"),
}
PLANTED_KINDS = {"purchase", "cancelled_purchase", "cancellation"}


@dataclass(frozen=True)
class Generated:
    """A generated latin-1 file, its lines as generated and the planted customers."""

    path: Path
    lines: list[OrderLine]
    customers: list[Customer]
    counts: dict


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """CUSTOMERS customers' order lines at the default rates, written as latin-1."""
    path = tmp_path_factory.mktemp("order_lines") / "order_lines.csv"
    counts = write_order_lines(path, CUSTOMERS, SEED, AS_OF)
    return Generated(
        path=path,
        lines=list(generate_order_lines(CUSTOMERS, SEED, AS_OF)),
        customers=list(planted_customers(CUSTOMERS, SEED, AS_OF)),
        counts=counts,
    )


@pytest.fixture(scope="module")
def reference(generated: Generated) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pandas reference's fates and totals of the generated file."""
    return reference_fates_and_totals(generated.path, "latin-1", AS_OF)


def cents(text: str) -> int:
    """A UnitPrice as integer cents (`2.55` -> 255, `0` -> 0); two decimals unless zero."""
    if text == "0":
        return 0
    units, fraction = text.split(".")
    assert len(fraction) == 2, text
    return int(units) * 100 + int(fraction)


def stamp(text: str) -> datetime:
    """Parse an Online Retail InvoiceDate (`M/d/yyyy H:mm`)."""
    return datetime.strptime(text, "%m/%d/%Y %H:%M")


def read_rows(path: Path, encoding: str = "latin-1") -> list[list[str]]:
    """Read a written order-lines file, header included."""
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def check_planted_totals(lines: list[OrderLine], customers: list[Customer], as_of: date) -> None:
    """Assert every planted total and date rule of every customer, from the lines alone."""
    by_customer: dict[str, list[list[str]]] = defaultdict(list)
    kinds: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        if line.kind in PLANTED_KINDS:
            assert line.customer_id is not None
            by_customer[line.customer_id].append(line.fields)
            kinds[line.customer_id].append(line.kind)
    assert set(by_customer) == {customer.customer_id for customer in customers}
    for customer in customers:
        rows, row_kinds = by_customer[customer.customer_id], kinds[customer.customer_id]
        purchases = [
            row for row, kind in zip(rows, row_kinds, strict=True) if kind != "cancellation"
        ]
        returns = [row for row, kind in zip(rows, row_kinds, strict=True) if kind == "cancellation"]
        invoices = {row[COLUMN["InvoiceNo"]] for row in purchases}
        plain = {
            row[COLUMN["InvoiceNo"]]
            for row, kind in zip(rows, row_kinds, strict=True)
            if kind == "purchase"
        }
        assert len(invoices) == len(plain) == customer.total_orders
        assert sum(int(row[COLUMN["Quantity"]]) for row in rows) == customer.total_items
        spend = sum(int(row[COLUMN["Quantity"]]) * cents(row[COLUMN["UnitPrice"]]) for row in rows)
        assert spend == customer.total_spend_cents
        days = [stamp(row[COLUMN["InvoiceDate"]]).date() for row in purchases]
        assert max(days) == customer.last_order_date
        assert min(days) >= customer.signup_date
        for row in purchases:
            assert int(row[COLUMN["Quantity"]]) >= 1 and cents(row[COLUMN["UnitPrice"]]) > 0
        for row in rows:
            assert row[COLUMN["CustomerID"]] == customer.customer_id
            assert row[COLUMN["Country"]] == customer.country
        for row in returns:
            assert row[COLUMN["InvoiceNo"]].startswith("C")
            assert int(row[COLUMN["Quantity"]]) < 0
            day = stamp(row[COLUMN["InvoiceDate"]]).date()
            assert day <= customer.last_order_date <= as_of


def test_every_customer_s_lines_add_up_exactly_to_its_clean_totals(generated: Generated) -> None:
    check_planted_totals(generated.lines, generated.customers, AS_OF)


def test_blob_customers_add_up_exactly_too() -> None:
    lines = list(generate_order_lines(400, SEED, AS_OF, structure="blob"))
    check_planted_totals(lines, list(planted_customers(400, SEED, AS_OF, "blob")), AS_OF)


def test_planted_customers_are_the_customers_file_s_clean_customers() -> None:
    clean_rows = [fields for fields, _, _ in generate_rows(500, SEED, AS_OF, 0)]
    assert [customer.fields() for customer in planted_customers(500, SEED, AS_OF)] == clean_rows
    with pytest.raises(ValueError, match=r"^customers must be non-negative$"):
        planted_customers(-1, SEED, AS_OF)


def test_every_invoice_is_contiguous_with_one_timestamp_and_numbers_rise_from_536365(
    generated: Generated,
) -> None:
    numbers, stamps = [], {}
    for line in generated.lines:
        invoice_no, when = line.fields[COLUMN["InvoiceNo"]], line.fields[COLUMN["InvoiceDate"]]
        if not numbers or numbers[-1] != invoice_no:
            assert invoice_no not in stamps, f"invoice {invoice_no} is not contiguous"
            numbers.append(invoice_no)
        assert stamps.setdefault(invoice_no, when) == when
    assert numbers[0] == "536365"
    assert [int(number.removeprefix("C")) for number in numbers] == list(
        range(536365, 536365 + len(numbers))
    )
    assert all(re.fullmatch(r"C?\d{6}", number) for number in numbers)
    assert generated.counts["invoices"] == len(numbers)


def test_cancellations_undo_a_cancelled_line_of_an_earlier_invoice(generated: Generated) -> None:
    cancelled: dict[tuple[str, ...], datetime] = {}
    invoice_lines = Counter(line.fields[COLUMN["InvoiceNo"]] for line in generated.lines)
    for line in generated.lines:
        fields = line.fields
        product = (fields[COLUMN["StockCode"]], fields[COLUMN["Description"]])
        key = (line.customer_id or "", *product, fields[COLUMN["UnitPrice"]])
        if line.kind == "cancelled_purchase":
            cancelled[(*key, fields[COLUMN["Quantity"]])] = stamp(fields[COLUMN["InvoiceDate"]])
        elif line.kind == "cancellation":
            assert invoice_lines[fields[COLUMN["InvoiceNo"]]] == 1
            bought_at = cancelled.pop((*key, fields[COLUMN["Quantity"]].removeprefix("-")))
            assert stamp(fields[COLUMN["InvoiceDate"]]) >= bought_at
    assert not cancelled


def test_invoice_dates_are_online_retail_shaped_without_zero_padding(
    generated: Generated,
) -> None:
    for line in generated.lines:
        text = line.fields[COLUMN["InvoiceDate"]]
        match = ONLINE_RETAIL_DATE.fullmatch(text)
        assert match, text
        if line.kind == "unparseable_date":
            assert parse_invoice_date(text) is None
            day_first = f"{match[2]}/{match[1]}/{match[3]} 0:00"
            assert parse_invoice_date(day_first) is None, "must not parse as d/M either"
            continue
        at = stamp(text)
        assert text == f"{at.month}/{at.day}/{at.year} {at.hour}:{at.minute:02d}"
        if line.kind == "future_date":
            assert 3 * 365 <= (at.date() - AS_OF).days <= 5 * 366
        else:
            assert at.date() <= AS_OF


def test_duplicates_copy_an_earlier_line_of_the_same_invoice(generated: Generated) -> None:
    seen: dict[tuple[str, ...], str] = {}
    for line in generated.lines:
        key = tuple(line.fields)
        if line.kind == "duplicate":
            assert seen[key] == "purchase"
        else:
            assert key not in seen, "only duplicate lines repeat an earlier line"
            seen[key] = line.kind


def test_defect_lines_look_as_documented(generated: Generated) -> None:
    invoices_of = defaultdict(set)
    for line in generated.lines:
        invoices_of[line.kind].add(line.fields[COLUMN["InvoiceNo"]])
    planted_invoices = invoices_of["purchase"]
    for line in generated.lines:
        fields = line.fields
        if line.kind == "guest":
            assert line.customer_id is None and fields[COLUMN["CustomerID"]] == ""
            assert fields[COLUMN["Country"]]
        else:
            assert fields[COLUMN["CustomerID"]] == line.customer_id
        if line.kind in {"zero_price", "non_product", "duplicate", "cancelled_purchase"}:
            assert fields[COLUMN["InvoiceNo"]] in planted_invoices
        if line.kind == "zero_price":
            assert fields[COLUMN["UnitPrice"]] == "0" and int(fields[COLUMN["Quantity"]]) >= 1
        if line.kind == "non_product":
            assert fields[COLUMN["StockCode"]] in NON_PRODUCT_CODES
            assert int(fields[COLUMN["Quantity"]]) > 0 and cents(fields[COLUMN["UnitPrice"]]) > 0
        else:
            assert fields[COLUMN["StockCode"]] not in NON_PRODUCT_CODES
    for kind in ("future_date", "unparseable_date"):
        assert not invoices_of[kind] & planted_invoices
        assert len(invoices_of[kind]) == generated.counts["lines_by_kind"][kind]


def test_kind_shares_follow_the_documented_rates(generated: Generated) -> None:
    by_kind = generated.counts["lines_by_kind"]
    assert set(by_kind) == set(ORDER_LINE_KINDS)
    assert by_kind == dict(Counter(line.kind for line in generated.lines)) | {
        kind: 0 for kind in ORDER_LINE_KINDS if kind not in by_kind
    }
    total = generated.counts["lines_written"]
    assert total == len(generated.lines) == sum(by_kind.values())
    assert abs(by_kind["guest"] / total - ORDER_LINE_RATES["guest"]) < 0.01
    purchase_invoices = sum(customer.total_orders for customer in generated.customers)
    assert by_kind["cancellation"] == by_kind["cancelled_purchase"]
    assert (
        0.8 < by_kind["cancellation"] / purchase_invoices / ORDER_LINE_RATES["cancellation"] < 1.2
    )
    purchase_lines = by_kind["purchase"]
    for kind, low in (("zero_price", 0.6), ("non_product", 0.85), ("duplicate", 0.75)):
        assert low < by_kind[kind] / purchase_lines / ORDER_LINE_RATES[kind] < 2 - low, kind
    for kind in ("future_date", "unparseable_date"):
        assert 0.3 < by_kind[kind] / purchase_lines / ORDER_LINE_RATES[kind] < 2.5, kind


def test_reference_fates_are_the_generator_s_kinds(
    generated: Generated, reference: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    fates, _ = reference
    assert fates["line_number"].tolist() == list(range(1, len(generated.lines) + 1))
    expected = [EXPECTED_FATES[line.kind] for line in generated.lines]
    actual = list(zip(fates["fate"], fates["quarantine_reason"], strict=True))
    assert [a for a, e in zip(actual, expected, strict=True) if a != e] == []
    assert set(fates["fate"]) == {"purchase", "return", "quarantined", "duplicate"}


def test_reference_totals_are_the_planted_customers_clean_values(
    generated: Generated, reference: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    _, totals = reference
    assert totals["customer_id"].tolist() == [c.customer_id for c in generated.customers]
    for customer, row in zip(generated.customers, totals.itertuples(), strict=True):
        assert row.order_count == customer.total_orders
        assert row.item_count == customer.total_items
        assert row.total_spend_amount == Decimal(customer.total_spend_cents) / 100
        assert row.last_order_date == customer.last_order_date
        assert row.first_order_date >= customer.signup_date
        assert row.country == customer.country
        assert row.gross_spend_amount - row.returned_spend_amount == row.total_spend_amount


def test_reference_known_customers_quarantines_the_others(generated: Generated) -> None:
    known = {customer.customer_id for customer in generated.customers[:10]}
    fates, totals = reference_fates_and_totals(generated.path, "latin-1", AS_OF, known)
    reasons = Counter(fates["quarantine_reason"].dropna())
    assert set(totals["customer_id"]) == known
    assert reasons["missing_customer_id"] == generated.counts["lines_by_kind"]["guest"]
    assert reasons["unknown_customer"] > 0


def write_lines(path: Path, rows: list[list[str]]) -> Path:
    """Write a small hand-made order-lines file (header plus rows)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([list(ORDER_LINES_HEADER), *rows])
    return path


def test_reference_applies_each_rule_in_order(tmp_path: Path) -> None:
    def line(no: str, code: str, qty: str, when: str, price: str, who: str = "C1") -> list[str]:
        return [no, code, "THING", qty, when, price, who, "France"]

    cases = [
        (line("1", "A1", "2", "6/1/2026 9:05", "1.50"), ("purchase", None)),
        (line("1", "A1", "2", "6/1/2026 9:05", "1.50"), ("duplicate", None)),
        (line(" 1 ", "A1 ", "2", " 6/1/2026 9:05", "1.50 "), ("duplicate", None)),
        (
            line("2", "A1", "2", "6/1/2026 9:05", "1.50", " "),
            ("quarantined", "missing_customer_id"),
        ),
        (line("3", "A1", "1", "", "1.50"), ("quarantined", "order_date_missing")),
        (line("3", "A2", "1", "13/45/2011 25:61", "1"), ("quarantined", "order_date_unparseable")),
        (line("3", "A3", "1", "2/30/2026 9:00", "1"), ("quarantined", "order_date_unparseable")),
        (line("3", "A4", "1", "6/1/2026 24:00", "1"), ("quarantined", "order_date_unparseable")),
        (line("4", "A1", "1", "7/1/2026 0:00", "1"), ("quarantined", "order_date_after_as_of")),
        (line("5", "post", "1", "2026-06-01", "18"), ("quarantined", "non_product_line")),
        (line("5", "A1", "", "2026-06-01 10:00", "1"), ("quarantined", "quantity_missing")),
        (line("5", "A2", "1.5", "2026-06-01 10:00:00", "1"), ("quarantined", "quantity_missing")),
        (line("5", "A3", "0", "6/1/2026", "1"), ("quarantined", "quantity_zero")),
        (line("5", "A4", "1", "6/1/2026", "abc"), ("quarantined", "unit_price_missing")),
        (line("5", "A5", "1", "6/1/2026", "0.00"), ("quarantined", "unit_price_not_positive")),
        (line("5", "A6", "1", "6/1/2026", "-1"), ("quarantined", "unit_price_not_positive")),
        (
            line("c6", "A1", "1", "6/2/2026 8:00", "1"),
            ("quarantined", "cancellation_quantity_positive"),
        ),
        (line("C6", "A1", "-1", "6/2/2026 8:00", "1.50"), ("return", None)),
        (line("7", "A9", "-1", "6/3/2026 8:00", "3.00"), ("return", None)),
        (line("8", "A7", "1", "2026-05-02 08:00:00", "0.25"), ("purchase", None)),
    ]
    path = write_lines(tmp_path / "rules.csv", [row for row, _ in cases])
    fates, totals = reference_fates_and_totals(path, "utf-8", AS_OF)
    assert list(zip(fates["fate"], fates["quarantine_reason"], strict=True)) == [
        expected for _, expected in cases
    ]
    (row,) = totals.itertuples()
    assert (row.customer_id, row.order_count, row.return_order_count) == ("C1", 2, 2)
    assert row.item_count == 2 + 1 - 1 - 1
    assert row.gross_spend_amount == Decimal("3.25")
    assert row.returned_spend_amount == Decimal("4.50")
    assert row.total_spend_amount == Decimal("-1.25")
    assert (row.first_order_date, row.last_order_date) == (date(2026, 5, 2), date(2026, 6, 1))
    assert row.distinct_product_count == 2
    assert row.return_rate == pytest.approx(4.5 / 3.25)
    assert row.avg_days_between_orders == 30.0
    assert DEFAULT_NON_PRODUCT_CODES == NON_PRODUCT_CODES


def test_reference_totals_for_single_orders_returns_only_and_country_ties(tmp_path: Path) -> None:
    rows = [
        ["1", "A1", "X", "1", "6/1/2026 9:00", "2.00", "C1", "Spain"],
        ["C2", "A1", "X", "-1", "6/2/2026 9:00", "2.00", "C2", "Spain"],
        ["3", "A1", "X", "1", "6/1/2026 9:00", "2.00", "C3", "Spain"],
        ["4", "A1", "X", "1", "6/1/2026 9:00", "2.00", "C3", "France"],
    ]
    _, totals = reference_fates_and_totals(write_lines(tmp_path / "t.csv", rows), "utf-8", AS_OF)
    by_id = totals.set_index("customer_id")
    assert by_id.loc["C1", "order_count"] == 1
    assert pd.isna(by_id.loc["C1", "avg_days_between_orders"])
    assert by_id.loc["C1", "return_rate"] == 0.0
    assert by_id.loc["C2", "order_count"] == 0 and by_id.loc["C2", "item_count"] == -1
    assert pd.isna(by_id.loc["C2", "return_rate"]) and by_id.loc["C2", "last_order_date"] is None
    assert by_id.loc["C3", "country"] == "France"
    assert by_id.loc["C3", "avg_days_between_orders"] == 0.0


def test_same_arguments_give_the_same_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first, second, other = (tmp_path / name for name in ("a.csv", "b.csv", "c.csv"))
    write_order_lines(first, 300, 5, AS_OF)
    write_order_lines(second, 300, 5, AS_OF)
    write_order_lines(other, 300, 6, AS_OF)
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_file_is_latin1_with_plain_newlines_quoted_commas_and_non_ascii(
    generated: Generated,
) -> None:
    data = generated.path.read_bytes()
    text = data.decode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "\r" not in text and text.endswith("\n")
    assert text.startswith(",".join(ORDER_LINES_HEADER) + "\n")
    assert any(ord(char) > 127 for char in text)
    assert re.search(r'^\d+,\w+,"[^"]*,[^"]*",', text, re.M)
    rows = read_rows(generated.path)
    assert rows[1:] == [line.fields for line in generated.lines]
    assert all(len(row) == len(ORDER_LINES_HEADER) for row in rows)


def test_catalogue_is_a_few_hundred_latin1_products_with_online_retail_codes() -> None:
    products = catalogue()
    assert 200 <= len(products) <= 500
    assert len({product.stock_code for product in products}) == len(products)
    assert all(re.fullmatch(r"\d{5}[A-Z]?", product.stock_code) for product in products)
    assert any(product.stock_code[-1].isalpha() for product in products)
    descriptions = [product.description for product in products]
    assert all(text == text.upper() and text.encode("latin-1") for text in descriptions)
    non_ascii = sum(not text.isascii() for text in descriptions)
    assert 0.1 * len(products) < non_ascii < 0.6 * len(products)
    assert sum("," in text for text in descriptions) > 10
    assert all(product.price_cents > 0 for product in products)


def test_rates_can_be_turned_off_and_planted_lines_do_not_depend_on_them() -> None:
    clean = list(generate_order_lines(300, SEED, AS_OF, rates=dict.fromkeys(ORDER_LINE_RATES, 0)))
    assert {line.kind for line in clean} == {"purchase"}
    messy = [line for line in generate_order_lines(300, SEED, AS_OF) if line.kind == "purchase"]

    def without_invoice_no(lines: list[OrderLine]) -> list[list[str]]:
        return [line.fields[1:] for line in lines]

    assert without_invoice_no(clean) == without_invoice_no(messy)
    guests = list(generate_order_lines(200, SEED, AS_OF, rates={"guest": 0.5}))
    assert 0.45 < sum(line.kind == "guest" for line in guests) / len(guests) < 0.55


def test_invalid_rates_are_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("unknown order-line kinds: ['typo']")):
        generate_order_lines(10, SEED, AS_OF, rates={"typo": 0.1})
    with pytest.raises(ValueError, match=r"^order-line rates must be non-negative$"):
        generate_order_lines(10, SEED, AS_OF, rates={"duplicate": -0.1})
    with pytest.raises(ValueError, match="guest rate must be below 1"):
        generate_order_lines(10, SEED, AS_OF, rates={"guest": 1.0})
    with pytest.raises(ValueError, match="add up to more than 1"):
        generate_order_lines(10, SEED, AS_OF, rates={"zero_price": 0.6, "duplicate": 0.6})
    with pytest.raises(ValueError, match=r"^unknown structure"):
        generate_order_lines(10, SEED, AS_OF, structure="cube")


def test_the_stream_is_lazy_one_customer_at_a_time() -> None:
    lines = generate_order_lines(10**9, SEED, AS_OF)
    first = next(lines)
    assert first.customer_id == "C0000001" and first.kind == "purchase"


def test_order_mess_module_documents_every_rate() -> None:
    import customer_segmentation.datagen.order_mess as order_mess

    for kind, rate in ORDER_LINE_RATES.items():
        assert re.search(
            rf"^\| {kind} +\| {re.escape(f'{rate * 100:g} %')} +\|", order_mess.__doc__ or "", re.M
        )


def run_cli(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    """Run `python -m customer_segmentation.datagen` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "python_jobs"), "PYTHONHASHSEED": "3"}
    return subprocess.run(
        [sys.executable, "-m", "customer_segmentation.datagen", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_cli_writes_only_order_lines_with_the_api_s_bytes(tmp_path: Path) -> None:
    out = tmp_path / "lines.csv"
    result = run_cli("--rows", "120", "--seed", "4", "--order-lines-out", str(out))
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert set(counts) == {"order_lines"}
    api = tmp_path / "api.csv"
    assert counts["order_lines"] == write_order_lines(api, 120, 4, AS_OF)
    assert out.read_bytes() == api.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["api.csv", "lines.csv"]


def test_cli_writes_both_files_and_prints_both_counts(tmp_path: Path) -> None:
    customers, lines = tmp_path / "customers.csv", tmp_path / "lines.csv"
    result = run_cli(
        *("--rows", "80", "--seed", "2", "--out", str(customers), "--order-lines-out", str(lines)),
        *("--order-lines-encoding", "utf-8", "--as-of", "2025-12-31"),
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["customers"] == counts["order_lines"]["customers"] == 80
    api_customers, api_lines = tmp_path / "api_customers.csv", tmp_path / "api_lines.csv"
    assert {k: v for k, v in counts.items() if k != "order_lines"} == write_customers(
        api_customers, 80, 2, date(2025, 12, 31)
    )
    write_order_lines(api_lines, 80, 2, date(2025, 12, 31), encoding="utf-8")
    assert customers.read_bytes() == api_customers.read_bytes()
    assert lines.read_bytes() == api_lines.read_bytes()
    lines.read_bytes().decode("utf-8")


def test_cli_refuses_to_overwrite_order_lines_without_force(tmp_path: Path) -> None:
    out = tmp_path / "lines.csv"
    out.write_text("keep me\n")
    refused = run_cli("--rows", "20", "--seed", "1", "--order-lines-out", str(out))
    assert refused.returncode == 2
    assert f"error: refusing to overwrite {out}; pass --force to replace" in refused.stderr
    assert out.read_text() == "keep me\n"
    forced = run_cli("--rows", "20", "--seed", "1", "--order-lines-out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_text(encoding="latin-1").startswith(",".join(ORDER_LINES_HEADER) + "\n")


def test_cli_needs_an_output_and_a_known_encoding(tmp_path: Path) -> None:
    nothing = run_cli("--rows", "20", "--seed", "1")
    assert nothing.returncode == 2 and "give --out, --order-lines-out or both" in nothing.stderr
    unknown = run_cli(
        *("--rows", "20", "--seed", "1", "--order-lines-out", str(tmp_path / "x.csv")),
        *("--order-lines-encoding", "klingon"),
    )
    assert unknown.returncode == 2 and "unknown encoding: 'klingon'" in unknown.stderr
    same = tmp_path / "same.csv"
    clash = run_cli(
        "--rows", "5", "--seed", "1", "--out", str(same), "--order-lines-out", str(same)
    )
    assert clash.returncode == 2 and "must be different files" in clash.stderr
    assert not list(tmp_path.iterdir())


def makefile_order_lines_command() -> list[str]:
    """The seed-data target's order-lines command, as arguments after `python`."""
    makefile = (PROJECT_DIR / "Makefile").read_text()
    recipe = makefile.split("\nseed-data:", 1)[1].split("\n\n", 1)[0]
    (command,) = [line for line in recipe.splitlines() if "--order-lines-out" in line]
    words = shlex.split(command.strip())
    assert words[0] == "$(BIN)/python"
    return words[1:]


def test_shipped_seed_is_what_the_makefile_writes(tmp_path: Path) -> None:
    words = makefile_order_lines_command()
    at = words.index("--order-lines-out")
    assert words[at + 1] == "seeds/order_lines.csv"
    words[at + 1] = str(tmp_path / "order_lines.csv")
    assert words[:2] == ["-m", "customer_segmentation.datagen"]
    result = run_cli(*words[2:])
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "order_lines.csv").read_bytes() == SEED_FILE.read_bytes()
    assert SEED_FILE.stat().st_size < 1_200_000
    text = SEED_FILE.read_bytes().decode("utf-8")
    assert not text.isascii()
    counts = json.loads(result.stdout)["order_lines"]
    assert counts["lines_by_kind"]["future_date"] >= 1
    assert counts["lines_by_kind"]["unparseable_date"] >= 1
