"""An independent plain-pandas reference of the order-lines rules, to cross-check the dbt SQL.

No Spark and nothing from the generator: the file is read with every field as text
(`dtype=str, keep_default_na=False`), every field trimmed, a blank field missing. Each line
(1 = the first line after the header) gets one fate, by the first rule that applies:

1. `duplicate`: every (trimmed) field equal to an earlier line's (the first keeps its fate).
2. quarantined `missing_customer_id`: CustomerID blank.
3. quarantined `unknown_customer`: known_customers given and CustomerID not in it.
4. quarantined `order_date_missing` (blank) / `order_date_unparseable`: InvoiceDate is not
   `M/d/yyyy H:mm`, `yyyy-MM-dd HH:mm:ss`, `yyyy-MM-dd HH:mm`, `yyyy-MM-dd` or `M/d/yyyy`
   holding a real calendar date and time (month 13, day 45 or hour 25 are unparseable).
5. quarantined `order_date_after_as_of`: its date after as_of.
6. quarantined `non_product_line`: upper-cased StockCode in non_product_codes.
7. quarantined `quantity_missing` (blank or not an integer) / `quantity_zero`.
8. quarantined `unit_price_missing` (blank or not a number) / `unit_price_not_positive`.
9. InvoiceNo starting with cancellation_prefix (any case) or Quantity < 0: quarantined
   `cancellation_quantity_positive` when Quantity > 0, else fate `return`.
10. `purchase`.

Customer totals come from purchase and return lines (customers with at least one); money is
summed as Decimal, so every amount is exact.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pandas as pd

COLUMNS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
DEFAULT_NON_PRODUCT_CODES: frozenset[str] = frozenset(
    {"POST", "DOT", "M", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "D", "S", "B"}
)
FATES: tuple[str, ...] = ("purchase", "return", "quarantined", "duplicate")
TOTALS_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "order_count",
    "return_order_count",
    "item_count",
    "gross_spend_amount",
    "returned_spend_amount",
    "total_spend_amount",
    "first_order_date",
    "last_order_date",
    "distinct_product_count",
    "return_rate",
    "avg_days_between_orders",
    "country",
)
# (pattern, names of its groups in order); a match still has to be a real date and time.
_DATE_SHAPES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})"), ("M", "d", "y", "H", "m")),
    (
        re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})"),
        ("y", "M", "d", "H", "m", "s"),
    ),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})"), ("y", "M", "d", "H", "m")),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), ("y", "M", "d")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("M", "d", "y")),
)
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_invoice_date(text: str) -> datetime | None:
    """Parse an InvoiceDate in one of the accepted shapes; None when none holds a real date."""
    for pattern, names in _DATE_SHAPES:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = dict(zip(names, map(int, match.groups()), strict=True))
        try:
            return datetime(
                parts["y"],
                parts["M"],
                parts["d"],
                parts.get("H", 0),
                parts.get("m", 0),
                parts.get("s", 0),
            )
        except ValueError:
            return None
    return None


def parse_integer(text: str) -> int | None:
    """Parse a whole number (`12`, `-3`); None for blank or anything else."""
    return int(text) if _INTEGER.fullmatch(text) else None


def parse_number(text: str) -> Decimal | None:
    """Parse a decimal number exactly (`2.55`, `0`, `-1.5`); None for blank or anything else."""
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def line_fate(
    line: dict[str, str],
    seen: bool,
    as_of: date,
    known_customers: set[str] | None,
    non_product_codes: frozenset[str],
    cancellation_prefix: str,
) -> tuple[str, str | None]:
    """The fate and quarantine reason of one trimmed line (`seen`: an identical earlier line)."""
    if seen:
        return "duplicate", None
    customer = line["CustomerID"]
    if not customer:
        return "quarantined", "missing_customer_id"
    if known_customers is not None and customer not in known_customers:
        return "quarantined", "unknown_customer"
    if not line["InvoiceDate"]:
        return "quarantined", "order_date_missing"
    at = parse_invoice_date(line["InvoiceDate"])
    if at is None:
        return "quarantined", "order_date_unparseable"
    if at.date() > as_of:
        return "quarantined", "order_date_after_as_of"
    if line["StockCode"].upper() in non_product_codes:
        return "quarantined", "non_product_line"
    quantity = parse_integer(line["Quantity"])
    if quantity is None:
        return "quarantined", "quantity_missing"
    if quantity == 0:
        return "quarantined", "quantity_zero"
    price = parse_number(line["UnitPrice"])
    if price is None:
        return "quarantined", "unit_price_missing"
    if price <= 0:
        return "quarantined", "unit_price_not_positive"
    cancelled = line["InvoiceNo"].upper().startswith(cancellation_prefix.upper())
    if cancelled or quantity < 0:
        if quantity > 0:
            return "quarantined", "cancellation_quantity_positive"
        return "return", None
    return "purchase", None


def read_trimmed(path: str | os.PathLike[str], encoding: str) -> pd.DataFrame:
    """Read the file with every field as text, trimmed (blank stays the empty string)."""
    raw = pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False)
    missing = [column for column in COLUMNS if column not in raw.columns]
    if missing:
        raise ValueError(f"order-lines file lacks columns {missing}")
    return raw[list(COLUMNS)].apply(lambda column: column.str.strip())


def _fates(
    lines: pd.DataFrame,
    as_of: date,
    known_customers: set[str] | None,
    non_product_codes: frozenset[str],
    cancellation_prefix: str,
) -> pd.DataFrame:
    """One row per line: line_number, fate, quarantine_reason."""
    seen: set[tuple[str, ...]] = set()
    rows = []
    for number, line in enumerate(lines.to_dict("records"), start=1):
        key = tuple(line[column] for column in COLUMNS)
        fate, reason = line_fate(
            line, key in seen, as_of, known_customers, non_product_codes, cancellation_prefix
        )
        seen.add(key)
        rows.append({"line_number": number, "fate": fate, "quarantine_reason": reason})
    return pd.DataFrame(rows, columns=["line_number", "fate", "quarantine_reason"])


def _most_frequent(values: Iterable[str]) -> str | None:
    """The most frequent non-blank value; ties go to the alphabetically first; None if none."""
    counts = Counter(value for value in values if value)
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], value))


def _day(text: str) -> date:
    """The date part of an InvoiceDate already known to parse."""
    at = parse_invoice_date(text)
    if at is None:
        raise ValueError(f"not a parseable InvoiceDate: {text!r}")
    return at.date()


def _customer_totals(customer_id: str, group: pd.DataFrame) -> dict[str, object]:
    """The totals of one customer's purchase and return lines."""
    purchases = group[group["fate"] == "purchase"]
    returns = group[group["fate"] == "return"]
    gross = sum(purchases["amount"], Decimal(0))
    returned = -sum(returns["amount"], Decimal(0))
    order_count = purchases["InvoiceNo"].nunique()
    first = min(purchases["day"]) if order_count else None
    last = max(purchases["day"]) if order_count else None
    gap = (last - first).days / (order_count - 1) if first and last and order_count > 1 else None
    return {
        "customer_id": customer_id,
        "order_count": order_count,
        "return_order_count": returns["InvoiceNo"].nunique(),
        "item_count": int(sum(group["quantity"])),
        "gross_spend_amount": gross,
        "returned_spend_amount": returned,
        "total_spend_amount": gross - returned,
        "first_order_date": first,
        "last_order_date": last,
        "distinct_product_count": purchases["StockCode"].nunique(),
        "return_rate": float(returned / gross) if gross else float("nan"),
        "avg_days_between_orders": float("nan") if gap is None else gap,
        "country": _most_frequent(group["Country"]),
    }


