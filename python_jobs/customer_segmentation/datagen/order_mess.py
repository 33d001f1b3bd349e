"""Planted defects of the order-lines file: every kind of line, its default rate and its shape.

Each extra line carries exactly one defect, so its fate downstream is unambiguous, and none
changes a planted customer's totals over its purchase and cancellation lines (see `.invoices`).

| kind             | rate  | rolled per       | what is written                                |
|------------------|-------|------------------|------------------------------------------------|
| purchase         |       |                  | the planted customer's invoice lines           |
| guest            | 25 %  | share of lines   | whole invoices (1-8 lines, list prices) with a |
|                  |       |                  | blank CustomerID, written between customers    |
| cancellation     | 5 %   | purchase invoice | a `cancelled_purchase` line (quantity q, price |
|                  |       |                  | p) on the invoice, and a later invoice         |
|                  |       |                  | `C<number>` with one `cancellation` line:      |
|                  |       |                  | quantity -q, same product and price, dated     |
|                  |       |                  | between the invoice and the last order         |
| zero_price       | 0.5 % | purchase line    | a line with UnitPrice `0` on the same invoice  |
| non_product      | 2 %   | purchase line    | a POST, DOT, M, C2, BANK CHARGES, AMAZONFEE,   |
|                  |       |                  | CRUK, PADS, D, S or B line on the same invoice |
| duplicate        | 1 %   | purchase line    | an exact copy of the line, later on the same   |
|                  |       |                  | invoice (right after it or a few lines on)     |
| future_date      | 0.1 % | purchase line    | a one-line invoice of the customer dated 3-5   |
|                  |       |                  | years after as_of                              |
| unparseable_date | 0.1 % | purchase line    | a one-line invoice of the customer dated like  |
|                  |       |                  | `13/45/2011 25:61` (month 13-31, day 13-45:    |
|                  |       |                  | invalid read as M/d or as d/M)                 |

A purchase line rolls once for zero_price, non_product, duplicate, future_date and
unparseable_date together (at most one of them; their rates must add up to at most 1), so the
share of *all* lines of each is about 0.7 times its rate. Every customer line written adds
guest / (1 - guest) guest lines owed, paid in whole guest invoices after the customer, so
guests make up the `guest` share of all lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from random import Random

from customer_segmentation.datagen.customers import Customer
from customer_segmentation.datagen.invoices import (
    LAST_MINUTE,
    Invoice,
    PlannedLine,
    at_minute,
    new_product,
    random_time,
)
from customer_segmentation.datagen.locales import LOCALES
from customer_segmentation.datagen.products import NON_PRODUCTS
from customer_segmentation.datagen.sampling import (
    below,
    between,
    pick_one,
    random_day,
    years_before,
)

ORDER_LINE_RATES: dict[str, float] = {
    "guest": 0.25,
    "cancellation": 0.05,
    "zero_price": 0.005,
    "non_product": 0.02,
    "duplicate": 0.01,
    "future_date": 0.001,
    "unparseable_date": 0.001,
}
LINE_DEFECTS: tuple[str, ...] = (
    "zero_price",
    "non_product",
    "duplicate",
    "future_date",
    "unparseable_date",
)
ORDER_LINE_KINDS: tuple[str, ...] = (
    "purchase",
    "cancelled_purchase",
    "cancellation",
    "guest",
    *LINE_DEFECTS,
)
GUEST_LINES = (1, 8)
GUEST_HISTORY_DAYS = 1_500
GUEST_QUANTITIES: tuple[int, ...] = (1, 1, 2, 2, 3, 4, 6, 12, 24)
CANCELLED_QUANTITY = (1, 3)
ZERO_PRICE_QUANTITY = (1, 12)
FUTURE_YEARS = (3, 5)
_GUEST_COUNTRIES: tuple[str, ...] = tuple(locale.name for locale in LOCALES)


class OrderLinePlan:
    """Validated defect rates, and the rolls that decide where each defect goes."""

    __slots__ = ("_line_thresholds", "cancellation", "guest_debt_per_line")

    def __init__(self, rates: Mapping[str, float] | None = None) -> None:
        merged = dict(ORDER_LINE_RATES)
        unknown = set(rates or {}) - set(merged)
        if unknown:
            raise ValueError(f"unknown order-line kinds: {sorted(unknown)}")
        merged.update(rates or {})
        if any(not rate >= 0 for rate in merged.values()):
            raise ValueError("order-line rates must be non-negative")
        if merged["guest"] >= 1 or merged["cancellation"] > 1:
            raise ValueError("the guest rate must be below 1 and the cancellation rate at most 1")
        if sum(merged[kind] for kind in LINE_DEFECTS) > 1:
            raise ValueError(f"the rates of {', '.join(LINE_DEFECTS)} add up to more than 1")
        self.cancellation = merged["cancellation"]
        self.guest_debt_per_line = merged["guest"] / (1 - merged["guest"])
        thresholds, total = [], 0.0
        for kind in LINE_DEFECTS:
            total += merged[kind]
            thresholds.append((total, kind))
        self._line_thresholds = tuple(thresholds)

    def roll_cancellation(self, rng: Random) -> bool:
        """Decide whether a purchase invoice gets a cancelled line."""
        return rng.random() < self.cancellation

    def roll_line(self, rng: Random) -> str | None:
        """Pick the one defect a purchase line spawns, if any."""
        draw = rng.random()
        for threshold, kind in self._line_thresholds:
            if draw < threshold:
                return kind
        return None


def _fair_price(customer: Customer) -> int:
    """The customer's average cents per item (at least 1)."""
    return max(1, customer.total_spend_cents // customer.total_items)


def cancel_on(rng: Random, invoice: Invoice, customer: Customer) -> Invoice:
    """Add a cancelled_purchase line to a purchase invoice; return its cancellation invoice."""
    quantity = between(rng, *CANCELLED_QUANTITY)
    price = max(1, _fair_price(customer) * between(rng, 50, 150) // 100)
    product = new_product(rng, invoice.stock_codes())
    position = between(rng, 0, len(invoice.lines))
    invoice.lines.insert(position, PlannedLine(product, quantity, price, "cancelled_purchase"))
    day = random_day(rng, invoice.at.date(), customer.last_order_date)
    if day == invoice.at.date():
        minute = invoice.at.hour * 60 + invoice.at.minute
        at = at_minute(day, between(rng, minute, max(minute, LAST_MINUTE)))
    else:
        at = random_time(rng, day)
    return Invoice(at, "cancellation", [PlannedLine(product, -quantity, price, "cancellation")])


def _non_product_line(rng: Random, invoice: Invoice) -> PlannedLine:
    """A non-product line whose code is not on the invoice yet (first free one from a draw)."""
    taken = invoice.stock_codes()
    start = below(rng, len(NON_PRODUCTS))
    for offset in range(len(NON_PRODUCTS)):
        product = NON_PRODUCTS[(start + offset) % len(NON_PRODUCTS)]
        if product.stock_code not in taken:
            return PlannedLine(product, 1, product.price_cents, "non_product")
    raise ValueError("every non-product code is already on this invoice")


def _single_line(rng: Random, customer: Customer, kind: str) -> PlannedLine:
    """One ordinary-looking product line of the customer, for a one-line defect invoice."""
    price = max(1, _fair_price(customer) * between(rng, 50, 150) // 100)
    return PlannedLine(new_product(rng, set()), between(rng, 1, 3), price, kind)


def _unparseable_text(rng: Random, year: int) -> str:
    """A date in the file's `M/d/yyyy H:mm` shape that no reading (M/d or d/M) accepts."""
    hour, minute = between(rng, 0, 29), between(rng, 0, 69)
    return f"{between(rng, 13, 31)}/{between(rng, 13, 45)}/{year} {hour}:{minute:02d}"


def add_line_defect(
    rng: Random, kind: str, invoice: Invoice, line: PlannedLine, customer: Customer, as_of: date
) -> Invoice | None:
    """Plant one defect spawned by a purchase line: on its invoice, or as a new invoice."""
    if kind == "zero_price":
        product = new_product(rng, invoice.stock_codes())
        zero = PlannedLine(product, between(rng, *ZERO_PRICE_QUANTITY), 0, kind)
        invoice.lines.insert(between(rng, 0, len(invoice.lines)), zero)
    elif kind == "non_product":
        extra = _non_product_line(rng, invoice)
        invoice.lines.insert(between(rng, 0, len(invoice.lines)), extra)
    elif kind == "duplicate":
        after = invoice.lines.index(line) + 1
        invoice.lines.insert(between(rng, after, len(invoice.lines)), replace(line, kind=kind))
    elif kind == "future_date":
        first, last = (years_before(as_of, -years) for years in FUTURE_YEARS)
        at = random_time(rng, random_day(rng, first, last))
        return Invoice(at, kind, [_single_line(rng, customer, kind)])
    elif kind == "unparseable_date":
        at = random_time(rng, random_day(rng, customer.signup_date, customer.last_order_date))
        text = _unparseable_text(rng, at.year)
        return Invoice(at, kind, [_single_line(rng, customer, kind)], date_text=text)
    else:
        raise ValueError(f"not a line defect: {kind!r}")
    return None


def guest_invoice(rng: Random, as_of: date) -> tuple[Invoice, str]:
    """A whole invoice without a customer (1-8 products at list prices) and its country."""
    day = as_of - timedelta(days=below(rng, GUEST_HISTORY_DAYS + 1))
    invoice = Invoice(random_time(rng, day), "guest")
    for _ in range(between(rng, *GUEST_LINES)):
        product = new_product(rng, invoice.stock_codes())
        quantity = pick_one(rng, GUEST_QUANTITIES)
        invoice.lines.append(PlannedLine(product, quantity, product.price_cents, "guest"))
    return invoice, pick_one(rng, _GUEST_COUNTRIES)
