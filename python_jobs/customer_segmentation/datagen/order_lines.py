"""The order-lines file: Online-Retail-style invoice lines of the planted customers, plus mess.

Columns ORDER_LINES_HEADER, like the UCI Online Retail data set: InvoiceNo (six digits from
536365, increasing in write order; `C<number>` for a cancellation), StockCode, Description,
Quantity, InvoiceDate (`M/d/yyyy H:mm`, no zero padding: `12/1/2010 8:26`), UnitPrice (two
decimals, `2.55`; `0` for a zero-price line), CustomerID (blank for guests), Country.

Customers come in order 1..N, the same clean customers as the customers file (`build_customer`
on the `customers` stream; the messy customer fields are never used). Each customer's invoices
are written together, in timestamp order (so its invoice numbers rise with its dates), and the
guest invoices it owes follow it; the file as a whole is not sorted by date. Over a customer's
`purchase`, `cancelled_purchase` and `cancellation` lines, distinct purchase invoices =
total_orders, net quantity = total_items, net quantity x price = total_spend exactly, and the
latest purchase date = last_order_date (see `.invoices`; defects and rates in `.order_mess`).
Planted lines come from the `order_lines` stream and every defect and guest from
`order_lines_mess`, so the customers file is unaffected and planted lines do not depend on the
rates. Memory holds one customer's invoices at a time.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from random import Random
from typing import Any, NamedTuple

from customer_segmentation.datagen.customers import Customer, build_customer, format_money
from customer_segmentation.datagen.invoices import Invoice, plant_invoices
from customer_segmentation.datagen.order_mess import (
    ORDER_LINE_KINDS,
    OrderLinePlan,
    add_line_defect,
    cancel_on,
    guest_invoice,
)
from customer_segmentation.datagen.sampling import derive_rng
from customer_segmentation.datagen.structures import DEFAULT_STRUCTURE, Structure, structure_named

ORDER_LINES_HEADER: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
FIRST_INVOICE_NO = 536_365
CANCELLATION_PREFIX = "C"


class OrderLine(NamedTuple):
    """One written line: its CSV fields, the planted customer it belongs to (None: a guest)."""

    fields: list[str]
    customer_id: str | None
    kind: str


def format_invoice_date(at: datetime) -> str:
    """Render a timestamp as Online Retail does: `M/d/yyyy H:mm`, no zero padding."""
    return f"{at.month}/{at.day}/{at.year} {at.hour}:{at.minute:02d}"


def format_unit_price(cents: int) -> str:
    """Render a unit price with two decimals (`2.55`), or `0` for a zero price."""
    return "0" if cents == 0 else format_money(cents)


def planted_customers(
    customers: int, seed: int, as_of: date, structure: str = DEFAULT_STRUCTURE
) -> Iterator[Customer]:
    """Yield the clean customers 1..N, the same as the customers file's clean values."""
    if customers < 0:
        raise ValueError("customers must be non-negative")
    return _customers(customers, seed, as_of, structure_named(structure))


def _customers(customers: int, seed: int, as_of: date, structure: Structure) -> Iterator[Customer]:
    """The customer stream behind planted_customers (arguments already validated)."""
    rng = derive_rng(seed, "customers")
    for number in range(1, customers + 1):
        yield build_customer(rng, number, as_of, structure)


def _customer_invoices(
    plant_rng: Random, mess_rng: Random, customer: Customer, plan: OrderLinePlan, as_of: date
) -> list[Invoice]:
    """One customer's planted invoices with their defects, in timestamp order."""
    invoices = plant_invoices(plant_rng, customer)
    extra: list[Invoice] = []
    for invoice in invoices:
        purchases = list(invoice.lines)
        if plan.roll_cancellation(mess_rng):
            extra.append(cancel_on(mess_rng, invoice, customer))
        for line in purchases:
            kind = plan.roll_line(mess_rng)
            if kind is not None:
                spawned = add_line_defect(mess_rng, kind, invoice, line, customer, as_of)
                if spawned is not None:
                    extra.append(spawned)
    return sorted(invoices + extra, key=lambda invoice: invoice.at)


def _render(
    invoice: Invoice, number: int, customer_id: str | None, country: str
) -> Iterator[OrderLine]:
    """Render one invoice's lines under invoice number `number`."""
    prefix = CANCELLATION_PREFIX if invoice.kind == "cancellation" else ""
    invoice_no = f"{prefix}{number}"
    when = invoice.date_text or format_invoice_date(invoice.at)
    for line in invoice.lines:
        fields = [
            invoice_no,
            line.product.stock_code,
            line.product.description,
            str(line.quantity),
            when,
            format_unit_price(line.price_cents),
            customer_id or "",
            country,
        ]
        yield OrderLine(fields, customer_id, line.kind)


def generate_order_lines(
    customers: int,
    seed: int,
    as_of: date,
    *,
    rates: Mapping[str, float] | None = None,
    structure: str = DEFAULT_STRUCTURE,
) -> Iterator[OrderLine]:
    """Yield every line of the order-lines file, in write order."""
    plan = OrderLinePlan(rates)
    population = planted_customers(customers, seed, as_of, structure)
    return _lines(population, seed, as_of, plan)


def _lines(
    population: Iterator[Customer], seed: int, as_of: date, plan: OrderLinePlan
) -> Iterator[OrderLine]:
    """The line stream behind generate_order_lines: customers, each followed by guests owed."""
    plant_rng = derive_rng(seed, "order_lines")
    mess_rng = derive_rng(seed, "order_lines_mess")
    number = FIRST_INVOICE_NO
    guest_debt = 0.0
    for customer in population:
        for invoice in _customer_invoices(plant_rng, mess_rng, customer, plan, as_of):
            yield from _render(invoice, number, customer.customer_id, customer.country)
            number += 1
            guest_debt += len(invoice.lines) * plan.guest_debt_per_line
        while guest_debt > 0:
            guest, country = guest_invoice(mess_rng, as_of)
            yield from _render(guest, number, None, country)
            number += 1
            guest_debt -= len(guest.lines)


def write_order_lines(
    path: str | os.PathLike[str],
    customers: int,
    seed: int,
    as_of: date,
    *,
    encoding: str = "latin-1",
    rates: Mapping[str, float] | None = None,
    structure: str = DEFAULT_STRUCTURE,
) -> dict[str, Any]:
    """Write the order-lines CSV (via a `.part` file renamed into place); return counts."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"unknown encoding: {encoding!r}") from None
    lines = generate_order_lines(customers, seed, as_of, rates=rates, structure=structure)
    target = Path(path)
    part = target.with_name(f"{target.name}.part")
    by_kind = dict.fromkeys(ORDER_LINE_KINDS, 0)
    written = invoices = 0
    previous_invoice = None
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with part.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ORDER_LINES_HEADER)
            for line in lines:
                writer.writerow(line.fields)
                written += 1
                by_kind[line.kind] += 1
                invoices += line.fields[0] != previous_invoice
                previous_invoice = line.fields[0]
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, target)
    return {
        "customers": customers,
        "lines_written": written,
        "invoices": invoices,
        "lines_by_kind": by_kind,
    }
