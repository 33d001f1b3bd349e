"""The row stream: clean customers, their segment label, mess and duplicates, in bounded memory.

Clean values come from one random stream and every mess decision from another, so a customer's
clean attributes do not depend on `mess_rate`, and the first N customers are the same whatever
the total; only the delay queue (at most MAX_DELAY customers deep) is held in memory. The
structure (`planted` or `blob`, see `.structures`) decides how clean customers are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from customer_segmentation.datagen.customers import Customer, build_customer
from customer_segmentation.datagen.duplicates import MAX_DELAY, DelayQueue, stale_snapshot
from customer_segmentation.datagen.mess import KIND_ORDER, SEGMENT_SPOILERS, MessPlan, apply_mess
from customer_segmentation.datagen.sampling import between, derive_rng
from customer_segmentation.datagen.structures import DEFAULT_STRUCTURE, Structure, structure_named

Row = tuple[list[str], str | None, tuple[str, ...]]


def generate_rows(
    customers: int,
    seed: int,
    as_of: date,
    mess_rate: float = 1.0,
    *,
    rates: Mapping[str, float] | None = None,
    structure: str = DEFAULT_STRUCTURE,
) -> Iterator[Row]:
    """Yield (CSV fields, segment label or None, mess kinds) for every row of the file."""
    if customers < 0:
        raise ValueError("customers must be non-negative")
    plan = MessPlan(mess_rate, rates)
    return _rows(customers, seed, as_of, plan, structure_named(structure))


def _label(structure: Structure, customer: Customer, kinds: Iterable[str]) -> str | None:
    """A row's segment label: None when a defect spoils the segment the structure planted."""
    if structure.label_spoiled_rows or SEGMENT_SPOILERS.isdisjoint(kinds):
        return customer.segment
    return None


def _rows(
    customers: int, seed: int, as_of: date, plan: MessPlan, structure: Structure
) -> Iterator[Row]:
    """The row stream behind generate_rows (arguments already validated)."""
    clean_rng = derive_rng(seed, "customers")
    mess_rng = derive_rng(seed, "mess")
    delayed: DelayQueue[Row] = DelayQueue()
    stale_owed = 0
    for number in range(1, customers + 1):
        yield from delayed.release(number)
        customer = build_customer(clean_rng, number, as_of, structure)
        duplicate = plan.roll_duplicate(mess_rng)
        if duplicate == "duplicate_stale" and customer.total_orders < 2:
            stale_owed, duplicate = stale_owed + 1, None
        elif duplicate is None and stale_owed and customer.total_orders >= 2:
            stale_owed, duplicate = stale_owed - 1, "duplicate_stale"
        kinds = plan.roll_row(mess_rng)
        if duplicate is not None and "customer_id_missing" in kinds:
            kinds.remove("customer_id_missing")
        fields = customer.fields()
        apply_mess(mess_rng, fields, customer, kinds, as_of)
        row: Row = (fields, _label(structure, customer, kinds), tuple(kinds))
        due = number + between(mess_rng, 1, MAX_DELAY) if duplicate else 0
        if duplicate == "duplicate_exact":
            yield row
            copy_kinds = sorted([*kinds, "duplicate_exact"], key=KIND_ORDER.__getitem__)
            delayed.push(due, (list(fields), row[1], tuple(copy_kinds)))
        elif duplicate == "duplicate_stale":
            older = stale_snapshot(mess_rng, customer).fields()
            stale_kinds = ("duplicate_stale",)
            stale_row: Row = (older, _label(structure, customer, stale_kinds), stale_kinds)
            first, later = (row, stale_row) if mess_rng.random() < 0.5 else (stale_row, row)
            yield first
            delayed.push(due, later)
        else:
            yield row
    yield from delayed.drain()
