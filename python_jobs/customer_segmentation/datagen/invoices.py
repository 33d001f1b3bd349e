"""A planted customer's purchase invoices, whose lines add up exactly to the customer's totals.

For a clean `Customer` with O = total_orders, I = total_items and S = total_spend_cents:
- O invoices: the last on last_order_date, the others on days drawn between signup_date and
  last_order_date; each at one time of day (07:00-20:59), sorted by timestamp.
- items: I split over the O invoices (each at least 1), each invoice's items split over 1 to
  MAX_LINES_PER_INVOICE lines of distinct products (each quantity at least 1); one line of the
  customer has quantity 1 (split off a larger line when none has), the *balancing line*.
- cents: the lines are priced one by one around the cents still owed per item still unpriced
  (x 0.6-1.4), each clamped so that every later item can still cost at least 1 cent; the
  balancing line, priced last, takes exactly the cents left (>= 1).
So sum(quantity) = I and sum(quantity x unit price) = S exactly, and every price is >= 1 cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random

from customer_segmentation.datagen.customers import Customer
from customer_segmentation.datagen.products import Product, catalogue
from customer_segmentation.datagen.sampling import below, between, pick_one, random_day

MAX_LINES_PER_INVOICE = 6
FIRST_MINUTE = 7 * 60
LAST_MINUTE = 21 * 60 - 1
PRICE_FACTOR_PERCENT = (60, 140)


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """One line before rendering: product, quantity, unit price in cents and its kind."""

    product: Product
    quantity: int
    price_cents: int
    kind: str


@dataclass(slots=True)
class Invoice:
    """One invoice of a customer (or a guest): its timestamp, kind and lines in write order."""

    at: datetime
    kind: str
    lines: list[PlannedLine] = field(default_factory=list)
    date_text: str | None = None

    def stock_codes(self) -> set[str]:
        """The stock codes already on this invoice (a new line must not repeat one)."""
        return {line.product.stock_code for line in self.lines}


def at_minute(day: date, minute: int) -> datetime:
    """The timestamp `minute` minutes after midnight of `day`."""
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def random_time(rng: Random, day: date) -> datetime:
    """A timestamp on `day` within shop hours (FIRST_MINUTE to LAST_MINUTE)."""
    return at_minute(day, between(rng, FIRST_MINUTE, LAST_MINUTE))


def split_total(rng: Random, total: int, parts: int) -> list[int]:
    """Split `total` into `parts` random integers, each at least 1 (needs total >= parts)."""
    if parts < 1 or total < parts:
        raise ValueError(f"cannot split {total} into {parts} parts of at least 1")
    shares = [1] * parts
    for _ in range(total - parts):
        shares[below(rng, parts)] += 1
    return shares


def new_product(rng: Random, taken: set[str]) -> Product:
    """Draw a catalogue product whose stock code is not in `taken`."""
    products = catalogue()
    if len(taken) >= len(products):
        raise ValueError("no catalogue product left for this invoice")
    while True:
        product = pick_one(rng, products)
        if product.stock_code not in taken:
            return product


def _invoice_times(rng: Random, customer: Customer) -> list[datetime]:
    """O sorted timestamps between signup and last order; the last one on the last order day."""
    days = [
        random_day(rng, customer.signup_date, customer.last_order_date)
        for _ in range(customer.total_orders - 1)
    ]
    days.append(customer.last_order_date)
    return sorted(random_time(rng, day) for day in days)


def _quantities(rng: Random, items: int) -> list[int]:
    """Split one invoice's items over 1 to MAX_LINES_PER_INVOICE lines."""
    return split_total(rng, items, between(rng, 1, min(items, MAX_LINES_PER_INVOICE)))


def _ensure_balancing_line(rng: Random, invoices: list[Invoice]) -> PlannedLine:
    """Return a quantity-1 line of the customer, splitting one off the last invoice if none."""
    for invoice in invoices:
        for line in invoice.lines:
            if line.quantity == 1:
                return line
    last = invoices[-1]
    first = last.lines[0]
    last.lines[0] = PlannedLine(first.product, first.quantity - 1, 0, first.kind)
    balancing = PlannedLine(new_product(rng, last.stock_codes()), 1, 0, first.kind)
    last.lines.append(balancing)
    return balancing


def _unit_price(rng: Random, owed_cents: int, owed_items: int, quantity: int) -> int:
    """Price one line near the owed cents per owed item, leaving >= 1 cent per later item."""
    factor = between(rng, *PRICE_FACTOR_PERCENT)
    price = owed_cents * factor // (owed_items * 100)
    highest = (owed_cents - (owed_items - quantity)) // quantity
    return max(1, min(price, highest))


def _price_lines(rng: Random, invoices: list[Invoice], balancing: PlannedLine, cents: int) -> None:
    """Give every line a unit price so that the customer's lines add up to `cents` exactly."""
    owed_items = sum(line.quantity for invoice in invoices for line in invoice.lines)
    if cents < owed_items:
        raise ValueError(f"cannot price {owed_items} items at >= 1 cent with {cents} cents")
    owed_cents = cents
    balancing_at: tuple[Invoice, int] | None = None
    for invoice in invoices:
        for index, line in enumerate(invoice.lines):
            if line is balancing:
                balancing_at = (invoice, index)
                continue
            price = _unit_price(rng, owed_cents, owed_items, line.quantity)
            invoice.lines[index] = PlannedLine(line.product, line.quantity, price, line.kind)
            owed_cents -= line.quantity * price
            owed_items -= line.quantity
    if balancing_at is None or owed_items != 1:
        raise AssertionError("the balancing line must be the customer's last unpriced item")
    invoice, index = balancing_at
    invoice.lines[index] = PlannedLine(balancing.product, 1, owed_cents, balancing.kind)


def plant_invoices(rng: Random, customer: Customer) -> list[Invoice]:
    """Draw the customer's purchase invoices, adding up exactly to its clean totals."""
    invoices = [Invoice(at, "purchase") for at in _invoice_times(rng, customer)]
    item_split = split_total(rng, customer.total_items, customer.total_orders)
    for invoice, items in zip(invoices, item_split, strict=True):
        for quantity in _quantities(rng, items):
            product = new_product(rng, invoice.stock_codes())
            invoice.lines.append(PlannedLine(product, quantity, 0, "purchase"))
    balancing = _ensure_balancing_line(rng, invoices)
    _price_lines(rng, invoices, balancing, customer.total_spend_cents)
    return invoices