def _totals(lines: pd.DataFrame, fates: pd.DataFrame) -> pd.DataFrame:
    """One row per customer with at least one purchase or return line."""
    used = lines.assign(fate=fates["fate"].to_numpy())
    used = used[used["fate"].isin(["purchase", "return"])].copy()
    quantities = [int(text) for text in used["Quantity"]]
    used["quantity"] = pd.Series(quantities, index=used.index, dtype=object)
    used["amount"] = pd.Series(
        [q * Decimal(p) for q, p in zip(quantities, used["UnitPrice"], strict=True)],
        index=used.index,
        dtype=object,
    )
    used["day"] = pd.Series([_day(text) for text in used["InvoiceDate"]], index=used.index)
    rows = [_customer_totals(str(key), group) for key, group in used.groupby("CustomerID")]
    return pd.DataFrame(rows, columns=list(TOTALS_COLUMNS))


def reference_fates_and_totals(
    path: str | os.PathLike[str],
    encoding: str,
    as_of: date,
    known_customers: set[str] | None = None,
    non_product_codes: Iterable[str] = DEFAULT_NON_PRODUCT_CODES,
    cancellation_prefix: str = "C",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rules to an order-lines file: (fates per line, totals per customer_id)."""
    lines = read_trimmed(path, encoding).reset_index(drop=True)
    codes = frozenset(code.strip().upper() for code in non_product_codes)
    fates = _fates(lines, as_of, known_customers, codes, cancellation_prefix)
    return fates, _totals(lines, fates)
